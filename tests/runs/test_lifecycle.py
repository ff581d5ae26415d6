"""Every transition of docs/runs.md, driven through the services and executed by a real Celery worker."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from jobs.models import Job, JobRun, RunEvent
from jobs.runs.start import start_run
from jobs.runs.stop import StopRefused, request_stop
from tests.runs import graphs
from tests.runs.conftest import node_states, states_of, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
USER = {"kind": "user", "name": "ada"}


def child_pid(run: JobRun) -> int | None:
    """The pid of the process that ran the run's graph, as its first log line says; None before it said so."""
    for event in RunEvent.objects.filter(kind="job", run_id=run.pk, type="run.log").order_by("seq"):
        found = re.search(r"executing \d+ nodes with Polars .* \(process (\d+)\)", event.payload["message"])
        if found:
            return int(found.group(1))
    return None


def working_child(run: JobRun, timeout: float = 60) -> int:
    """child_pid, waiting until the child has started working (a functional wait, not a speed bound)."""
    deadline = time.monotonic() + timeout
    while (pid := child_pid(run)) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run.pk}'s child never logged that it was executing")
        time.sleep(0.05)
    return pid


def still_working(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie has stopped working; it only waits to be reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_a_run_goes_starting_running_succeeded_and_publishes_its_output(
    worker: Any, lake: Path, make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick())
    run = start_run(job, started_by=USER, parameters={"min_n": 7})
    run = wait_for(run, {"SUCCEEDED", "FAILED", "ERROR"})
    assert run.state == "SUCCEEDED", run.error
    assert states_of(run) == ["STARTING", "RUNNING", "SUCCEEDED"]
    assert pl.read_parquet(lake / "out" / "*.parquet")["n"].to_list() == [8, 9, 10]
    assert run.rows_out == 3
    assert run.worker  # the worker that carried it
    assert run.started_at is not None and run.completed_at is not None
    assert node_states(run) == {"numbers": "SUCCEEDED", "big": "SUCCEEDED", "save": "SUCCEEDED"}
    assert run.nodes.get(node="save").rows_out == 3
    assert not (lake / "_glueweb_staging").exists()
    node_events = RunEvent.objects.filter(kind="job", run_id=run.pk, type="node.state")
    assert [(e.payload["node"], e.payload["state"]) for e in node_events if e.payload["state"] != "RUNNING"] == [
        ("numbers", "SUCCEEDED"), ("big", "SUCCEEDED"), ("save", "SUCCEEDED"),
    ]  # fmt: skip
    seqs = list(RunEvent.objects.filter(kind="job", run_id=run.pk).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_a_node_error_fails_the_run_naming_the_node_and_leaves_the_target_alone(
    worker: Any, lake: Path, make_job: Callable[..., Job]
) -> None:
    (lake / "out").mkdir()
    (lake / "out" / "old.parquet").write_bytes(b"old")
    run = start_run(make_job(graphs.failing()), started_by=USER)
    run = wait_for(run, {"SUCCEEDED", "FAILED", "ERROR"})
    assert run.state == "FAILED"
    assert states_of(run) == ["STARTING", "RUNNING", "FAILED"]
    assert run.error is not None and run.error["node"] == "cast"
    assert run.error["message"]
    assert "Traceback (most recent call last)" in run.error["traceback"]
    assert node_states(run)["cast"] == "FAILED"
    assert [p.name for p in (lake / "out").iterdir()] == ["old.parquet"]
    assert not (lake / "_glueweb_staging").exists()


def test_a_graph_with_validation_errors_fails_in_starting_and_is_not_retried(
    worker: Any, lake: Path, make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick(condition="no_such_column > 1"), max_retries=2)
    run = wait_for(start_run(job, started_by={"kind": "schedule", "name": "nightly"}), {"FAILED", "ERROR"})
    assert states_of(run) == ["STARTING", "FAILED"]
    assert run.error is not None and run.error["type"] == "validation"
    assert any("no_such_column" in e["message"] for e in run.error["validation_errors"])
    assert JobRun.objects.filter(job=job).count() == 1


def test_a_failed_run_is_retried_up_to_max_retries_with_numbered_attempts(
    worker: Any, make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.failing(), max_retries=2)
    first = start_run(job, started_by=USER)
    wait_for(first, {"FAILED"})
    runs = []
    for attempt in (1, 2):
        retry = JobRun.objects.get(previous_run_id=(runs[-1] if runs else first).pk)
        runs.append(wait_for(retry, {"FAILED"}))
        assert retry.attempt == attempt
        assert retry.started_by == {"kind": "retry", "name": None}
        assert retry.trigger == "retry"
        assert retry.job_version_id == first.job_version_id
    assert JobRun.objects.filter(job=job).count() == 3  # the third failure is not retried
    assert not JobRun.objects.filter(previous_run=runs[-1]).exists()


def test_a_stopped_run_goes_stopping_then_stopped_and_publishes_nothing(
    worker: Any, lake: Path, make_job: Callable[..., Job]
) -> None:
    (lake / "out").mkdir()
    (lake / "out" / "old.parquet").write_bytes(b"old")
    run = wait_for(start_run(make_job(graphs.endless()), started_by=USER), {"RUNNING"})
    child = working_child(run)
    assert still_working(child)
    request_stop(run)
    run = wait_for(run, {"STOPPED", "SUCCEEDED", "FAILED", "ERROR"})
    assert states_of(run) == ["STARTING", "RUNNING", "STOPPING", "STOPPED"]
    assert not still_working(child), "the stopped run's Polars work goes on"
    assert set(node_states(run).values()) == {"STOPPED"}
    assert [p.name for p in (lake / "out").iterdir()] == ["old.parquet"]
    assert not (lake / "_glueweb_staging").exists()
    with pytest.raises(StopRefused):
        request_stop(run)


def test_a_run_past_its_timeout_is_cancelled_as_timeout(worker: Any, lake: Path, make_job: Callable[..., Job]) -> None:
    job = make_job(graphs.endless(), timeout_minutes=0.05, max_retries=3)  # 3 seconds
    run = wait_for(start_run(job, started_by=USER), {"TIMEOUT", "SUCCEEDED", "FAILED", "ERROR"})
    assert states_of(run) == ["STARTING", "RUNNING", "TIMEOUT"]
    child = child_pid(run)  # None if the clock ran out before the child got going: then there was no work
    assert child is None or not still_working(child), "the timed-out run's Polars work goes on"
    assert run.error is not None and run.error["type"] == "timeout"
    assert not (lake / "out").exists()
    assert not (lake / "_glueweb_staging").exists()
    assert JobRun.objects.filter(job=job).count() == 1  # a timeout is not retried


def test_runs_beyond_max_concurrent_runs_wait_and_start_oldest_first(worker: Any, make_job: Callable[..., Job]) -> None:
    job = make_job(graphs.endless(), max_concurrent_runs=1)
    first = wait_for(start_run(job, started_by=USER), {"RUNNING"})
    second = start_run(job, started_by=USER)
    third = start_run(job, started_by=USER)
    assert (second.state, third.state) == ("WAITING", "WAITING")
    assert second.started_at is None
    request_stop(first)
    second = wait_for(second, {"RUNNING"})
    assert JobRun.objects.get(pk=third.pk).state == "WAITING"
    request_stop(third)  # a waiting run stops at once
    request_stop(second)
    wait_for(second, {"STOPPED"})
    assert states_of(second) == ["WAITING", "STARTING", "RUNNING", "STOPPING", "STOPPED"]
    assert states_of(third) == ["WAITING", "STOPPED"]
    assert second.waiting_seconds is not None and second.waiting_seconds > 0
