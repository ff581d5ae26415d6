"""Reconciling with the catalog: update and delete behaviours, recrawl policies, the threshold, dry runs."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from catalog.models import Table, TableVersion
from crawlers.models import Crawler, CrawlerRun
from tests.crawlers.files import PEOPLE_CSV, parquet, write

Crawl = Callable[..., CrawlerRun]
Make = Callable[..., Crawler]


def tables() -> dict[str, Table]:
    return {t.name: t for t in Table.objects.filter(database__name="lake")}


def actions(run: CrawlerRun) -> dict[tuple[str, str], str]:
    return {(c["action"], c["table"]): c["decision"] for c in run.changes}


def build(lake: Path) -> None:
    """Two tables: orders (hive-partitioned Parquet) and people (CSV)."""
    for month in ("01", "02"):
        parquet(lake / "orders" / f"month={month}" / "p.parquet", pl.DataFrame({"id": [1], "total": [2.5]}))
    write(lake / "people" / "people.csv", PEOPLE_CSV)


def change_orders_schema(lake: Path) -> None:
    frame = pl.DataFrame({"id": [1], "total": [2.5], "coupon": ["X"]})
    parquet(lake / "orders" / "month=02" / "p.parquet", frame)


@pytest.mark.parametrize("update", ["UPDATE_IN_DATABASE", "LOG"])
@pytest.mark.parametrize("delete", ["DEPRECATE_IN_DATABASE", "DELETE_FROM_DATABASE", "LOG"])
def test_each_policy_combination_does_what_it_says(
    lake: Path, make_crawler: Make, crawl: Crawl, update: str, delete: str
) -> None:
    build(lake)
    crawler = make_crawler(lake, update_behavior=update, delete_behavior=delete)
    first = crawl(crawler)
    assert set(tables()) == {"orders", "people"}
    assert first.tables_created == 2
    change_orders_schema(lake)
    shutil.rmtree(lake / "people")
    run = crawl(crawler)
    assert run.state == "SUCCEEDED", run.error
    decisions = actions(run)

    orders = tables()["orders"]
    columns = [c["name"] for c in orders.columns]
    if update == "UPDATE_IN_DATABASE":
        assert decisions[("update_table", "orders")] == "apply"
        assert columns == ["id", "total", "coupon"]
        version = TableVersion.objects.get(table=orders, number=2)
        assert (version.changed_by_kind, version.changed_by_id) == ("crawler_run", str(run.pk))
        assert version.changed == ["columns"]
        assert run.tables_updated == 1
    else:
        assert decisions[("update_table", "orders")] == "log"
        assert columns == ["id", "total"]
        assert orders.version == 1
        assert run.tables_updated == 0
    change = next(c for c in run.changes if c["action"] == "update_table")
    assert change["diff"]["columns"]["added"] == [{"name": "coupon", "type": "string", "comment": ""}]

    people = Table.objects.filter(name="people").first()
    if delete == "DEPRECATE_IN_DATABASE":
        assert decisions[("deprecate_table", "people")] == "apply"
        assert people is not None and people.deprecated
        assert run.tables_deprecated == 1
    elif delete == "DELETE_FROM_DATABASE":
        assert decisions[("delete_table", "people")] == "apply"
        assert people is None
        assert run.tables_deleted == 1
    else:
        assert decisions[("deprecate_table", "people")] == "log"
        assert people is not None and not people.deprecated
    reason = next(c["reason"] for c in run.changes if c["table"] == "people")
    assert "holds no data any more" in reason


def test_vanished_partition_folders_are_removed_only_with_delete_from_database(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    build(lake)
    keep = make_crawler(lake, delete_behavior="DEPRECATE_IN_DATABASE", name="keeper")
    crawl(keep)
    shutil.rmtree(lake / "orders" / "month=02")
    run = crawl(keep)
    assert actions(run)[("remove_partitions", "orders")] == "log"
    assert tables()["orders"].partitions.count() == 2

    Table.objects.all().delete()
    write(lake / "orders" / "month=02" / "p.parquet", (lake / "orders" / "month=01" / "p.parquet").read_bytes())
    remover = make_crawler(lake, delete_behavior="DELETE_FROM_DATABASE", name="remover")
    crawl(remover)
    shutil.rmtree(lake / "orders" / "month=02")
    run = crawl(remover)
    assert actions(run)[("remove_partitions", "orders")] == "apply"
    assert run.partitions_removed == 1
    assert [p.values for p in tables()["orders"].partitions.all()] == [["01"]]


def test_a_recrawl_of_an_unchanged_tree_reads_no_file_and_changes_nothing(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    build(lake)
    crawler = make_crawler(lake)
    assert crawl(crawler).files_scanned == 3
    run = crawl(crawler)
    assert (run.files_total, run.files_scanned, run.files_skipped) == (3, 0, 3)
    assert run.changes == []
    assert all(t.version == 1 for t in tables().values())


def test_crawl_new_folders_only_reads_new_folders_and_only_adds(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    build(lake)
    crawler = make_crawler(lake, recrawl_behavior="CRAWL_NEW_FOLDERS_ONLY", delete_behavior="DELETE_FROM_DATABASE")
    crawl(crawler)
    change_orders_schema(lake)  # in a folder seen before: not read
    parquet(lake / "orders" / "month=03" / "p.parquet", pl.DataFrame({"id": [3], "total": [1.0]}))
    shutil.rmtree(lake / "people")
    run = crawl(crawler)
    assert run.state == "SUCCEEDED", run.error
    assert run.files_scanned == 1
    decisions = actions(run)
    assert decisions[("add_partitions", "orders")] == "apply"
    assert decisions[("deprecate_table", "people")] == "log"
    assert sorted(p.values for p in tables()["orders"].partitions.all()) == [["01"], ["02"], ["03"]]
    assert [c["name"] for c in tables()["orders"].columns] == ["id", "total"]
    assert "people" in tables()


def test_a_table_with_unreadable_files_is_never_dropped(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    build(lake)
    crawler = make_crawler(lake, delete_behavior="DELETE_FROM_DATABASE")
    crawl(crawler)
    write(lake / "people" / "people.csv", bytes(range(256)) * 4)
    run = crawl(crawler)
    assert run.state == "SUCCEEDED"
    assert [Path(e["path"]).name for e in run.file_errors] == ["people.csv"]
    assert actions(run)[("keep_table", "people")] == "log"
    assert "people" in tables()


def test_the_crawl_fails_and_changes_nothing_above_the_table_threshold(
    lake: Path, make_crawler: Make, crawl: Crawl
) -> None:
    build(lake)
    write(lake / "third" / "t.csv", "a,b\n1,2\n")
    run = crawl(make_crawler(lake, table_threshold=2, name="strict"))
    assert run.state == "FAILED"
    assert "would create 3 tables, more than the table threshold of 2" in run.error
    assert tables() == {}
    assert len([c for c in run.changes if c["action"] == "create_table"]) == 3
    assert crawl(make_crawler(lake, table_threshold=3, name="enough")).state == "SUCCEEDED"
    assert len(tables()) == 3


def test_a_dry_run_lists_the_plan_and_applies_nothing(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    build(lake)
    crawler = make_crawler(lake)
    preview = crawl(crawler, dry_run=True)
    assert preview.state == "SUCCEEDED"
    assert preview.dry_run
    assert tables() == {}
    create = {c["table"]: c for c in preview.changes if c["action"] == "create_table"}
    assert set(create) == {"orders", "people"}
    assert create["orders"]["partition_keys"] == [{"name": "month", "type": "bigint", "comment": ""}]
    assert next(c for c in preview.changes if c["action"] == "add_partitions")["partitions"] == [["01"], ["02"]]
    assert preview.tables_created == 2  # what it would create
    crawler.refresh_from_db()
    assert crawler.memory == {}

    run = crawl(crawler)
    assert run.tables_created == 2 and run.files_scanned == 3
    assert set(tables()) == {"orders", "people"}
    change_orders_schema(lake)
    preview = crawl(crawler, dry_run=True)
    update = next(c for c in preview.changes if c["action"] == "update_table")
    assert update["diff"]["columns"]["added"][0]["name"] == "coupon"
    assert [c["name"] for c in tables()["orders"].columns] == ["id", "total"]


def test_a_table_of_the_same_name_elsewhere_is_not_taken_over(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    write(lake / "a" / "people" / "p.csv", PEOPLE_CSV)
    write(lake / "b" / "people" / "p.csv", PEOPLE_CSV)
    crawl(make_crawler(lake / "a" / "people", name="first"))
    run = crawl(make_crawler(lake / "b" / "people", name="second"))
    assert set(tables()) == {"people", "people_2"}
    assert tables()["people_2"].location == str(lake / "b" / "people")
    assert "taken by a table at another location" in run.tables[0]["renamed"]


def test_crawl_new_folders_only_creates_a_table_for_a_new_folder(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    build(lake)
    crawler = make_crawler(lake, recrawl_behavior="CRAWL_NEW_FOLDERS_ONLY")
    crawl(crawler)
    write(lake / "suppliers" / "s.csv", "supplier_id,name\n1,Acme\n")
    run = crawl(crawler)
    assert run.files_scanned == 1
    assert actions(run) == {("create_table", "suppliers"): "apply"}
    assert set(tables()) == {"orders", "people", "suppliers"}
