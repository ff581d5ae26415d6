"""WebSocket consumers streaming run events (docs/live-events.md).

A client connects, sends {"type": "resume", "after": <cursor or null>}, is
sent every stored event after its cursor, then live events. Events that
arrive from the channel layer before the resume is served are held back and
de-duplicated, so a reconnect neither loses nor repeats anything.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from glueweb.live.groups import DASHBOARD, subject_group
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
    # A single run's events come from one writer in order; the dashboard mixes
    # many writers, so there an older id may still arrive after a newer one.
    ordered = False

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
        self.held_back: list[dict[str, Any]] = []
        self.delivered: set[int] = set()
        for group in self.stream_groups():
            await self.channel_layer.group_add(group, self.channel_name)
        await ensure_pump()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "resumed"):
            for group in self.stream_groups():
                await self.channel_layer.group_discard(group, self.channel_name)

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
        if after is not None:
            self.cursor = after
            for message in await database_sync_to_async(self.stored_after)(after):
                replayed += await self.deliver(message)
        self.resumed = True
        held, self.held_back = self.held_back, []
        for message in held:
            await self.deliver(message)
        await self.send_json({"type": "resumed", "replayed": replayed, "cursor": self.cursor})

    def stored_after(self, after: int) -> list[dict[str, Any]]:
        raise NotImplementedError

    async def event_message(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if not self.resumed:
            self.held_back.append(event)
            if len(self.held_back) > HELD_BACK_LIMIT:
                await self.close(code=BAD_REQUEST)
            return
        await self.deliver(event)

    async def deliver(self, event: dict[str, Any]) -> int:
        position = int(event[self.cursor_key])
        if position in self.delivered or (self.cursor is not None and position <= self.cursor and self.ordered):
            return 0
        await self.send_json(event)
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

    async def event_message(self, message: dict[str, Any]) -> None:
        # Logs and node row counts belong on a run's own page, not the dashboard.
        if message["event"].get("type") in NOT_ON_DASHBOARD:
            return
        await super().event_message(message)


class RunConsumer(EventStreamConsumer):
    """/ws/runs/<id>/: one job run's states, nodes and logs; cursor = the run's seq."""

    cursor_key = "seq"
    ordered = True
    kind = RunEvent.Kind.JOB

    def stream_groups(self) -> list[str]:
        return [subject_group(self.kind, int(self.scope["url_route"]["kwargs"]["run_id"]))]

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
