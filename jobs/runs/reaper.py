"""Runs whose worker died: no run stays STARTING or RUNNING after its worker is gone.

A worker beats each run's heartbeat every 2 s while it carries it
(execute.py). `reap()` ends runs whose heartbeat is older than STALE_SECONDS:
RUNNING or STARTING -> ERROR (docs/runs.md: the installation failed, not the
job), STOPPING -> STOPPED; their staged output is discarded and they are
retried like any ERROR. A STARTING run no worker took ends TIMEOUT when its
timeout passes. Every worker runs `reap()` every REAP_SECONDS on a thread
(jobs/tasks.py), and so does the scheduler (glueweb/beat.py, which says why
not as a queued periodic task): one live worker, or the scheduler, is enough
to clean up after a dead one.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, transaction
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
    for candidate in quiet.values_list("pk", flat=True):
        # Under the row lock, so that a heartbeat that came in meanwhile saves the run, and so that
        # of two reapers (every worker and the scheduler run one) only the first does the work.
        with transaction.atomic():
            run = JobRun.objects.select_for_update().select_related("job_version").filter(pk=candidate).first()
            if run is None or run.state not in (STARTING, RUNNING, STOPPING):
                continue
            if run.heartbeat_at is not None and run.heartbeat_at >= stale_before:
                continue
            done = _abandon(run)
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


def _abandon(run: JobRun) -> JobRun | None:
    last = run.heartbeat_at.isoformat() if run.heartbeat_at else "never"
    message = (
        f"the worker {run.worker} stopped sending heartbeats (last at {last}): it died or lost its "
        "connection, so the run was abandoned; nothing was published"
    )
    _discard(run)
    write_log(run.pk, "ERROR", message)
    set_nodes(run, {})
    if run.state == STOPPING:
        return end_run(run, STOPPED)
    return end_run(run, ERROR, error={"node": None, "type": "worker_lost", "message": message})


def _discard(run: JobRun) -> None:
    if run.publishing_at is not None:
        # Publishing had begun: an overwrite may have set the target's old files aside in the staging
        # place, and they may be the only copy left. Keep it for a person to look at.
        write_log(run.pk, "WARNING", f"the worker died while publishing: the staging place of run {run.pk} "
                                     "(_glueweb_staging/run-<id>/ beside each target) was kept")  # fmt: skip
        return
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
