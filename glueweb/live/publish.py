"""Hand stored events to the channel layer, from any process.

With Redis the writer sends to the groups itself. In the embedded mode the
channel layer lives in the web process's memory, so the writer only nudges
the web process's event pump (a datagram), which reads the stored rows and
sends them on; without the nudge the pump still finds them on its next poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer
from django.conf import settings

from glueweb.live.groups import groups_for

if TYPE_CHECKING:
    from jobs.models import RunEvent

log = logging.getLogger(__name__)


def publish(events: Sequence[RunEvent]) -> None:
    """Deliver committed events to live watchers; never raises (the rows are already safe)."""
    if not events:
        return
    try:
        if settings.REDIS_URL:
            _redis_sender().send([(groups_for(e.kind, e.run_id), e.to_message()) for e in events])
        else:
            nudge_pump()
    except Exception:  # the stored rows remain the source of truth; watchers catch up on resume
        log.exception("could not publish %d live event(s)", len(events))


def pump_address() -> bytes:
    """An abstract Unix socket name, one per GLUEWEB_HOME (no path-length limit, no file to clean up)."""
    digest = hashlib.sha256(str(settings.GLUEWEB_HOME).encode()).hexdigest()[:20]
    return b"\0glueweb-events-" + digest.encode()


def nudge_pump() -> None:
    # No web process listening (or it is busy) is fine: its poll picks the events up.
    with (
        socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock,
        contextlib.suppress(ConnectionRefusedError, FileNotFoundError, BlockingIOError),
    ):
        sock.sendto(b"!", pump_address())


class _RedisSender:
    """A private event loop on a thread, so every send reuses one Redis connection.

    `async_to_sync(group_send)` would open a loop and a connection per call
    (about 5 ms each); this keeps publishing to about one round trip.
    """

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="glueweb-live-publish", daemon=True)
        self.thread.start()

    def send(self, items: list[tuple[list[str], dict[str, Any]]]) -> None:
        future: Future[None] = asyncio.run_coroutine_threadsafe(self._send(items), self.loop)
        future.result(timeout=10)  # waiting keeps one writer's events in order

    @staticmethod
    async def _send(items: list[tuple[list[str], dict[str, Any]]]) -> None:
        layer = get_channel_layer()
        assert layer is not None
        for groups, message in items:
            # The groups of one event at once (a run's and the dashboard's); the next event only
            # after them, so each group still gets one writer's events in order. The group rides
            # along: each web process's hub joins many groups through one channel.
            sends = [layer.group_send(g, {"type": "event.message", "group": g, "event": message}) for g in groups]
            await asyncio.gather(*sends)


_sender: _RedisSender | None = None
_sender_pid: int | None = None
_sender_lock = threading.Lock()


def _redis_sender() -> _RedisSender:
    # Celery's prefork pool forks after import: a thread does not survive a
    # fork, so each process starts its own sender.
    global _sender, _sender_pid
    with _sender_lock:
        if _sender is None or _sender_pid != os.getpid():
            _sender = _RedisSender()
            _sender_pid = os.getpid()
        return _sender
