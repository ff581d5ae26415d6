"""Live events over /ws/dashboard/ and /ws/runs/<id>/, against the real ASGI app.

These run in whichever mode the suite runs in: in the embedded default the
event travels through the event pump; with Redis through channels-redis.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from django.db import transaction

from glueweb.live.hub import event_hub
from glueweb.live.pump import stop_pump
from jobs.events import append_event
from jobs.models import RunEvent
from tests.live_helpers import open_socket, receive_until, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

write_event = database_sync_to_async(append_event)


def run_async(test: Callable[[], Awaitable[None]]) -> None:
    async def wrapped() -> None:
        try:
            await test()
        finally:
            await stop_pump()

    async_to_sync(wrapped)()


@pytest.fixture
def viewer_cookie(make_user: Callable[..., User]) -> str:
    return session_cookie(make_user("viewer"))


def test_an_anonymous_websocket_is_refused(db: None) -> None:
    async def test() -> None:
        _, connected, _ = await open_socket("/ws/dashboard/")
        assert not connected

    run_async(test)


def test_a_user_without_a_role_is_refused(make_user: Callable[..., User]) -> None:
    cookie = session_cookie(make_user(None))

    async def test() -> None:
        _, connected, code = await open_socket("/ws/dashboard/", cookie)
        assert not connected
        assert code == 4403

    run_async(test)


def test_a_socket_opened_from_another_site_is_refused(viewer_cookie: str) -> None:
    async def test() -> None:
        _, connected, _ = await open_socket("/ws/dashboard/", viewer_cookie, origin="https://evil.example")
        assert not connected

    run_async(test)


def test_a_viewer_receives_a_new_event_live(viewer_cookie: str) -> None:
    async def test() -> None:
        socket, connected, _ = await open_socket("/ws/dashboard/", viewer_cookie)
        assert connected
        await socket.send_json_to({"type": "resume", "after": None})
        assert (await socket.receive_json_from(timeout=5))["type"] == "resumed"
        event = await write_event("job", 42, "run.state", {"state": "RUNNING"})
        message = await socket.receive_json_from(timeout=10)
        assert message == {
            "type": "run.state",
            "run": 42,
            "seq": 1,
            "id": event.id,
            "at": event.at.isoformat(),
            "state": "RUNNING",
        }
        await socket.disconnect()

    run_async(test)


def test_a_reconnect_receives_what_it_missed_and_nothing_twice(viewer_cookie: str) -> None:
    async def test() -> None:
        socket, _, _ = await open_socket("/ws/dashboard/", viewer_cookie)
        await socket.send_json_to({"type": "resume", "after": None})
        await receive_until(socket, "resumed")
        first = await write_event("job", 7, "run.state", {"state": "STARTING"})
        assert (await socket.receive_json_from(timeout=10))["id"] == first.id
        await socket.disconnect()

        # While the client is away the run goes on.
        missed = [
            await write_event("job", 7, "run.state", {"state": "RUNNING"}),
            await write_event("crawl", 3, "crawl.state", {"state": "RUNNING"}),
        ]
        socket, _, _ = await open_socket("/ws/dashboard/", viewer_cookie)
        await socket.send_json_to({"type": "resume", "after": first.id})
        received = await receive_until(socket, "resumed")
        assert [m.get("id") for m in received[:-1]] == [e.id for e in missed]
        assert received[-1] == {"type": "resumed", "replayed": 2, "cursor": missed[-1].id}
        assert received[1]["crawl"] == 3

        latest = await write_event("job", 7, "run.state", {"state": "SUCCEEDED"})
        assert (await socket.receive_json_from(timeout=10))["id"] == latest.id
        assert await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()

    run_async(test)


def test_an_event_arriving_before_the_resume_is_delivered_once(viewer_cookie: str) -> None:
    async def test() -> None:
        before = await write_event("job", 9, "run.state", {"state": "STARTING"})
        socket, _, _ = await open_socket("/ws/dashboard/", viewer_cookie)
        during = await write_event("job", 9, "run.state", {"state": "RUNNING"})
        # Give the live copy time to reach the consumer before it is resumed.
        assert await socket.receive_nothing(timeout=0.5)
        await socket.send_json_to({"type": "resume", "after": before.id})
        received = await receive_until(socket, "resumed")
        assert [m.get("id") for m in received if m["type"] == "run.state"] == [during.id]
        assert await socket.receive_nothing(timeout=0.5)
        await socket.disconnect()

    run_async(test)


def test_a_run_socket_streams_only_its_run_with_logs_in_sequence(viewer_cookie: str) -> None:
    async def test() -> None:
        await write_event("job", 5, "run.state", {"state": "RUNNING"})
        await write_event("job", 6, "run.state", {"state": "RUNNING"})
        await write_event("job", 5, "run.log", {"level": "info", "message": "reading orders"})
        socket, connected, _ = await open_socket("/ws/runs/5/", viewer_cookie)
        assert connected
        await socket.send_json_to({"type": "resume", "after": 0})
        received = await receive_until(socket, "resumed")
        assert [(m["seq"], m["type"]) for m in received[:-1]] == [(1, "run.state"), (2, "run.log")]
        assert all(m["run"] == 5 for m in received[:-1])

        await write_event("job", 6, "run.state", {"state": "SUCCEEDED"})
        node = await write_event(
            "job", 5, "node.state", {"node": "big", "state": "SUCCEEDED", "rows_out": 1200, "duration_ms": 35}
        )
        message = await socket.receive_json_from(timeout=10)
        assert message["seq"] == node.seq == 3
        assert (message["node"], message["rows_out"]) == ("big", 1200)
        await socket.disconnect()

    run_async(test)


def test_the_dashboard_leaves_run_logs_to_the_run_page(viewer_cookie: str) -> None:
    async def test() -> None:
        socket, _, _ = await open_socket("/ws/dashboard/", viewer_cookie)
        await socket.send_json_to({"type": "resume", "after": None})
        await receive_until(socket, "resumed")
        await write_event("job", 11, "run.log", {"level": "info", "message": "noise"})
        state = await write_event("job", 11, "run.state", {"state": "FAILED"})
        message = await socket.receive_json_from(timeout=10)
        assert (message["type"], message["id"]) == ("run.state", state.id)
        await socket.disconnect()

    run_async(test)


@pytest.mark.parametrize(
    ("sent", "error"),
    [
        ({"type": "subscribe"}, "unknown message type 'subscribe'"),
        ({"type": "resume", "after": "yesterday"}, "'after' must be a non-negative integer or null"),
        ({"type": "resume", "after": -1}, "'after' must be a non-negative integer or null"),
        (["resume"], "unknown message type None"),
    ],
)
def test_a_malformed_client_message_gets_an_error_naming_the_problem(viewer_cookie: str, sent: Any, error: str) -> None:
    async def test() -> None:
        socket, _, _ = await open_socket("/ws/dashboard/", viewer_cookie)
        await socket.send_json_to(sent)
        message = await socket.receive_json_from(timeout=5)
        assert message["type"] == "error"
        assert error in message["message"]
        await socket.disconnect()

    run_async(test)


def test_sequence_numbers_count_per_run(db: None) -> None:
    a1 = append_event("job", 1, "run.state", {"state": "STARTING"})
    b1 = append_event("crawl", 1, "crawl.state", {"state": "RUNNING"})
    a2 = append_event("job", 1, "run.state", {"state": "RUNNING"})
    assert (a1.seq, b1.seq, a2.seq) == (1, 1, 2)
    assert list(RunEvent.objects.filter(kind="job", run_id=1).values_list("seq", flat=True)) == [1, 2]


def test_many_watchers_of_a_run_each_get_a_burst_once_and_in_order(viewer_cookie: str) -> None:
    """One committed burst (more events than a channel holds) reaches every watcher whole; one leaving harms none."""
    burst = 150

    def write_burst(run_id: int) -> None:
        with transaction.atomic():
            for n in range(burst):
                append_event("job", run_id, "run.log", {"level": "info", "message": f"line {n}"})

    async def test() -> None:
        watchers = []
        for _ in range(20):
            socket, connected, _ = await open_socket("/ws/runs/77/", viewer_cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": 0})
            assert (await receive_until(socket, "resumed"))[-1]["replayed"] == 0
            watchers.append(socket)
        await database_sync_to_async(write_burst)(77)
        for socket in watchers:
            received = [await socket.receive_json_from(timeout=10) for _ in range(burst)]
            assert [m["seq"] for m in received] == list(range(1, burst + 1))
            assert received[-1]["message"] == f"line {burst - 1}"
            assert await socket.receive_nothing(timeout=0.05)

        for socket in watchers[:10]:
            await socket.disconnect()
        last = await write_event("job", 77, "run.state", {"state": "SUCCEEDED"})
        for socket in watchers[10:]:
            assert (await socket.receive_json_from(timeout=10))["seq"] == last.seq == burst + 1
            await socket.disconnect()

    run_async(test)


def test_a_watcher_that_fails_does_not_keep_the_event_from_the_others() -> None:
    class Watcher:
        def __init__(self, broken: bool) -> None:
            self.broken = broken
            self.texts: list[str] = []

        async def on_event(self, event: dict[str, Any], text: str) -> None:
            if self.broken:
                raise ConnectionError("socket gone")
            self.texts.append(text)

    async def test() -> None:
        hub = event_hub()
        first, broken, last = Watcher(False), Watcher(True), Watcher(False)
        for watcher in (first, broken, last):
            await hub.subscribe(["events.job.5"], watcher)
        await hub.fan_out("events.job.5", {"type": "run.state", "run": 5, "seq": 1, "state": "RUNNING"})
        await hub.fan_out("events.job.6", {"type": "run.state", "run": 6, "seq": 1, "state": "RUNNING"})
        expected = '{"type": "run.state", "run": 5, "seq": 1, "state": "RUNNING"}'
        assert first.texts == last.texts == [expected]
        await hub.unsubscribe(["events.job.5"], last)
        await hub.fan_out("events.job.5", {"type": "run.state", "run": 5, "seq": 2, "state": "SUCCEEDED"})
        assert len(first.texts) == 2 and len(last.texts) == 1

    run_async(test)


def test_a_run_socket_fills_in_an_event_whose_live_copy_is_overtaken(viewer_cookie: str) -> None:
    """STARTING (stored by the web process) may reach the hub after RUNNING (the worker's): nothing is lost."""

    def store(seq: int, state: str) -> dict[str, Any]:  # stored, not published: the test hands copies over
        event = RunEvent.objects.create(kind="job", run_id=31, seq=seq, type="run.state", payload={"state": state})
        return event.to_message()

    async def test() -> None:
        watchers = []
        for _ in range(3):
            socket, _, _ = await open_socket("/ws/runs/31/", viewer_cookie)
            await socket.send_json_to({"type": "resume", "after": 0})
            await receive_until(socket, "resumed")
            watchers.append(socket)
        starting = await database_sync_to_async(store)(1, "STARTING")
        running = await database_sync_to_async(store)(2, "RUNNING")
        hub = event_hub()
        hub.put("events.job.31", running)
        hub.put("events.job.31", starting)  # late
        for socket in watchers:
            received = [await socket.receive_json_from(timeout=10) for _ in range(2)]
            assert received == [starting, running]
            assert await socket.receive_nothing(timeout=0.2)
            await socket.disconnect()

    run_async(test)
