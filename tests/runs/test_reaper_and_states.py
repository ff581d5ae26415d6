"""The reaper ends runs whose worker went quiet; the transition table refuses everything docs/runs.md does not allow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from jobs.models import Job, JobRun, NodeRun
from jobs.runs.reaper import reap
from jobs.runs.start import start_run
from jobs.runs.states import FINAL, JOB_RUN_TRANSITIONS, JOB_RUNS
from jobs.runs.stop import StopRefused, request_stop
from tests.runs import graphs
from tests.runs.conftest import states_of

USER = {"kind": "user", "name": "ada"}


def running(job: Job, *, worker: str = "w1@host", beat_seconds_ago: float = 60, state: str = "RUNNING") -> JobRun:
    """A run some worker took, with its heartbeat last beaten `beat_seconds_ago`."""
    run = start_run(job, started_by=USER)
    if state != "STARTING":
        run = JOB_RUNS.move(run, "RUNNING")
    if state == "STOPPING":
        run = JOB_RUNS.move(run, "STOPPING")
    JobRun.objects.filter(pk=run.pk).update(
        worker=worker, heartbeat_at=timezone.now() - timedelta(seconds=beat_seconds_ago)
    )
    NodeRun.objects.create(run=run, node="numbers", type="inline_data", state="RUNNING")
    return JobRun.objects.get(pk=run.pk)


def test_a_run_whose_worker_went_quiet_ends_error_its_staging_is_removed_and_it_is_retried(
    db: None, lake: Path, make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick(), max_retries=1)
    run = running(job)
    staged = lake / "_glueweb_staging" / f"run-{run.pk}" / "out"
    staged.mkdir(parents=True)
    (staged / "part-0.parquet").write_bytes(b"half written")
    assert [r.pk for r in reap()] == [run.pk]
    run.refresh_from_db()
    assert run.state == "ERROR" and run.error is not None
    assert run.error["type"] == "worker_lost" and "w1@host stopped sending heartbeats" in run.error["message"]
    assert states_of(run) == ["STARTING", "RUNNING", "ERROR"]
    assert run.nodes.get().state == "STOPPED"
    assert not (lake / "_glueweb_staging").exists()
    retry = JobRun.objects.get(previous_run=run)
    assert retry.attempt == 1 and retry.state == "STARTING"


def test_a_starting_run_whose_worker_went_quiet_ends_error_too(db: None, make_job: Callable[..., Job]) -> None:
    run = running(make_job(), state="STARTING")
    reap()
    assert states_of(run) == ["STARTING", "ERROR"]


def test_a_stopping_run_whose_worker_went_quiet_ends_stopped(db: None, make_job: Callable[..., Job]) -> None:
    run = running(make_job(), state="STOPPING")
    reap()
    run.refresh_from_db()
    assert run.state == "STOPPED" and run.error is None
    assert not JobRun.objects.filter(previous_run=run).exists()


def test_a_run_with_a_live_worker_is_left_alone(db: None, make_job: Callable[..., Job]) -> None:
    run = running(make_job(), beat_seconds_ago=1)
    assert reap() == []
    assert JobRun.objects.get(pk=run.pk).state == "RUNNING"


def test_a_run_no_worker_took_ends_timeout_when_its_timeout_passes(db: None, make_job: Callable[..., Job]) -> None:
    job = make_job(timeout_minutes=1)
    late = start_run(job, started_by=USER)
    JobRun.objects.filter(pk=late.pk).update(started_at=timezone.now() - timedelta(minutes=2))
    fresh = start_run(make_job(timeout_minutes=1), started_by=USER)
    reap()
    assert states_of(late) == ["STARTING", "TIMEOUT"]
    assert JobRun.objects.get(pk=late.pk).error["type"] == "timeout"  # type: ignore[index]
    assert JobRun.objects.get(pk=fresh.pk).state == "STARTING"


def test_a_slot_freed_by_the_reaper_starts_the_oldest_waiting_run(db: None, make_job: Callable[..., Job]) -> None:
    job = make_job()
    run = running(job)
    waiting = start_run(job, started_by=USER)
    assert waiting.state == "WAITING"
    reap()
    assert JobRun.objects.get(pk=run.pk).state == "ERROR"
    assert states_of(waiting) == ["WAITING", "STARTING"]


def test_a_stop_before_any_worker_took_the_run_ends_it_at_once(db: None, make_job: Callable[..., Job]) -> None:
    run = start_run(make_job(), started_by=USER)
    stopped = request_stop(run)
    assert stopped.state == "STOPPED"
    assert states_of(run) == ["STARTING", "STOPPING", "STOPPED"]


def test_a_run_that_is_publishing_cannot_be_stopped(db: None, make_job: Callable[..., Job]) -> None:
    run = running(make_job(), beat_seconds_ago=0)
    JobRun.objects.filter(pk=run.pk).update(publishing_at=timezone.now())
    with pytest.raises(StopRefused, match="publishing"):
        request_stop(run)
    assert JobRun.objects.get(pk=run.pk).state == "RUNNING"


def test_the_table_matches_docs_runs_md_and_final_states_never_change(db: None, make_job: Callable[..., Job]) -> None:
    documented = {
        None: {"WAITING", "STARTING"},
        "WAITING": {"STARTING", "STOPPED", "ERROR"},
        "STARTING": {"RUNNING", "FAILED", "STOPPING", "TIMEOUT", "ERROR"},
        "RUNNING": {"SUCCEEDED", "FAILED", "STOPPING", "TIMEOUT", "ERROR"},
        "STOPPING": {"STOPPED"},
    }
    assert {k: set(v) for k, v in JOB_RUN_TRANSITIONS.items()} == documented
    run = start_run(make_job(), started_by=USER)
    JobRun.objects.filter(pk=run.pk).update(state="SUCCEEDED")
    for state in JobRun.State.values:
        assert JOB_RUNS.move(run, state) is None
    assert JobRun.objects.get(pk=run.pk).state == "SUCCEEDED"
    assert states_of(run) == ["STARTING"]  # a refused move stores no event
    assert {"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"} == FINAL


def test_max_concurrent_runs_admits_that_many_and_raising_it_admits_the_waiting(
    db: None, api: Callable[..., object], make_job: Callable[..., Job]
) -> None:
    job = make_job(max_concurrent_runs=2)
    runs = [start_run(job, started_by=USER) for _ in range(4)]
    assert [r.state for r in runs] == ["STARTING", "STARTING", "WAITING", "WAITING"]
    response = api("editor").patch(f"/api/jobs/{job.pk}/", {"max_concurrent_runs": 3}, format="json")  # type: ignore[attr-defined]
    assert response.status_code == 200
    assert [JobRun.objects.get(pk=r.pk).state for r in runs] == ["STARTING", "STARTING", "STARTING", "WAITING"]
    assert states_of(runs[2]) == ["WAITING", "STARTING"]
