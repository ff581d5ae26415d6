"""Small helpers shared by node type modules: schema snippets and column checks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from jobs.engine.registry import NodeProblem, NodeProblems

COLUMN = {"type": "string", "minLength": 1}

# Markers in params schemas say what a parameter means where JSON Schema cannot
# (docs/node-catalog.md, "Parameter markers"): the editor picks its widgets by them
# and tests/engine/test_node_type_markers.py checks them against what check() does.
MARK = "x-glueweb"


def columns_schema(min_items: int = 1, **extra: Any) -> dict[str, Any]:
    """A list of the input's column names (marked `columns`)."""
    return {"type": "array", "items": COLUMN, "minItems": min_items, MARK: "columns", **extra}


def obj(properties: dict[str, Any], required: Iterable[str] = (), **extra: Any) -> dict[str, Any]:
    """An object schema refusing unknown keys (problem 13 names them)."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        **extra,
    }


def require_column(schema: pl.Schema, name: str, field: str) -> None:
    if name not in schema:
        from jobs.engine.expressions import unknown_column

        raise NodeProblem(field, unknown_column(name, schema))


def require_columns(schema: pl.Schema, names: Iterable[str], field: str) -> None:
    problems: list[NodeProblem] = []
    for i, name in enumerate(names):
        try:
            require_column(schema, name, f"{field}.{i}")
        except NodeProblem as problem:
            problems.append(problem)
    if problems:
        raise NodeProblems(problems)


def no_duplicates(names: Iterable[str], field: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise NodeProblem(field, f'column "{name}" would be produced twice')
        seen.add(name)


def the_input(inputs: Mapping[str, Any]) -> Any:
    return inputs["in"]


def catalog_types() -> Any:
    """catalog.types (owned by the catalog app): the only place that maps catalog types and Polars dtypes."""
    from catalog import types

    return types


def to_polars(text: str, field: str) -> pl.DataType:
    try:
        return catalog_types().to_polars(text)
    except ValueError as exc:
        raise NodeProblem(field, str(exc)) from None


def is_numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def dtype_source(dtype: Any) -> str:  # noqa: PLR0911  (one return per kind of dtype)
    """Python source building `dtype` with `pl.` qualified at every level (for exported scripts)."""
    if isinstance(dtype, pl.List):
        return f"pl.List({dtype_source(dtype.inner)})"
    if isinstance(dtype, pl.Array):
        return f"pl.Array({dtype_source(dtype.inner)}, {dtype.size})"
    if isinstance(dtype, pl.Struct):
        fields = ", ".join(f"{f.name!r}: {dtype_source(f.dtype)}" for f in dtype.fields)
        return f"pl.Struct({{{fields}}})"
    if isinstance(dtype, pl.Decimal):
        return f"pl.Decimal({dtype.precision}, {dtype.scale})"
    if isinstance(dtype, pl.Datetime):
        return f"pl.Datetime({dtype.time_unit!r}, {dtype.time_zone!r})"
    if isinstance(dtype, pl.Duration):
        return f"pl.Duration({dtype.time_unit!r})"
    if hasattr(pl, "Map") and isinstance(dtype, pl.Map):
        return f"pl.Map({dtype_source(dtype.key)}, {dtype_source(dtype.value)})"
    return f"pl.{dtype.base_type()!r}"


def common_type(dtypes: Iterable[pl.DataType]) -> pl.DataType:
    """The type several columns meet in: integers widen, integer with float is double, with text is text."""
    frames = [pl.LazyFrame(schema={"v": d}) for d in dtypes]
    return pl.concat(frames, how="vertical_relaxed").collect_schema()["v"]
