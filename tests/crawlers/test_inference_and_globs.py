"""Schemas merge by widening; exclusion globs match as documented."""

from __future__ import annotations

import pytest

from crawlers.globs import Exclusions, GlobError, compile_glob
from crawlers.inference import finish, merge_columns, merge_type


def col(name: str, type: str) -> dict[str, str]:
    return {"name": name, "type": type, "comment": ""}


@pytest.mark.parametrize(
    ("a", "b", "merged"),
    [
        ("int", "bigint", "bigint"),
        ("tinyint", "smallint", "smallint"),
        ("bigint", "double", "double"),
        ("float", "double", "double"),
        ("int", "decimal(10,2)", "double"),
        ("date", "timestamp", "timestamp"),
        ("null", "bigint", "bigint"),
        ("string", "null", "string"),
        ("array<int>", "array<bigint>", "array<bigint>"),
        ("struct<a:int>", "struct<b:string>", "struct<a:int,b:string>"),
    ],
)
def test_types_widen(a: str, b: str, merged: str) -> None:
    assert merge_type(a, b) == (merged, False)
    assert merge_type(b, a)[0] in (merged, "struct<b:string,a:int>")


def test_incompatible_types_become_string_and_say_why() -> None:
    merged = merge_columns([col("id", "bigint"), col("x", "string")], [col("id", "struct<a:int>"), col("y", "date")])
    assert merged.columns == [col("id", "string"), col("x", "string"), col("y", "date")]
    assert any('"id" is bigint in some files and struct<a:int> in others' in n for n in merged.notes)
    assert any('"y"' in n and "only in some files" in n for n in merged.notes)


def test_a_column_never_seen_with_a_value_is_stored_as_string() -> None:
    assert finish([col("n", "null"), col("a", "bigint")]) == [col("n", "string"), col("a", "bigint")]


@pytest.mark.parametrize(
    ("pattern", "matches", "misses"),
    [
        ("*.csv", ["a.csv"], ["dir/a.csv", "a.json"]),
        ("**/*.csv", ["a.csv", "x/y/a.csv"], ["a.json"]),
        ("tmp/**", ["tmp/a", "tmp/b/c"], ["tmpx/a"]),
        ("file?.txt", ["file1.txt"], ["file12.txt", "file/.txt"]),
        ("part-[0-4].csv", ["part-3.csv"], ["part-7.csv"]),
        ("part-[!0-4].csv", ["part-7.csv"], ["part-3.csv"]),
        ("*.{csv,tsv}", ["a.csv", "b.tsv"], ["c.json"]),
        ("logs", ["logs/a.txt", "logs/x/y"], ["catalogs/a"]),
    ],
)
def test_globs(pattern: str, matches: list[str], misses: list[str]) -> None:
    exclusions = Exclusions.of([pattern])
    for path in matches:
        assert exclusions.match(path) == pattern, path
    for path in misses:
        assert exclusions.match(path) is None, path


@pytest.mark.parametrize("pattern", ["[abc", "{a,b", "a}", "", "[!]"])
def test_bad_globs_are_refused(pattern: str) -> None:
    with pytest.raises(GlobError):
        compile_glob(pattern)
