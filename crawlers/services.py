"""Crawler definitions and runs: the only writers of Crawler and CrawlerRun rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Connection
from catalog.paths import check_location, is_s3, resolve_local
from catalog.services.common import check_name, check_text, check_unknown
from crawlers import schedule
from crawlers.classifiers import custom
from crawlers.globs import GlobError, compile_glob
from crawlers.models import (
    FINISHED_STATES,
    Crawler,
    CrawlerRun,
    CrawlerRunState,
    CrawlerState,
    DeleteBehavior,
    RecrawlBehavior,
    UpdateBehavior,
)
from jobs.events import append_event

FIELDS = (
    "name",
    "description",
    "targets",
    "exclusions",
    "database",
    "table_prefix",
    "classifiers",
    "sample_size",
    "update_behavior",
    "delete_behavior",
    "recrawl_behavior",
    "combine_compatible_schemas",
    "table_level",
    "table_threshold",
    "schedule",
)
MAX_SAMPLE = 10_000


class Conflict(Exception):
    """The crawler is in a state that forbids the request (already running, not running)."""


def check_targets(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list) or not value:
        raise ValidationError({"targets": "at least one target is required: [{path, connection}]"})
    targets = []
    for i, given in enumerate(value):
        at = f"targets.{i}"
        target = {"path": given} if isinstance(given, str) else given
        if not isinstance(target, dict):
            raise ValidationError({at: "must be an object {path, connection}"})
        check_unknown(target, ("path", "connection"), f"{at}.")
        path = check_text(target.get("path"), f"{at}.path", 1024).strip()
        if not path:
            raise ValidationError({f"{at}.path": "a path is required"})
        connection = check_text(target.get("connection"), f"{at}.connection", 255).strip()
        if is_s3(path):
            check_location(path, f"{at}.path")
            if connection:
                found = Connection.objects.filter(name=connection.lower()).first()
                if found is None:
                    raise ValidationError({f"{at}.connection": f'no connection named "{connection}"'})
                if found.connection_type != "s3":
                    raise ValidationError(
                        {f"{at}.connection": f'"{connection}" is a {found.connection_type} connection, not s3'}
                    )
                connection = found.name
        else:
            if connection:
                raise ValidationError({f"{at}.connection": "a local path takes no connection"})
            if "://" in path:
                raise ValidationError({f"{at}.path": "only local paths and s3:// URIs are supported"})
            real = resolve_local(path, f"{at}.path")
            if not real.exists():
                raise ValidationError({f"{at}.path": f'"{path}" does not exist'})
        targets.append({"path": path, "connection": connection})
    return targets


def check_exclusions(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise ValidationError({"exclusions": "must be a list of glob patterns"})
    for i, pattern in enumerate(value):
        try:
            compile_glob(pattern)
        except GlobError as exc:
            raise ValidationError({f"exclusions.{i}": str(exc)}) from None
    return [p.strip() for p in value]


def _optional_int(value: Any, field: str, minimum: int, maximum: int | None = None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (maximum and value > maximum):
        bound = f" and at most {maximum}" if maximum else ""
        raise ValidationError({field: f"must be a whole number, at least {minimum}{bound} (or null)"})
    return value


def _choice(value: Any, field: str, choices: list[str]) -> str:
    if value not in choices:
        raise ValidationError({field: f"must be one of {', '.join(choices)}"})
    return str(value)


def _apply(crawler: Crawler, data: dict[str, Any]) -> None:  # noqa: PLR0912  (one branch per field)
    check_unknown(data, FIELDS)
    if "name" in data:
        crawler.name = check_name(data["name"])
    if "description" in data:
        crawler.description = check_text(data["description"], "description")
    if "targets" in data:
        crawler.targets = check_targets(data["targets"])
    if "exclusions" in data:
        crawler.exclusions = check_exclusions(data["exclusions"])
    if "database" in data:
        crawler.database = check_name(data["database"], "database")
    if "table_prefix" in data:
        prefix = check_text(data["table_prefix"], "table_prefix", 64).lower()
        if prefix and not all(c.isalnum() or c in "_-" for c in prefix):
            raise ValidationError({"table_prefix": 'use letters, digits, "_" and "-"'})
        crawler.table_prefix = prefix
    if "classifiers" in data:
        if not isinstance(data["classifiers"], list):
            raise ValidationError({"classifiers": "must be a list of custom classifiers"})
        crawler.classifiers = [custom.check(d, f"classifiers.{i}") for i, d in enumerate(data["classifiers"])]
    if "sample_size" in data:
        size = _optional_int(data["sample_size"], "sample_size", 1, MAX_SAMPLE)
        if size is None:
            raise ValidationError({"sample_size": "must be a whole number, at least 1"})
        crawler.sample_size = size
    if "update_behavior" in data:
        crawler.update_behavior = _choice(data["update_behavior"], "update_behavior", UpdateBehavior.values)
    if "delete_behavior" in data:
        crawler.delete_behavior = _choice(data["delete_behavior"], "delete_behavior", DeleteBehavior.values)
    if "recrawl_behavior" in data:
        crawler.recrawl_behavior = _choice(data["recrawl_behavior"], "recrawl_behavior", RecrawlBehavior.values)
    if "combine_compatible_schemas" in data:
        if not isinstance(data["combine_compatible_schemas"], bool):
            raise ValidationError({"combine_compatible_schemas": "must be true or false"})
        crawler.combine_compatible_schemas = data["combine_compatible_schemas"]
    if "table_level" in data:
        crawler.table_level = _optional_int(data["table_level"], "table_level", 1, 100)
    if "table_threshold" in data:
        crawler.table_threshold = _optional_int(data["table_threshold"], "table_threshold", 0)
    if "schedule" in data:
        crawler.schedule = schedule.check_cron(data["schedule"])
    if Crawler.objects.filter(name=crawler.name).exclude(pk=crawler.pk).exists():
        raise ValidationError({"name": f'a crawler named "{crawler.name}" already exists'})


@transaction.atomic
def create_crawler(data: dict[str, Any], created_by: str = "") -> Crawler:
    for required in ("name", "targets", "database"):
        if required not in data:
            raise ValidationError({required: "is required"})
    crawler = Crawler(created_by=created_by)
    _apply(crawler, data)
    crawler.save()
    schedule.sync(crawler)
    return crawler


@transaction.atomic
def update_crawler(crawler: Crawler, data: dict[str, Any]) -> Crawler:
    crawler = Crawler.objects.select_for_update().get(pk=crawler.pk)
    _apply(crawler, data)
    crawler.save()
    schedule.sync(crawler)
    return crawler


@transaction.atomic
def delete_crawler(crawler: Crawler) -> None:
    if crawler.state != CrawlerState.READY:
        raise Conflict(f"the crawler is {crawler.state}: stop it before deleting it")
    schedule.remove(crawler)
    crawler.delete()


def start_run(crawler: Crawler, started_by: str, dry_run: bool = False, enqueue: bool = True) -> CrawlerRun:
    """A waiting run, handed to a worker once this transaction commits; refused while one is running."""
    from crawlers.tasks import run_crawler

    with transaction.atomic():
        locked = Crawler.objects.select_for_update().get(pk=crawler.pk)
        if locked.state != CrawlerState.READY:
            raise Conflict(f"the crawler is {locked.state}: wait for its run to end, or stop it")
        locked.state = CrawlerState.RUNNING
        locked.save(update_fields=["state", "updated_at"])
        run = CrawlerRun.objects.create(crawler=locked, dry_run=dry_run, started_by=started_by)
        append_event("crawl", run.pk, "crawl.state", {"state": run.state, "crawler": locked.name, "dry_run": dry_run})
        if enqueue:
            transaction.on_commit(lambda: run_crawler.delay(run.pk))
    return run


def worker_gone(run: CrawlerRun) -> str:
    """Why no worker can be carrying this running crawl any more; "" when one may be.

    A crawl a worker carries has the worker's name and a heartbeat at most STALE_SECONDS old. One
    with neither was claimed before crawls had heartbeats (migration 0002), by a worker long gone.
    One with a heartbeat but no worker name is carried outside a worker (run_crawl called
    directly, in a test or a benchmark) and checks for stops itself.
    """
    from jobs.runs.execute import STALE_SECONDS

    if not run.worker:
        if run.heartbeat_at is None:
            return "it was started before crawls had heartbeats, and no worker carries it any more"
        return ""
    if run.heartbeat_at is None or run.heartbeat_at < timezone.now() - timedelta(seconds=STALE_SECONDS):
        last = run.heartbeat_at.isoformat() if run.heartbeat_at else "never"
        return f"its worker {run.worker} stopped sending heartbeats (last at {last})"
    return ""


def stop_run(crawler: Crawler) -> CrawlerRun:
    with transaction.atomic():
        locked = Crawler.objects.select_for_update().get(pk=crawler.pk)
        run = locked.runs.select_for_update().exclude(state__in=FINISHED_STATES).order_by("-id").first()
        if run is None or locked.state == CrawlerState.READY:
            raise Conflict("the crawler is not running")
        gone = worker_gone(run) if run.state in (CrawlerRunState.RUNNING, CrawlerRunState.STOPPING) else ""
        if run.state == CrawlerRunState.WAITING:
            # Not picked up yet: it ends here, and the worker will find it finished.
            _stopped(locked, run, "")
        elif gone:
            # Nobody would answer a request to stop: it ends here, at the first asking.
            _stopped(locked, run, f"stopped at once: {gone}; nothing in the catalog was changed")
        elif run.state == CrawlerRunState.STOPPING:
            # Asked twice: the worker has not answered (it may be stuck). End the run here; a worker
            # that is still alive finds it stopped at its next check and writes nothing.
            _stopped(locked, run, "stopped by force: the worker did not stop the run after the first request")
        else:
            locked.state = CrawlerState.STOPPING
            locked.save(update_fields=["state", "updated_at"])
            run.state = CrawlerRunState.STOPPING
            run.save(update_fields=["state"])
        append_event(
            "crawl", run.pk, "crawl.state", {"state": run.state, "crawler": locked.name, "dry_run": run.dry_run}
        )
    return run


def _stopped(crawler: Crawler, run: CrawlerRun, error: str) -> None:
    run.state = CrawlerRunState.STOPPED
    run.ended_at = timezone.now()
    run.error = error
    if error:
        run.log = [*run.log, {"at": run.ended_at.isoformat(), "level": "error", "message": error}]
    run.save()
    crawler.state = CrawlerState.READY
    crawler.save(update_fields=["state", "updated_at"])
