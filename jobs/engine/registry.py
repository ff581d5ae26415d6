"""Node types: one module each under jobs/engine/nodes/, registered by decorator.

A type declares its key, label, category, ports and parameter schema, and
implements output_schema, build and export_code. Everything else (the API,
validation, the compiler, code export) reads from the registry, so adding a
type touches only its module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

CATEGORIES = (
    "sources",
    "columns",
    "rows",
    "combining",
    "reshaping",
    "text_json",
    "sql_routing",
    "quality",
    "code",
    "targets",
)
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# A port fed by several edges gets a list; every other port one value.
Inputs = Mapping[str, Any]

_EMPTY: dict[tuple[tuple[str, str], ...], pl.DataFrame] = {}
_EMPTY_COLUMNS: dict[str, pl.Series] = {}
_EMPTY_LIMIT = 1024


def empty_frame(schema: Mapping[str, Any]) -> pl.LazyFrame:
    """A LazyFrame of no rows with this schema, for planning over schemas (output_schema, checks).

    `pl.LazyFrame(schema=...)` costs about 10 us per column (Python builds each Series), which
    made schema propagation a good part of a small run (benchmarks/pdsh.py). Empty columns and
    frames never change, so they are kept by their exact types (repr: Polars' `==` on types is
    looser than identity) and frames are stacked from kept columns.
    """
    key = tuple((name, repr(dtype)) for name, dtype in schema.items())
    if any("Categorical" in text or "Object" in text for _, text in key):
        return pl.LazyFrame(schema=schema)  # their identity is more than their repr
    frame = _EMPTY.get(key)
    if frame is None:
        if len(_EMPTY) >= _EMPTY_LIMIT or len(_EMPTY_COLUMNS) >= _EMPTY_LIMIT:
            forget_empty_frames()
        columns = []
        for (name, text), dtype in zip(key, schema.values(), strict=True):
            column = _EMPTY_COLUMNS.get(text)
            if column is None:
                column = _EMPTY_COLUMNS[text] = pl.Series("", dtype=dtype)
            columns.append(column.alias(name))
        frame = _EMPTY[key] = pl.DataFrame().hstack(columns)
    return frame.lazy()


def forget_empty_frames() -> None:
    _EMPTY.clear()
    _EMPTY_COLUMNS.clear()


@dataclass(frozen=True)
class Port:
    name: str
    many: bool = False


class NodeProblem(Exception):
    """A node's parameters do not fit its inputs; field is relative to the node (`params.on.0.left`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NodeProblems(Exception):
    """Several problems of one node at once."""

    def __init__(self, problems: Sequence[NodeProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Context:
    """What a node may not decide for itself."""

    run_id: str = "preview"
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))
    preview: bool = False
    sample_rows: int | None = None  # sources read at most this many rows (previews)
    staging: Path | None = None  # where targets write before publishing
    node_id: str = ""
    sources: tuple[str, ...] = ()  # ids of the nodes feeding a many-input port, in edge order
    publishers: list[Any] = field(default_factory=list)  # targets append what to do at publish time
    catalog_updates: list[Any] = field(default_factory=list)  # and what to change in the catalog after it
    should_stop: Callable[[], bool] | None = None  # asked once per morsel by the meters (jobs/engine/metrics.py)


@dataclass
class ExportContext:
    """Code export: the node's raw parameters (with ${...}) and how to render them as Python."""

    node_id: str
    raw_params: Mapping[str, Any]
    resolved_params: Mapping[str, Any]
    render: Callable[[Any, Any], str]  # (raw value, its resolved value) -> Python source
    input_schemas: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    helpers: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def lit(self, *path: str | int) -> str:
        """The raw parameter at `path` as Python source; ${name} becomes a run-time substitution."""
        raw: Any = self.raw_params
        resolved: Any = self.resolved_params
        for key in path:
            raw = raw[key]
            try:
                resolved = resolved[key]
            except (KeyError, IndexError, TypeError):
                resolved = None
        return self.render(raw, resolved)

    def need(self, *functions: Callable[..., Any]) -> None:
        """Functions whose source the exported script must contain (written so they need only Polars)."""
        for function in functions:
            known = self.helpers.setdefault(function.__name__, function)
            # The script defines helpers by name: two different ones with one name would
            # silently replace each other (window's and aggregate's `alias_of` once did).
            if known is not function:
                raise RuntimeError(
                    f"export helpers {known.__module__}.{known.__name__} and "
                    f"{function.__module__}.{function.__name__} share a name"
                )


class NodeType:
    key: ClassVar[str]
    label: ClassVar[str]
    category: ClassVar[str]
    glue: ClassVar[str | None] = None
    # One output row per input row (a column or order change): the run counts its rows from its input's.
    preserves_rows: ClassVar[bool] = False
    inputs: ClassVar[tuple[Port, ...]] = (Port("in"),)
    outputs: ClassVar[tuple[str, ...]] = ("out",)
    params_schema: ClassVar[dict[str, Any]] = {}

    def output_ports(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        return self.outputs

    def check(self, params: Mapping[str, Any], inputs: Inputs) -> None:
        """Raise NodeProblem(s) for parameters that do not fit the input schemas."""

    def output_schema(self, params: Mapping[str, Any], inputs: Inputs, ctx: Context) -> dict[str, pl.Schema]:
        """Schema per output port, found by planning build() over empty frames: no data is read."""
        self.check(params, inputs)
        empty = {
            port: [empty_frame(s) for s in value] if isinstance(value, list) else empty_frame(value)
            for port, value in inputs.items()
        }
        built = self.build(params, empty, ctx)
        frames = built if isinstance(built, dict) else {"out": built}
        return {port: frame.collect_schema() for port, frame in frames.items()}

    def build(self, params: Mapping[str, Any], inputs: Inputs, ctx: Context) -> pl.LazyFrame | dict[str, pl.LazyFrame]:
        raise NotImplementedError

    def footer_rows(self, params: Mapping[str, Any]) -> int | None:
        """A source's row count read directly from its file's metadata, or None: ask Polars instead."""
        return None

    def export_code(self, params: Mapping[str, Any], inputs: Mapping[str, Any], ctx: ExportContext) -> str:
        """Python source of an expression giving the output (inputs are variable names)."""
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "category": self.category,
            "inputs": [{"name": p.name, "many": p.many} for p in self.inputs],
            "outputs": [{"name": name} for name in self.outputs],
            "params_schema": {"$schema": SCHEMA_DIALECT, **self.params_schema},
            "glue": self.glue,
            "enabled": True,
            # route: one output per routes[].name, then `default` (the editor adds them as routes change)
            "dynamic_outputs": type(self).output_ports is not NodeType.output_ports,
        }


_REGISTRY: dict[str, NodeType] = {}


def register[T: type[NodeType]](cls: T) -> T:
    """Class decorator: add a node type; a key registered twice is a programming error."""
    if cls.key in _REGISTRY:
        raise ValueError(f"node type {cls.key!r} is registered twice")
    if cls.category not in CATEGORIES:
        raise ValueError(f"node type {cls.key!r}: unknown category {cls.category!r}")
    _REGISTRY[cls.key] = cls()
    return cls


_loaded = False


def _load() -> None:
    global _loaded
    if _loaded:
        return
    from jobs.engine import nodes

    for module in pkgutil.iter_modules(nodes.__path__):
        importlib.import_module(f"{nodes.__name__}.{module.name}")
    # Parameter checks compiled with the types (~2 ms), so that a run's child forked after the
    # node types were imported (jobs/runs/boot.py) finds them ready.
    from jobs.engine import paramcheck

    for node_type in _REGISTRY.values():
        paramcheck.checker(node_type.params_schema)
    _loaded = True


def get(key: str) -> NodeType | None:
    _load()
    return _REGISTRY.get(key)


def all_types() -> list[NodeType]:
    _load()
    return sorted(_REGISTRY.values(), key=lambda t: (CATEGORIES.index(t.category), t.key))
