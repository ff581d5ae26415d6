"""Compiled parameter checks (jobs/engine/paramcheck.py) answer exactly as jsonschema does, for every node type.

A run skips jsonschema for parameters the compiled check finds valid: a wrong "valid" would let bad
parameters into a run, so the check is compared with jsonschema on generated parameters that are
mostly almost right (the cases where a rule is easy to get wrong), and the errors users see are
still jsonschema's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from jobs.engine.paramcheck import compile_schema
from jobs.engine.registry import all_types
from jobs.engine.validate import validate
from tests.engine.harness import document

JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([0.0, 1.0, 1.5, -0.5, 2.0]) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6,
)


def slip(draw: st.DrawFn) -> bool:
    """One decision in twelve goes wrong: most values are valid, many are wrong in one place."""
    return draw(st.integers(0, 11)) == 0


@st.composite
def near(draw: st.DrawFn, schema: Any, depth: int = 0) -> Any:
    """A value shaped by `schema`, now and then wrong in one small way (or anything at all)."""
    if not isinstance(schema, Mapping) or depth > 6 or slip(draw):
        return draw(JUNK)
    branches = schema.get("oneOf", []) + schema.get("anyOf", [])
    if branches and not slip(draw):
        schema = {**schema, **draw(st.sampled_from(branches)), "oneOf": [], "anyOf": []}
    if "enum" in schema:
        return draw(st.sampled_from(list(schema["enum"])))
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds] if kinds else ["object"] if "properties" in schema else []
    if not kinds:
        return draw(JUNK)
    kind = draw(st.sampled_from(kinds))
    if kind in ("integer", "number"):
        lo = schema.get("minimum", schema.get("exclusiveMinimum", -2))
        odd = [lo - 1, lo - 1.0, lo + 0.5, float(lo), True]
        return draw(st.sampled_from(odd)) if slip(draw) else draw(st.integers(int(lo) + 1, int(lo) + 3))
    if kind == "string":
        if "pattern" in schema and not slip(draw):
            return draw(st.from_regex(schema["pattern"]))
        n = schema.get("minLength", 0) - (1 if slip(draw) else 0)
        return draw(st.text(min_size=max(0, n), max_size=max(0, n) + 2))
    if kind == "boolean":
        return 1 if slip(draw) else draw(st.booleans())
    if kind == "array":
        n = schema.get("minItems", 0) - (1 if slip(draw) else 0)
        return draw(st.lists(near(schema.get("items", {}), depth + 1), min_size=max(0, n), max_size=max(0, n) + 2))
    if kind == "object":
        return draw(_object(schema, depth))
    return None if kind == "null" else draw(JUNK)


@st.composite
def _object(draw: st.DrawFn, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    names = [n for n in properties if (n in required and not slip(draw)) or draw(st.booleans())]
    found = {name: draw(near(properties[name], depth + 1)) for name in names}
    extra = schema.get("additionalProperties")
    if isinstance(extra, Mapping):  # a map: keys of the user's choosing
        least = schema.get("minProperties", 0) - (1 if slip(draw) else 0)
        for key in draw(st.lists(st.text(min_size=1, max_size=3), min_size=max(0, least), max_size=3, unique=True)):
            found[key] = draw(near(extra, depth + 1))
    if slip(draw):
        found[draw(st.sampled_from(["zz", *properties]))] = draw(JUNK)
    return found


TYPES = all_types()


@pytest.mark.parametrize("node_type", TYPES, ids=[t.key for t in TYPES])
def test_every_node_types_schema_is_compiled(node_type: Any) -> None:
    assert compile_schema(node_type.params_schema) is not None


@pytest.mark.parametrize("node_type", TYPES, ids=[t.key for t in TYPES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_the_compiled_check_agrees_with_jsonschema(node_type: Any, data: st.DataObject) -> None:
    schema = node_type.params_schema
    fits = compile_schema(schema)
    assert fits is not None
    params = data.draw(near(schema))
    assert fits(params) == Draft202012Validator(schema).is_valid(params), params


@pytest.mark.parametrize(
    ("schema", "value", "valid"),
    [
        ({"type": "integer"}, True, False),  # a boolean is no number
        ({"type": "integer"}, 2.0, True),  # 2.0 is an integer in JSON Schema
        ({"type": "number", "minimum": 0}, False, False),
        ({"enum": [1]}, True, False),
        ({"enum": [1]}, 1.0, True),
        ({"enum": [[1, "a"]]}, [1, "a"], True),
        ({"type": "string", "minLength": 2}, "é", False),  # code points, not bytes
        ({"oneOf": [{"required": ["a"]}, {"required": ["b"]}]}, {"a": 1, "b": 2}, False),
        ({"additionalProperties": False, "properties": {"a": {}}}, {"b": 1}, False),
        ({"items": {"type": "string"}}, "not a list", True),
    ],
)
def test_json_schema_rules_that_python_would_get_wrong(schema: dict[str, Any], value: Any, valid: bool) -> None:
    fits = compile_schema(schema)
    assert fits is not None
    assert fits(value) is valid
    assert Draft202012Validator(schema).is_valid(value) is valid


def test_keywords_not_compiled_leave_the_schema_to_jsonschema() -> None:
    assert compile_schema({"type": "object", "patternProperties": {"^a": {}}}) is None
    assert compile_schema({"$ref": "#/$defs/x"}) is None


def test_bad_parameters_are_still_reported_field_by_field() -> None:
    graph = document(
        [
            {"id": "src", "type": "inline_data", "params": {"columns": [{"name": "a", "type": "int"}], "rows": [[1]]}},
            {"id": "f", "type": "filter", "params": {"condition": "a > 0", "rules": {"conditions": []}}},
            {"id": "l", "type": "limit", "params": {"n": -1}},
        ],
        [{"source": "src", "target": "f"}, {"source": "f", "target": "l"}],
    )
    errors = [(e["node"], e["field"]) for e in validate(graph)]
    assert ("f", "params") in errors
    assert ("l", "params.n") in errors
