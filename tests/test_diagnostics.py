"""The diagnostic event travels broker -> real Celery worker -> stored event -> WebSocket."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from glueweb.live.pump import stop_pump
from jobs.models import RunEvent
from tests.live_helpers import open_socket, receive_until, session_cookie
from tests.thread_worker import thread_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(db: None) -> Iterator[None]:
    """A real worker consuming the configured broker (file broker or Redis), in a thread."""
    with thread_worker():
        yield


def test_a_ping_comes_back_from_the_worker_over_the_dashboard_socket(
    worker: None, make_user: Callable[..., User]
) -> None:
    user = make_user("viewer", username="vera")
    cookie = session_cookie(user)
    api = APIClient()
    api.force_authenticate(user)

    async def test() -> None:
        try:
            socket, connected, _ = await open_socket("/ws/dashboard/", cookie)
            assert connected
            await socket.send_json_to({"type": "resume", "after": None})
            await receive_until(socket, "resumed")
            response = await database_sync_to_async(api.post)("/api/diagnostics/ping/")
            assert response.status_code == 202
            ping = response.json()
            pong = (await receive_until(socket, "diagnostic.pong", timeout=20))[-1]
            assert pong["diagnostic"] == ping["ping"]
            assert pong["sent_at"] == ping["sent_at"]
            assert pong["requested_by"] == "vera"
            assert pong["worker"]  # the worker's name, from the worker
            assert pong["seq"] == 1
            await socket.disconnect()
        finally:
            await stop_pump()

    async_to_sync(test)()
    assert RunEvent.objects.filter(kind="diagnostic", type="diagnostic.pong").count() == 1


def test_a_user_without_a_role_cannot_send_a_ping(make_user: Callable[..., User]) -> None:
    api = APIClient()
    api.force_authenticate(make_user(None))
    assert api.post("/api/diagnostics/ping/").status_code == 403
    assert not RunEvent.objects.exists()
