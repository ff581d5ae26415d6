"""/healthz reports the database, broker, channel layer and workers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from glueweb import preflight
from glueweb.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer_api(make_user: Callable[..., User]) -> APIClient:
    preflight.check_home()
    client = APIClient()
    client.force_authenticate(make_user("viewer"))
    return client


def test_health_is_degraded_while_no_worker_reports(viewer_api: APIClient) -> None:
    response = viewer_api.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["mode"] == ("production" if settings.REDIS_URL else "embedded")
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["channel_layer"]["ok"] is True
    assert body["checks"]["workers"] == {
        "ok": False,
        "alive": [],
        "error": f"no worker has reported in the last {settings.WORKER_STALE_SECONDS} s",
    }


def test_health_is_ok_with_a_live_worker_and_ignores_a_stale_one(viewer_api: APIClient) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="worker@a", pid=1, started_at=now, last_seen=now)
    WorkerHeartbeat.objects.create(hostname="worker@gone", pid=2, started_at=now, last_seen=now - timedelta(minutes=5))
    response = viewer_api.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert [w["hostname"] for w in body["checks"]["workers"]["alive"]] == ["worker@a"]


def test_health_reports_the_broker_backend_in_use(viewer_api: APIClient) -> None:
    broker = viewer_api.get("/healthz").json()["checks"]["broker"]
    assert broker["kind"] == ("redis" if settings.REDIS_URL else "filesystem")
