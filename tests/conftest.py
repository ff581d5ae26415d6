from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from glueweb.roles import ensure_roles


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    """make_user("viewer") -> a user holding that role (or no role with None)."""
    counter = iter(range(1, 10_000))

    def make(role: str | None = "viewer", *, username: str | None = None, password: str = "pw-secret-123") -> User:
        ensure_roles()
        user = User.objects.create_user(username=username or f"{role or 'norole'}{next(counter)}", password=password)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def api(make_user: Callable[..., User]) -> Callable[..., APIClient]:
    """api("editor") -> an API client signed in as a user with that role; api(None) is anonymous."""

    def client_for(role: str | None = "viewer") -> APIClient:
        client = APIClient()
        if role is not None:
            client.force_authenticate(make_user(role))
        return client

    return client_for


@pytest.fixture
def settings_frontend(settings: Any, tmp_path: Any) -> Iterator[Any]:
    """A stand-in built front end, so page tests do not depend on `npm run build`."""
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "index.html").write_text("<!doctype html><title>glueweb</title><div id=root></div>")
    settings.FRONTEND_DIST = dist
    yield dist


@pytest.fixture(scope="session")
def s3_server() -> Iterator[Any]:
    """moto's S3 server on 127.0.0.1 (a real S3 protocol peer), shared by the session: tests/s3_server.py."""
    from tests.s3_server import run_server

    yield from run_server()


@pytest.fixture(scope="session")
def migrated_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A world that is only migrated, once per session: `world` copies its database."""
    from tests.runs.world import World

    template = World(tmp_path_factory.mktemp("world-template") / "home")
    try:
        template.manage("migrate", "--verbosity", "0")
        yield template
    finally:
        template.close()


@pytest.fixture
def world(tmp_path: Any, migrated_world: Any) -> Iterator[Any]:
    """A separate glueweb (home, database, queue, workers), freshly migrated, for tests that kill workers or
    need processes of their own: tests/runs/world.py."""
    from tests.runs.world import World

    created = World(tmp_path / "home", template=migrated_world)
    try:
        yield created
    finally:
        created.close()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On Redis, the session's own queue and kombu's bindings for it go with the session (tests/settings.py names
    them): the Redis a developer shares with the suite keeps nothing of each run."""
    url = os.environ.get("REDIS_URL", "").strip()
    queue = os.environ.get("GLUEWEB_QUEUE", "")
    if not url or not queue.startswith("glueweb-test-"):
        return
    import redis

    from tests.e2e.launcher import forget_redis_keys

    try:
        forget_redis_keys(url, queue)
    except redis.RedisError as exc:  # tidying only: the tests' own result stands
        print(f"\ncould not remove the test queue {queue} from Redis: {exc}")
