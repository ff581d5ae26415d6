"""Crawling a bucket on moto's S3 server (a real S3 protocol peer on 127.0.0.1), credentials from a connection."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest
from rest_framework.test import APIClient

from catalog.models import Table
from catalog.services.connections import create_connection
from crawlers.models import Crawler, CrawlerRun
from tests.crawlers.files import PEOPLE_CSV, compress

pytestmark = pytest.mark.django_db


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


@pytest.fixture
def bucket(s3_server: Any) -> str:
    name = s3_server.bucket("crawl")
    create_connection(
        {
            "name": "lake-s3",
            "connection_type": "s3",
            "properties": s3_server.connection_properties(name),
            "secrets": s3_server.connection_secrets(),
        }
    )
    for month in ("01", "02"):
        s3_server.put(
            name, f"data/orders/year=2026/month={month}/part-0.parquet", parquet_bytes(pl.DataFrame({"id": [1, 2]}))
        )
    s3_server.put(name, "data/people/people.csv.gz", compress(PEOPLE_CSV.encode(), "gzip"))
    s3_server.put(name, "data/people/_SUCCESS", b"")
    s3_server.put(name, "data/tmp/scratch.json", b'{"a": 1}')
    return name


def test_a_bucket_is_crawled_with_the_connection_credentials(
    bucket: str, make_crawler: Callable[..., Crawler], crawl: Callable[..., CrawlerRun]
) -> None:
    crawler = make_crawler(targets=[{"path": f"s3://{bucket}/data/", "connection": "lake-s3"}], exclusions=["tmp/**"])
    run = crawl(crawler)
    assert run.state == "SUCCEEDED", run.error
    tables = {t.name: t for t in Table.objects.filter(database__name="lake")}
    assert set(tables) == {"orders", "people"}
    orders = tables["orders"]
    assert orders.location == f"s3://{bucket}/data/orders"
    assert [k["name"] for k in orders.partition_keys] == ["year", "month"]
    locations = sorted(p.location for p in orders.partitions.all())
    assert locations == [
        f"s3://{bucket}/data/orders/year=2026/month=01",
        f"s3://{bucket}/data/orders/year=2026/month=02",
    ]
    assert orders.parameters["record_count"] == 4
    people = tables["people"]
    assert (people.classification, people.format_options["compression"]) == ("csv", "gzip")
    assert {c["name"]: c["type"] for c in people.columns}["joined"] == "date"

    again = crawl(crawler)
    assert (again.files_total, again.files_scanned, again.changes) == (4, 0, [])


def test_without_the_connection_the_bucket_cannot_be_read_and_the_run_says_so(
    bucket: str, make_crawler: Callable[..., Crawler], crawl: Callable[..., CrawlerRun]
) -> None:
    run = crawl(make_crawler(targets=[{"path": f"s3://{bucket}/data/"}]))
    assert run.state == "FAILED"
    assert run.error
    assert not Table.objects.exists()


def test_a_crawler_naming_an_unknown_connection_is_refused(db: None, api: Callable[..., APIClient]) -> None:
    response = api("editor").post(
        "/api/crawlers/",
        {"name": "c", "database": "lake", "targets": [{"path": "s3://b/x", "connection": "nope"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "targets.0.connection" in response.json()
