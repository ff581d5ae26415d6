"""Starting runs: a slot free -> STARTING and onto the worker queue; the job at its limit -> WAITING."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from jobs.models import Job, JobRun, JobVersion
from jobs.runs.jobs import current_version
from jobs.runs.states import ACTIVE, ERROR, JOB_RUNS, STARTING, WAITING, check_new

log = logging.getLogger(__name__)


def enqueue(run_id: int) -> None:
    """Hand the run to a worker once the transaction commits (a worker never sees an uncommitted run)."""
    transaction.on_commit(lambda: _send(run_id))


def _send(run_id: int) -> None:
    from jobs.tasks import execute_run

    try:
        execute_run.delay(run_id)
    except Exception as exc:  # the broker is down: say so on the run instead of leaving it STARTING
        log.exception("could not send run %s to the broker", run_id)
        from jobs.runs.finish import end_run

        run = JobRun.objects.filter(pk=run_id).first()
        if run is not None:
            message = f"could not hand the run to a worker (broker: {exc})"
            end_run(run, ERROR, error={"node": None, "type": "broker", "message": message})


def start_run(
    job: Job,
    *,
    started_by: Mapping[str, Any],
    parameters: Mapping[str, Any] | None = None,
    timeout_minutes: float | None = None,
    version: JobVersion | None = None,
    attempt: int = 0,
    previous_run: JobRun | None = None,
) -> JobRun:
    """Create a run of `version` (default: the job's current one); parameters are the values to use."""
    with transaction.atomic():
        # The job row's lock makes counting active runs and admitting this one a single step.
        job = Job.objects.select_for_update().get(pk=job.pk)
        version = version or current_version(job)
        runs = JobRun.objects.filter(job=job)
        active = runs.filter(state__in=ACTIVE).count()
        queued = runs.filter(state=WAITING).exists()
        state = STARTING if active < job.max_concurrent_runs and not queued else WAITING
        check_new(JOB_RUNS, state)
        run = JobRun.objects.create(
            job=job,
            job_version=version,
            parameters=dict(parameters if parameters is not None else version.default_parameters),
            attempt=attempt,
            previous_run=previous_run,
            started_by=dict(started_by),
            trigger=str(started_by.get("kind", "user")),
            state=state,
            timeout_minutes=timeout_minutes if timeout_minutes is not None else version.timeout_minutes,
        )
        if state == STARTING:
            run.started_at = run.created_at
            run.save(update_fields=["started_at"])
            enqueue(run.pk)
        JOB_RUNS.announce(run)
        return run


def admit_waiting(job_id: int) -> list[JobRun]:
    """Start the job's oldest waiting runs while it has free slots (called whenever a run ends)."""
    admitted: list[JobRun] = []
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        runs = JobRun.objects.filter(job=job)
        free = job.max_concurrent_runs - runs.filter(state__in=ACTIVE).count()
        if free <= 0:
            return admitted
        for waiting in runs.filter(state=WAITING).order_by("created_at", "id")[:free]:
            moved = JOB_RUNS.move(waiting, STARTING, expect=frozenset({WAITING}))
            if moved is not None:
                enqueue(moved.pk)
                admitted.append(moved)
    return admitted
