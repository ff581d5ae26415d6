"""One crawl from start to end: scan each target, group tables, plan, apply by policy, record the run."""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from catalog.models import Connection, Table
from catalog.paths import is_s3
from catalog.services.common import ChangedBy
from crawlers import grouping, reconcile
from crawlers.classifiers import Classifiers
from crawlers.globs import Exclusions
from crawlers.models import Crawler, CrawlerRun, CrawlerRunState, CrawlerState, RecrawlBehavior
from crawlers.scan import ScanResult, Stopped, Throttle, scan
from crawlers.sources import Source, join
from crawlers.sources.local import LocalSource
from crawlers.sources.s3 import S3Source
from jobs.events import append_event

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

    def state(self, state: str, **fields: Any) -> None:
        self.run.state = state
        for key, value in fields.items():
            setattr(self.run, key, value)
        with transaction.atomic():  # the row and its event are seen together
            self.run.save()
            self.event("crawl.state", {"state": state, "dry_run": self.run.dry_run})

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


def run_crawl(run_id: int) -> CrawlerRun:
    """Carry out a waiting run: scan, plan, apply by policy (not for a dry run), record everything."""
    run = CrawlerRun.objects.select_related("crawler").get(pk=run_id)
    crawler = run.crawler
    recorder = Recorder(run)
    if run.state != CrawlerRunState.WAITING:
        return run
    recorder.state(CrawlerRunState.RUNNING, started_at=timezone.now())
    started = time.monotonic()
    try:
        plan, memory = _crawl(crawler, run, recorder)
        run.changes = [c.public() for c in plan.changes]
        creates = plan.count("create_table")
        if crawler.table_threshold is not None and creates > crawler.table_threshold:
            raise ThresholdExceeded(
                f"the crawl would create {creates} tables, more than the table threshold of "
                f"{crawler.table_threshold}: nothing was changed"
            )
        if not run.dry_run:
            recorder.check_stop()
            since = time.monotonic()
            with transaction.atomic():
                reconcile.apply(plan, ChangedBy.crawler_run(run.pk, crawler.name))
                Crawler.objects.filter(pk=crawler.pk).update(memory=memory)
            recorder.timed("write catalog", since)
        _count(run, plan)
        recorder.message("info", _summary(run, time.monotonic() - started))
        recorder.message("info", "timings: " + ", ".join(f"{k} {v:.3f} s" for k, v in recorder.phases.items()))
        recorder.state(CrawlerRunState.SUCCEEDED, ended_at=timezone.now())
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
        Crawler.objects.filter(pk=crawler.pk).update(state=CrawlerState.READY)
    return run


def _crawl(crawler: Crawler, run: CrawlerRun, recorder: Recorder) -> tuple[reconcile.Plan, dict[str, Any]]:
    classifiers = Classifiers.for_definitions(crawler.classifiers)
    exclusions = Exclusions.of(crawler.exclusions)
    new_only = crawler.recrawl_behavior == RecrawlBehavior.CRAWL_NEW_FOLDERS_ONLY
    memory = crawler.memory or {}
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
            f"{len(result.errors)} unreadable",
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
