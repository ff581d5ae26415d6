from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from crawlers import services
from crawlers.crawl import run_crawl
from crawlers.models import Crawler, CrawlerRun


@pytest.fixture
def lake(settings: Any, tmp_path: Path) -> Path:
    """A private GLUEWEB_HOME whose lake/ is the only data root."""
    root = tmp_path / "lake"
    root.mkdir()
    settings.GLUEWEB_HOME = tmp_path
    settings.DATA_ROOTS = [root.resolve()]
    return root.resolve()


@pytest.fixture
def make_crawler(db: None, lake: Path) -> Callable[..., Crawler]:
    counter = iter(range(1, 1000))

    def make(path: str | Path = "", **fields: Any) -> Crawler:
        target = str(path or lake)
        data: dict[str, Any] = {"name": f"crawler{next(counter)}", "targets": [{"path": target}], "database": "lake"}
        data.update(fields)
        return services.create_crawler(data, "tester")

    return make


@pytest.fixture
def crawl() -> Callable[..., CrawlerRun]:
    """crawl(crawler, dry_run=False) -> the finished run, carried out in this process."""

    def go(crawler: Crawler, dry_run: bool = False) -> CrawlerRun:
        crawler.refresh_from_db()
        run = services.start_run(crawler, "tester", dry_run=dry_run, enqueue=False)
        run_crawl(run.pk)
        run.refresh_from_db()
        return run

    return go


@pytest.fixture
def editor(api: Callable[..., APIClient]) -> APIClient:
    return api("editor")
