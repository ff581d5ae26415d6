"""The child process that executes a run's graph, so the worker can really stop it (SIGKILL).

It is forked from a forkserver: a clean process that imported Django and the
engine but never ran Polars. (Forking a worker that has run Polars would copy
its thread pool's state without its threads, and the child could hang.)

Messages to the parent, over a pipe:
  ("log", level, logger, message)   a logging record from inside the run
  ("progress", records)             live node states and rows while the plan runs: the
                                    NodeProgress records that changed (jobs/engine/progress.py),
                                    at most one message per ~250 ms
  ("publishing",)                   every node succeeded; may the outputs be published?
                                    The parent answers "go" or "stop".
  ("result", RunResult)             the end
A second pipe is the lifeline: when the parent (the Celery task) dies, its
end closes and the child exits at once instead of finishing unobserved.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Mapping
from multiprocessing.connection import Connection
from typing import Any

EXIT_ABANDONED = 3
EXIT_PARENT_GONE = 4


class PipeHandler(logging.Handler):
    def __init__(self, conn: Connection, lock: threading.Lock) -> None:
        super().__init__(logging.INFO)
        self.conn, self.send_lock = conn, lock

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            with self.send_lock:
                self.conn.send(("log", record.levelname, record.name, message))
        except Exception:  # a log line that cannot be sent must not fail the run
            self.handleError(record)


def _watch_lifeline(lifeline: Connection) -> None:
    with contextlib.suppress(EOFError, OSError):
        lifeline.recv()
    os._exit(EXIT_PARENT_GONE)


def _apply_settings(overrides: Mapping[str, Any]) -> None:
    """The task's data locations and database (tests and `settings` overrides change them)."""
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    from django.conf import settings
    from django.db import connections

    for name, value in overrides.get("settings", {}).items():
        setattr(settings, name, value)
    database = overrides.get("database")
    if database:
        connections["default"].settings_dict["NAME"] = database


class Gate:
    """run_graph's `before_publish`: ask the parent; a stop or timeout that came first wins, and after "go" none may."""

    def __init__(self, conn: Connection, lock: threading.Lock) -> None:
        self.conn, self.lock = conn, lock
        self.refused = False

    def __call__(self) -> bool:
        with self.lock:
            self.conn.send(("publishing",))
        self.refused = self.conn.recv() != "go"
        return not self.refused


def _progress_sender(conn: Connection, lock: threading.Lock) -> Callable[[tuple[Any, ...]], None]:
    def send(records: tuple[Any, ...]) -> None:
        with lock:
            conn.send(("progress", records))

    return send


def child_main(  # noqa: PLR0917  (multiprocessing passes the arguments positionally)
    conn: Connection, lifeline: Connection, graph: Any, parameters: Mapping[str, Any], run_id: str,
    overrides: Mapping[str, Any],
) -> None:  # fmt: skip
    threading.Thread(target=_watch_lifeline, args=(lifeline,), name="glueweb-lifeline", daemon=True).start()
    _apply_settings(overrides)
    lock = threading.Lock()
    handler = PipeHandler(conn, lock)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.INFO)
    logging.captureWarnings(True)  # e.g. Polars' performance warnings reach the run's log too
    import polars as pl

    from jobs.engine.compiler import run_graph
    from jobs.engine.progress import SAMPLE_SECONDS

    nodes = len(graph.get("nodes", [])) if isinstance(graph, dict) else 0
    logging.getLogger("glueweb.run").info("executing %d nodes with Polars %s (process %d)", nodes, pl.__version__,
                                          os.getpid())  # fmt: skip
    gate = Gate(conn, lock)
    result = run_graph(graph, parameters, run_id=run_id, before_publish=gate, on_progress=_progress_sender(conn, lock),
                       progress_seconds=overrides.get("progress_seconds", SAMPLE_SECONDS),
                       node_metrics=overrides.get("node_metrics", "fast"))  # fmt: skip
    if gate.refused:
        os._exit(EXIT_ABANDONED)  # the parent has ended the run already; run_graph discarded the staging
    with lock:
        conn.send(("result", result))
    conn.close()
