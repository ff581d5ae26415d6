"""`${name}` substitution in node parameters (docs/graph-format.md, "Parameter substitution")."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

# `$${` is a literal `${`; otherwise `${name}` is a reference.
REFERENCE = re.compile(r"\$(\$\{)|\$\{([^}]*)\}")


def format_value(value: Any) -> str:
    """How a parameter value is written into text: plain decimals, lower-case booleans."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def references(text: str) -> list[str]:
    return [m.group(2) for m in REFERENCE.finditer(text) if m.group(2) is not None]


def _schema_types(schema: Mapping[str, Any] | None) -> set[str]:
    if not schema:
        return set()
    kinds: set[str] = set()
    for key in ("type",):
        value = schema.get(key)
        if isinstance(value, str):
            kinds.add(value)
        elif isinstance(value, list):
            kinds.update(v for v in value if isinstance(v, str))
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, []):
            kinds |= _schema_types(sub)
    return kinds


def _child_schema(schema: Mapping[str, Any] | None, key: str | int) -> Mapping[str, Any] | None:
    if not schema:
        return None
    if isinstance(key, int):
        items = schema.get("items")
        return items if isinstance(items, dict) else None
    props = schema.get("properties", {})
    if key in props:
        return props[key]
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def substitute(
    params: Any,
    values: Mapping[str, Any],
    schema: Mapping[str, Any] | None,
    path: str = "params",
) -> tuple[Any, list[tuple[str, str]], bool]:
    """(substituted params, [(field, unknown name)], whether a value without default was needed).

    `values` maps every declared parameter to its value, or to Ellipsis when it has none yet
    (design time without a default): such checks are postponed, so the caller skips the node.
    """
    unknown: list[tuple[str, str]] = []
    postponed = False

    def walk(value: Any, sub_schema: Mapping[str, Any] | None, where: str) -> Any:  # noqa: PLR0911
        nonlocal postponed
        if isinstance(value, dict):
            return {k: walk(v, _child_schema(sub_schema, k), f"{where}.{k}") for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, _child_schema(sub_schema, i), f"{where}.{i}") for i, v in enumerate(value)]
        if not isinstance(value, str) or "$" not in value:
            return value
        names = references(value)
        missing = [n for n in names if n not in values]
        if missing:
            unknown.extend((where, n) for n in missing)
            return value
        if any(values[n] is Ellipsis for n in names):
            postponed = True
            return value
        whole = REFERENCE.fullmatch(value)
        if whole and whole.group(2) is not None:
            typed = values[whole.group(2)]
            kinds = _schema_types(sub_schema)
            if not isinstance(typed, str) and (not kinds or "string" not in kinds):
                return typed

        def replace(match: re.Match[str]) -> str:
            if match.group(1):
                return "${"
            return format_value(values[match.group(2)])

        return REFERENCE.sub(replace, value)

    result = walk(params, schema, path)
    return result, unknown, postponed
