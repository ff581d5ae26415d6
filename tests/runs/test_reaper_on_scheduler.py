"""The scheduler (Celery beat) reaps too: a dead worker's run ends ERROR even with no worker alive.

A separate installation (tests/runs/world.py) with no worker at all: a run is left RUNNING by a
worker that "died" (its heartbeat a minute old), and only `manage.py scheduler` is started.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Iterator

from tests.e2e.launcher import REPO_ROOT
from tests.runs.world import World, kill_group

LEFT_BEHIND = """
from datetime import timedelta
from unittest import mock
from django.utils import timezone
from jobs.models import JobRun
from jobs.runs.jobs import save_job
from jobs.runs.start import start_run
from jobs.runs.states import JOB_RUNS
from tests.runs import graphs

job = save_job(None, {"name": "orphan", "graph": graphs.quick()})
with mock.patch("jobs.runs.start.enqueue"):  # no worker will take it: the one that did is gone
    run = JOB_RUNS.move(start_run(job, started_by={"kind": "user", "name": "ada"}), "RUNNING")
JobRun.objects.filter(pk=run.pk).update(worker="gone@host", heartbeat_at=timezone.now() - timedelta(seconds=60))
print(run.pk)
"""


@contextlib.contextmanager
def scheduler_running(world: World) -> Iterator[subprocess.Popen[bytes]]:
    """`manage.py scheduler` in its own session, stopped (and its group killed) on the way out."""
    with (world.home / "worker-scheduler.log").open("wb") as log:  # World.logs() shows worker-*.log
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "manage.py"), "scheduler"],
            cwd=REPO_ROOT, env=world.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            yield process
        finally:
            kill_group(process)  # as World.close does with its workers: this test is not about stopping


def test_the_scheduler_ends_a_dead_worker_s_run_when_no_worker_is_alive(world: World) -> None:
    run_id = int(world.manage("shell", "-c", LEFT_BEHIND).split()[-1])
    assert world.query("SELECT COUNT(*) FROM glueweb_workerheartbeat") == [(0,)]

    with scheduler_running(world):
        state, error = world.wait(
            f"SELECT state, error FROM jobs_jobrun WHERE id = {run_id}",
            lambda rows: rows[0][0] != "RUNNING", 120, "the dead worker's run ended",
        )[0]  # fmt: skip
    assert state == "ERROR"
    error = json.loads(error) if isinstance(error, str) else error
    assert error["type"] == "worker_lost" and "gone@host stopped sending heartbeats" in error["message"]
