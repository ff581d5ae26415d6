"""Connecting to the real ASGI application's WebSockets as a signed-in user."""

from __future__ import annotations

from typing import Any

from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client

from glueweb.asgi import application


def session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


async def open_socket(
    path: str, cookie: str | None = None, origin: str = "http://127.0.0.1:8000"
) -> tuple[WebsocketCommunicator, bool, Any]:
    headers = [(b"origin", origin.encode()), (b"host", b"127.0.0.1:8000")]
    if cookie:
        headers.append((b"cookie", f"sessionid={cookie}".encode()))
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def receive_until(communicator: WebsocketCommunicator, kind: str, timeout: float = 10) -> list[dict[str, Any]]:
    """Every message up to and including the first of type `kind`."""
    seen: list[dict[str, Any]] = []
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        seen.append(message)
        if message["type"] == kind:
            return seen
