"""Reading a target: list its files, leave out the excluded, and classify a sample of each folder.

Each leaf folder has up to `sample_size` files read; its other files are taken to be like the
first file read there. A file read by an earlier crawl and unchanged since (same size and stamp)
is not read again: its schema comes from the crawler's memory. With CRAWL_NEW_FOLDERS_ONLY,
files in folders an earlier crawl saw are never read.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

from crawlers.classifiers import Classifiers, Unclassified
from crawlers.classifiers.base import SMALL_FILE, Classified, FileSample
from crawlers.globs import Exclusions
from crawlers.grouping import KnownFile
from crawlers.sources import FileEntry, Skipped, Source

READ_THREADS = 4
READ_BATCH = 16  # files one thread reads in a row
READ_AHEAD = 128  # files read ahead of the crawl
SLOW_READ_SECONDS = 0.0002  # a file read (and classified) slower than this waited on the disk or the network
SLOW_READS = 4  # that many in a row start the threads (one alone may be the machine being busy)


class Stopped(Exception):
    """The run was asked to stop."""


def schema_key(schema: Classified) -> str:
    text = json.dumps(asdict(schema), sort_keys=True, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]


def schema_from_memory(data: dict[str, Any]) -> Classified:
    return Classified(**data)


@dataclass
class ScanResult:
    files: list[KnownFile] = field(default_factory=list)
    listed: int = 0
    read: int = 0
    remembered: int = 0  # unchanged since an earlier crawl: not read
    inherited: int = 0  # not sampled: taken to be like the folder's sample
    excluded: list[dict[str, str]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)  # folders seen before, links, ...
    errors: list[dict[str, str]] = field(default_factory=list)
    error_folders: set[str] = field(default_factory=set)
    folders: set[str] = field(default_factory=set)
    memory_files: dict[str, list[Any]] = field(default_factory=dict)  # relative -> [size, stamp, schema key]
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)


def _list(source: Source, exclusions: Exclusions, result: ScanResult) -> dict[str, list[FileEntry]]:
    """The target's files by folder, less the excluded ones (recorded in `result`)."""
    by_folder: dict[str, list[FileEntry]] = defaultdict(list)
    for item in source.list():
        if isinstance(item, Skipped):
            result.skipped.append({"path": item.relative, "reason": item.reason})
            continue
        result.listed += 1
        pattern = exclusions.match(item.relative)
        if pattern is not None:
            result.excluded.append({"path": item.relative, "pattern": pattern})
            continue
        folder = item.relative.rsplit("/", 1)[0] if "/" in item.relative else ""
        by_folder[folder].append(item)
    return by_folder


@dataclass
class _FolderPlan:
    folder: str
    old_folder: bool  # CRAWL_NEW_FOLDERS_ONLY and seen before: nothing in it is read
    sample: KnownFile | None = None  # the first file known in the folder
    sampled: int = 0
    pending: list[FileEntry] = field(default_factory=list)  # not known from memory


class _Prefetch:
    """Reads the files the crawl will want, in its order; a few threads ahead of it when reads wait.

    File reads that wait on the disk or the network release the GIL, so a few threads overlap
    them. But from a warm cache a file is read and classified in some 20 us, and handing work to
    threads cost the crawl more than it saved. So the crawl reads files itself, and starts the
    threads (for the files still to come) once SLOW_READS reads in a row each took more than
    SLOW_READ_SECONDS (a cold disk, S3). Results are taken one by one in order, on the crawl's
    thread (which alone reports progress and writes to the database), so the
    outcome does not depend on timing. A thread reads a batch of READ_BATCH files in a row, so
    the hand-over costs little per file. A file not asked for in advance (a folder's next file
    after an unreadable one) is read on the spot.
    """

    def __init__(self, entries: list[FileEntry], work: Callable[[FileEntry], Classified]) -> None:
        self.entries = entries
        self.where = {entry.relative: i for i, entry in enumerate(entries)}
        self.work = work
        self.pool: ThreadPoolExecutor | None = None
        self.first = 0  # the index of the first entry the threads read
        self.futures: dict[int, Future[list[Classified | Exception]]] = {}
        self.submitted = 0  # batches handed to the threads
        self.slow_in_a_row = 0  # reads on the crawl's thread, each slower than SLOW_READ_SECONDS

    def __enter__(self) -> _Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def _read(self, batch: list[FileEntry]) -> list[Classified | Exception]:
        out: list[Classified | Exception] = []
        for entry in batch:
            try:
                out.append(self.work(entry))
            except Exception as exc:  # handed to the crawl's thread, which records it
                out.append(exc)
        return out

    def _read_here(self, entry: FileEntry, index: int) -> Classified:
        started = time.perf_counter()
        try:
            return self.work(entry)
        finally:
            slow = time.perf_counter() - started > SLOW_READ_SECONDS
            self.slow_in_a_row = self.slow_in_a_row + 1 if slow else 0
            if self.pool is None and self.slow_in_a_row >= SLOW_READS and index + 1 < len(self.entries):
                # A cold disk, S3: the threads read the files still to come.
                self.first = index + 1
                self.pool = ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="crawl-read")

    def get(self, entry: FileEntry) -> Classified:
        index = self.where.pop(entry.relative, None)
        if index is None:
            return self.work(entry)
        if self.pool is None or index < self.first:
            return self._read_here(entry, index)
        number, place = divmod(index - self.first, READ_BATCH)
        batches = (len(self.entries) - self.first + READ_BATCH - 1) // READ_BATCH
        while self.submitted < batches and self.submitted <= number + READ_AHEAD // READ_BATCH:
            start = self.first + self.submitted * READ_BATCH
            self.futures[self.submitted] = self.pool.submit(self._read, self.entries[start : start + READ_BATCH])
            self.submitted += 1
        results = self.futures[number].result()
        if place == len(results) - 1:
            del self.futures[number]
        found = results[place]
        if isinstance(found, Exception):
            raise found
        return found


class _Schemas:
    """Distinct schemas by key, each one shared by every file that has it (rows are kept per file)."""

    def __init__(self, remembered: dict[str, dict[str, Any]], result: ScanResult) -> None:
        self.remembered = remembered
        self.result = result
        self.by_key: dict[str, Classified] = {}
        self.by_fingerprint: dict[str, str] = {}
        self.by_columns: dict[int, tuple[list[dict[str, str]], tuple[Any, ...], str]] = {}

    def from_memory(self, key: str) -> Classified | None:
        if key not in self.by_key:
            data = self.remembered.get(key)
            if data is None:
                return None
            self.by_key[key] = schema_from_memory(data)
            self.result.schemas[key] = data
        return self.by_key[key]

    def add(self, schema: Classified) -> tuple[str, Classified]:
        schema.rows = None
        # Files of one dataset often share one columns list (the Parquet classifier's cache): then the
        # list's identity (kept alive here, so never reused) stands for its contents.
        shared = self.by_columns.get(id(schema.columns))
        if (
            shared is not None
            and shared[0] is schema.columns
            and shared[1] == (schema.classification, schema.classifier, schema.format_options)
            and not schema.parameters
        ):
            return shared[2], self.by_key[shared[2]]
        options = (schema.classification, schema.classifier, sorted(schema.format_options.items()))
        fingerprint = repr((options, schema.columns, sorted(schema.parameters.items()), schema.certainty, schema.notes))
        key = self.by_fingerprint.get(fingerprint)
        if key is None:
            key = self.by_fingerprint[fingerprint] = schema_key(schema)
            self.by_key.setdefault(key, schema)
            self.result.schemas[key] = asdict(schema)
        if not schema.parameters:
            self.by_columns[id(schema.columns)] = (
                schema.columns,
                (schema.classification, schema.classifier, dict(schema.format_options)),
                key,
            )
        return key, self.by_key[key]


def scan(  # noqa: PLR0915  (the per-folder sampling rules, in order)
    source: Source,
    exclusions: Exclusions,
    classifiers: Classifiers,
    *,
    sample_size: int,
    memory: dict[str, Any],
    new_folders_only: bool,
    progress: Callable[[int, int], None],
) -> ScanResult:
    result = ScanResult()
    remembered_files: dict[str, list[Any]] = memory.get("files", {})
    schemas = _Schemas(memory.get("schemas", {}), result)
    seen_folders = set(memory.get("folders", []))
    by_folder = _list(source, exclusions, result)
    total = sum(len(files) for files in by_folder.values())
    done = 0
    progress(0, total)
    # First what earlier crawls already know (nothing is read), then the files to read.
    plans: list[_FolderPlan] = []
    for folder, entries in by_folder.items():
        result.folders.add(folder)
        plan = _FolderPlan(folder, new_folders_only and folder in seen_folders)
        for entry in entries:
            known = remembered_files.get(entry.relative)
            schema = None
            if known and len(known) == 4 and known[0] == entry.size and known[1] == entry.stamp:
                schema = schemas.from_memory(known[2])
            if schema is None:
                plan.pending.append(entry)
                continue
            file = KnownFile(entry.relative, entry.size, schema, known[3])  # type: ignore[index]
            result.files.append(file)
            result.memory_files[entry.relative] = known  # type: ignore[assignment]
            result.remembered += 1
            done += 1
            plan.sample = plan.sample or file
            plan.sampled += 1
        plans.append(plan)
    wanted = [
        entry for plan in plans if not plan.old_folder for entry in plan.pending[: max(0, sample_size - plan.sampled)]
    ]
    with _Prefetch(wanted, lambda entry: _classify(source, entry, classifiers)) as reads:
        for plan in plans:
            for entry in plan.pending:
                done += 1
                if plan.old_folder or plan.sampled >= sample_size:
                    sample = plan.sample
                    if sample is not None:
                        # Not read: like the folder's sample, with rows in proportion to its size.
                        rows = round(sample.rows * entry.size / sample.size) if sample.size else 0
                        result.files.append(KnownFile(entry.relative, entry.size, sample.schema, rows))
                        result.inherited += 1
                    elif plan.old_folder:
                        result.skipped.append({"path": entry.relative, "reason": "in a folder crawled before"})
                    continue
                try:
                    classified = reads.get(entry)
                except Exception as exc:  # one bad file is recorded and skipped; the crawl goes on
                    result.errors.append({"path": entry.relative, "error": _describe(exc)})
                    result.error_folders.add(plan.folder)
                    continue
                finally:
                    progress(done, total)
                result.read += 1
                plan.sampled += 1
                rows = classified.rows or 0
                key, shared = schemas.add(classified)
                result.memory_files[entry.relative] = [entry.size, entry.stamp, key, rows]
                file = KnownFile(entry.relative, entry.size, shared, rows)
                result.files.append(file)
                plan.sample = plan.sample or file
    progress(total, total)
    return result


def _classify(source: Source, entry: FileEntry, classifiers: Classifiers) -> Classified:
    if entry.size <= SMALL_FILE:
        data = source.read(entry.relative, entry.size)
        return classifiers.classify(FileSample(entry.relative, entry.size, data=data))
    with source.open(entry.relative) as handle:
        return classifiers.classify(FileSample(entry.relative, entry.size, handle))


def _describe(exc: Exception) -> str:
    if isinstance(exc, Unclassified):
        return f"unclassified: {exc}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Throttle:
    """Calls `report` at most every `interval` seconds (and always for the last step, once: each
    report is a database write and a live event)."""

    def __init__(self, report: Callable[[int, int], None], interval: float = 0.5) -> None:
        self.report = report
        self.interval = interval
        self.last = float("-inf")  # the first step is always reported
        self.reported: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if (done >= total or now - self.last >= self.interval) and (done, total) != self.reported:
            self.last = now
            self.reported = (done, total)
            self.report(done, total)
