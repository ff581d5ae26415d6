"""`manage.py glue run JOB --wait` streams a run's progress and exits non-zero when it fails; `glue runs` lists."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jobs.models import Job, JobRun
from jobs.runs.start import start_run
from tests.runs import graphs

pytestmark = pytest.mark.django_db(transaction=True)


def glue(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("glue", *args, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_run_wait_streams_the_progress_and_exits_zero_on_success(worker: Any, make_job: Callable[..., Job]) -> None:
    make_job(graphs.quick(), name="numbers")
    code, out = glue("run", "numbers", "--param", "min_n=8", "--wait")
    assert code == 0, out
    run = JobRun.objects.get()
    assert run.parameters == {"min_n": 8}
    assert run.started_by["kind"] == "user" and run.started_by["name"].startswith("cli:")
    lines = out.splitlines()
    assert lines[0] == f"run {run.pk} of job 'numbers' (version 1, attempt 0)"
    assert any(line.endswith("STARTING") for line in lines)
    assert any("RUNNING (3 nodes)" in line for line in lines)
    assert any("[3/3] node save SUCCEEDED  2 rows" in line for line in lines)
    assert lines[-1].startswith(f"run {run.pk} SUCCEEDED in ") and lines[-1].endswith("2 rows written")


def test_run_wait_follows_retries_and_exits_non_zero_when_the_run_fails(
    worker: Any, make_job: Callable[..., Job]
) -> None:
    make_job(graphs.failing(), name="broken", max_retries=1)
    code, out = glue("run", "broken", "--wait")
    assert code == 1
    _first, retry = JobRun.objects.order_by("id")
    assert f"retried as run {retry.pk}" in out
    assert f"run {retry.pk} FAILED" in out and "error at node 'cast'" in out


def test_run_refuses_unknown_jobs_parameters_and_graphs_with_errors(make_job: Callable[..., Job]) -> None:
    make_job(graphs.quick(), name="numbers")
    make_job(graphs.quick(condition="missing > 1"), name="bad")
    with pytest.raises(CommandError, match="JOB: no job named 'nope'"):
        glue("run", "nope")
    with pytest.raises(CommandError, match="--param max_n"):
        glue("run", "numbers", "--param", "max_n=1")
    with pytest.raises(CommandError, match=r"(?s)validation errors.*big params.condition: unknown column \"missing\""):
        glue("run", "bad")
    assert not JobRun.objects.exists()


def test_runs_lists_recent_runs_as_a_table_or_json(make_job: Callable[..., Job]) -> None:
    job = make_job(graphs.quick(), name="numbers", max_concurrent_runs=5)
    made = [start_run(job, started_by={"kind": "schedule", "name": "nightly"}) for _ in range(3)]
    code, out = glue("runs")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["RUN", "JOB", "VER", "TRY", "STATE"]
    assert [int(line.split()[0]) for line in lines[1:]] == [r.pk for r in reversed(made)]
    assert "schedule:nightly" in lines[1]
    code, out = glue("runs", "--json", "--limit", "2")
    listed = json.loads(out)
    assert [r["id"] for r in listed] == [made[2].pk, made[1].pk]
    assert listed[0]["state"] == "STARTING" and listed[0]["job"] == "numbers"
