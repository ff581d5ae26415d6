"""The embedded mode's event pump: stored events -> this web process's watchers.

Workers are separate processes and the in-memory channel layer cannot reach
across, so the web process reads new RunEvent rows itself and hands them to
its event hub (hub.py). A datagram from the writer wakes it at once; a short
poll catches anything a lost datagram would have missed. Only used when
there is no Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.utils import timezone

from glueweb.live.groups import groups_for
from glueweb.live.hub import event_hub, stop_hub
from glueweb.live.publish import pump_address

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
# Database ids are not always committed in order (PostgreSQL without Redis):
# rows younger than this are re-read until they can no longer change.
SETTLE = timedelta(seconds=5)
BATCH = 500  # events sent per read
SCAN = 20_000  # ids looked at per read: every event of the settle window, in practice


class EventPump:
    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._floor = 0
        self._sent: set[int] = set()
        self._sock: socket.socket | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.running and self._task is not None and self._task.get_loop() is loop:
            return
        self._forget()
        self._floor = await database_sync_to_async(_last_event_id)()
        self._sent.clear()
        self._wake = asyncio.Event()
        self._listen()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="glueweb-event-pump")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._sock is not None:
            asyncio.get_running_loop().remove_reader(self._sock.fileno())
            self._sock.close()
            self._sock = None

    def _forget(self) -> None:
        """Drop a task and socket left by another (possibly closed) event loop."""
        if self._task is not None and not self._task.done() and not self._task.get_loop().is_closed():
            self._task.get_loop().call_soon_threadsafe(self._task.cancel)
        self._task = None
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _listen(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            sock.bind(pump_address())
        except OSError as exc:
            # Another web process on this GLUEWEB_HOME holds the address: poll only.
            log.warning("event pump cannot listen for nudges (%s); polling every %.2fs", exc, POLL_SECONDS)
            sock.close()
            return
        sock.setblocking(False)
        self._sock = sock
        asyncio.get_running_loop().add_reader(sock.fileno(), self._on_nudge)

    def _on_nudge(self) -> None:
        assert self._sock is not None
        try:
            while True:
                self._sock.recv(64)
        except BlockingIOError:
            pass
        self._wake.set()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            try:
                rows, floor, more = await database_sync_to_async(_events_after)(self._floor, self._sent)
            except Exception:
                log.exception("event pump could not read events")
                await asyncio.sleep(1)
                continue
            hub = event_hub()
            for event_id, kind, run_id, message in rows:
                for group in groups_for(kind, run_id):
                    hub.put(group, message)
                self._sent.add(event_id)
            if floor > self._floor:
                self._floor = floor
                self._sent = {i for i in self._sent if i > floor}
            if more:
                self._wake.set()  # more are waiting


def _last_event_id() -> int:
    from jobs.models import RunEvent

    last = RunEvent.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def _events_after(floor: int, sent: set[int]) -> tuple[list[tuple[int, str, int, dict[str, Any]]], int, bool]:
    """Unsent events above the floor, the new floor (the highest id below which all is settled),
    and whether more are waiting.

    The ids and times of the unsettled window are read first and whole rows only for the
    unsent ones: re-reading the window's full rows on every nudge made a busy run's events
    cost quadratic time (100 watchers saw a p99 lag of 360 ms), and a window holding more
    than one batch of sent events hid every newer one until they settled.
    """
    from jobs.models import RunEvent

    window = list(RunEvent.objects.filter(id__gt=floor).order_by("id").values_list("id", "at")[:SCAN])
    settled_before = timezone.now() - SETTLE
    new_floor = floor
    for event_id, at in window:
        if at >= settled_before:
            break
        new_floor = event_id
    unsent = [event_id for event_id, _ in window if event_id not in sent]
    events = RunEvent.objects.filter(id__in=unsent[:BATCH]).order_by("id") if unsent else []
    rows = [(e.id, e.kind, e.run_id, e.to_message()) for e in events]
    return rows, new_floor, len(unsent) > BATCH or len(window) == SCAN


_pump: EventPump | None = None


async def ensure_pump() -> None:
    """Start this process's pump if the mode needs one (embedded: no Redis)."""
    global _pump
    if settings.REDIS_URL:
        return
    if _pump is None:
        _pump = EventPump()
    await _pump.start()


async def stop_pump() -> None:
    """Stop this process's live machinery (pump and hub): tests call it before their event loop ends."""
    global _pump
    if _pump is not None:
        await _pump.stop()
        _pump = None
    await stop_hub()
