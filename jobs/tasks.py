"""Thin Celery tasks for runs; the work is in jobs.runs."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_process_init, worker_ready, worker_shutdown

log = logging.getLogger(__name__)


@shared_task(bind=True, name="jobs.execute_run", acks_late=True)
def execute_run(self: Task, run_id: int) -> None:
    from django.db import close_old_connections, connections

    from jobs.runs.execute import execute

    close_old_connections()
    try:
        execute(run_id, worker=self.request.hostname or "worker")
    finally:
        # Runs are long and few: a fresh connection each costs little, and none is left idle meanwhile.
        connections.close_all()


@shared_task(name="jobs.reap_runs")
def reap_runs() -> int:
    from jobs.runs.reaper import reap

    return len(reap())


@worker_process_init.connect
def warm_run_forkserver(**_: Any) -> None:
    """Start the forkserver that runs' children fork from, in the background, so the first run is quick."""

    def warm() -> None:
        from jobs.runs.execute import warm_up

        try:
            warm_up()
        except Exception:
            log.exception("could not start the run forkserver")

    threading.Thread(target=warm, name="glueweb-run-forkserver", daemon=True).start()


_reaper_stop = threading.Event()


@worker_ready.connect
def start_reaper(**_: Any) -> None:
    from jobs.runs.reaper import reap_forever

    _reaper_stop.clear()
    threading.Thread(target=reap_forever, args=(_reaper_stop,), name="glueweb-run-reaper", daemon=True).start()


@worker_shutdown.connect
def stop_reaper(**_: Any) -> None:
    _reaper_stop.set()
