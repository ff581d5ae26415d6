"""GET /api/dashboard/runs/: job runs and crawls in one list, newest first, filtered and paged by cursor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from crawlers.models import Crawler, CrawlerRun
from jobs.models import Job, JobRun
from jobs.runs.start import start_run

URL = "/api/dashboard/runs/"
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.UTC)


@pytest.fixture
def job_run(make_job: Callable[..., Job]) -> Callable[..., JobRun]:
    def make(at: datetime, job: Job | None = None, state: str | None = None, **started_by: Any) -> JobRun:
        run = start_run(job or make_job(), started_by=started_by or {"kind": "user", "name": "ada"})
        JobRun.objects.filter(pk=run.pk).update(created_at=at, **({"state": state} if state else {}))
        return JobRun.objects.get(pk=run.pk)

    return make


@pytest.fixture
def crawl(db: None) -> Callable[..., CrawlerRun]:
    counter = iter(range(1, 10_000))

    def make(at: datetime, crawler: Crawler | None = None, **fields: Any) -> CrawlerRun:
        crawler = crawler or Crawler.objects.create(name=f"crawler-{next(counter)}", database="lake")
        run = CrawlerRun.objects.create(crawler=crawler, **fields)
        CrawlerRun.objects.filter(pk=run.pk).update(created_at=at)
        return CrawlerRun.objects.get(pk=run.pk)

    return make


def listed(client: APIClient, **query: Any) -> list[tuple[str, int]]:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return [(item["kind"], item["id"]) for item in response.json()["results"]]


def test_job_runs_and_crawls_are_listed_together_newest_first_each_with_its_name(
    api: Callable[..., APIClient], job_run: Callable[..., JobRun], crawl: Callable[..., CrawlerRun],
    make_job: Callable[..., Job],
) -> None:  # fmt: skip
    orders = make_job(name="orders")
    old = job_run(T0, orders)
    lake = Crawler.objects.create(name="lake", database="lake")
    crawled = crawl(
        T0 + timedelta(minutes=1), lake, state="SUCCEEDED", started_by="schedule", tables_created=2,
        tables_updated=1, started_at=T0 + timedelta(minutes=1), ended_at=T0 + timedelta(minutes=1, seconds=4),
    )  # fmt: skip
    new = job_run(T0 + timedelta(minutes=2), orders)

    body = api("viewer").get(URL).json()

    assert [(i["kind"], i["id"]) for i in body["results"]] == [("job", new.pk), ("crawl", crawled.pk), ("job", old.pk)]
    assert body["next_cursor"] is None
    crawl_item = body["results"][1]
    assert crawl_item["name"] == "lake" and crawl_item["crawler"] == "lake" and crawl_item["job"] is None
    assert crawl_item["state"] == "SUCCEEDED" and crawl_item["trigger"] == "schedule"
    assert crawl_item["tables_changed"] == 3 and crawl_item["execution_seconds"] == 4.0
    assert crawl_item["rows_out"] is None and crawl_item["dry_run"] is False
    job_item = body["results"][0]
    assert job_item["name"] == "orders" and job_item["job"] == orders.pk and job_item["crawler"] is None
    assert job_item["started_by"] == {"kind": "user", "name": "ada"}
    assert job_item["state"] == "WAITING"  # behind the first run of the job


def test_the_list_filters_by_kind_job_crawler_state_trigger_and_period(
    api: Callable[..., APIClient], job_run: Callable[..., JobRun], crawl: Callable[..., CrawlerRun],
    make_job: Callable[..., Job],
) -> None:  # fmt: skip
    orders = make_job(name="orders")
    lake = Crawler.objects.create(name="lake", database="lake")
    failed_job = job_run(T0, orders, state="FAILED")
    scheduled_job = job_run(T0 + timedelta(hours=1), make_job(), kind="schedule", name="nightly")
    failed_crawl = crawl(T0 + timedelta(hours=2), lake, state="FAILED", started_by="ada")
    scheduled_crawl = crawl(T0 + timedelta(hours=3), state="SUCCEEDED", started_by="schedule")
    client = api("viewer")

    assert listed(client, kind="crawl") == [("crawl", scheduled_crawl.pk), ("crawl", failed_crawl.pk)]
    assert listed(client, kind="job") == [("job", scheduled_job.pk), ("job", failed_job.pk)]
    assert listed(client, job=orders.pk) == [("job", failed_job.pk)]
    assert listed(client, crawler="lake") == [("crawl", failed_crawl.pk)]
    assert listed(client, state="FAILED") == [("crawl", failed_crawl.pk), ("job", failed_job.pk)]
    assert listed(client, trigger="schedule") == [("crawl", scheduled_crawl.pk), ("job", scheduled_job.pk)]
    assert listed(client, trigger="user", kind="crawl") == [("crawl", failed_crawl.pk)]
    assert listed(client, trigger="retry", kind="crawl") == []
    window = {"since": (T0 + timedelta(minutes=30)).isoformat(), "until": (T0 + timedelta(hours=2)).isoformat()}
    assert listed(client, **window) == [("job", scheduled_job.pk)]
    assert listed(client, kind="crawl", run=failed_crawl.pk) == [("crawl", failed_crawl.pk)]


def test_pages_follow_the_cursor_over_both_kinds_without_losing_or_repeating_a_run(
    api: Callable[..., APIClient], job_run: Callable[..., JobRun], crawl: Callable[..., CrawlerRun],
    make_job: Callable[..., Job],
) -> None:  # fmt: skip
    job, crawler = make_job(max_concurrent_runs=100), Crawler.objects.create(name="lake", database="lake")
    expected: list[tuple[str, int]] = []
    for minute in range(7):
        at = T0 + timedelta(minutes=minute // 2)  # pairs created at the same instant: the order must still hold
        expected.append(("job", job_run(at, job).pk))
        expected.append(("crawl", crawl(at, crawler).pk))
    client = api("viewer")
    seen: list[tuple[str, int]] = []
    cursor = None
    pages = 0
    while True:
        query = {"page_size": 3, **({"cursor": cursor} if cursor else {})}
        body = client.get(URL, query).json()
        seen.extend((item["kind"], item["id"]) for item in body["results"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)) == 14 and set(seen) == set(expected)
    created = {("job", r.pk): r.created_at for r in JobRun.objects.all()}
    created |= {("crawl", r.pk): r.created_at for r in CrawlerRun.objects.all()}
    # Newest first; among runs created at the same instant, job runs before crawls, higher ids first.
    assert seen == sorted(expected, key=lambda k: (created[k], k[0] == "job", k[1]), reverse=True)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"kind": "crawler"}, "kind"),
        ({"state": "RUNNING,DONE"}, "state"),
        ({"trigger": "cron"}, "trigger"),
        ({"since": "yesterday"}, "since"),
        ({"job": "x"}, "job"),
        ({"job": "1", "kind": "crawl"}, "job"),
        ({"crawler": "lake", "kind": "job"}, "crawler"),
        ({"job": "1", "crawler": "lake"}, "crawler"),
        ({"run": "3"}, "run"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
    ],
)
def test_a_bad_filter_is_400_naming_the_parameter(
    api: Callable[..., APIClient], query: dict[str, str], field: str
) -> None:
    response = api("viewer").get(URL, query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(("role", "status"), [(None, 401), ("norole", 403), ("viewer", 200), ("operator", 200)])
def test_the_list_needs_a_signed_in_user_with_the_view_capability(
    api: Callable[..., APIClient], make_user: Callable[..., Any], role: str | None, status: int
) -> None:
    if role == "norole":
        client = APIClient()
        client.force_authenticate(make_user(None))
    else:
        client = api(role)
    assert client.get(URL).status_code == status
