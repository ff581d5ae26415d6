"""Worker heartbeats: each Celery worker records that it is alive, for /healthz."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery.signals import task_prerun, worker_ready, worker_shutdown

log = logging.getLogger(__name__)
_stop = threading.Event()


def _beat(hostname: str) -> None:
    from django.conf import settings
    from django.db import close_old_connections
    from django.utils import timezone

    from glueweb.models import WorkerHeartbeat

    started = timezone.now()
    while not _stop.is_set():
        try:
            close_old_connections()
            WorkerHeartbeat.objects.update_or_create(
                hostname=hostname, defaults={"pid": os.getpid(), "started_at": started, "last_seen": timezone.now()}
            )
        except Exception:
            log.exception("worker heartbeat failed")
        _stop.wait(settings.WORKER_HEARTBEAT_SECONDS)


@worker_ready.connect
def start_heartbeat(sender: Any = None, **_: Any) -> None:
    hostname = getattr(sender, "hostname", None) or f"worker@{os.uname().nodename}"
    _stop.clear()
    threading.Thread(target=_beat, args=(hostname,), name="glueweb-heartbeat", daemon=True).start()


@worker_shutdown.connect
def stop_heartbeat(sender: Any = None, **_: Any) -> None:
    from glueweb.models import WorkerHeartbeat

    _stop.set()
    hostname = getattr(sender, "hostname", None)
    if hostname:
        try:
            WorkerHeartbeat.objects.filter(hostname=hostname).delete()
        except Exception:
            log.exception("could not remove the worker heartbeat")


@task_prerun.connect
def drop_unusable_connections(**_: Any) -> None:
    """Between tasks, what Django does between requests: close broken or expired connections."""
    from django.db import close_old_connections

    close_old_connections()
