from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from glueweb.models import WorkerHeartbeat
from jobs.models import Job, JobRun, RunEvent
from jobs.runs.jobs import save_job
from jobs.runs.stop import StopRefused, request_stop
from tests.runs import graphs
from tests.thread_worker import thread_worker


@pytest.fixture
def lake(settings: Any, tmp_path: Path) -> Path:
    """A private GLUEWEB_HOME whose lake/ is the only data root (runs' child processes get it too)."""
    root = tmp_path / "lake"
    root.mkdir()
    settings.GLUEWEB_HOME = tmp_path
    settings.LAKE_DIR = root
    settings.DATA_ROOTS = [root.resolve()]
    return root


@contextlib.contextmanager
def reporting_in(hostname: str) -> Iterator[None]:
    """Heartbeats for a test worker, which skips worker_ready (glueweb/workers.py): `glue run` looks for them."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while True:
                now = timezone.now()
                WorkerHeartbeat.objects.update_or_create(
                    hostname=hostname, defaults={"pid": os.getpid(), "started_at": now, "last_seen": now}
                )
                if stop.wait(1):
                    return
        finally:
            connection.close()  # a thread's connection would keep the test database from being dropped

    thread = threading.Thread(target=beat, name="test-worker-heartbeat", daemon=True)
    thread.start()
    while not WorkerHeartbeat.objects.filter(hostname=hostname).exists():
        time.sleep(0.01)
    try:
        yield
    finally:
        stop.set()
        thread.join()
        WorkerHeartbeat.objects.filter(hostname=hostname).delete()


@pytest.fixture
def worker(transactional_db: None, lake: Path) -> Iterator[Any]:
    """A real Celery worker consuming the configured broker (file broker or Redis), in a thread."""
    with thread_worker(hostname="tester@runs", shutdown_timeout=60) as started:
        with reporting_in(started.hostname):
            yield started
        # A test that failed half way may leave a run going; the worker stops only after its task ends.
        for run in JobRun.objects.filter(state__in=("STARTING", "RUNNING")):
            with contextlib.suppress(StopRefused):
                request_stop(run)


@pytest.fixture
def make_job(db: None) -> Callable[..., Job]:
    counter = iter(range(1, 10_000))

    def make(graph: dict[str, Any] | None = None, **values: Any) -> Job:
        values.setdefault("name", f"job-{next(counter)}")
        return save_job(None, {"graph": graph or graphs.quick(), **values})

    return make


def wait_for(run: JobRun | int, states: Iterable[str], timeout: float = 60) -> JobRun:
    """Poll the run's row until it reaches one of `states` (a functional wait, not a speed bound)."""
    wanted = set(states)
    run_id = run if isinstance(run, int) else run.pk
    deadline = time.monotonic() + timeout
    while True:
        current = JobRun.objects.get(pk=run_id)
        if current.state in wanted:
            return current
        if time.monotonic() > deadline:
            raise AssertionError(f"run {run_id} is {current.state}, not {sorted(wanted)}, after {timeout:.0f} s")
        time.sleep(0.05)


def states_of(run: JobRun | int) -> list[str]:
    """The run's state events, in order: the transitions it went through."""
    run_id = run if isinstance(run, int) else run.pk
    return [
        e.payload["state"] for e in RunEvent.objects.filter(kind="job", run_id=run_id, type="run.state").order_by("seq")
    ]


def node_states(run: JobRun | int) -> dict[str, str]:
    run_id = run if isinstance(run, int) else run.pk
    return dict(JobRun.objects.get(pk=run_id).nodes.values_list("node", "state"))
