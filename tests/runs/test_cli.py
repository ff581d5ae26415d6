"""`manage.py glue run JOB --wait` streams a run's progress and exits non-zero when it fails; `glue runs` lists."""

from __future__ import annotations

import io
import json
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from jobs.management.commands.glue import Watcher
from jobs.models import Job, JobRun, RunEvent
from jobs.runs.start import start_run
from jobs.runs.stop import request_stop
from tests.runs import graphs
from tests.runs.conftest import wait_for
from tests.runs.world import World

pytestmark = pytest.mark.django_db(transaction=True)


RUN_STATE_LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}  ([A-Z]+)(?: \(\d+ nodes\))?$")  # "time  STATE"


def glue(*args: str, stderr: io.StringIO | None = None) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("glue", *args, stdout=out, stderr=stderr or io.StringIO())
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_run_wait_streams_the_progress_and_exits_zero_on_success(worker: Any, make_job: Callable[..., Job]) -> None:
    make_job(graphs.quick(), name="numbers")
    err = io.StringIO()
    code, out = glue("run", "numbers", "--param", "min_n=8", "--wait", stderr=err)
    assert code == 0, out
    assert "no worker" not in err.getvalue()  # one is running
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


def test_the_progress_display_names_each_node_as_it_starts_grows_and_ends() -> None:
    watcher = Watcher(lambda _text: None)
    at = datetime(2026, 1, 2, 3, 4, 5, 678_000, tzinfo=UTC)

    def line(type_: str, **payload: Any) -> str | None:
        return watcher.line(RunEvent(kind="job", run_id=1, seq=1, type=type_, payload=payload, at=at))

    assert line("run.state", state="RUNNING", nodes=3) == "03:04:05.678  RUNNING (3 nodes)"
    assert line("node.state", node="src", state="RUNNING") == "03:04:05.678  [0/3] node src RUNNING"
    assert line("node.progress", node="src", state="RUNNING", rows_out=1_234_567) == (
        "03:04:05.678  [0/3] node src RUNNING  1,234,567 rows so far"
    )
    assert line("node.state", node="src", state="SUCCEEDED", rows_out=2_000_000, duration_ms=812) == (
        "03:04:05.678  [1/3] node src SUCCEEDED  2,000,000 rows  812 ms"
    )
    note = "not counted: inside a join pipeline"
    assert line("node.state", node="j", state="SUCCEEDED", rows_out=None, rows_note=note) == (
        f"03:04:05.678  [2/3] node j SUCCEEDED  ({note})"
    )
    assert line("run.log", level="warning", message="slow disk") == "03:04:05.678  WARNING slow disk"


def test_run_wait_on_a_run_stopped_elsewhere_shows_it_stopping_and_exits_non_zero(
    worker: Any, make_job: Callable[..., Job]
) -> None:
    make_job(graphs.endless(), name="endless")
    result: dict[str, Any] = {}

    def watch() -> None:
        try:
            result["code"], result["out"] = glue("run", "endless", "--wait")
        finally:
            connection.close()

    watching = threading.Thread(target=watch)
    watching.start()
    while not JobRun.objects.exists():  # the command has not created it yet
        time.sleep(0.05)
    run = wait_for(JobRun.objects.get(), {"RUNNING"})
    request_stop(run)
    watching.join(120)
    assert not watching.is_alive()
    assert result["code"] == 1
    lines = result["out"].splitlines()
    run_states = [m.group(1) for m in map(RUN_STATE_LINE.match, lines) if m]
    assert run_states == ["STARTING", "RUNNING", "STOPPING", "STOPPED"]
    assert any(line.split()[1:] == ["[5/5]", "node", "save", "STOPPED"] for line in lines), "\n".join(lines)
    assert lines[-1].startswith(f"run {run.pk} STOPPED")


def test_run_says_when_no_worker_is_alive_to_take_the_run(make_job: Callable[..., Job]) -> None:
    make_job(graphs.quick(), name="numbers")
    err = io.StringIO()
    code, out = glue("run", "numbers", stderr=err)
    run = JobRun.objects.get()
    assert code == 0 and out.strip() == f"run {run.pk} of job 'numbers': STARTING"
    assert "no worker has reported in the last" in err.getvalue()
    assert f"run {run.pk} stays STARTING until one takes it" in err.getvalue()
    assert "python manage.py worker" in err.getvalue()


CREATE_JOB = """
from jobs.runs.jobs import save_job
from tests.runs import graphs
save_job(None, {"name": "numbers", "graph": graphs.quick(target=TARGET)})
"""


def test_a_run_started_on_a_fresh_installation_before_any_worker_waits_for_one_and_runs(world: World) -> None:
    target = world.home / "lake" / "out"
    world.manage("shell", "-c", CREATE_JOB.replace("TARGET", repr(str(target))))

    # Nothing has started yet (no web server, no worker): the command alone must hand the run over.
    out = world.manage("glue", "run", "numbers", "--param", "min_n=8")
    run_id = int(out.split()[1])
    assert out.strip() == f"run {run_id} of job 'numbers': STARTING"

    world.start_worker("late")
    (state,) = world.wait(
        f"SELECT state FROM jobs_jobrun WHERE id = {run_id}", lambda rows: rows[0][0] not in ("STARTING", "RUNNING"),
        120, "the run ended",
    )[0]  # fmt: skip
    assert state == "SUCCEEDED"
    assert sorted(pl.read_parquet(target / "*.parquet")["n"].to_list()) == [9, 10]


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
