"""A crawl of the demo lake gives exactly its three tables, with the partitions and types a user expects."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from catalog.models import Table
from crawlers.models import Crawler, CrawlerRun
from glueweb.demo import generate_demo_lake


def test_the_demo_lake_becomes_three_tables_with_year_and_month_partitions(
    lake: Path, make_crawler: Callable[..., Crawler], crawl: Callable[..., CrawlerRun]
) -> None:
    generate_demo_lake(lake)
    run = crawl(make_crawler(lake / "retail", database="retail"))
    assert run.state == "SUCCEEDED", run.error
    assert run.file_errors == []
    tables = {t.name: t for t in Table.objects.filter(database__name="retail")}
    assert set(tables) == {"orders", "customers", "social"}

    orders = tables["orders"]
    assert orders.classification == "parquet"
    assert orders.location == str(lake / "retail" / "orders")
    assert [(k["name"], k["type"]) for k in orders.partition_keys] == [("year", "bigint"), ("month", "bigint")]
    assert {c["name"]: c["type"] for c in orders.columns} == {
        "order_id": "bigint",
        "customer_id": "bigint",
        "order_ts": "timestamp",
        "status": "string",
        "channel": "string",
        "currency": "string",
        "items": "int",
        "total": "double",
        "discount_code": "string",
    }
    values = sorted(tuple(p.values) for p in orders.partitions.all())
    assert len(values) == 18
    assert values[0] == ("2025", "01") and values[-1] == ("2026", "06")
    assert orders.parameters["record_count"] == 4000
    assert orders.parameters["object_count"] == 18
    assert orders.parameters["crawler_reason"].startswith("level 2 folder orders: all files below agree (parquet")

    customers = tables["customers"]
    assert customers.classification == "csv"
    assert customers.format_options == {"delimiter": ",", "header": True}
    assert customers.partition_keys == []
    types = {c["name"]: c["type"] for c in customers.columns}
    assert types["customer_id"] == "bigint"
    assert types["signup_date"] == "date"
    assert types["marketing_opt_in"] == "boolean"
    assert types["lifetime_value"] == "double"
    assert types["city"] == "string"

    social = tables["social"]
    assert social.classification == "ndjson"
    types = {c["name"]: c["type"] for c in social.columns}
    assert types["tags"] == "array<string>"
    assert types["device"] == "struct<os:string,app_version:string>"
    assert types["sentiment"] == "double"
    assert abs(social.parameters["record_count"] - 3000) < 300  # estimated from a sample of lines

    assert run.tables_created == 3
    version = orders.versions.get(number=1)
    assert (version.changed_by_kind, version.changed_by_id, version.changed_by_name) == (
        "crawler_run",
        str(run.pk),
        run.crawler.name,
    )
    assert run.partitions_added == 18
    reasons = {c["table"]: c["reason"] for c in run.changes if c["action"] == "create_table"}
    assert "2 folder level(s) below become partitions" in reasons["orders"]
