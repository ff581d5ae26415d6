"""Discarding what a run staged: a run that did not succeed leaves every target as it was."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from jobs.engine.paths import is_remote, resolve_local
from jobs.engine.publish import STAGING_DIR, staging_for
from jobs.engine.validate import Analysis

log = logging.getLogger(__name__)


def staging_roots(analysis: Analysis, run_id: str) -> list[Path]:
    """`_glueweb_staging/run-<id>/` beside each local folder target of the graph.

    Found from the targets' `path` parameters, the way the engine resolves them
    (jobs.engine.paths), so a run killed mid-write can be cleaned up by its task
    or by the reaper. Staging on S3 is left to the engine's own clean-up.
    """
    roots: list[Path] = []
    for node_id, node_type in analysis.types.items():
        path = analysis.params.get(node_id, {}).get("path")
        if node_type.category != "targets" or not isinstance(path, str) or is_remote(path):
            continue
        try:
            target = resolve_local(path)
        except Exception:  # a target whose path cannot be resolved staged nothing
            log.debug("target %s of run %s has no local staging", node_id, run_id)
            continue
        roots.append(staging_for(target, run_id).parent)
    return roots


def discard_staging(analysis: Analysis | None, run_id: str) -> None:
    if analysis is None:
        return
    for root in staging_roots(analysis, run_id):
        if root.exists():
            shutil.rmtree(root, ignore_errors=True)
            log.info("discarded the staged output of run %s at %s", run_id, root)
        base = root.parent
        if base.name == STAGING_DIR and base.is_dir() and not any(base.iterdir()):
            base.rmdir()
