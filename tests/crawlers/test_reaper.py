"""The crawl reaper: a crawl whose worker went quiet ends, its crawler is READY again, the catalog unchanged.

The real thing (a worker process killed mid-crawl) is tests/crawlers/test_worker_loss.py;
these tests drive `reap()` and a crawl in this process with the heartbeat's age set by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from catalog.models import Table
from crawlers import services
from crawlers.crawl import Recorder, run_crawl
from crawlers.models import Crawler, CrawlerRun
from crawlers.reaper import reap
from jobs.models import RunEvent
from jobs.runs.execute import STALE_SECONDS
from tests.crawlers.files import write

pytestmark = pytest.mark.django_db


def _running(crawler: Crawler, *, worker: str, beat_seconds_ago: float, state: str = "RUNNING") -> CrawlerRun:
    run = services.start_run(crawler, "tester", enqueue=False)
    CrawlerRun.objects.filter(pk=run.pk).update(
        state=state, worker=worker, heartbeat_at=timezone.now() - timedelta(seconds=beat_seconds_ago)
    )
    run.refresh_from_db()
    return run


def _states(run: CrawlerRun) -> list[str]:
    events = RunEvent.objects.filter(kind="crawl", run_id=run.pk, type="crawl.state").order_by("seq")
    return [e.payload["state"] for e in events]


def test_a_crawl_whose_heartbeat_went_stale_ends_in_error_and_its_crawler_is_ready(
    make_crawler: Callable[..., Crawler],
) -> None:
    crawler = make_crawler()
    run = _running(crawler, worker="alpha@host", beat_seconds_ago=STALE_SECONDS + 5)

    assert [r.pk for r in reap()] == [run.pk]

    run.refresh_from_db()
    crawler.refresh_from_db()
    assert run.state == "ERROR" and run.ended_at is not None  # as for job runs: the worker, not the data
    assert "alpha@host stopped sending heartbeats" in run.error
    assert run.log[-1]["level"] == "error" and run.log[-1]["message"] == run.error
    assert crawler.state == "READY"
    assert _states(run)[-1] == "ERROR"
    assert reap() == []  # ended once


def test_a_crawl_being_stopped_whose_worker_died_ends_stopped(make_crawler: Callable[..., Crawler]) -> None:
    crawler = make_crawler()
    run = _running(crawler, worker="alpha@host", beat_seconds_ago=STALE_SECONDS + 5, state="STOPPING")
    Crawler.objects.filter(pk=crawler.pk).update(state="STOPPING")

    reap()

    run.refresh_from_db()
    crawler.refresh_from_db()
    assert (run.state, crawler.state) == ("STOPPED", "READY")


@pytest.mark.parametrize(("worker", "age"), [("alpha@host", 1.0), ("", 3600.0)])
def test_a_crawl_with_a_live_worker_or_run_in_a_request_is_left_alone(
    make_crawler: Callable[..., Crawler], worker: str, age: float
) -> None:
    crawler = make_crawler()
    run = _running(crawler, worker=worker, beat_seconds_ago=age)

    assert reap() == []

    run.refresh_from_db()
    crawler.refresh_from_db()
    assert (run.state, crawler.state) == ("RUNNING", "RUNNING")


def test_a_crawl_reaped_while_its_worker_still_ran_applies_nothing(
    make_crawler: Callable[..., Crawler], lake: Path, monkeypatch: Any
) -> None:
    """A worker that only lost touch for a while finds its run ended and leaves the catalog alone."""
    for day in ("1", "2"):
        write(lake / "sales" / f"day={day}" / "a.csv", "id,total\n1,2.5\n")
    crawler = make_crawler(lake / "sales")
    original = Recorder.progress

    def progress_then_reaped(self: Recorder, done: int, total: int, base: int) -> None:
        if CrawlerRun.objects.filter(pk=self.run.pk, state="RUNNING").exists():
            CrawlerRun.objects.filter(pk=self.run.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
            assert [r.pk for r in reap()] == [self.run.pk]
        original(self, done, total, base)

    monkeypatch.setattr(Recorder, "progress", progress_then_reaped)
    run = services.start_run(crawler, "tester", enqueue=False)
    run_crawl(run.pk, worker="alpha@host")

    run.refresh_from_db()
    crawler.refresh_from_db()
    assert run.state == "ERROR" and "stopped sending heartbeats" in run.error
    assert _states(run) == ["WAITING", "RUNNING", "ERROR"]
    assert not Table.objects.exists()
    assert crawler.memory == {} and crawler.state == "READY"

    monkeypatch.setattr(Recorder, "progress", original)
    again = services.start_run(crawler, "tester", enqueue=False)
    run_crawl(again.pk, worker="alpha@host")
    again.refresh_from_db()
    assert again.state == "SUCCEEDED" and again.worker == "alpha@host"
    assert list(Table.objects.values_list("name", flat=True)) == ["sales"]
