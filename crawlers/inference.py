"""Schemas as catalog columns, and how schemas of different files merge.

Columns are `{"name", "type", "comment"}` with catalog type strings (catalog/types.py). While a
crawl runs, a column that held only nulls in every sampled row has the placeholder type `null`:
merging gives it the other side's type, and what is still `null` at the end is stored as `string`.

Merging widens: tinyint -> smallint -> int -> bigint -> double; float -> double; an integer and a
decimal -> double; date + timestamp -> timestamp; arrays merge their elements, structs their fields.
Anything else that disagrees (bigint and string, a struct and a number) becomes `string`, and the
merge records why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from catalog import types

NULL = "null"
INTEGERS = (pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)


def _is_null(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.Null)


def columns_from_polars(schema: Mapping[str, Any], null_columns: set[str] | None = None) -> list[dict[str, str]]:
    """Catalog columns from a Polars schema; columns named in `null_columns` (or of type Null) get `null`."""
    columns: list[dict[str, str]] = []
    for name, dtype in schema.items():
        if (null_columns and name in null_columns) or _is_null(dtype):
            columns.append({"name": name, "type": NULL, "comment": ""})
            continue
        text, comment = types.from_polars(dtype)
        columns.append({"name": name, "type": text, "comment": comment or ""})
    return columns


def frame_columns(frame: pl.DataFrame) -> list[dict[str, str]]:
    """Columns of a sampled frame; a column with no value in the sample is `null`, whatever Polars guessed."""
    nulls = {name for name in frame.columns if frame.height and frame[name].null_count() == frame.height}
    if not frame.height:
        nulls = {name for name, dtype in frame.schema.items() if dtype == pl.String}
    return columns_from_polars(frame.schema, nulls)


def _widen(a: Any, b: Any) -> Any:  # Polars dtypes: instances, or classes inside nested types  # noqa: PLR0911, PLR0912  (one return per rule)
    if a == b:
        return a
    if _is_null(a):
        return b
    if _is_null(b):
        return a
    ints_a, ints_b = isinstance(a, INTEGERS), isinstance(b, INTEGERS)
    if ints_a and ints_b:
        order = [pl.Int8, pl.Int16, pl.Int32, pl.Int64]
        rank: dict[type, int] = {t: i for i, t in enumerate(order)}
        return order[max(rank.get(type(a), 3), rank.get(type(b), 3))]()
    numeric_a = ints_a or isinstance(a, pl.Float32 | pl.Float64 | pl.Decimal)
    numeric_b = ints_b or isinstance(b, pl.Float32 | pl.Float64 | pl.Decimal)
    if isinstance(a, pl.Decimal) and isinstance(b, pl.Decimal):
        scale = max(a.scale or 0, b.scale or 0)
        whole = max((a.precision or 38) - (a.scale or 0), (b.precision or 38) - (b.scale or 0))
        return pl.Decimal(min(38, whole + scale), scale)
    if numeric_a and numeric_b:
        return pl.Float64()
    if {type(a), type(b)} <= {pl.Date, pl.Datetime}:
        return pl.Datetime("us")
    if isinstance(a, pl.List) and isinstance(b, pl.List):
        inner = _widen(a.inner, b.inner)
        return pl.List(inner) if inner is not None else None
    if isinstance(a, pl.Struct) and isinstance(b, pl.Struct):
        fields: dict[str, Any] = {f.name: f.dtype for f in a.fields}
        for f in b.fields:
            if f.name in fields:
                merged = _widen(fields[f.name], f.dtype)
                if merged is None:
                    return None
                fields[f.name] = merged
            else:
                fields[f.name] = f.dtype
        return pl.Struct(fields)
    return None


def _dtype(text: str) -> pl.DataType:
    return pl.Null() if text == NULL else types.to_polars(text)


def merge_type(a: str, b: str) -> tuple[str, bool]:
    """The type both fit in, and whether they conflicted (and so became string)."""
    if a == b:
        return a, False
    if a == NULL:
        return b, False
    if b == NULL:
        return a, False
    widened = _widen(_dtype(a), _dtype(b))
    if widened is None:
        return "string", True
    return types.from_polars(widened)[0], False


@dataclass
class Merged:
    columns: list[dict[str, str]]
    notes: list[str] = field(default_factory=list)  # what was widened, added or turned into string


def merge_columns(a: list[dict[str, str]], b: list[dict[str, str]], where: str = "") -> Merged:
    """Columns of `a` in their order, then those only `b` has; shared ones widened."""
    by_name = {c["name"]: c for c in b}
    result: list[dict[str, str]] = []
    notes: list[str] = []
    for column in a:
        other = by_name.get(column["name"])
        if other is None:
            result.append(column)
            continue
        merged, conflict = merge_type(column["type"], other["type"])
        if conflict:
            notes.append(
                f'column "{column["name"]}" is {column["type"]} in some files and {other["type"]} in others'
                f"{where}: stored as string"
            )
        elif merged != column["type"] and NULL not in (column["type"], other["type"]):
            notes.append(f'column "{column["name"]}" widened from {column["type"]} and {other["type"]} to {merged}')
        result.append({**column, "type": merged, "comment": column.get("comment") or other.get("comment", "")})
    names = {c["name"] for c in a}
    added = [c for c in b if c["name"] not in names]
    if added:
        notes.append("columns " + ", ".join(f'"{c["name"]}"' for c in added) + f" appear only in some files{where}")
    return Merged(result + added, notes)


def similarity(a: list[dict[str, str]], b: list[dict[str, str]]) -> float:
    """Shared column names over the smaller column count: 1.0 when one file's columns are all in the other
    (a schema that gained columns over time), 0 for none in common."""
    names_a, names_b = {c["name"] for c in a}, {c["name"] for c in b}
    if not names_a and not names_b:
        return 1.0
    return len(names_a & names_b) / max(1, min(len(names_a), len(names_b)))


def finish(columns: list[dict[str, str]]) -> list[dict[str, str]]:
    """The columns as the catalog stores them: a column never seen with a value is a string."""
    return [{**c, "type": "string" if c["type"] == NULL else c["type"]} for c in columns]
