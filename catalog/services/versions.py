"""Comparing two versions of a table: which columns were added, removed or retyped."""

from __future__ import annotations

from typing import Any

from catalog.models import TableVersion


def _by_name(columns: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in columns}


def _diff_columns(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    before, after = _by_name(old), _by_name(new)
    return {
        "added": [c for c in new if c["name"] not in before],
        "removed": [c for c in old if c["name"] not in after],
        "retyped": [
            {"name": name, "from": before[name]["type"], "to": c["type"]}
            for name, c in after.items()
            if name in before and before[name]["type"] != c["type"]
        ],
        "recommented": [
            {"name": name, "from": before[name]["comment"], "to": c["comment"]}
            for name, c in after.items()
            if name in before and before[name]["comment"] != c["comment"]
        ],
    }


def diff_versions(old: TableVersion, new: TableVersion) -> dict[str, Any]:
    """What changed from `old` to `new` (either order works: `from` is always `old`)."""
    columns = _diff_columns(old.columns, new.columns)
    old_order = [c["name"] for c in old.columns if c["name"] in _by_name(new.columns)]
    new_order = [c["name"] for c in new.columns if c["name"] in _by_name(old.columns)]
    changed_fields = {
        field: {"from": getattr(old, field), "to": getattr(new, field)}
        for field in ("table_type", "location", "classification", "format_options")
        if getattr(old, field) != getattr(new, field)
    }
    return {
        "from_version": old.number,
        "to_version": new.number,
        "columns": {**columns, "reordered": old_order != new_order},
        "partition_keys": _diff_columns(old.partition_keys, new.partition_keys),
        "changed": changed_fields,
    }
