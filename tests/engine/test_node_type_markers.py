"""The markers in node types' parameter schemas (docs/node-catalog.md, "Parameter markers") agree with check().

Which parameters name input columns is not written down here: it is read from
what the validator does. Every node type's check() runs on a valid example
(the round-trip cases) while require_column and compile_expression record the
fields they are given; those fields must carry the markers in the schema that
/api/node-types/ serves, with the right input port, and every column marker must
belong to such a field.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pytest

from jobs.engine import expressions, nodes, nodeutil, registry
from tests.engine.test_node_round_trips import CASES, ORDERS

Api = Callable[[str | None], Any]
ANY_ITEM = "*"
COLUMN_KINDS = ("column", "columns", "column-keys")


@dataclass(frozen=True)
class Example:
    node_type: str
    params: dict[str, Any]
    inputs: dict[str, list[pl.DataFrame]]


# Fields the round-trip cases leave unset: without an example, a field's marker cannot be checked.
EXTRA = [
    Example("flatten", {"columns": ["d"]}, {"in": [pl.DataFrame({"k": [1], "d": [{"os": "linux"}]})]}),
    Example("write_files", {"path": "lake/out/markers", "partition_by": ["country"]}, {"in": [ORDERS]}),
]
EXAMPLES = [Example(c.node_type, c.params, c.inputs) for c in CASES.values()] + EXTRA


@dataclass
class Recorded:
    """Field paths the validator checked, as (path, input port)."""

    columns: set[tuple[tuple[str, ...], str]] = field(default_factory=set)
    expressions: set[tuple[str, ...]] = field(default_factory=set)


def node_modules() -> Iterator[Any]:
    for info in pkgutil.iter_modules(nodes.__path__):
        yield importlib.import_module(f"{nodes.__name__}.{info.name}")


def port_of(schema: pl.Schema, inputs: Mapping[str, Any]) -> str:
    """The input port a checked schema came from (by identity: ports may carry equal schemas)."""
    for port, value in inputs.items():
        for candidate in value if isinstance(value, list) else [value]:
            if candidate is schema:
                return port
    raise AssertionError(f"a column was checked against a schema that is no input: {schema}")


def record_checks(monkeypatch: pytest.MonkeyPatch, inputs: Mapping[str, Any]) -> Recorded:
    """Wrap require_column and compile_expression wherever node modules call them; they still check."""
    seen = Recorded()
    real_column = nodeutil.require_column
    real_expression = expressions.compile_expression

    def require_column(schema: pl.Schema, name: str, where: str) -> None:
        seen.columns.add((tuple(where.split(".")), port_of(schema, inputs)))
        real_column(schema, name, where)

    def compile_expression(text: str, schema: pl.Schema, where: str, **kwargs: Any) -> pl.Expr:
        seen.expressions.add(tuple(where.split(".")))
        return real_expression(text, schema, where, **kwargs)

    monkeypatch.setattr(nodeutil, "require_column", require_column)  # require_columns calls it here
    for module in node_modules():
        if hasattr(module, "require_column"):
            monkeypatch.setattr(module, "require_column", require_column)
        if hasattr(module, "compile_expression"):
            monkeypatch.setattr(module, "compile_expression", compile_expression)
    return seen


def input_schemas(node_type: registry.NodeType, frames: Mapping[str, list[pl.DataFrame]]) -> dict[str, Any]:
    many = {port.name for port in node_type.inputs if port.many}
    return {port: [f.schema for f in fs] if port in many else fs[0].schema for port, fs in frames.items()}


def resolve(schema: dict[str, Any], path: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    """The schema a problem field points into, and how the last step got there (property, item or key).

    `params.subset.0` is an item of the list `subset`; `params.mapping.id` is the key `id` of a mapping.
    """
    assert path[0] == "params", path
    node, step = schema, "property"
    parents = [schema]
    for part in path[1:]:
        if part in node.get("properties", {}):
            node, step = node["properties"][part], "property"
        elif node.get("type") == "array" and part.isdigit():
            node, step = node["items"], "item"
        elif isinstance(node.get("additionalProperties"), dict):
            node, step = node["additionalProperties"], "key"
        else:
            raise AssertionError(f"{'.'.join(path)} is not a field of the schema")
        parents.append(node)
    return (parents[-2] if step in ("item", "key") else node), step


def marked_fields(schema: dict[str, Any], path: tuple[str, ...] = ("params",)) -> Iterator[tuple[tuple[str, ...], str]]:
    """(path, marker) of every marked parameter; list items are `*`."""
    if "x-glueweb" in schema:
        yield path, schema["x-glueweb"]
    for name, sub in schema.get("properties", {}).items():
        yield from marked_fields(sub, (*path, name))
    if isinstance(schema.get("items"), dict):
        yield from marked_fields(schema["items"], (*path, ANY_ITEM))
    if isinstance(schema.get("additionalProperties"), dict):
        yield from marked_fields(schema["additionalProperties"], (*path, ANY_ITEM))


def general(path: tuple[str, ...], step: str) -> tuple[str, ...]:
    """A recorded field as marked_fields names it: list indexes become `*`; an item or key means its container."""
    named = tuple(ANY_ITEM if part.isdigit() else part for part in path)
    return named[:-1] if step in ("item", "key") else named


@pytest.fixture
def served(api: Api) -> dict[str, dict[str, Any]]:
    response = api("viewer").get("/api/node-types/")
    assert response.status_code == 200
    return {t["key"]: t for t in response.json()}


def checked_fields(monkeypatch: pytest.MonkeyPatch, served: Mapping[str, Any]) -> dict[str, Recorded]:
    """Per node type key: what check() looked at over all its examples."""
    found: dict[str, Recorded] = {}
    for example in EXAMPLES:
        node_type = registry.get(example.node_type)
        assert node_type is not None and example.node_type in served, example.node_type
        inputs = input_schemas(node_type, example.inputs)
        with monkeypatch.context() as patch:
            seen = record_checks(patch, inputs)
            node_type.check(example.params, inputs)
        into = found.setdefault(example.node_type, Recorded())
        into.columns |= seen.columns
        into.expressions |= seen.expressions
    return found


@pytest.mark.django_db
def test_every_field_check_reads_as_a_column_is_marked_with_its_port(
    monkeypatch: pytest.MonkeyPatch, served: dict[str, dict[str, Any]]
) -> None:
    found = checked_fields(monkeypatch, served)
    assert sum(len(r.columns) for r in found.values()) > 20  # the recording saw the checks
    wrong = []
    for key, recorded in found.items():
        served_type = served[key]
        first_input = served_type["inputs"][0]["name"]
        for path, port in sorted(recorded.columns):
            schema, step = resolve(served_type["params_schema"], path)
            wanted = {"property": "column", "item": "columns", "key": "column-keys"}[step]
            mark = (schema.get("x-glueweb"), schema.get("x-glueweb-port", first_input))
            if mark != (wanted, port):
                wrong.append(f"{key} {'.'.join(path)}: has {mark}, needs ({wanted!r}, {port!r})")
    assert wrong == []


@pytest.mark.django_db
def test_every_column_marker_is_on_a_field_check_reads_as_a_column(
    monkeypatch: pytest.MonkeyPatch, served: dict[str, dict[str, Any]]
) -> None:
    found = checked_fields(monkeypatch, served)
    for key, served_type in served.items():
        marked = {path for path, mark in marked_fields(served_type["params_schema"]) if mark in COLUMN_KINDS}
        checked = {
            general(path, resolve(served_type["params_schema"], path)[1])
            for path, _ in found.get(key, Recorded()).columns
        }
        # A marked field no example reaches needs an Example in EXTRA above; a reached one, its marker.
        assert marked == checked, (
            f"{key}: marked but not checked as columns {marked - checked}; checked but not marked {checked - marked}"
        )


@pytest.mark.django_db
def test_every_expression_check_compiles_is_marked_as_one(
    monkeypatch: pytest.MonkeyPatch, served: dict[str, dict[str, Any]]
) -> None:
    found = checked_fields(monkeypatch, served)
    assert {key for key, r in found.items() if r.expressions} >= {"filter", "derived_column", "route"}
    for key, recorded in found.items():
        for path in recorded.expressions:
            schema, _ = resolve(served[key]["params_schema"], path)
            assert schema.get("x-glueweb") == "expression", f"{key} {'.'.join(path)}"
