"""Crawls whose worker died: no crawl (and no crawler) stays RUNNING after its worker is gone.

A worker beats a crawl's heartbeat every few seconds while it carries it
(jobs.runs.execute.Heartbeat, as job runs). `reap()` ends crawls whose heartbeat is older than the
jobs' STALE_SECONDS: RUNNING -> ERROR (as for job runs: glueweb could not carry the crawl; the
data is not to blame) with an error naming the worker, STOPPING -> STOPPED, and puts the crawler
back to READY. The catalog needs no repair: a crawl writes it in one transaction together with
its SUCCEEDED state (crawlers/crawl.py), so a crawl that did not get there changed nothing. Every
worker runs `reap()` on the jobs' reaper loop (crawlers/tasks.py), so one live worker is enough
to clean up after a dead one.

A crawl started before crawls had heartbeats (no worker name, no heartbeat) is not reaped: one
stop ends it (crawlers/services.py `stop_run`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from crawlers.models import FINISHED_STATES, Crawler, CrawlerRun, CrawlerState
from crawlers.runstates import CRAWL_RUNS, ERROR, RUNNING, STOPPED, STOPPING
from jobs.runs.execute import STALE_SECONDS


def _stale(since: datetime) -> Q:
    return Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True)


def reap() -> list[CrawlerRun]:
    """End every crawl whose worker went quiet; return them."""
    ended: list[CrawlerRun] = []
    stale_before = timezone.now() - timedelta(seconds=STALE_SECONDS)
    quiet = CrawlerRun.objects.filter(_stale(stale_before), state__in=(RUNNING, STOPPING)).exclude(worker="")
    for candidate in quiet.values_list("pk", flat=True):
        with transaction.atomic():
            # Under the row lock, so a heartbeat that came in meanwhile saves the run.
            run = CrawlerRun.objects.select_for_update().select_related("crawler").filter(pk=candidate).first()
            if run is None or run.state not in (RUNNING, STOPPING):
                continue
            if run.heartbeat_at is not None and run.heartbeat_at >= stale_before:
                continue
            last = run.heartbeat_at.isoformat() if run.heartbeat_at else "never"
            message = (
                f"the worker {run.worker} stopped sending heartbeats (last at {last}): it died or lost its "
                "connection, so the crawl was abandoned; nothing in the catalog was changed"
            )
            entry = {"at": timezone.now().isoformat(), "level": "error", "message": message}
            wanted = STOPPED if run.state == STOPPING else ERROR
            done = CRAWL_RUNS.move(
                run, wanted, expect=frozenset({run.state}), ended_at=timezone.now(), error=message,
                log=[*run.log, entry],
            )  # fmt: skip
            if done is None:
                continue
            if not CrawlerRun.objects.filter(crawler_id=run.crawler_id).exclude(state__in=FINISHED_STATES).exists():
                Crawler.objects.filter(pk=run.crawler_id).update(state=CrawlerState.READY)
            ended.append(done)
    return ended
