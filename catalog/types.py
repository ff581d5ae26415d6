"""Catalog (Glue/Hive) type strings and their Polars twins: the contract of docs/catalog-types.md.

This is the only module in glueweb that converts between the two type systems.
`parse_type` checks a string and returns its canonical form; `to_polars` and
`from_polars` map single types; `schema_to_polars` and `schema_from_polars` map
whole column lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import polars as pl

__all__ = [
    "PRIMITIVES",
    "Column",
    "from_polars",
    "parse_type",
    "schema_from_polars",
    "schema_to_polars",
    "to_polars",
]

PRIMITIVES: tuple[str, ...] = (
    "string",
    "bigint",
    "int",
    "smallint",
    "tinyint",
    "double",
    "float",
    "boolean",
    "date",
    "timestamp",
    "binary",
)
MAX_PRECISION = 38
DURATION_COMMENT = "duration in microseconds"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_DIGITS = re.compile(r"[0-9]+")

# A column as schema_from_polars returns it and schema_to_polars accepts it.
Column = dict[str, Any]


# --- The parsed form ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Primitive:
    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True)
class _Decimal:
    precision: int
    scale: int

    def render(self) -> str:
        return f"decimal({self.precision},{self.scale})"


@dataclass(frozen=True)
class _Array:
    element: _Type

    def render(self) -> str:
        return f"array<{self.element.render()}>"


@dataclass(frozen=True)
class _Map:
    key: _Type
    value: _Type

    def render(self) -> str:
        return f"map<{self.key.render()},{self.value.render()}>"


@dataclass(frozen=True)
class _Struct:
    fields: tuple[tuple[str, _Type], ...]

    def render(self) -> str:
        return "struct<" + ",".join(f"{_quote(name)}:{t.render()}" for name, t in self.fields) + ">"


_Type = _Primitive | _Decimal | _Array | _Map | _Struct


def _quote(name: str) -> str:
    """Backticks only around names that are not plain identifiers (the canonical form)."""
    if _IDENTIFIER.fullmatch(name):
        return name
    return "`" + name.replace("`", "``") + "`"


# --- Parsing --------------------------------------------------------------------------------------


class _Parser:
    """Recursive descent over the grammar of docs/catalog-types.md, keeping positions for messages."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, pos: int | None = None) -> ValueError:
        at = self.pos if pos is None else pos
        return ValueError(f'{message} at position {at} in "{self.text}"')

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.skip_spaces()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, *chars: str) -> str:
        char = self.peek()
        if char not in chars or not char:
            wanted = " or ".join(f'"{c}"' for c in chars)
            raise self.fail(f"expected {wanted}")
        self.pos += 1
        return char

    def word(self) -> tuple[str, int]:
        self.skip_spaces()
        start = self.pos
        match = _IDENTIFIER.match(self.text, self.pos)
        if not match:
            raise self.fail("expected a type name")
        self.pos = match.end()
        return match.group(0), start

    def number(self, what: str) -> tuple[int, int]:
        self.skip_spaces()
        start = self.pos
        match = _DIGITS.match(self.text, self.pos)
        if not match:
            raise self.fail(f"expected the {what} (digits)")
        self.pos = match.end()
        return int(match.group(0)), start

    def parse(self) -> _Type:
        parsed = self.type()
        self.skip_spaces()
        if self.pos < len(self.text):
            raise self.fail(f'unexpected "{self.text[self.pos]}"')
        return parsed

    def type(self) -> _Type:  # noqa: PLR0911  (one return per type constructor)
        word, start = self.word()
        keyword = word.lower()
        if keyword in PRIMITIVES:
            return _Primitive(keyword)
        if keyword == "integer":
            return _Primitive("int")
        if keyword in ("char", "varchar"):
            self.expect("(")
            length, at = self.number("length")
            if length < 1:
                raise self.fail(f"{keyword} length must be at least 1", at)
            self.expect(")")
            return _Primitive("string")
        if keyword == "decimal":
            return self.decimal()
        if keyword == "array":
            self.expect("<")
            element = self.type()
            self.expect(">")
            return _Array(element)
        if keyword == "map":
            self.expect("<")
            self.skip_spaces()
            key_at = self.pos
            key = self.type()
            if not isinstance(key, _Primitive | _Decimal):
                raise self.fail(f"map keys must be of a primitive type, not {key.render()}", key_at)
            self.expect(",")
            value = self.type()
            self.expect(">")
            return _Map(key, value)
        if keyword == "struct":
            return self.struct()
        raise self.fail(f'unknown type "{word}"', start)

    def decimal(self) -> _Decimal:
        if self.peek() != "(":
            return _Decimal(10, 0)  # Hive's default for a bare `decimal`
        self.pos += 1
        precision, p_at = self.number("precision")
        if not 1 <= precision <= MAX_PRECISION:
            raise self.fail(f"decimal precision must be 1 to {MAX_PRECISION}, not {precision}", p_at)
        self.expect(",")
        scale, s_at = self.number("scale")
        if scale > precision:
            raise self.fail(f"decimal scale must be 0 to the precision ({precision}), not {scale}", s_at)
        self.expect(")")
        return _Decimal(precision, scale)

    def struct(self) -> _Struct:
        self.expect("<")
        fields: list[tuple[str, _Type]] = []
        seen: set[str] = set()
        while True:
            name, at = self.field_name()
            if name in seen:
                raise self.fail(f'duplicate field name "{name}"', at)
            seen.add(name)
            self.expect(":")
            fields.append((name, self.type()))
            if self.expect(",", ">") == ">":
                return _Struct(tuple(fields))

    def field_name(self) -> tuple[str, int]:
        self.skip_spaces()
        start = self.pos
        if self.peek() != "`":
            match = _IDENTIFIER.match(self.text, self.pos)
            if not match:
                raise self.fail("expected a field name")
            self.pos = match.end()
            return match.group(0), start
        self.pos += 1
        chars: list[str] = []
        while True:
            if self.pos >= len(self.text):
                raise self.fail("unterminated `quoted` field name", start)
            char = self.text[self.pos]
            if char == "`":
                if self.text.startswith("``", self.pos):
                    chars.append("`")
                    self.pos += 2
                    continue
                self.pos += 1
                return "".join(chars), start
            chars.append(char)
            self.pos += 1


def _parse(text: str) -> _Type:
    if not isinstance(text, str):
        raise ValueError(f"a type must be a string, not {type(text).__name__}")
    return _parse_cached(text)


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> _Type:
    return _Parser(text).parse()


def parse_type(text: str) -> str:
    """Check a catalog type string and return its canonical form; ValueError gives the position of a problem."""
    return _parse(text).render()


# --- Catalog -> Polars ----------------------------------------------------------------------------

_PRIMITIVE_TO_POLARS: dict[str, pl.DataType] = {
    "string": pl.String(),
    "bigint": pl.Int64(),
    "int": pl.Int32(),
    "smallint": pl.Int16(),
    "tinyint": pl.Int8(),
    "double": pl.Float64(),
    "float": pl.Float32(),
    "boolean": pl.Boolean(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),
    "binary": pl.Binary(),
}


def _node_to_polars(node: _Type) -> pl.DataType:
    if isinstance(node, _Primitive):
        return _PRIMITIVE_TO_POLARS[node.name]
    if isinstance(node, _Decimal):
        return pl.Decimal(node.precision, node.scale)
    if isinstance(node, _Array):
        return pl.List(_node_to_polars(node.element))
    if isinstance(node, _Map):
        return pl.Map(_node_to_polars(node.key), _node_to_polars(node.value))
    return pl.Struct({name: _node_to_polars(t) for name, t in node.fields})


def to_polars(text: str) -> pl.DataType:
    """The Polars dtype of a catalog type string (accepts every spelling parse_type accepts)."""
    return _node_to_polars(_parse(text))


# --- Polars -> catalog ----------------------------------------------------------------------------

# Exact twins first, then the nearest type holding every value (docs/catalog-types.md).
_POLARS_TO_PRIMITIVE: dict[type[pl.DataType], str] = {
    pl.String: "string",
    pl.Int64: "bigint",
    pl.Int32: "int",
    pl.Int16: "smallint",
    pl.Int8: "tinyint",
    pl.Float64: "double",
    pl.Float32: "float",
    pl.Boolean: "boolean",
    pl.Date: "date",
    pl.Datetime: "timestamp",
    pl.Binary: "binary",
    pl.UInt32: "bigint",
    pl.UInt16: "int",
    pl.UInt8: "smallint",
    pl.Float16: "float",
    pl.Time: "string",
    pl.Categorical: "string",
    pl.Enum: "string",
    pl.Null: "string",
    pl.Duration: "bigint",
}
_POLARS_TO_DECIMAL: dict[type[pl.DataType], _Decimal] = {
    pl.UInt64: _Decimal(20, 0),
    pl.Int128: _Decimal(38, 0),
    pl.UInt128: _Decimal(38, 0),
}


def _as_instance(dtype: Any) -> pl.DataType:
    """Polars accepts both `pl.Int64` and `pl.Int64()`; work with instances."""
    if isinstance(dtype, pl.DataType):
        return dtype
    if isinstance(dtype, type) and issubclass(dtype, pl.DataType):
        try:
            return dtype()
        except TypeError:
            raise ValueError(f"{dtype.__name__} needs its parameters (e.g. its inner type)") from None
    raise ValueError(f"{dtype!r} is not a Polars data type")


def _node_from_polars(dtype: Any, durations: list[bool]) -> _Type:  # noqa: PLR0911  (one return per dtype kind)
    dtype = _as_instance(dtype)
    base = type(dtype)
    if isinstance(dtype, pl.Decimal):
        precision = dtype.precision if dtype.precision is not None else MAX_PRECISION
        return _Decimal(precision, dtype.scale or 0)
    if base in _POLARS_TO_DECIMAL:
        return _POLARS_TO_DECIMAL[base]
    if base in _POLARS_TO_PRIMITIVE:
        if base is pl.Duration:
            durations.append(True)
        return _Primitive(_POLARS_TO_PRIMITIVE[base])
    if isinstance(dtype, pl.List | pl.Array):
        return _Array(_node_from_polars(dtype.inner, durations))
    if isinstance(dtype, pl.Map):
        key = _node_from_polars(dtype.key, durations)
        value = _node_from_polars(dtype.value, durations)
        if isinstance(key, _Primitive | _Decimal):
            return _Map(key, value)
        # The catalog's map keys are primitive: a nested key is kept as the list of records it is.
        return _Array(_Struct((("key", key), ("value", value))))
    if isinstance(dtype, pl.Struct):
        names = [f.name for f in dtype.fields]
        if len(set(names)) != len(names):
            raise ValueError(f"{dtype} has two fields with the same name")
        return _Struct(tuple((f.name, _node_from_polars(f.dtype, durations)) for f in dtype.fields))
    raise ValueError(f"the Polars type {dtype} has no catalog type; convert the column in the job first")


def from_polars(dtype: Any) -> tuple[str, str | None]:
    """The canonical catalog type of a Polars dtype, plus the column comment it needs (only Duration has one)."""
    durations: list[bool] = []
    text = _node_from_polars(dtype, durations).render()
    return text, (DURATION_COMMENT if durations else None)


# --- Whole schemas --------------------------------------------------------------------------------


def schema_to_polars(columns: Iterable[Mapping[str, Any] | tuple[str, str]]) -> pl.Schema:
    """A Polars schema from catalog columns: dicts with `name` and `type`, or (name, type) pairs, in order."""
    result: dict[str, pl.DataType] = {}
    for index, column in enumerate(columns):
        name, text = (column["name"], column["type"]) if isinstance(column, Mapping) else column
        if name in result:
            raise ValueError(f'column {index} "{name}": the name is used twice')
        try:
            result[name] = to_polars(text)
        except ValueError as exc:
            raise ValueError(f'column "{name}": {exc}') from None
    return pl.Schema(result)


def schema_from_polars(schema: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[Column]:
    """Catalog columns `{"name", "type", "comment"}` from a Polars schema; comment is "" unless one is needed.

    A dtype without a catalog type (Object, Unknown, extension types) raises ValueError naming the column.
    """
    items = schema.items() if isinstance(schema, Mapping) else schema
    columns: list[Column] = []
    for name, dtype in items:
        try:
            text, comment = from_polars(dtype)
        except ValueError as exc:
            raise ValueError(f'column "{name}": {exc}') from None
        columns.append({"name": name, "type": text, "comment": comment or ""})
    return columns
