"""One crawl from start to end: scan each target, group tables, plan, apply by policy, record the run."""

from __future__ import annotations

import gc
import logging
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Connection, Table
from catalog.paths import is_s3
from catalog.services.common import ChangedBy
from crawlers import grouping, reconcile
from crawlers import memory as crawler_memory
from crawlers.classifiers import Classifiers
from crawlers.globs import Exclusions
from crawlers.models import FINISHED_STATES, Crawler, CrawlerRun, CrawlerRunState, CrawlerState, RecrawlBehavior
from crawlers.runstates import CRAWL_RUNS
from crawlers.scan import ScanResult, Stopped, Throttle, scan
from crawlers.sources import Source, join
from crawlers.sources.local import LocalSource
from crawlers.sources.s3 import S3Source
from jobs.events import append_event
from jobs.runs.execute import Heartbeat

log = logging.getLogger(__name__)
MAX_LISTED_ERRORS = 1000


class ThresholdExceeded(Exception):
    pass


def make_source(target: dict[str, Any]) -> Source:
    path = target["path"]
    if is_s3(path):
        connection = None
        if target.get("connection"):
            connection = Connection.objects.get(name=target["connection"])
        return S3Source(path, connection)
    return LocalSource(path)


class Recorder:
    """Keeps the run row, its log and its live events up to date."""

    def __init__(self, run: CrawlerRun) -> None:
        self.run = run
        self.last_check = 0.0
        self.phases: dict[str, float] = {}  # seconds per step, for the run's log

    def timed(self, phase: str, since: float) -> float:
        now = time.monotonic()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - since
        return now

    def event(self, type: str, payload: dict[str, Any]) -> None:
        append_event("crawl", self.run.pk, type, {"crawler": self.run.crawler.name, **payload})

    def state(self, state: str, **fields: Any) -> bool:
        """Save the run in `state` with its event; False when the row's state forbids it.

        A run the reaper ended (its heartbeat went stale) stays ended. A run stopped by force is
        still finished by its worker, which knows what really happened.
        """
        with transaction.atomic():  # the row and its event are seen together
            current = CrawlerRun.objects.select_for_update().filter(pk=self.run.pk).values_list("state", flat=True)
            now = current.first()
            forced_stop = now == CrawlerRunState.STOPPED and state != CrawlerRunState.RUNNING
            if not CRAWL_RUNS.allowed(now, state) and not forced_stop:
                return False
            self.run.state = state
            for key, value in fields.items():
                setattr(self.run, key, value)
            self.run.save()
            self.event("crawl.state", {"state": state, "dry_run": self.run.dry_run})
        return True

    def message(self, level: str, text: str) -> None:
        self.run.log.append({"at": timezone.now().isoformat(), "level": level, "message": text})

    def progress(self, done: int, total: int, base: int) -> None:
        self.run.files_scanned = self.scanned
        CrawlerRun.objects.filter(pk=self.run.pk).update(files_total=base + total)
        self.event("crawl.progress", {"scanned": base + done, "total": base + total})
        self.check_stop()

    scanned = 0

    def check_stop(self) -> None:
        state = CrawlerRun.objects.filter(pk=self.run.pk).values_list("state", flat=True).first()
        if state in (CrawlerRunState.STOPPING, CrawlerRunState.STOPPED):
            raise Stopped


def _found(source: Source, target: str, result: ScanResult, tables: list[grouping.FoundTable]) -> list[reconcile.Found]:
    found = []
    for table in tables:
        location = source.location(table.relative)
        errors = {
            f
            for f in result.error_folders
            if f == table.relative or f.startswith(table.relative + "/") or not table.relative
        }
        found.append(
            reconcile.Found(table, location, [source.location(p.relative) for p in table.partitions], target, errors)
        )
    return found


def run_crawl(run_id: int, worker: str = "") -> CrawlerRun:
    """Carry out a waiting run: scan, plan, apply by policy (not for a dry run), record everything.

    With a `worker` (the Celery worker's name) the run beats a heartbeat while it runs, and the
    reaper (crawlers/reaper.py) ends it if the worker dies.
    """
    run = CrawlerRun.objects.select_related("crawler").get(pk=run_id)
    recorder = Recorder(run)
    if run.state != CrawlerRunState.WAITING:
        return run
    # Claims the run: a second delivery of the same task finds it RUNNING and leaves.
    if not recorder.state(
        CrawlerRunState.RUNNING, started_at=timezone.now(), worker=worker, heartbeat_at=timezone.now()
    ):
        return run
    if not worker:
        return _carry(run, recorder)
    with Heartbeat(run.pk, CrawlerRun, FINISHED_STATES, label="crawl"):
        return _carry(run, recorder)


GC_THRESHOLDS = (100_000, 10, 1_000)  # while scanning: see _fewer_collections


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector runs less often while files are scanned and grouped.

    A scan makes several objects per file and keeps most of them to the end (entries, schemas,
    known files, memory rows). With the default thresholds the collector ran some 30 times in a
    10,000-file crawl, going over the same survivors again, and now and then over the whole
    process (0.1-0.2 s at once). A scan makes little cyclic garbage (a traceback per unreadable
    file); what it makes is still collected, every 100,000 new objects instead of every 2,000.
    """
    before = gc.get_threshold()
    if before[0]:  # 0: automatic collection is off, and stays so
        gc.set_threshold(*(max(now, wanted) for now, wanted in zip(before, GC_THRESHOLDS, strict=True)))
    try:
        yield
    finally:
        gc.set_threshold(*before)


class Abandoned(Exception):
    """The run was ended by someone else (the reaper) while it ran: it changes nothing."""


def _carry(run: CrawlerRun, recorder: Recorder) -> CrawlerRun:
    crawler = run.crawler
    started = time.monotonic()
    try:
        with _fewer_collections():
            plan, memory = _crawl(crawler, run, recorder)
        run.changes = [c.public() for c in plan.changes]
        creates = plan.count("create_table")
        if crawler.table_threshold is not None and creates > crawler.table_threshold:
            raise ThresholdExceeded(
                f"the crawl would create {creates} tables, more than the table threshold of "
                f"{crawler.table_threshold}: nothing was changed"
            )
        _count(run, plan)
        if run.dry_run:
            recorder.message("info", _summary(run, time.monotonic() - started))
            recorder.message("info", "timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in recorder.phases.items()))
            recorder.state(CrawlerRunState.SUCCEEDED, ended_at=timezone.now())
        else:
            recorder.check_stop()
            since = time.monotonic()
            packed = crawler_memory.pack(memory)  # before the transaction: its locks are held for less
            # The catalog's changes and the run's SUCCEEDED commit together: a crawl that dies (or is
            # reaped) before the end has changed nothing.
            with transaction.atomic():
                reconcile.apply(plan, ChangedBy.crawler_run(run.pk, crawler.name))
                Crawler.objects.filter(pk=crawler.pk).update(memory=packed)
                recorder.timed("write catalog", since)
                recorder.message("info", _summary(run, time.monotonic() - started))
                recorder.message("info", "timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in recorder.phases.items()))
                if not recorder.state(CrawlerRunState.SUCCEEDED, ended_at=timezone.now()):
                    raise Abandoned
    except Abandoned:
        log.warning("crawler run %s was ended while it ran (its heartbeat went stale): nothing applied", run.pk)
        return run
    except Stopped:
        recorder.message("info", "stopped on request: nothing was changed")
        forced = CrawlerRun.objects.filter(pk=run.pk, state=CrawlerRunState.STOPPED).values_list("error", flat=True)
        recorder.state(CrawlerRunState.STOPPED, ended_at=timezone.now(), error=forced.first() or "")
    except (ThresholdExceeded, ValidationError, FileNotFoundError, PermissionError) as exc:
        text = (
            "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            if isinstance(exc, ValidationError) and hasattr(exc, "error_dict")
            else str(exc)
        )
        recorder.message("error", text)
        recorder.state(CrawlerRunState.FAILED, ended_at=timezone.now(), error=text)
    except Exception as exc:
        log.exception("crawler run %s failed", run.pk)
        recorder.message("error", traceback.format_exc(limit=5))
        recorder.state(CrawlerRunState.FAILED, ended_at=timezone.now(), error=f"{type(exc).__name__}: {exc}")
    finally:
        if not CrawlerRun.objects.filter(crawler_id=crawler.pk).exclude(state__in=FINISHED_STATES).exists():
            Crawler.objects.filter(pk=crawler.pk).update(state=CrawlerState.READY)
    return run


def _crawl(crawler: Crawler, run: CrawlerRun, recorder: Recorder) -> tuple[reconcile.Plan, dict[str, Any]]:
    classifiers = Classifiers.for_definitions(crawler.classifiers)
    exclusions = Exclusions.of(crawler.exclusions)
    new_only = crawler.recrawl_behavior == RecrawlBehavior.CRAWL_NEW_FOLDERS_ONLY
    memory = crawler_memory.unpack(crawler.memory)
    found: list[reconcile.Found] = []
    errors_under: list[str] = []
    new_memory: dict[str, Any] = {"targets": {}}
    base = 0
    for target in crawler.targets:
        source = make_source(target)
        key = target["path"]
        target_memory = memory.get("targets", {}).get(key, {})

        def progress(done: int, total: int, base: int = base) -> None:
            recorder.scanned = run.files_scanned
            recorder.progress(done, total, base)

        if new_only and isinstance(source, LocalSource):
            source.remember_leaves(target_memory.get("leaves", {}))
        since = time.monotonic()
        result = scan(
            source,
            exclusions,
            classifiers,
            sample_size=crawler.sample_size,
            memory=target_memory,
            new_folders_only=new_only,
            progress=Throttle(progress),
        )
        base += result.listed
        run.files_total = base
        run.files_scanned += result.read
        run.files_skipped += len(result.excluded) + result.remembered + result.inherited + len(result.skipped)
        for error in result.errors:
            if len(run.file_errors) < MAX_LISTED_ERRORS:
                run.file_errors.append({"path": join(key, error["path"]), "error": error["error"]})
        errors_under.extend(source.location(f) for f in result.error_folders)
        recorder.message(
            "info",
            f"{key}: {result.listed} files listed, {result.read} read, {result.remembered} unchanged since the last "
            f"crawl, {result.inherited} taken to be like their folder's sample, {len(result.excluded)} excluded, "
            f"{len(result.errors)} unreadable"
            + (
                f"; {source.reused} folders unchanged since the last crawl were not listed"
                if isinstance(source, LocalSource) and source.given_leaves is not None
                else ""
            ),
        )
        fallback = key.rstrip("/").rsplit("/", 1)[-1]
        anchors = _anchors(crawler, source.location(""))
        since = recorder.timed("list and read files", since)
        tree = grouping.build_tree(result.files)
        if crawler.table_level:
            tables = grouping.group_at_level(tree, crawler.table_prefix, fallback, crawler.table_level)
        else:
            tables = grouping.group_auto(
                tree, crawler.table_prefix, fallback, crawler.combine_compatible_schemas, anchors
            )
        found.extend(_found(source, key, result, tables))
        recorder.timed("group tables", since)
        folders = set(result.folders)
        if new_only:
            folders |= set(target_memory.get("folders", []))
        new_memory["targets"][key] = {
            "files": result.memory_files,
            "schemas": result.schemas,
            "folders": sorted(folders),
        }
        if isinstance(source, LocalSource) and source.given_leaves is not None:
            new_memory["targets"][key]["leaves"] = source.leaves
    since = time.monotonic()
    plan = reconcile.plan(crawler, found, run.pk, errors_under)  # may rename a table whose name is taken
    recorder.timed("plan", since)
    run.tables = [
        {"name": f.table.name, "location": f.location, "partitions": len(f.table.partitions), **f.table.why}
        for f in found
    ]
    return plan, new_memory


def _anchors(crawler: Crawler, base: str) -> frozenset[str]:
    """Folders (below the target) of the tables this crawler made earlier."""
    locations = Table.objects.filter(
        database__name=crawler.database, parameters__crawler=crawler.name, deprecated=False
    ).values_list("location", flat=True)
    found = set()
    for location in locations:
        if location == base:
            found.add("")
        elif location.startswith(base.rstrip("/") + "/"):
            found.add(location[len(base.rstrip("/")) + 1 :])
    return frozenset(found)


def _count(run: CrawlerRun, plan: reconcile.Plan) -> None:
    # Changes the policy applies (for a dry run: would apply); logged ones are not counted.
    run.tables_created = plan.count("create_table")
    run.tables_updated = plan.count("update_table")
    run.tables_deprecated = plan.count("deprecate_table")
    run.tables_deleted = plan.count("delete_table")
    run.partitions_added = plan.count("add_partitions")
    run.partitions_removed = plan.count("remove_partitions")


def _summary(run: CrawlerRun, seconds: float) -> str:
    verb = "would change" if run.dry_run else "changed"
    return (
        f"{'dry run: ' if run.dry_run else ''}{run.files_total} files, {run.files_scanned} read, in {seconds:.2f} s; "
        f"{verb}: {run.tables_created} tables created, {run.tables_updated} updated, "
        f"{run.tables_deprecated} deprecated, {run.tables_deleted} deleted, "
        f"{run.partitions_added} partitions added, {run.partitions_removed} removed"
    )
