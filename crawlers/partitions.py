"""Partitions from folder names: `key=value` folders give named keys, others `partition_0`, `partition_1`, ...

A table's files all sit the same number of folders below the table's folder; the folder names on
the way down are the partition values. Level i is a named key when every folder at that level is
`k=v` with the same `k`; otherwise it is `partition_i` and the whole folder name is the value.
A key whose values are all whole numbers is a bigint, any other a string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

INTEGER = re.compile(r"[+-]?\d{1,18}")


@dataclass(frozen=True)
class PartitionLayout:
    keys: list[dict[str, str]]  # catalog columns {name, type, comment}
    values: dict[tuple[str, ...], tuple[str, ...]]  # folder segments -> values
    notes: list[str]


def _split(segment: str) -> tuple[str, str] | None:
    key, sep, value = segment.partition("=")
    if not sep or not key:
        return None
    return key, value


def layout(paths: Iterable[tuple[str, ...]], column_names: set[str]) -> PartitionLayout:
    """The partition keys and each partition's values, from the folder segments below the table folder."""
    distinct = sorted(set(paths))
    depth = len(distinct[0]) if distinct else 0
    keys: list[dict[str, str]] = []
    named: list[bool] = []
    notes: list[str] = []
    for level in range(depth):
        pairs = [_split(p[level]) for p in distinct]
        names = {pair[0] for pair in pairs if pair is not None}
        is_named = all(pair is not None for pair in pairs) and len(names) == 1
        name = names.pop() if is_named else f"partition_{level}"
        if is_named and (name in column_names or any(k["name"] == name for k in keys)):
            notes.append(f'folders name the key "{name}", which is also a column: the key is called partition_{level}')
            name = f"partition_{level}"
        elif not is_named:
            notes.append(f"folders at level {level + 1} are not all key=value with one key: partition_{level}")
        named.append(is_named)
        values = [
            (pair[1] if is_named and pair is not None else p[level]) for p, pair in zip(distinct, pairs, strict=True)
        ]
        kind = "bigint" if values and all(INTEGER.fullmatch(v) for v in values) else "string"
        keys.append({"name": name, "type": kind, "comment": ""})
    mapping: dict[tuple[str, ...], tuple[str, ...]] = {}
    for path in distinct:
        mapping[path] = tuple(
            (_split(segment) or ("", segment))[1] if named[level] else segment for level, segment in enumerate(path)
        )
    return PartitionLayout(keys, mapping, notes)
