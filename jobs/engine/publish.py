"""Outputs appear only on success (docs/runs.md): targets stage, then publish moves files into place.

A publisher per target: `FilePublish` (local folder: renames), `S3Publish` (s3:// prefix: copies,
then deletes the staging objects) and `DeltaPublish` (a Delta Lake table: the staged Parquet is
committed to the table's log in one commit). publish_all publishes all of them or none, and runs
the catalog changes (one transaction) after the files are in place: if those fail, the files are
moved back too.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from jobs.engine.storage import S3Location

STAGING_DIR = "_glueweb_staging"
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"


def staging_for(target: Path, run_id: str) -> Path:
    """`_glueweb_staging/run-<id>/<target name>` beside the target: same file system, so moves are renames."""
    return target.parent / STAGING_DIR / f"run-{run_id}" / target.name


def s3_staging_for(target: S3Location, run_id: str) -> S3Location:
    """The same layout under the target's parent prefix, in the same bucket (copies stay server-side)."""
    return target.parent().child(STAGING_DIR, f"run-{run_id}", target.name)


def is_nonempty_dir(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def partition_values(relative: str, keys: list[str]) -> list[str | None] | None:
    """`k1=a/k2=b/part-x.parquet` -> ["a", "b"] for keys [k1, k2]; None when the path is not laid out so."""
    parts = relative.split("/")[:-1]
    if len(parts) != len(keys):
        return None
    values: list[str | None] = []
    for part, key in zip(parts, keys, strict=True):
        name, sep, value = part.partition("=")
        if not sep or name != key:
            return None
        values.append(None if value == NULL_PARTITION else value)
    return values


def _count(files: list[str], fmt: str, storage_options: dict[str, str] | None = None) -> int:
    """Rows in files we wrote: footers for Parquet and IPC, a read for text formats (our own output)."""
    if not files:
        return 0
    if fmt in ("parquet", "delta"):
        frame = pl.scan_parquet(files, hive_partitioning=False, storage_options=storage_options)
    elif fmt == "ipc":
        frame = pl.scan_ipc(files, hive_partitioning=False, storage_options=storage_options)
    elif fmt == "csv":
        return sum(pl.read_csv(f, infer_schema_length=0, storage_options=storage_options).height for f in files)
    else:
        return sum(pl.read_ndjson(f, storage_options=storage_options).height for f in files)
    return int(frame.select(pl.len()).collect().item())


class Publisher(Protocol):
    node: str
    mode: str
    format: str

    @property
    def location(self) -> str: ...  # where the target's data lands (a path or an s3:// URI)

    def staged_files(self) -> list[str]: ...  # relative to the staging folder, `/`-separated

    def rows_written(self) -> int: ...

    def precheck(self) -> None: ...

    def publish(self) -> list[str]: ...

    def rollback(self) -> None: ...

    def cleanup(self) -> None: ...


@dataclass
class FilePublish:
    """One write_files target in a local folder: new files in `staged`, to land in `target` by `mode`."""

    node: str
    target: Path
    staged: Path
    mode: str
    format: str = "parquet"
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (from, to), to undo in reverse
    made: list[Path] = field(default_factory=list)  # folders publishing created, removed on rollback

    @property
    def location(self) -> str:
        return str(self.target)

    def _mkdir(self, folder: Path) -> None:
        missing = []
        while not folder.exists():
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            path.mkdir()
            self.made.append(path)

    @property
    def run_root(self) -> Path:
        return self.staged.parent

    def staged_files(self) -> list[str]:
        if not self.staged.exists():
            return []
        return sorted(p.relative_to(self.staged).as_posix() for p in self.staged.rglob("*") if p.is_file())

    def rows_written(self) -> int:
        return _count([str(self.staged / f) for f in self.staged_files()], self.format)

    def precheck(self) -> None:
        if self.mode == "error_if_exists" and is_nonempty_dir(self.target):
            raise FileExistsError(f"{self.target} exists and is not empty (mode error_if_exists)")

    def _move(self, src: Path, dst: Path) -> None:
        self._mkdir(dst.parent)
        os.replace(src, dst)
        self.moved.append((src, dst))

    def publish(self) -> list[str]:
        self.precheck()
        if self.mode == "overwrite" and self.target.exists():
            aside = self.run_root / f"{self.target.name}.old"
            self._move(self.target, aside)
        staged = self.staged_files()
        if staged and not os.path.lexists(self.target):
            # The usual case (a new folder, or one just moved aside): one rename of the whole staged
            # folder instead of a folder made and a rename per file, and one folder fewer to remove
            # at cleanup (a directory's mkdir/rmdir is the costly part of publishing; rollback moves
            # it back as it would a file).
            self._move(self.staged, self.target)
            return [str(self.target / relative) for relative in staged]
        written: list[str] = []
        for relative in staged:
            src, dst = self.staged / relative, self.target / relative
            if dst.exists():
                raise FileExistsError(f"{dst} already exists")
            self._move(src, dst)
            written.append(str(dst))
        self._mkdir(self.target)
        return written

    def rollback(self) -> None:
        for src, dst in reversed(self.moved):
            if dst.exists():
                src.parent.mkdir(parents=True, exist_ok=True)
                os.replace(dst, src)
        self.moved.clear()
        for folder in reversed(self.made):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        self.made.clear()

    def cleanup(self) -> None:
        try:
            os.rmdir(self.run_root)  # after a whole-folder publish it is empty: no walk needed
        except FileNotFoundError:
            pass
        except OSError:
            shutil.rmtree(self.run_root, ignore_errors=True)
        base = self.run_root.parent
        if base.name == STAGING_DIR:
            with contextlib.suppress(OSError):  # not empty (another run stages there) or gone
                base.rmdir()


@dataclass
class S3Publish:
    """One write_files target under an s3:// prefix: staged objects are copied into place, then deleted.

    S3 has no rename: `overwrite` first copies the old objects aside (under the run's staging
    prefix) and deletes them, so that a rollback can copy them back.
    """

    node: str
    target: S3Location
    staged: S3Location
    mode: str
    format: str = "parquet"
    copied: list[tuple[str, str]] = field(default_factory=list)  # (from, to) keys, to undo in reverse
    _fs: Any = None

    @property
    def location(self) -> str:
        return self.target.uri

    @property
    def fs(self) -> Any:
        if self._fs is None:
            self._fs = self.target.filesystem()
        return self._fs

    def _keys(self, where: S3Location) -> list[str]:
        root = f"{where.bucket}/{where.prefix}".rstrip("/")
        try:
            found = self.fs.find(root)
        except FileNotFoundError:
            return []
        return sorted(k[len(root) + 1 :] for k in found if k.startswith(root + "/"))

    def staged_files(self) -> list[str]:
        return self._keys(self.staged)

    def rows_written(self) -> int:
        files = [f"{self.staged.uri}/{f}" for f in self.staged_files()]
        return _count(files, self.format, self.staged.polars_options())

    def precheck(self) -> None:
        if self.mode == "error_if_exists" and self._keys(self.target):
            raise FileExistsError(f"{self.target.uri} exists and is not empty (mode error_if_exists)")

    def _copy(self, src: str, dst: str) -> None:
        self.fs.copy(src, dst)
        self.copied.append((src, dst))

    def publish(self) -> list[str]:
        self.precheck()
        bucket = self.target.bucket
        if self.mode == "overwrite":
            aside = self.staged.parent().child(f"{self.target.name}.old")
            for relative in self._keys(self.target):
                src, dst = f"{bucket}/{self.target.child(relative).prefix}", f"{bucket}/{aside.child(relative).prefix}"
                self._copy(src, dst)
                self.fs.rm(src)
        written: list[str] = []
        for relative in self.staged_files():
            dst = f"{bucket}/{self.target.child(relative).prefix}"
            if self.fs.exists(dst):
                raise FileExistsError(f"s3://{dst} already exists")
            self._copy(f"{bucket}/{self.staged.child(relative).prefix}", dst)
            written.append(f"s3://{dst}")
        return written

    def rollback(self) -> None:
        for src, dst in reversed(self.copied):
            if not self.fs.exists(src):
                self.fs.copy(dst, src)
            self.fs.rm(dst)
        self.copied.clear()

    def cleanup(self) -> None:
        run_root = self.staged.parent()
        with contextlib.suppress(FileNotFoundError):
            self.fs.rm(f"{run_root.bucket}/{run_root.prefix}", recursive=True)


@dataclass
class DeltaPublish:
    """A Delta Lake table: the plan stages Parquet; publishing commits it to the table in one commit.

    `staging` is a FilePublish or S3Publish whose folder holds the staged Parquet (never moved);
    rollback restores the version the table had before (or removes a table this run created).
    """

    node: str
    staging: FilePublish | S3Publish
    mode: str
    partition_by: list[str]
    format: str = "delta"
    version_before: int | None = None
    committed: bool = False

    @property
    def location(self) -> str:
        return self.staging.location

    def _options(self) -> dict[str, str] | None:
        return self.staging.target.delta_options() if isinstance(self.staging, S3Publish) else None

    def _version(self) -> int | None:
        from deltalake import DeltaTable
        from deltalake.exceptions import TableNotFoundError

        try:
            return int(DeltaTable(self.location, storage_options=self._options()).version())
        except TableNotFoundError:
            return None

    def staged_files(self) -> list[str]:
        return self.staging.staged_files()

    def rows_written(self) -> int:
        return self.staging.rows_written()

    def precheck(self) -> None:
        if self.mode == "error_if_exists" and self._version() is not None:
            raise FileExistsError(f"{self.location} is already a Delta table (mode error_if_exists)")

    def _staged_frame(self) -> pl.DataFrame:
        staged = self.staging.staged
        uris = [
            (f"{staged.uri}/{f}" if isinstance(staged, S3Location) else str(staged / f)) for f in self.staged_files()
        ]
        options = staged.polars_options() if isinstance(staged, S3Location) else None
        if not uris:
            return pl.DataFrame()
        # Staged unpartitioned (keys inside the files, types kept); Delta lays out the partitions.
        return pl.read_parquet(uris, hive_partitioning=False, storage_options=options)

    def publish(self) -> list[str]:
        from deltalake import write_deltalake

        self.precheck()
        self.version_before = self._version()
        frame = self._staged_frame()
        if frame.width == 0:
            return []
        modes = {"overwrite": "overwrite", "append": "append", "error_if_exists": "error"}
        write: Any = write_deltalake  # its overloads split `overwrite` from the other modes
        write(
            self.location,
            frame.to_arrow(),
            mode=modes[self.mode],
            partition_by=self.partition_by or None,
            storage_options=self._options(),
            schema_mode="overwrite" if self.mode == "overwrite" else None,
        )
        self.committed = True
        return [self.location]

    def rollback(self) -> None:
        if not self.committed:
            return
        from deltalake import DeltaTable

        if self.version_before is None:
            if isinstance(self.staging, S3Publish):
                target = self.staging.target
                self.staging.fs.rm(f"{target.bucket}/{target.prefix}", recursive=True)
            else:
                shutil.rmtree(self.staging.target, ignore_errors=True)
        else:
            DeltaTable(self.location, storage_options=self._options()).restore(self.version_before)
        self.committed = False

    def cleanup(self) -> None:
        self.staging.cleanup()


def publish_all(
    publishers: list[Any],
    then: Callable[[dict[str, list[str]]], None] | None = None,
    timings: dict[str, int] | None = None,
) -> dict[str, list[str]]:
    """Publish every target or none; `then` (the catalog changes) runs once all are in place.

    On any failure, publishing or `then`, what was moved is moved back, then the error is re-raised.
    `timings` receives the milliseconds each target's publishing took.
    """
    done: list[Any] = []
    outputs: dict[str, list[str]] = {}
    try:
        for p in publishers:
            p.precheck()
        for p in publishers:
            done.append(p)
            began = time.perf_counter()
            outputs[p.node] = p.publish()
            if timings is not None:
                timings[p.node] = round((time.perf_counter() - began) * 1000)
        if then is not None:
            then(outputs)
    except BaseException:
        for p in reversed(done):
            p.rollback()
        raise
    finally:
        for p in publishers:
            p.cleanup()
    return outputs


def discard(publishers: list[Any], settle_seconds: float = 0.0) -> None:
    """Remove what failed or stopped targets staged.

    When a plan fails, Polars may still be finishing another sink's files as collect_all raises:
    after `settle_seconds` the staging places are cleaned once more.
    """
    for p in publishers:
        p.cleanup()
    if settle_seconds and publishers:
        time.sleep(settle_seconds)
        for p in publishers:
            p.cleanup()
