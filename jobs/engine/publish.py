"""Outputs appear only on success (docs/runs.md): targets stage, then publish moves files into place."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

STAGING_DIR = "_glueweb_staging"


def staging_for(target: Path, run_id: str) -> Path:
    """`_glueweb_staging/run-<id>/<target name>` beside the target: same file system, so moves are renames."""
    return target.parent / STAGING_DIR / f"run-{run_id}" / target.name


def is_nonempty_dir(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


@dataclass
class FilePublish:
    """One write_files target: new files in `staged`, to land in `target` by `mode`."""

    node: str
    target: Path
    staged: Path
    mode: str
    format: str = "parquet"
    moved: list[tuple[Path, Path]] = field(default_factory=list)  # (from, to), to undo in reverse

    @property
    def run_root(self) -> Path:
        return self.staged.parent

    def rows_written(self) -> int:
        """Rows in the staged files (footers for Parquet and IPC; our own output otherwise)."""
        files = [str(p) for p in self.staged.rglob("*") if p.is_file()] if self.staged.exists() else []
        if not files:
            return 0
        fmt = self.format
        if fmt == "parquet":
            frame = pl.scan_parquet(files, hive_partitioning=False)
        elif fmt == "ipc":
            frame = pl.scan_ipc(files, hive_partitioning=False)
        elif fmt == "csv":
            return sum(pl.read_csv(f, infer_schema_length=0).height for f in files)
        else:
            return sum(pl.read_ndjson(f).height for f in files)
        return int(frame.select(pl.len()).collect().item())

    def precheck(self) -> None:
        if self.mode == "error_if_exists" and is_nonempty_dir(self.target):
            raise FileExistsError(f"{self.target} exists and is not empty (mode error_if_exists)")

    def _move(self, src: Path, dst: Path) -> None:
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.replace(src, dst)
        self.moved.append((src, dst))

    def publish(self) -> list[str]:
        self.precheck()
        if self.mode == "overwrite" and self.target.exists():
            aside = self.run_root / f"{self.target.name}.old"
            self._move(self.target, aside)
        written: list[str] = []
        files = sorted(p for p in self.staged.rglob("*") if p.is_file()) if self.staged.exists() else []
        for src in files:
            dst = self.target / src.relative_to(self.staged)
            if dst.exists():
                raise FileExistsError(f"{dst} already exists")
            self._move(src, dst)
            written.append(str(dst))
        self.target.mkdir(parents=True, exist_ok=True)
        return written

    def rollback(self) -> None:
        for src, dst in reversed(self.moved):
            if dst.exists():
                src.parent.mkdir(parents=True, exist_ok=True)
                os.replace(dst, src)
        self.moved.clear()

    def cleanup(self) -> None:
        shutil.rmtree(self.run_root, ignore_errors=True)
        base = self.run_root.parent
        if base.name == STAGING_DIR and base.is_dir() and not any(base.iterdir()):
            base.rmdir()


def publish_all(publishers: list[FilePublish]) -> dict[str, list[str]]:
    """Publish every target or none: on any failure what was moved is moved back, then re-raised."""
    done: list[FilePublish] = []
    outputs: dict[str, list[str]] = {}
    try:
        for p in publishers:
            p.precheck()
        for p in publishers:
            done.append(p)
            outputs[p.node] = p.publish()
    except BaseException:
        for p in reversed(done):
            p.rollback()
        raise
    finally:
        for p in publishers:
            p.cleanup()
    return outputs


def discard(publishers: list[FilePublish]) -> None:
    for p in publishers:
        p.cleanup()
