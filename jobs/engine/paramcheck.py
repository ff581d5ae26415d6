"""A node's parameters against its JSON Schema, compiled once per node type into a plain predicate.

Every run checks every node's parameters (validate._resolve_params). jsonschema walks the schema
afresh for each instance, building a validator per subschema, which cost about a fifth of a small
PDS-H query's analysis (benchmarks/pdsh_overhead.py). The node types' schemas use a small set of
keywords, so each is compiled here into nested closures that answer "valid?" only.

The answer is exact for the keywords below (the same rules as jsonschema's Draft 2020-12
validator: `bool` is not a number, `1.0` is an integer, enum equality keeps `True` apart from `1`);
a schema with any other keyword gets no predicate. Either way jsonschema still has the last word
on everything that does not fit: `fits` only lets a valid document skip it, and the error messages
come from jsonschema as before.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

from jsonschema import Draft202012Validator

Check = Callable[[Any], bool]

# Keywords that assert nothing (annotations); `x-...` extensions too.
ANNOTATIONS = {"default", "title", "description", "examples", "$comment", "$schema", "deprecated", "readOnly",
               "writeOnly"}  # fmt: skip


class Unsupported(Exception):
    """The schema uses a keyword this module does not compile."""


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


TYPES: dict[str, Check] = {
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "integer": _is_integer,
    "null": lambda v: v is None,
    "number": _is_number,
    "object": lambda v: isinstance(v, dict),
    "string": lambda v: isinstance(v, str),
}


def equal(one: Any, two: Any) -> bool:
    """JSON equality as jsonschema's enum has it: True is not 1, lists and objects compared deeply."""
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, bool) or isinstance(two, bool):
        return isinstance(one, bool) and isinstance(two, bool) and one == two
    if isinstance(one, list) and isinstance(two, list):
        return len(one) == len(two) and all(equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, dict) and isinstance(two, dict):
        return one.keys() == two.keys() and all(equal(one[k], two[k]) for k in one)
    if isinstance(one, (list, dict)) or isinstance(two, (list, dict)):
        return False
    return bool(one == two)


def _compile(schema: Any) -> Check:
    if schema is True or schema == {}:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, Mapping):
        raise Unsupported(repr(schema))
    checks = [
        _keyword(keyword, arg, schema)
        for keyword, arg in schema.items()
        if keyword not in ANNOTATIONS and not keyword.startswith("x-") and keyword not in OBJECT_KEYWORDS
    ]
    if OBJECT_KEYWORDS & schema.keys():
        checks.append(_object(schema))
    return lambda v: all(c(v) for c in checks)


OBJECT_KEYWORDS = {"properties", "additionalProperties"}  # compiled together (_object)


def _any_of(tests: list[Check]) -> Check:
    return lambda v: any(t(v) for t in tests)


def _keyword(keyword: str, arg: Any, schema: Mapping[str, Any]) -> Check:  # noqa: PLR0911  (one per keyword)
    if keyword == "type":
        return _any_of([TYPES[name] for name in (arg if isinstance(arg, list) else [arg])])
    if keyword == "enum":
        options = list(arg)
        return lambda v: any(equal(v, o) for o in options)
    if keyword == "required":
        names = list(arg)
        return lambda v: not isinstance(v, dict) or all(n in v for n in names)
    sizes: dict[str, type] = {"Length": str, "Items": list, "Properties": dict}
    if keyword[:3] in ("min", "max") and keyword[3:] in sizes:
        return _bound(keyword, arg, sizes[keyword[3:]], len)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return _number_bound(keyword, arg)
    if keyword == "pattern":
        regex = re.compile(arg)
        return lambda v: not isinstance(v, str) or regex.search(v) is not None
    if keyword == "items":
        if "prefixItems" in schema:
            raise Unsupported("prefixItems")
        each = _compile(arg)
        return lambda v: not isinstance(v, list) or all(each(x) for x in v)
    if keyword in ("anyOf", "allOf", "oneOf"):
        branches = [_compile(s) for s in arg]
        if keyword == "anyOf":
            return _any_of(branches)
        if keyword == "allOf":
            return lambda v: all(b(v) for b in branches)
        return lambda v: sum(1 for b in branches if b(v)) == 1  # exact predicates: "exactly one" is exact too
    raise Unsupported(keyword)


def _bound(keyword: str, limit: int, kind: type, size: Callable[[Any], int]) -> Check:
    if keyword.startswith("min"):
        return lambda v: not isinstance(v, kind) or size(v) >= limit
    return lambda v: not isinstance(v, kind) or size(v) <= limit


def _number_bound(keyword: str, limit: float) -> Check:
    test: Callable[[Any], bool] = {
        "minimum": lambda v: v >= limit,
        "maximum": lambda v: v <= limit,
        "exclusiveMinimum": lambda v: v > limit,
        "exclusiveMaximum": lambda v: v < limit,
    }[keyword]
    return lambda v: not _is_number(v) or test(v)


def _object(schema: Mapping[str, Any]) -> Check:
    if "patternProperties" in schema:
        raise Unsupported("patternProperties")
    properties = {name: _compile(sub) for name, sub in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    other = None if extra is True else _compile(extra)

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for name, item in value.items():
            test = properties.get(name, other)
            if test is not None and not test(item):
                return False
        return True

    return check


def compile_schema(schema: Mapping[str, Any]) -> Check | None:
    """The exact predicate for `schema`, or None when it uses a keyword not compiled here."""
    try:
        return _compile(schema)
    except (Unsupported, KeyError, TypeError, re.error):
        return None


_compiled: dict[int, tuple[Mapping[str, Any], Check | None, Draft202012Validator]] = {}


def checker(schema: Mapping[str, Any]) -> tuple[Check | None, Draft202012Validator]:
    """(predicate or None, jsonschema validator) for a node type's schema, made once per schema.

    Node types' schemas are class attributes that never change; they are kept by identity (the
    schema itself is kept too, so its id cannot be reused by another object).
    """
    found = _compiled.get(id(schema))
    if found is None or found[0] is not schema:
        found = _compiled[id(schema)] = (schema, compile_schema(schema), Draft202012Validator(schema))
    return found[1], found[2]
