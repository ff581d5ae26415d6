"""Discarding what a run staged: a run that did not succeed leaves every target as it was.

Staging is `_glueweb_staging/run-<id>/` beside each target folder, locally or under the
target's parent prefix in its bucket (jobs.engine.publish). It is found again from the
graph's targets the way the engine finds them (jobs.engine.targets.location, which takes S3
credentials from the node's catalog connection through catalog/storage.py), so a run killed
mid-write can be cleaned up by its task or, when its worker died, by the reaper.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jobs.engine.publish import STAGING_DIR, s3_staging_for, staging_for
from jobs.engine.storage import S3Location
from jobs.engine.validate import Analysis

log = logging.getLogger(__name__)


def _target_path(node_type: Any, params: Mapping[str, Any]) -> str | None:
    """The folder a target writes: its `path`, or (write_catalog_table) its table's location."""
    path = params.get("path")
    if isinstance(path, str):
        return path
    table = getattr(node_type, "table", None)
    if callable(table):
        location = getattr(table(params), "location", None)
        return location if isinstance(location, str) and location else None
    return None  # write_sql: a database target stages nothing in files


def staging_roots(analysis: Analysis, run_id: str) -> list[Path | S3Location]:
    """The run's staging place beside each file target of the graph: a local folder or an S3 prefix."""
    from jobs.engine.targets import location

    roots: list[Path | S3Location] = []
    for node_id, node_type in analysis.types.items():
        if node_type.category != "targets":
            continue
        params = analysis.params.get(node_id, {})
        try:
            path = _target_path(node_type, params)
            where = location(params, path) if path else None
        except Exception:  # a target whose place cannot be found (gone table, bad path) staged nothing
            log.debug("target %s of run %s has no staging place", node_id, run_id)
            continue
        if isinstance(where, S3Location):
            root: Path | S3Location = s3_staging_for(where, run_id).parent()
        elif isinstance(where, Path):
            root = staging_for(where, run_id).parent
        else:
            continue
        if root not in roots:
            roots.append(root)
    return roots


def discard_staging(analysis: Analysis | None, run_id: str) -> None:
    if analysis is None:
        return
    for root in staging_roots(analysis, run_id):
        try:
            if isinstance(root, S3Location):
                _discard_s3(root, run_id)
            else:
                _discard_local(root, run_id)
        except Exception:  # one unreachable bucket must not keep the other targets' staging
            log.exception("could not discard the staged output of run %s at %s", run_id, root)


def _discard_local(root: Path, run_id: str) -> None:
    if root.exists():
        shutil.rmtree(root, ignore_errors=True)
        log.info("discarded the staged output of run %s at %s", run_id, root)
    base = root.parent
    if base.name == STAGING_DIR and base.is_dir() and not any(base.iterdir()):
        base.rmdir()


def _discard_s3(root: S3Location, run_id: str) -> None:
    """Every object under the run's prefix; S3 has no folders, so nothing stays behind."""
    fs = root.filesystem()
    with contextlib.suppress(FileNotFoundError):
        fs.rm(f"{root.bucket}/{root.prefix}", recursive=True)
        log.info("discarded the staged output of run %s at %s", run_id, root.uri)
