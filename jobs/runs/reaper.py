"""Runs whose worker died: no run stays STARTING or RUNNING after its worker is gone.

A worker beats each run's heartbeat every 2 s while it carries it
(execute.py). `reap()` ends runs whose heartbeat is older than STALE_SECONDS:
RUNNING or STARTING -> ERROR (docs/runs.md: the installation failed, not the
job), STOPPING -> STOPPED; their staged output is discarded and they are
retried like any ERROR. A STARTING run no worker took ends TIMEOUT when its
timeout passes. Every worker runs `reap()` every REAP_SECONDS on a thread
(jobs/tasks.py), so one live worker is enough to clean up after a dead one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from jobs.engine.validate import analyze
from jobs.models import JobRun
from jobs.runs.execute import STALE_SECONDS, deadline_of
from jobs.runs.finish import end_run, set_nodes
from jobs.runs.logs import write_log
from jobs.runs.staging import discard_staging
from jobs.runs.states import ERROR, RUNNING, STARTING, STOPPED, STOPPING, TIMEOUT

log = logging.getLogger(__name__)

REAP_SECONDS = 5.0


def reap() -> list[JobRun]:
    """End every run whose worker went quiet, and every unclaimed run past its timeout; return them."""
    ended: list[JobRun] = []
    stale_before = timezone.now() - timedelta(seconds=STALE_SECONDS)
    quiet = JobRun.objects.filter(state__in=(STARTING, RUNNING, STOPPING)).exclude(worker="")
    quiet = quiet.filter(Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True))
    for run in quiet.select_related("job_version"):
        last = run.heartbeat_at.isoformat() if run.heartbeat_at else "never"
        message = (
            f"the worker {run.worker} stopped sending heartbeats (last at {last}): it died or lost its "
            "connection, so the run was abandoned; nothing was published"
        )
        _discard(run)
        write_log(run.pk, "ERROR", message)
        set_nodes(run, {})
        if run.state == STOPPING:
            done = end_run(run, STOPPED)
        else:
            done = end_run(run, ERROR, error={"node": None, "type": "worker_lost", "message": message})
        if done is not None:
            ended.append(done)
    for run in JobRun.objects.filter(state=STARTING, worker="").select_related("job_version"):
        if timezone.now() < deadline_of(run):
            continue
        message = f"no worker took the run within its timeout ({run.timeout_minutes:g} minutes)"
        write_log(run.pk, "ERROR", message)
        set_nodes(run, {})
        done = end_run(run, TIMEOUT, error={"node": None, "type": "timeout", "message": message})
        if done is not None:
            ended.append(done)
    return ended


def _discard(run: JobRun) -> None:
    try:
        discard_staging(analyze(run.job_version.graph, run.parameters, schemas=False), str(run.pk))
    except Exception:
        log.exception("could not discard the staging of run %s", run.pk)


def reap_forever(stop: threading.Event, reap: Callable[[], list[Any]] = reap, what: str = "run") -> None:
    """Call `reap` every REAP_SECONDS until `stop`; crawlers pass their own (crawlers/reaper.py)."""
    while not stop.wait(REAP_SECONDS):
        try:
            close_old_connections()
            for run in reap():
                log.warning("%s %s ended %s: its worker went quiet", what, run.pk, run.state)
        except Exception:
            log.exception("reaping %ss failed", what)
