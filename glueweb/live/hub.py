"""The one way live events reach this web process's WebSockets.

Each WebSocket used to be a channel of its own in the layer's groups. Then
one event cost, per socket: a copy of the message in the layer, a receive,
a dispatch that first hops to the database thread (channels closes old
connections before every handler) and its own JSON encoding. With 100
sockets watching one run that was tens of milliseconds per event, and a
run's burst of events queued behind each other (event lag p99 over 500 ms).

Now the process hands each event to its local watchers in one pass, with
the JSON encoded once. With Redis, the hub joins each group once, through
one channel of its own; in the embedded mode the event pump (same process)
hands events over directly, so a burst is not squeezed through the
in-memory layer's 100-message channel capacity (which dropped events).
Either way events wait in the hub's inbox, in order, while one task fans
them out: the next read (Redis round trip, pump query) overlaps the fan-out
of the last one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

log = logging.getLogger(__name__)

# Group memberships expire in the layer (a day by default): the hub renews
# its own long before, as a dashboard may stay open for days.
REFRESH_SECONDS = 3600.0


class Watcher(Protocol):
    async def on_event(self, event: dict[str, Any], text: str) -> None:
        """One live event; `text` is its JSON, shared by every watcher (neither may be changed)."""


class EventHub:
    """Joins the layer's groups for the watchers of this process and fans events out to them."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        # Without Redis, events come from the event pump in this process, not through the layer.
        self.layer: BaseChannelLayer | None = get_channel_layer() if settings.REDIS_URL else None
        self.channel = ""
        # group -> its watchers, in subscription order (a dict keeps the order, a set would not)
        self.members: dict[str, dict[Watcher, None]] = {}
        self.joined: set[str] = set()
        # Joining and leaving a group await the layer: one at a time, so a
        # watcher never counts on a membership that is being dropped.
        self.lock = asyncio.Lock()
        self.inbox: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self.tasks: list[asyncio.Task[None]] = []

    def put(self, group: str, event: dict[str, Any]) -> None:
        """Queue an event sent to `group` for this process's watchers (the pump's way in)."""
        self._start()
        self.inbox.put_nowait((group, event))

    def _start(self) -> None:
        if not self.tasks:
            self.tasks = [self.loop.create_task(self._deliver(), name="glueweb-event-hub")]

    async def subscribe(self, groups: Iterable[str], watcher: Watcher) -> None:
        """Events sent to `groups` reach `watcher` from when this returns."""
        async with self.lock:
            self._start()
            if self.layer is not None and not self.channel:
                self.channel = await self.layer.new_channel("glueweb-hub.")
                self.tasks += [
                    self.loop.create_task(self._receive(self.layer), name="glueweb-event-hub-receive"),
                    self.loop.create_task(self._refresh(self.layer), name="glueweb-event-hub-refresh"),
                ]
            for group in groups:
                self.members.setdefault(group, {})[watcher] = None
                if self.layer is not None and group not in self.joined:
                    await self.layer.group_add(group, self.channel)
                    self.joined.add(group)

    async def unsubscribe(self, groups: Iterable[str], watcher: Watcher) -> None:
        async with self.lock:
            for group in groups:
                members = self.members.get(group)
                if members is not None:
                    members.pop(watcher, None)
                    if members:
                        continue
                    del self.members[group]
                if self.layer is not None and group in self.joined:
                    self.joined.discard(group)
                    await self.layer.group_discard(group, self.channel)

    async def _receive(self, layer: BaseChannelLayer) -> None:
        while True:
            try:
                message = await layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # e.g. Redis restarting: the stored rows stay; a resume catches up
                log.exception("event hub could not receive from the channel layer")
                await asyncio.sleep(1)
                continue
            self.inbox.put_nowait((message.get("group", ""), message.get("event")))

    async def _deliver(self) -> None:
        while True:
            group, event = await self.inbox.get()
            try:
                await self.fan_out(group, event)
            except Exception:  # this task is every socket's only feed: it must go on
                log.exception("event hub could not fan out an event to %s", group)
            # get() does not yield while the inbox holds more: between events the
            # sockets write, and the next message is taken off Redis before the
            # process's channel there fills up (it holds 100; more are dropped).
            await asyncio.sleep(0)

    async def fan_out(self, group: str, event: Any) -> None:
        """Hand one event sent to `group` to the group's watchers in this process."""
        members = self.members.get(group)
        if not members or not isinstance(event, dict):
            return
        text = json.dumps(event)  # once, not per socket
        # A copy: a watcher that closes leaves the group while we go round.
        for watcher in list(members):
            try:
                await watcher.on_event(event, text)
            except Exception:  # one broken socket must not starve the others
                log.exception("event hub could not hand event %s to a watcher", event.get("id"))

    async def _refresh(self, layer: BaseChannelLayer) -> None:
        while True:
            await asyncio.sleep(REFRESH_SECONDS)
            try:
                async with self.lock:
                    for group in self.joined:
                        await layer.group_add(group, self.channel)
            except Exception:
                log.exception("event hub could not renew its group memberships")

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.tasks = []
        with contextlib.suppress(Exception):  # best effort: memberships also expire
            for group in list(self.joined):
                assert self.layer is not None
                await self.layer.group_discard(group, self.channel)
        self.joined.clear()
        self.members.clear()


_hub: EventHub | None = None


def event_hub() -> EventHub:
    """This event loop's hub (a test may run several loops one after another)."""
    global _hub
    loop = asyncio.get_running_loop()
    if _hub is None or _hub.loop is not loop:
        if _hub is not None and not _hub.loop.is_closed():
            for task in _hub.tasks:
                _hub.loop.call_soon_threadsafe(task.cancel)
        _hub = EventHub()
    return _hub


async def stop_hub() -> None:
    global _hub
    if _hub is not None and _hub.loop is asyncio.get_running_loop():
        await _hub.stop()
    _hub = None
