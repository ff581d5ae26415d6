"""A crawl's heartbeat: beaten from a thread while a worker carries the run (crawlers/reaper.py watches it)."""

from __future__ import annotations

import logging
import threading

from django.db import connection
from django.utils import timezone

from crawlers.models import FINISHED_STATES, CrawlerRun
from jobs.runs.execute import HEARTBEAT_SECONDS

log = logging.getLogger(__name__)


class Heartbeat:
    """Beats whatever the crawl's own thread is waiting on (a slow file, a long catalog write)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"glueweb-crawl-{run_id}-heartbeat", daemon=True)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopped.set()
        self.thread.join(10)

    def _beat(self) -> None:
        try:
            while not self.stopped.wait(HEARTBEAT_SECONDS):
                try:
                    CrawlerRun.objects.filter(pk=self.run_id).exclude(state__in=FINISHED_STATES).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:
                    log.exception("crawl run %s: heartbeat failed", self.run_id)
        finally:
            connection.close()  # this thread's own connection
