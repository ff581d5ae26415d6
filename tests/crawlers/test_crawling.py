"""Crawls of generated trees: which tables appear, with which partitions, and why."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import polars as pl

from catalog.models import Table
from crawlers.models import Crawler, CrawlerRun
from tests.crawlers.files import PEOPLE_CSV, compress, ndjson, parquet, write

Crawl = Callable[..., CrawlerRun]
Make = Callable[..., Crawler]


def tables() -> dict[str, Table]:
    return {t.name: t for t in Table.objects.filter(database__name="lake")}


def partition_values(table: Table) -> list[list[str | None]]:
    return sorted(p.values for p in table.partitions.all())


def test_hive_folders_become_named_partition_keys(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    for region in ("eu", "us"):
        for day in ("2026-01-01", "2026-01-02"):
            parquet(lake / "sales" / f"region={region}" / f"day={day}" / "part-0.parquet", pl.DataFrame({"x": [1]}))
    run = crawl(make_crawler(lake / "sales"))
    assert run.state == "SUCCEEDED", run.error
    sales = tables()["sales"]
    assert [(k["name"], k["type"]) for k in sales.partition_keys] == [("region", "string"), ("day", "string")]
    assert partition_values(sales) == [
        ["eu", "2026-01-01"],
        ["eu", "2026-01-02"],
        ["us", "2026-01-01"],
        ["us", "2026-01-02"],
    ]
    first = sales.partitions.get(values=["eu", "2026-01-01"])
    assert first.location == str(lake / "sales" / "region=eu" / "day=2026-01-01")


def test_unnamed_folders_become_partition_0_and_1(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    for year in ("2025", "2026"):
        for month in ("01", "02"):
            write(lake / "logs" / year / month / "a.csv", PEOPLE_CSV)
    run = crawl(make_crawler(lake / "logs"))
    assert run.state == "SUCCEEDED", run.error
    logs = tables()["logs"]
    assert [(k["name"], k["type"]) for k in logs.partition_keys] == [
        ("partition_0", "bigint"),
        ("partition_1", "bigint"),
    ]
    assert partition_values(logs) == [["2025", "01"], ["2025", "02"], ["2026", "01"], ["2026", "02"]]


def test_dissimilar_siblings_become_separate_tables(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    write(lake / "crm" / "people" / "p.csv", PEOPLE_CSV)
    write(lake / "crm" / "cities" / "c.csv", "city,country,population\nParis,FR,2100000\n")
    ndjson(lake / "crm" / "events" / "e.ndjson", [{"id": 1, "kind": "click"}])
    run = crawl(make_crawler(lake / "crm"))
    assert set(tables()) == {"people", "cities", "events"}
    why = {t["name"]: t for t in run.tables}
    assert why["people"]["folder"] == "people"
    assert why["people"]["level"] == 2


def test_evolving_schemas_merge_into_one_table_and_say_how(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    parquet(lake / "t" / "day=1" / "a.parquet", pl.DataFrame({"id": [1], "v": pl.Series([1], dtype=pl.Int32)}))
    parquet(lake / "t" / "day=2" / "a.parquet", pl.DataFrame({"id": [2], "v": [2.5], "note": ["new"]}))
    run = crawl(make_crawler(lake / "t"))
    t = tables()["t"]
    assert [(c["name"], c["type"]) for c in t.columns] == [("id", "bigint"), ("v", "double"), ("note", "string")]
    merged = run.tables[0]["merged"]
    assert any("widened from int and double to double" in n for n in merged)
    assert any('"note"' in n for n in merged)


def test_a_column_whose_type_conflicts_becomes_string_with_the_reason(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    ndjson(lake / "t" / "k=1" / "a.json", [{"id": 1, "v": 5}])
    ndjson(lake / "t" / "k=2" / "a.json", [{"id": 2, "v": {"deep": True}}])
    run = crawl(make_crawler(lake / "t"))
    t = tables()["t"]
    assert {c["name"]: c["type"] for c in t.columns}["v"] == "string"
    assert any("stored as string" in n for n in run.tables[0]["merged"])


def test_combine_compatible_schemas_puts_differing_column_sets_in_one_table(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    write(lake / "mix" / "a" / "1.csv", "a,b,c\n1,2,3\n")
    write(lake / "mix" / "b" / "1.csv", "x,y,z\n1,2,3\n")
    crawl(make_crawler(lake / "mix", name="apart"))
    assert set(tables()) == {"a", "b"}
    Table.objects.all().delete()
    crawl(make_crawler(lake / "mix", name="together", combine_compatible_schemas=True))
    assert set(tables()) == {"mix"}
    assert [c["name"] for c in tables()["mix"].columns] == ["a", "b", "c", "x", "y", "z"]
    assert tables()["mix"].partition_keys[0]["name"] == "partition_0"


def test_a_fixed_table_level_makes_each_folder_at_that_level_a_table(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    write(lake / "root" / "one" / "x=1" / "a.csv", PEOPLE_CSV)
    write(lake / "root" / "two" / "x=1" / "a.csv", "k,v\nq,1\n")
    crawl(make_crawler(lake / "root", table_level=1, name="level1"))
    assert set(tables()) == {"root"}
    assert [k["name"] for k in tables()["root"].partition_keys] == ["partition_0", "x"]
    Table.objects.all().delete()
    crawl(make_crawler(lake / "root", table_level=2, name="level2", table_prefix="raw_"))
    assert set(tables()) == {"raw_one", "raw_two"}


def test_corrupt_and_empty_files_are_recorded_and_skipped(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    parquet(lake / "t" / "d=1" / "good.parquet", pl.DataFrame({"id": [1]}))
    write(lake / "t" / "d=2" / "broken.parquet", b"PAR1 this is not really parquet PAR1")
    write(lake / "t" / "d=3" / "empty.csv", b"")
    run = crawl(make_crawler(lake / "t"))
    assert run.state == "SUCCEEDED"
    errors = {Path(e["path"]).name: e["error"] for e in run.file_errors}
    assert set(errors) == {"broken.parquet", "empty.csv"}
    assert "empty" in errors["empty.csv"]
    assert partition_values(tables()["t"]) == [["1"]]


def test_excluded_and_hidden_paths_are_left_out(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    write(lake / "t" / "a.csv", PEOPLE_CSV)
    write(lake / "t" / "tmp" / "junk.json", "{}")
    write(lake / "t" / "_SUCCESS", "")
    write(lake / "t" / ".hidden.csv", "x\n1\n")
    run = crawl(make_crawler(lake / "t", exclusions=["tmp/**"]))
    assert set(tables()) == {"t"}
    assert tables()["t"].parameters["object_count"] == 1
    assert run.files_total == 2  # a.csv and the excluded junk.json; hidden files are not listed


def test_compressed_files_make_a_table_that_records_the_compression(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    write(lake / "z" / "a.csv.gz", compress(PEOPLE_CSV.encode(), "gzip"))
    crawl(make_crawler(lake / "z"))
    z = tables()["z"]
    assert z.classification == "csv"
    assert z.format_options["compression"] == "gzip"
    assert z.parameters["compression"] == "gzip"


def test_a_link_leading_outside_the_data_roots_is_not_followed(
    lake: Path, tmp_path: Path, make_crawler: Make, crawl: Crawl
) -> None:
    outside = write(tmp_path / "secret" / "s.csv", PEOPLE_CSV)
    write(lake / "t" / "a.csv", PEOPLE_CSV)
    os.symlink(outside, lake / "t" / "b.csv")
    run = crawl(make_crawler(lake / "t"))
    assert tables()["t"].parameters["object_count"] == 1
    assert run.files_skipped >= 1


def test_only_the_first_files_of_a_folder_are_read(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    for i in range(6):
        write(lake / "t" / f"{i}.csv", PEOPLE_CSV)
    run = crawl(make_crawler(lake / "t", sample_size=2))
    assert (run.files_total, run.files_scanned) == (6, 2)
    assert tables()["t"].parameters["object_count"] == 6
