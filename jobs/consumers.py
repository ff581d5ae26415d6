"""WebSocket consumers streaming run events (docs/live-events.md).

A client connects, sends {"type": "resume", "after": <cursor or null>}, is
sent every stored event after its cursor, then live events. Events that
arrive before the resume is served are held back and de-duplicated, so a
reconnect neither loses nor repeats anything.

Live events come from the process's event hub (glueweb/live/hub.py), which
calls `on_event` with the event's JSON encoded once for every socket; a
consumer has no channel-layer channel of its own.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from glueweb.live.groups import DASHBOARD, subject_group
from glueweb.live.hub import EventHub, event_hub
from glueweb.live.pump import ensure_pump
from glueweb.roles import has_capability
from jobs.models import RunEvent

# Close codes (4000-4999 are the application's): a browser sees the handshake fail.
NOT_SIGNED_IN = 4401
FORBIDDEN = 4403
BAD_REQUEST = 4400
HELD_BACK_LIMIT = 10_000
REPLAY_PAGE = 500
DASHBOARD_REPLAY_LIMIT = 1_000
NOT_ON_DASHBOARD = ("run.log", "node.progress")


class EventStreamConsumer(AsyncJsonWebsocketConsumer):
    """Shared behaviour; subclasses say which events and what the cursor is."""

    cursor_key = "id"
    # A run socket sends its run's events in seq order, filling a gap from
    # the database (missed_before) when a live copy is overtaken; the dashboard
    # mixes many writers, so there an older id may still arrive after a newer one.
    ordered = False
    # No layer alias by that name: channels then gives the socket no channel
    # (and no receive loop on it); the hub delivers instead.
    channel_layer_alias = "glueweb.live.hub"

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=NOT_SIGNED_IN)
            return
        if not await database_sync_to_async(has_capability)(user, "view"):
            await self.close(code=FORBIDDEN)
            return
        self.cursor: int | None = None
        self.resumed = False
        self.held_back: list[tuple[dict[str, Any], str]] = []
        self.delivered: set[int] = set()
        # Held by the resume while it sends what it replays and held back, so a
        # live event cannot overtake them (and then make them look old).
        self.sending = asyncio.Lock()
        self.hub: EventHub | None = event_hub()
        await self.hub.subscribe(self.stream_groups(), self)
        await ensure_pump()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        hub, self.hub = getattr(self, "hub", None), None
        if hub is not None:
            await hub.unsubscribe(self.stream_groups(), self)

    def stream_groups(self) -> list[str]:
        raise NotImplementedError

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "resume":
            after = content.get("after")
            if after is not None and (not isinstance(after, int) or isinstance(after, bool) or after < 0):
                await self.send_json(
                    {"type": "error", "message": "resume: 'after' must be a non-negative integer or null"}
                )
                return
            await self.resume(after)
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        else:
            await self.send_json(
                {"type": "error", "message": f"unknown message type {kind!r}; expected 'resume' or 'ping'"}
            )

    async def resume(self, after: int | None) -> None:
        replayed = 0
        stored = [] if after is None else await database_sync_to_async(self.stored_after)(after)
        async with self.sending:
            if after is not None:
                self.cursor = after
            for message in stored:
                replayed += await self.deliver(message)
            self.resumed = True
            held, self.held_back = self.held_back, []
            for message, text in held:
                await self.deliver_live(message, text)
            await self.send_json({"type": "resumed", "replayed": replayed, "cursor": self.cursor})

    def stored_after(self, after: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def on_event(self, event: dict[str, Any], text: str) -> None:
        """A live event from the hub; `text` is its JSON (shared by every socket: neither is changed here)."""
        if not self.resumed:
            self.held_back.append((event, text))
            if len(self.held_back) > HELD_BACK_LIMIT:
                await self.close(code=BAD_REQUEST)
            return
        async with self.sending:
            await self.deliver_live(event, text)

    async def deliver_live(self, event: dict[str, Any], text: str) -> None:
        for missed in await self.missed_before(int(event[self.cursor_key])):
            await self.deliver(missed)
        await self.deliver(event, text)

    async def missed_before(self, position: int) -> list[dict[str, Any]]:
        """Stored events this socket lacks that come before the live one at `position` (ordered streams)."""
        return []

    async def deliver(self, event: dict[str, Any], text: str | None = None) -> int:
        position = int(event[self.cursor_key])
        if position in self.delivered or (self.cursor is not None and position <= self.cursor and self.ordered):
            return 0
        await self.send(text_data=json.dumps(event) if text is None else text)
        self.delivered.add(position)
        if len(self.delivered) > HELD_BACK_LIMIT:
            self.delivered = set(sorted(self.delivered)[-HELD_BACK_LIMIT // 2 :])
        self.cursor = position if self.cursor is None else max(self.cursor, position)
        return 1


class DashboardConsumer(EventStreamConsumer):
    """/ws/dashboard/: every run's and crawl's state changes the user may see; cursor = event id."""

    cursor_key = "id"

    def stream_groups(self) -> list[str]:
        return [DASHBOARD]

    def stored_after(self, after: int) -> list[dict[str, Any]]:
        events = RunEvent.objects.filter(id__gt=after).exclude(type__in=NOT_ON_DASHBOARD)
        return [event.to_message() for event in events.order_by("id")[:DASHBOARD_REPLAY_LIMIT]]

    async def on_event(self, event: dict[str, Any], text: str) -> None:
        # Logs and node row counts belong on a run's own page, not the dashboard.
        if event.get("type") in NOT_ON_DASHBOARD:
            return
        await super().on_event(event, text)


class RunConsumer(EventStreamConsumer):
    """/ws/runs/<id>/: one job run's states, nodes and logs; cursor = the run's seq."""

    cursor_key = "seq"
    ordered = True
    kind = RunEvent.Kind.JOB

    def stream_groups(self) -> list[str]:
        return [subject_group(self.kind, int(self.scope["url_route"]["kwargs"]["run_id"]))]

    async def missed_before(self, position: int) -> list[dict[str, Any]]:
        # A run has two writers: the web process stores STARTING, the worker
        # the rest. On a busy machine the worker's RUNNING can reach the hub
        # before STARTING does; dropping the late one as old would lose it.
        # Seq k+1 is only stored once k is committed, so the gap is in the
        # database: read it, then the late copy is the one that looks old.
        if self.cursor is None or position <= self.cursor + 1:
            return []
        run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        return await stored_between(self.kind, run_id, self.cursor, position)

    def stored_after(self, after: int) -> list[dict[str, Any]]:
        run_id = int(self.scope["url_route"]["kwargs"]["run_id"])
        messages: list[dict[str, Any]] = []
        while True:
            page = list(
                RunEvent.objects.filter(kind=self.kind, run_id=run_id, seq__gt=after).order_by("seq")[:REPLAY_PAGE]
            )
            messages.extend(event.to_message() for event in page)
            if len(page) < REPLAY_PAGE:
                return messages
            after = page[-1].seq


# Gaps read lately: every socket watching a run meets the same gap at once, and
# stored events never change, so one read serves them all.
_GAPS_KEPT = 256
_gaps: dict[tuple[str, int, int, int], asyncio.Future[list[dict[str, Any]]]] = {}


async def stored_between(kind: str, run_id: int, after: int, before: int) -> list[dict[str, Any]]:
    """A run's stored events with after < seq < before, in order."""
    key = (kind, run_id, after, before)
    future = _gaps.get(key)
    if (
        future is None
        or future.get_loop() is not asyncio.get_running_loop()
        or (future.done() and (future.cancelled() or future.exception() is not None))
    ):
        future = asyncio.ensure_future(database_sync_to_async(_read_between)(kind, run_id, after, before))
        _gaps[key] = future
        while len(_gaps) > _GAPS_KEPT:
            del _gaps[next(iter(_gaps))]
    # Shielded: a socket closing while it waits must not cancel the read the others share.
    return await asyncio.shield(future)


def _read_between(kind: str, run_id: int, after: int, before: int) -> list[dict[str, Any]]:
    events = RunEvent.objects.filter(kind=kind, run_id=run_id, seq__gt=after, seq__lt=before).order_by("seq")
    return [event.to_message() for event in events]
