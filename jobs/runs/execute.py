"""What a worker does with a run: claim it, validate, run the graph in a child process, record the end.

The Celery task (jobs/tasks.py) calls `execute`. The graph runs in a child
process (child.py) so that a stop or a timeout can end the work for real: the
task watches the child, the run's row (a stop request) and the clock, while a
thread beats the run's heartbeat that the reaper (reaper.py) watches.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.forkserver
import threading
import time
import traceback
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from jobs.engine.validate import Analysis, analyze
from jobs.models import JobRun, NodeRun
from jobs.runs.child import child_main
from jobs.runs.finish import end_run, set_nodes, targets_rows
from jobs.runs.live_nodes import LiveNodes
from jobs.runs.logs import write_log
from jobs.runs.staging import discard_staging
from jobs.runs.states import (
    ERROR,
    FAILED,
    FINAL,
    JOB_RUNS,
    RUNNING,
    STARTING,
    STOPPED,
    STOPPING,
    SUCCEEDED,
    TIMEOUT,
)

log = logging.getLogger(__name__)

CHECK_SECONDS = 0.1  # how often the task looks for a stop request and the deadline
HEARTBEAT_SECONDS = 2.0
# A run whose heartbeat is older than this is taken to have lost its worker (reaper.py).
STALE_SECONDS = 15.0
# Settings a child process takes from the task: where data lives.
CHILD_SETTINGS = ("GLUEWEB_HOME", "LAKE_DIR", "DATA_ROOTS")
PROGRESS_SECONDS = 0.25  # how often the child samples live node progress (jobs/engine/progress.py)

_context_lock = threading.Lock()
_context: Any = None


def run_context() -> Any:
    """The forkserver context; its server starts once per process (warm it with `warm_up`)."""
    global _context
    with _context_lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["jobs.runs.boot"])
            _context = context
        return _context


def warm_up() -> None:
    run_context()
    multiprocessing.forkserver.ensure_running()


def deadline_of(run: JobRun) -> datetime:
    started = run.started_at or run.created_at
    return started + timedelta(minutes=run.timeout_minutes)


@dataclass
class Outcome:
    kind: str  # result | stopped | timeout | died | lost
    result: Any = None
    detail: str = ""


def claim(run_id: int, worker: str) -> JobRun | None:
    """Take a STARTING run for this worker; None when it is not ours to run."""
    with transaction.atomic():
        run = JobRun.objects.select_for_update().select_related("job_version").filter(pk=run_id).first()
        if run is None:
            return None  # deleted with its job before a worker got to it
        if run.state == STOPPING and not run.worker:
            set_nodes(run, {})
            stopped = JOB_RUNS.move(run, STOPPED)
            assert stopped is not None
            return None
        if run.state != STARTING:
            return None  # ended, or a duplicate delivery of a run another worker has
        fresh = run.heartbeat_at and timezone.now() - run.heartbeat_at < timedelta(seconds=STALE_SECONDS)
        if run.worker and fresh:
            return None
        run.worker, run.heartbeat_at = worker, timezone.now()
        run.save(update_fields=["worker", "heartbeat_at"])
        return run


class Heartbeat:
    """Beats a run's heartbeat from a thread while the task carries it, whatever the task is waiting on.

    Job runs by default; crawler runs pass their own model and final states (crawlers/crawl.py),
    and the reapers watch `heartbeat_at` on both.
    """

    def __init__(
        self, run_id: int, model: type[models.Model] = JobRun, final: Collection[str] = FINAL, label: str = "run"
    ) -> None:
        self.run_id, self.model, self.final, self.label = run_id, model, final, label
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"glueweb-{label}-{run_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join(10)

    def _beat(self) -> None:
        active = self.model._default_manager.filter(pk=self.run_id).exclude(state__in=self.final)
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    active.update(heartbeat_at=timezone.now())
                except Exception:
                    log.exception("%s %s: heartbeat failed", self.label, self.run_id)
        finally:
            connection.close()  # this thread's own connection


def execute(run_id: int, worker: str) -> None:
    run = claim(run_id, worker)
    if run is None:
        return
    with Heartbeat(run.pk):
        carry(run, worker)


def carry(run: JobRun, worker: str) -> None:
    run_id = run.pk
    analysis: Analysis | None = None
    try:
        write_log(run.pk, "INFO", f"run {run.pk} of job {run.job_version.name!r} (version {run.job_version.number}, "
                                  f"attempt {run.attempt}) taken by {worker}")  # fmt: skip
        analysis = analyze(run.job_version.graph, run.parameters)
        if analysis.errors:
            errors = analysis.errors_as_dicts()
            message = f"the graph has {len(errors)} validation error(s)"
            write_log(run.pk, "ERROR", message + ": " + "; ".join(e.get("message", "") for e in errors[:5]))
            end_run(run, FAILED, error={"node": errors[0].get("node"), "type": "validation", "message": message,
                                        "traceback": None, "validation_errors": errors})  # fmt: skip
            return
        if timezone.now() >= deadline_of(run):
            end_run(run, TIMEOUT, error={"node": None, "type": "timeout", "message": "the timeout passed before "
                                         "the run got going"})  # fmt: skip
            return
        running = begin(run, analysis)
        if running is None:
            return
        outcome = supervise(running, analysis)
        conclude(running, analysis, outcome)
    except Exception as exc:
        log.exception("run %s: internal error", run_id)
        discard_staging(analysis, str(run_id))
        current = JobRun.objects.get(pk=run_id)
        if current.state not in FINAL:
            set_nodes(current, {})
            end_run(current, ERROR, error={"node": None, "type": "internal", "message": f"internal error: {exc}",
                                           "traceback": traceback.format_exc()})  # fmt: skip


def begin(run: JobRun, analysis: Analysis) -> JobRun | None:
    """STARTING -> RUNNING with a record per node, each WAITING; None if a stop came first (then it ends STOPPED).

    Nodes move on as the child reports progress (live_nodes.py), not all at once: the graph is one
    fused plan, but its nodes start and finish at different times.
    """
    with transaction.atomic():
        NodeRun.objects.bulk_create(
            [NodeRun(run=run, node=node, type=analysis.types[node].key, position=i)
             for i, node in enumerate(analysis.order)],
            ignore_conflicts=True,
        )  # fmt: skip
        running = JOB_RUNS.move(run, RUNNING, expect=frozenset({STARTING}), payload={"nodes": len(analysis.order)})
    if running is None:
        current = JobRun.objects.get(pk=run.pk)
        if current.state == STOPPING:
            set_nodes(current, {})
            end_run(current, STOPPED)
        return None
    return running


def supervise(run: JobRun, analysis: Analysis) -> Outcome:
    """Run the graph in a child process and watch it until it ends, is stopped, times out or dies."""
    context = run_context()
    conn, child_conn = context.Pipe()
    lifeline_read, lifeline_write = context.Pipe(duplex=False)
    overrides: dict[str, Any] = {
        "settings": {name: getattr(settings, name) for name in CHILD_SETTINGS},
        "progress_seconds": PROGRESS_SECONDS,
        "node_metrics": run.job_version.node_metrics,  # pinned by the run's version, as its graph
    }
    database = connection.settings_dict.get("NAME")
    if database and "memory" not in str(database):
        overrides["database"] = str(database)
    process = context.Process(
        target=child_main,
        args=(child_conn, lifeline_read, run.job_version.graph, dict(run.parameters), str(run.pk), overrides),
        name=f"glueweb-run-{run.pk}",
    )
    _start_child(process)
    child_conn.close()
    lifeline_read.close()
    watch = Watch(run, process, conn, deadline_of(run))
    try:
        return watch.until_done()
    finally:
        if process.is_alive():
            process.kill()  # a stop, a timeout or a lost run: the work ends now, whatever it was doing
            process.join(10)
        lifeline_write.close()
        conn.close()


class Watch:
    """The task's side of one child: its messages, the run's row (stop requests), the clock, the heartbeat."""

    def __init__(self, run: JobRun, process: Any, conn: Any, deadline: datetime) -> None:
        self.run, self.process, self.conn, self.deadline = run, process, conn, deadline
        self.publishing = False
        self.last_check = time.monotonic()
        self.nodes = LiveNodes(run.pk)

    def until_done(self) -> Outcome:
        while True:
            try:
                message = self.conn.recv() if self.conn.poll(CHECK_SECONDS) else None
            except (EOFError, OSError):
                self.process.join(5)
                return Outcome("died", detail=_exit_description(self.process.exitcode))
            outcome = self.handle(message) if message is not None else None
            outcome = outcome or self.check()
            if outcome is not None:
                return outcome

    def handle(self, message: tuple[Any, ...]) -> Outcome | None:
        kind = message[0]
        if kind == "log":
            write_log(self.run.pk, message[1], message[3], message[2])
        elif kind == "progress":
            self.nodes.apply(message[1])
        elif kind == "publishing":
            decision = allow_publishing(self.run, self.deadline)
            self.conn.send("go" if decision == "go" else "stop")
            if decision != "go":
                self.process.join(10)
                return Outcome(decision)
            self.publishing = True
        elif kind == "result":
            self.process.join(10)
            return Outcome("result", result=message[1])
        return None

    def check(self) -> Outcome | None:
        now = time.monotonic()
        if now - self.last_check < CHECK_SECONDS:
            return None
        self.last_check = now
        self.nodes.flush()
        state = JobRun.objects.filter(pk=self.run.pk).values_list("state", flat=True).first()
        if state is None or state in FINAL:
            return Outcome("lost", detail=f"the run was ended elsewhere ({state})")
        if not self.publishing and state == STOPPING:
            return Outcome("stopped")
        if not self.publishing and timezone.now() >= self.deadline:
            return Outcome("timeout")
        if not self.process.is_alive() and not self.conn.poll(0):
            return Outcome("died", detail=_exit_description(self.process.exitcode))
        return None


def _start_child(process: Any) -> None:
    # In Celery's prefork pool, billiard has marked this process daemonic (multiprocessing
    # refuses children of daemons) and swapped its authkey for a type multiprocessing cannot
    # pickle. The child is ours to kill and reap, so present a plain process to multiprocessing.
    current = multiprocessing.current_process()
    config = current._config  # type: ignore[attr-defined]
    authkey = config.get("authkey")
    plain: Any = multiprocessing.process.AuthenticationString  # type: ignore[attr-defined]
    if authkey is not None and type(authkey) is not plain:
        config["authkey"] = plain(bytes(authkey))
    process.authkey = bytes(process.authkey)  # copied from this process when it was made
    was_daemon = config.get("daemon", False)
    config["daemon"] = False
    try:
        process.start()
    finally:
        config["daemon"] = was_daemon


def _exit_description(code: int | None) -> str:
    if code is None:
        return "it did not exit"
    if code < 0:
        return f"it was killed by signal {-code}"
    return f"it exited with status {code}"


def allow_publishing(run: JobRun, deadline: datetime) -> str:
    """ "go", "stopped" or "timeout": decided under the run's lock, so a stop request sees one answer."""
    with transaction.atomic():
        locked = JobRun.objects.select_for_update().get(pk=run.pk)
        if locked.state == STOPPING:
            return "stopped"
        if locked.state != RUNNING:
            return "lost"
        if timezone.now() >= deadline:
            return "timeout"
        locked.publishing_at = timezone.now()
        locked.save(update_fields=["publishing_at"])
    write_log(run.pk, "INFO", "every node succeeded; publishing the outputs")
    return "go"


def conclude(run: JobRun, analysis: Analysis, outcome: Outcome) -> None:
    run_id = str(run.pk)
    if outcome.kind == "result":
        result = outcome.result
        nodes = {n.node: n.as_dict() for n in result.nodes}
        if result.error and result.error.get("node") in nodes:
            nodes[result.error["node"]]["error"] = {
                "message": result.error.get("message"), "traceback": result.error.get("traceback"),
            }  # fmt: skip
        set_nodes(run, nodes)
        targets = {n for n, t in analysis.types.items() if t.category == "targets"}
        rows = targets_rows(nodes.values(), targets)
        if result.succeeded:
            write_log(run.pk, "INFO", f"run succeeded in {result.duration_ms} ms")
            end_run(run, SUCCEEDED, outputs=dict(result.outputs), rows_out=rows)
            return
        error = dict(result.error or {})
        if result.validation_errors:
            error["validation_errors"] = [e.as_dict() for e in result.validation_errors]
        where = f" at node {error.get('node')!r}" if error.get("node") else ""
        write_log(run.pk, "ERROR", f"run failed{where}: {error.get('message')}")
        end_run(run, FAILED, error=error, rows_out=rows)
        return
    discard_staging(analysis, run_id)
    set_nodes(run, {})
    if outcome.kind == "stopped":
        write_log(run.pk, "INFO", "stopped on request; nothing was published")
        end_run(run, STOPPED)
    elif outcome.kind == "timeout":
        message = f"the run took longer than its timeout ({run.timeout_minutes:g} minutes) and was cancelled"
        write_log(run.pk, "ERROR", message + "; nothing was published")
        end_run(run, TIMEOUT, error={"node": None, "type": "timeout", "message": message})
    elif outcome.kind == "died":
        message = f"the process running the graph ended unexpectedly: {outcome.detail}"
        write_log(run.pk, "ERROR", message)
        end_run(run, ERROR, error={"node": None, "type": "worker_lost", "message": message, "traceback": None})
