"""The real paths: a Celery worker runs a crawl and its events arrive; a running crawl stops on request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.test import APIClient

from catalog.models import Table
from crawlers.crawl import run_crawl
from crawlers.models import Crawler, CrawlerRun
from jobs.models import RunEvent
from tests.crawlers.files import PEOPLE_CSV, write
from tests.thread_worker import thread_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(db: None) -> Iterator[None]:
    """A real worker consuming the configured broker (file broker or Redis), in a thread."""
    with thread_worker():
        yield


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("gave up waiting")
        time.sleep(0.05)


def test_a_worker_carries_out_a_started_crawl_and_reports_its_states(
    lake: Path, worker: None, api: Callable[..., APIClient]
) -> None:
    write(lake / "people" / "p.csv", PEOPLE_CSV)
    api("editor").post(
        "/api/crawlers/",
        {"name": "people", "targets": [{"path": str(lake / "people")}], "database": "crm"},
        format="json",
    )
    started = api("operator").post("/api/crawlers/people/start/")
    assert started.status_code == 202
    run_id = started.json()["id"]
    wait_for(lambda: CrawlerRun.objects.get(pk=run_id).state in ("SUCCEEDED", "FAILED"))
    run = CrawlerRun.objects.get(pk=run_id)
    assert run.state == "SUCCEEDED", run.error
    assert Table.objects.get(database__name="crm").name == "people"
    events = list(RunEvent.objects.filter(kind="crawl", run_id=run_id).order_by("seq"))
    states = [e.payload["state"] for e in events if e.type == "crawl.state"]
    assert states == ["WAITING", "RUNNING", "SUCCEEDED"]
    progress = [e.payload for e in events if e.type == "crawl.progress"]
    assert progress[-1]["scanned"] == progress[-1]["total"] == 1
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert Crawler.objects.get().state == "READY"


def test_a_running_crawl_stops_on_request_and_changes_nothing(
    lake: Path, make_crawler: Callable[..., Crawler], api: Callable[..., APIClient]
) -> None:
    for i in range(3000):
        write(lake / "many" / f"d{i % 30}" / f"{i}.csv", PEOPLE_CSV)
    crawler = make_crawler(lake / "many", sample_size=1000)
    started = api("operator").post(f"/api/crawlers/{crawler.name}/start/").json()

    def crawl_in_thread() -> None:
        try:
            run_crawl(started["id"])
        finally:
            connection.close()  # the thread's own connection, so the test database can be dropped

    thread = threading.Thread(target=crawl_in_thread)
    thread.start()
    try:
        wait_for(lambda: RunEvent.objects.filter(kind="crawl", run_id=started["id"], type="crawl.progress").exists())
        stop = api("operator").post(f"/api/crawlers/{crawler.name}/stop/")
        assert stop.status_code == 202
    finally:
        thread.join(120)
    run = CrawlerRun.objects.get(pk=started["id"])
    assert run.state == "STOPPED"
    assert not Table.objects.exists()
    assert Crawler.objects.get().state == "READY"
    states = [e.payload["state"] for e in RunEvent.objects.filter(kind="crawl", run_id=run.pk, type="crawl.state")]
    assert states == ["WAITING", "RUNNING", "STOPPING", "STOPPED"]
