"""catalog.types against docs/catalog-types.md: parsing, canonical form, and the Polars mapping both ways."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.types import (
    PRIMITIVES,
    from_polars,
    parse_type,
    schema_from_polars,
    schema_to_polars,
    to_polars,
)

# --- Canonical types, generated ------------------------------------------------------------------

field_names = st.one_of(
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}", fullmatch=True),
    st.text(alphabet=st.sampled_from("ab `:,<>é 1-"), min_size=1, max_size=6),
)
decimals = st.integers(1, 38).flatmap(lambda p: st.integers(0, p).map(lambda s: f"decimal({p},{s})"))
key_types = st.one_of(st.sampled_from(PRIMITIVES), decimals)


def _quote(name: str) -> str:
    import re

    return name if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) else "`" + name.replace("`", "``") + "`"


def _struct(fields: list[tuple[str, str]]) -> str:
    return "struct<" + ",".join(f"{_quote(n)}:{t}" for n, t in fields) + ">"


catalog_types = st.recursive(
    st.one_of(st.sampled_from(PRIMITIVES), decimals),
    lambda inner: st.one_of(
        inner.map(lambda t: f"array<{t}>"),
        st.tuples(key_types, inner).map(lambda kv: f"map<{kv[0]},{kv[1]}>"),
        st.lists(st.tuples(field_names, inner), min_size=1, max_size=4, unique_by=lambda f: f[0]).map(_struct),
        inner.map(lambda t: f"array<struct<key:string,value:{t}>>"),
    ),
    max_leaves=8,
)


def _respell(text: str, draw_upper: bool) -> str:
    """The same type with keyword case and spaces other tools might write (outside backticks)."""
    out: list[str] = []
    quoted = False
    for char in text:
        if char == "`":
            quoted = not quoted
        if not quoted and char in ",<>:":
            out.append(f" {char} ")
        elif not quoted and draw_upper:
            out.append(char.upper())
        else:
            out.append(char)
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(catalog_types)
def test_every_canonical_type_parses_to_itself(text: str) -> None:
    assert parse_type(text) == text


@settings(max_examples=300, deadline=None)
@given(catalog_types)
def test_every_canonical_type_round_trips_through_polars(text: str) -> None:
    assert from_polars(to_polars(text)) == (text, None)


@settings(max_examples=200, deadline=None)
@given(catalog_types, st.booleans())
def test_case_and_spaces_do_not_change_the_canonical_form(text: str, upper: bool) -> None:
    # Upper-casing field names changes them (names are kept exactly), so only keywords are upper-cased.
    respelled = _respell(text, draw_upper=False)
    assert parse_type(respelled) == text
    if upper and "struct" not in text:
        assert parse_type(_respell(text, draw_upper=True)) == text


def test_every_decimal_round_trips() -> None:
    for p in range(1, 39):
        for s in range(p + 1):
            text = f"decimal({p},{s})"
            assert parse_type(text) == text
            assert to_polars(text) == pl.Decimal(p, s)
            assert from_polars(to_polars(text)) == (text, None)


@pytest.mark.parametrize(
    ("text", "dtype"),
    [
        ("string", pl.String()),
        ("bigint", pl.Int64()),
        ("int", pl.Int32()),
        ("smallint", pl.Int16()),
        ("tinyint", pl.Int8()),
        ("double", pl.Float64()),
        ("float", pl.Float32()),
        ("boolean", pl.Boolean()),
        ("date", pl.Date()),
        ("timestamp", pl.Datetime("us")),
        ("decimal(12,3)", pl.Decimal(12, 3)),
        ("binary", pl.Binary()),
        ("array<int>", pl.List(pl.Int32)),
        ("struct<a:int,b:string>", pl.Struct({"a": pl.Int32, "b": pl.String})),
        ("map<string,bigint>", pl.Map(pl.String, pl.Int64)),
        (
            "array<struct<key:string,value:bigint>>",
            pl.List(pl.Struct({"key": pl.String, "value": pl.Int64})),
        ),
    ],
)
def test_catalog_types_map_to_their_polars_twin(text: str, dtype: pl.DataType) -> None:
    assert to_polars(text) == dtype
    assert from_polars(dtype) == (text, None)


def test_struct_fields_keep_their_order_and_names() -> None:
    dtype = to_polars("struct<`first name`:string,id:bigint,`a``b`:int>")
    assert [f.name for f in dtype.fields] == ["first name", "id", "a`b"]  # type: ignore[attr-defined]
    assert from_polars(dtype)[0] == "struct<`first name`:string,id:bigint,`a``b`:int>"


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (pl.UInt64, ("decimal(20,0)", None)),
        (pl.UInt32, ("bigint", None)),
        (pl.UInt16, ("int", None)),
        (pl.UInt8, ("smallint", None)),
        (pl.Int128, ("decimal(38,0)", None)),
        (pl.UInt128, ("decimal(38,0)", None)),
        (pl.Float16, ("float", None)),
        (pl.Datetime("ns"), ("timestamp", None)),
        (pl.Datetime("ms"), ("timestamp", None)),
        (pl.Datetime("us", "Europe/Amsterdam"), ("timestamp", None)),
        (pl.Duration("ms"), ("bigint", "duration in microseconds")),
        (pl.Time, ("string", None)),
        (pl.Categorical(), ("string", None)),
        (pl.Enum(["a", "b"]), ("string", None)),
        (pl.Null, ("string", None)),
        (pl.Array(pl.Int32, 3), ("array<int>", None)),
        (pl.List(pl.UInt32), ("array<bigint>", None)),
        (pl.Struct({"at": pl.Datetime("ns", "UTC")}), ("struct<at:timestamp>", None)),
        (pl.Int64, ("bigint", None)),
    ],
)
def test_polars_types_without_a_twin_map_to_the_nearest_catalog_type(
    dtype: pl.DataType, expected: tuple[str, str | None]
) -> None:
    assert from_polars(dtype) == expected


@pytest.mark.parametrize("dtype", [pl.Object, pl.Unknown])
def test_polars_types_that_hold_no_catalog_value_are_refused(dtype: pl.DataType) -> None:
    with pytest.raises(ValueError, match="no catalog type"):
        from_polars(dtype)


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("integer", "int"),
        ("INTEGER", "int"),
        ("decimal", "decimal(10,0)"),
        ("char(10)", "string"),
        ("VARCHAR(255)", "string"),
        ("map<string, bigint>", "map<string,bigint>"),
        ("Array<Int>", "array<int>"),
        ("struct< a : array< integer > >", "struct<a:array<int>>"),
        ("map<decimal,int>", "map<decimal(10,0),int>"),
        ("struct<`plain`:int>", "struct<plain:int>"),
    ],
)
def test_aliases_are_stored_in_canonical_form(alias: str, canonical: str) -> None:
    assert parse_type(alias) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("varchr", 'unknown type "varchr" at position 0 in "varchr"'),
        ("interval", 'unknown type "interval" at position 0'),
        ("uniontype<int,string>", 'unknown type "uniontype" at position 0'),
        ("decimal(40,2)", "decimal precision must be 1 to 38, not 40 at position 8"),
        ("decimal(0,0)", "decimal precision must be 1 to 38, not 0"),
        ("decimal(5,6)", "scale must be 0 to the precision (5), not 6"),
        ("map<array<int>,string>", "map keys must be of a primitive type, not array<int> at position 4"),
        ("array<struct<a:int", 'expected "," or ">" at position 18 in "array<struct<a:int"'),
        ("struct<a:int,a:string>", 'duplicate field name "a" at position 13'),
        ("struct<>", "expected a field name at position 7"),
        ("array<int>>", 'unexpected ">" at position 10'),
        ("", "expected a type name at position 0"),
        ("struct<`a:int>", "unterminated `quoted` field name at position 7"),
        ("char", 'expected "(" at position 4'),
    ],
)
def test_malformed_types_are_refused_with_the_position(text: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        parse_type(text)
    assert message in str(caught.value)


def test_non_strings_are_refused() -> None:
    with pytest.raises(ValueError, match="must be a string"):
        parse_type(42)  # type: ignore[arg-type]


def test_schema_round_trip() -> None:
    columns = [
        {"name": "id", "type": "bigint", "comment": ""},
        {"name": "tags", "type": "array<string>", "comment": ""},
        {"name": "attrs", "type": "map<string,double>", "comment": ""},
    ]
    schema = schema_to_polars(columns)
    assert list(schema.keys()) == ["id", "tags", "attrs"]
    assert schema_from_polars(schema) == columns
    assert schema_to_polars([("a", "int")]) == pl.Schema({"a": pl.Int32})


def test_schema_from_polars_names_the_column_it_cannot_map() -> None:
    with pytest.raises(ValueError, match='column "blob"'):
        schema_from_polars({"ok": pl.Int64, "blob": pl.Object})
    assert schema_from_polars({"took": pl.Duration("ns")}) == [
        {"name": "took", "type": "bigint", "comment": "duration in microseconds"}
    ]


def test_schema_to_polars_names_the_column_with_a_bad_type() -> None:
    with pytest.raises(ValueError, match='column "x": unknown type'):
        schema_to_polars([{"name": "x", "type": "varchr"}])
    with pytest.raises(ValueError, match="used twice"):
        schema_to_polars([("a", "int"), ("a", "int")])
