"""The scheduler (Celery beat) reaps dead workers' job runs and crawls too, on threads of its own.

Every worker already runs both reapers on threads (jobs/tasks.py, crawlers/tasks.py). The
scheduler runs them as well, so that runs of a worker that died are ended even when no other
worker is alive (a one-worker installation whose worker was lost: its run would otherwise show
RUNNING until a worker starts again).

Why threads here and not a periodic task that beat sends to the queue: such a task waits in the
same queue as runs, and a run holds its worker slot until it ends. With every slot busy (exactly
when one worker died and the rest are loaded) the reap would wait behind them, and the dead run
would keep its job's concurrency slot meanwhile. Why the workers keep their own threads: the
scheduler is one process and may be down or not deployed; a worker never depends on it. Reaping
twice is safe: each reaper ends a run under its row lock, and only once (jobs.runs.finish.end_run,
crawlers.reaper.reap).
"""

from __future__ import annotations

import threading
from typing import Any

from celery.signals import beat_init

_stop = threading.Event()


@beat_init.connect
def start_reapers(**_: Any) -> None:
    from crawlers.reaper import reap as reap_crawls
    from jobs.runs.reaper import reap, reap_forever

    _stop.clear()
    for name, reaper, what in (("glueweb-beat-run-reaper", reap, "run"),
                               ("glueweb-beat-crawl-reaper", reap_crawls, "crawl run")):  # fmt: skip
        threading.Thread(target=reap_forever, args=(_stop, reaper, what), name=name, daemon=True).start()


def stop_reapers() -> None:
    _stop.set()
