"""Thin Celery tasks: take ids, call the crawl service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="crawlers.run_crawler", acks_late=True)
def run_crawler(run_id: int) -> None:
    from crawlers.crawl import run_crawl

    run_crawl(run_id)


@shared_task(name="crawlers.run_scheduled")
def run_scheduled(crawler_id: int) -> None:
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
    run_crawl(run.pk)
