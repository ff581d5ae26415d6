"""The crawler's memory (what earlier crawls read) is stored packed, and a plainly stored one still counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polars as pl

from crawlers.memory import PACKED, unpack
from crawlers.models import Crawler, CrawlerRun
from tests.crawlers.files import parquet

Crawl = Callable[..., CrawlerRun]
Make = Callable[..., Crawler]


def _tree(lake: Path) -> None:
    for month in ("01", "02", "03"):
        parquet(lake / "orders" / f"month={month}" / "p.parquet", pl.DataFrame({"id": [1, 2], "total": [2.5, 1.0]}))


def test_the_memory_is_stored_packed_and_a_recrawl_reads_nothing(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    _tree(lake)
    crawler = make_crawler(lake)
    assert crawl(crawler).files_scanned == 3
    crawler.refresh_from_db()
    assert list(crawler.memory) == [PACKED]
    files = unpack(crawler.memory)["targets"][str(lake)]["files"]
    assert sorted(files) == [f"orders/month={m}/p.parquet" for m in ("01", "02", "03")]
    again = crawl(crawler)
    assert (again.state, again.files_total, again.files_scanned, again.changes) == ("SUCCEEDED", 3, 0, [])


def test_a_plainly_stored_memory_of_an_older_version_still_counts(lake: Path, make_crawler: Make, crawl: Crawl) -> None:
    _tree(lake)
    crawler = make_crawler(lake)
    crawl(crawler)
    crawler.refresh_from_db()
    plain = unpack(crawler.memory)
    Crawler.objects.filter(pk=crawler.pk).update(memory=plain)
    run = crawl(crawler)
    assert (run.files_total, run.files_scanned) == (3, 0)
    crawler.refresh_from_db()
    assert list(crawler.memory) == [PACKED] and unpack(crawler.memory) == plain
