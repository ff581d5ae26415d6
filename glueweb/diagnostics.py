"""The live-channel diagnostic: an event that travels worker -> stored event -> browser.

It takes the same path as job runs' events (jobs.events.append_event), so
when it arrives the whole chain works: broker, worker, database, publisher,
channel layer, WebSocket.
"""

from __future__ import annotations

import secrets
import socket
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from jobs.events import append_event
from jobs.models import RunEvent


@dataclass(frozen=True)
class Ping:
    id: int
    sent_at: datetime


def request_ping(requested_by: str) -> Ping:
    """Enqueue the diagnostic task; its event arrives on /ws/dashboard/ as `diagnostic.pong`."""
    from glueweb.tasks import diagnostic_ping

    ping = Ping(id=secrets.randbits(48), sent_at=timezone.now())
    transaction.on_commit(lambda: diagnostic_ping.delay(ping.id, ping.sent_at.isoformat(), requested_by))
    return ping


def record_pong(
    ping_id: int, sent_at: str, requested_by: str, worker: str | None = None, started_at: str | None = None
) -> RunEvent:
    payload = {"sent_at": sent_at, "worker": worker or socket.gethostname(), "requested_by": requested_by}
    if started_at is not None:  # when the worker began the task
        payload["started_at"] = started_at
    return append_event(RunEvent.Kind.DIAGNOSTIC, ping_id, "diagnostic.pong", payload)
