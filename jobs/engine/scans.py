"""A source's scan, handed from a run's schema analysis to the same run's build.

A run analyses its graph (validate.analyze: every source's scan is planned to learn its schema,
which reads the files' metadata: a Parquet footer, a CSV's first lines) and then builds the plan
it executes, which used to scan every source again and read that metadata a second time. On
PDS-H that second read was a good part of the engine's fixed cost per run next to hand-written
Polars, which reads it once (benchmarks/pdsh.py).

So the analysis leaves each scan here and the build takes it: once (`take` removes it), so the
next run reads the metadata afresh, as any Polars program does. Only lazy scans of one local,
regular file are handed over, keyed by everything the scan depends on including the file's
identity (inode, size, modification time): a file replaced or rewritten in between gets a fresh
scan. Globs and folders are not (their listing may change without the key showing it), nor
formats read eagerly into memory (a design-time analysis never followed by a build would keep
the data alive). Entries never taken (design-time analyses) are dropped when the table fills.
"""

from __future__ import annotations

import json
import os
import stat
import threading
from collections.abc import Mapping
from typing import Any

import polars as pl

from jobs.engine.paths import GLOB_CHARS, is_remote

LAZY_FORMATS = {"parquet", "ipc", "ndjson", "csv", "tsv"}
LIMIT = 64

_scans: dict[tuple[Any, ...], pl.LazyFrame] = {}
_lock = threading.Lock()


def key(location: str, params: Mapping[str, Any], n_rows: int | None) -> tuple[Any, ...] | None:
    """What a scan of `location` depends on, or None when it is not handed over."""
    fmt = params["format"]
    options = params.get("options", {})
    if fmt not in LAZY_FORMATS or options.get("encoding", "utf8") not in ("utf8", "utf8-lossy"):
        return None
    if is_remote(location) or GLOB_CHARS.intersection(location):
        return None
    try:
        info = os.stat(location)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    identity = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)
    shape = json.dumps([fmt, options, params.get("hive_partitioning", True), n_rows], sort_keys=True, default=str)
    return (location, identity, shape)


def leave(found: tuple[Any, ...] | None, frame: pl.LazyFrame) -> None:
    if found is None:
        return
    with _lock:
        if len(_scans) >= LIMIT:
            _scans.clear()
        _scans[found] = frame


def take(found: tuple[Any, ...] | None) -> pl.LazyFrame | None:
    if found is None:
        return None
    with _lock:
        return _scans.pop(found, None)


def clear() -> None:
    with _lock:
        _scans.clear()
