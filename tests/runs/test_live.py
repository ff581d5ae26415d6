"""A run's events reach /ws/runs/<id>/ and /ws/dashboard/ live, and a reconnect replays what was missed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from glueweb.live.pump import stop_pump
from jobs.models import Job, RunEvent
from tests.live_helpers import open_socket, receive_until, session_cookie
from tests.runs import graphs

pytestmark = pytest.mark.django_db(transaction=True)


async def receive_state(socket: Any, state: str, timeout: float = 60) -> list[dict[str, Any]]:
    """Every message up to the run.state event with `state`."""
    seen: list[dict[str, Any]] = []
    while True:
        message = await socket.receive_json_from(timeout=timeout)
        seen.append(message)
        if message.get("type") == "run.state" and message.get("state") == state:
            return seen


def test_a_watcher_sees_the_run_live_and_a_reconnect_loses_nothing(
    worker: Any, make_user: Callable[..., User], make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.endless())
    operator = make_user("operator")
    watcher = make_user("viewer")
    api = APIClient()
    api.force_authenticate(operator)
    cookie = session_cookie(watcher)

    async def test() -> None:
        try:
            response = await database_sync_to_async(api.post)(f"/api/jobs/{job.pk}/runs/", {}, format="json")
            assert response.status_code == 201
            run_id = response.json()["id"]
            socket, connected, _ = await open_socket(f"/ws/runs/{run_id}/", cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": 0})
            first = await receive_state(socket, "RUNNING")
            before = [m for m in first if "seq" in m]
            assert [m["seq"] for m in before] == list(range(1, len(before) + 1))
            await socket.disconnect()

            # Away while the run is stopped: the state changes happen unseen.
            stop = await database_sync_to_async(api.post)(f"/api/runs/{run_id}/stop/")
            assert stop.status_code == 202

            socket, connected, _ = await open_socket(f"/ws/runs/{run_id}/", cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": before[-1]["seq"]})
            after = await receive_state(socket, "STOPPED")
            events = [m for m in after if "seq" in m]
            seqs = [m["seq"] for m in before + events]
            assert seqs == list(range(1, len(seqs) + 1))  # nothing lost, nothing repeated
            states = [m["state"] for m in before + events if m["type"] == "run.state"]
            assert states == ["STARTING", "RUNNING", "STOPPING", "STOPPED"]
            stored = await database_sync_to_async(
                lambda: list(RunEvent.objects.filter(kind="job", run_id=run_id).order_by("seq"))
            )()
            assert [e.to_message() for e in stored][: len(seqs)] == before + events
            await socket.disconnect()
        finally:
            await stop_pump()

    async_to_sync(test)()


def test_the_dashboard_gets_every_runs_state_changes_but_not_its_logs(
    worker: Any, make_user: Callable[..., User], make_job: Callable[..., Job]
) -> None:
    job = make_job(graphs.quick())
    operator = make_user("operator")
    api = APIClient()
    api.force_authenticate(operator)
    cookie = session_cookie(make_user("viewer"))

    async def test() -> None:
        try:
            socket, connected, _ = await open_socket("/ws/dashboard/", cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": None})
            await receive_until(socket, "resumed")
            response = await database_sync_to_async(api.post)(f"/api/jobs/{job.pk}/runs/", {}, format="json")
            run_id = response.json()["id"]
            seen = await receive_state(socket, "SUCCEEDED")
            mine = [m for m in seen if m.get("run") == run_id]
            assert [m["state"] for m in mine if m["type"] == "run.state"] == ["STARTING", "RUNNING", "SUCCEEDED"]
            assert {m["job"] for m in mine if m["type"] == "run.state"} == {job.pk}
            assert {m["node"] for m in mine if m["type"] == "node.state"} == {"numbers", "big", "save"}
            assert not [m for m in seen if m["type"] == "run.log"]
            await socket.disconnect()
        finally:
            await stop_pump()

    async_to_sync(test)()


def test_a_user_without_a_role_cannot_watch_a_run(make_user: Callable[..., User], make_job: Callable[..., Job]) -> None:
    cookie = session_cookie(make_user(None))

    async def test() -> None:
        _, connected, code = await open_socket("/ws/runs/1/", cookie)
        assert not connected and code == 4403
        _, connected, code = await open_socket("/ws/runs/1/")
        assert not connected and code == 4401

    async_to_sync(test)()
