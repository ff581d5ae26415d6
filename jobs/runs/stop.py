"""Stop requests (docs/runs.md): WAITING ends at once; an active run goes STOPPING and its worker stops it."""

from __future__ import annotations

from django.db import transaction

from jobs.models import JobRun
from jobs.runs.finish import after_end, set_nodes
from jobs.runs.states import FINAL, JOB_RUNS, STARTING, STOPPED, STOPPING, WAITING


class StopRefused(Exception):
    """The run cannot be stopped now: it has ended, or it is publishing its outputs (HTTP 409)."""


def request_stop(run: JobRun) -> JobRun:
    with transaction.atomic():
        locked = JobRun.objects.select_for_update().get(pk=run.pk)
        if locked.state in FINAL:
            raise StopRefused(f"run {locked.pk} has already ended ({locked.state})")
        if locked.state == STOPPING:
            return locked
        if locked.publishing_at is not None:
            raise StopRefused(f"run {locked.pk} is publishing its outputs and can no longer be stopped")
        if locked.state == WAITING:
            stopped = JOB_RUNS.move(locked, STOPPED)
            assert stopped is not None
            return stopped  # it held no slot: nothing else to admit
        unclaimed = locked.state == STARTING and not locked.worker
        stopping = JOB_RUNS.move(locked, STOPPING)
        assert stopping is not None
        if not unclaimed:
            return stopping  # the worker sees STOPPING, kills the work and ends it STOPPED
        # No worker has it yet: nothing to cancel. A worker that picks it up later finds it ended.
        set_nodes(stopping, {})
        stopped = JOB_RUNS.move(stopping, STOPPED)
        assert stopped is not None
        after_end(stopped)
    return stopped
