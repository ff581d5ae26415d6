"""Thin Celery tasks: take ids, call the crawl service; and the crawl reaper every worker runs."""

from __future__ import annotations

import threading
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_ready, worker_shutdown


@shared_task(bind=True, name="crawlers.run_crawler", acks_late=True)
def run_crawler(self: Task, run_id: int) -> None:
    from crawlers.crawl import run_crawl

    run_crawl(run_id, worker=self.request.hostname or "")


@shared_task(bind=True, name="crawlers.run_scheduled")
def run_scheduled(self: Task, crawler_id: int) -> None:
    """Started by the scheduler (django-celery-beat); a crawler still running skips this turn."""
    from crawlers.crawl import run_crawl
    from crawlers.models import Crawler
    from crawlers.services import Conflict, start_run

    crawler = Crawler.objects.filter(pk=crawler_id).first()
    if crawler is None:
        return
    try:
        run = start_run(crawler, "schedule", enqueue=False)
    except Conflict:
        return
    run_crawl(run.pk, worker=self.request.hostname or "")


@shared_task(name="crawlers.reap_crawls")
def reap_crawls() -> int:
    from crawlers.reaper import reap

    return len(reap())


_reaper_stop = threading.Event()


@worker_ready.connect
def start_crawl_reaper(**_: Any) -> None:
    """The jobs' reaper loop (jobs/runs/reaper.py), calling the crawls' reap."""
    from crawlers.reaper import reap
    from jobs.runs.reaper import reap_forever

    _reaper_stop.clear()
    threading.Thread(
        target=reap_forever, args=(_reaper_stop, reap, "crawl run"), name="glueweb-crawl-reaper", daemon=True
    ).start()


@worker_shutdown.connect
def stop_crawl_reaper(**_: Any) -> None:
    _reaper_stop.set()
