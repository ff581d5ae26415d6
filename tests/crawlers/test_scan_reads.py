"""How a crawl reads files: on its own thread while reads are fast, on threads once they wait; the
outcome is the same either way, in the same order, and a file that cannot be read is recorded."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from typing import IO

import polars as pl
import pytest

from crawlers import scan as scanning
from crawlers.classifiers import Classifiers
from crawlers.globs import Exclusions
from crawlers.sources import FileEntry, Skipped

FOLDERS, FILES = 8, 12  # more files per folder than the sample size: some are taken to be like the sample


def parquet_bytes(rows: int) -> bytes:
    buffer = io.BytesIO()
    pl.DataFrame({"id": range(rows), "name": ["x"] * rows}).write_parquet(buffer)
    return buffer.getvalue()


class MemorySource:
    """A target held in memory whose reads take `delay` seconds (a cold disk, S3) and note their thread."""

    target = "memory"

    def __init__(self, delay: float, broken: frozenset[str] = frozenset()) -> None:
        self.delay = delay
        self.broken = broken
        self.files = {
            f"day={d}/part-{f:02d}.parquet": parquet_bytes(1 + (d * FILES + f) % 5)
            for d in range(FOLDERS)
            for f in range(FILES)
        }
        self.threads: dict[str, str] = {}  # file -> the thread that read it

    def list(self) -> Iterator[FileEntry | Skipped]:
        for relative, data in self.files.items():
            yield FileEntry(relative, len(data), "1")

    def read(self, relative: str, size: int) -> bytes:
        self.threads[relative] = threading.current_thread().name
        time.sleep(self.delay)
        if relative in self.broken:
            raise OSError(f"cannot read {relative}")
        return self.files[relative][:size]

    def open(self, relative: str) -> IO[bytes]:
        return io.BytesIO(self.read(relative, len(self.files[relative])))

    def location(self, relative_folder: str) -> str:
        return f"memory/{relative_folder}"


def crawl(source: MemorySource, sample_size: int = 10) -> scanning.ScanResult:
    return scanning.scan(
        source,  # type: ignore[arg-type]
        Exclusions.of([]),
        Classifiers(),
        sample_size=sample_size,
        memory={},
        new_folders_only=False,
        progress=lambda done, total: None,
    )


def outcome(result: scanning.ScanResult) -> list[tuple[str, int, int, list[str]]]:
    return [(f.relative, f.size, f.rows, [c["name"] for c in f.schema.columns]) for f in result.files]


def test_slow_reads_move_to_threads_and_the_outcome_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanning, "SLOW_READ_SECONDS", 3600.0)  # never slow enough: all read on the crawl's thread
    here = MemorySource(delay=0.0)
    expected = crawl(here)
    assert set(here.threads.values()) == {threading.current_thread().name}

    monkeypatch.setattr(scanning, "SLOW_READ_SECONDS", 0.0002)
    slow = MemorySource(delay=0.002)  # 2 ms a read: slower than the limit, whatever the machine
    found = crawl(slow)

    assert outcome(found) == outcome(expected)
    assert (found.read, found.inherited, found.errors) == (FOLDERS * 10, FOLDERS * (FILES - 10), [])
    assert found.memory_files == expected.memory_files
    threads = [slow.threads[name] for name in slow.files if name in slow.threads]  # in the crawl's order
    # The first reads are timed on the crawl's thread; after SLOW_READS slow ones the threads read ahead.
    here = threading.current_thread().name
    assert threads[: scanning.SLOW_READS] == [here] * scanning.SLOW_READS
    assert all(name.startswith("crawl-read") for name in threads[scanning.SLOW_READS :])


def test_a_file_a_thread_cannot_read_is_recorded_and_its_folder_sampled_further(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scanning, "SLOW_READ_SECONDS", 0.0)  # threads from the first probe on
    monkeypatch.setattr(scanning, "SLOW_READS", 1)
    broken = frozenset({"day=3/part-02.parquet"})
    source = MemorySource(delay=0.0, broken=broken)

    found = crawl(source, sample_size=4)

    assert found.errors == [{"path": "day=3/part-02.parquet", "error": "OSError: cannot read day=3/part-02.parquet"}]
    assert found.error_folders == {"day=3"}
    read_in_day_3 = sorted(name for name in source.threads if name.startswith("day=3/"))
    # Four good files still make the sample: the fifth was read on the spot, after the broken one.
    assert read_in_day_3 == [f"day=3/part-{f:02d}.parquet" for f in range(5)]
    assert found.read == FOLDERS * 4
    assert len(found.files) == FOLDERS * FILES - 1


def test_progress_is_reported_at_the_start_and_the_last_step_once() -> None:
    reports: list[tuple[int, int]] = []
    throttle = scanning.Throttle(lambda done, total: reports.append((done, total)), interval=3600)
    for done in (0, 1, 2, 3, 3):
        throttle(done, 3)
    assert reports == [(0, 3), (3, 3)]  # nothing in between (the interval), the end once
