"""/healthz: database, broker, channel layer and worker liveness, as JSON.

It needs a signed-in user (session or token) like every other page; a load
balancer probe uses a viewer's API token.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from glueweb.env import redact_url
from glueweb.models import WorkerHeartbeat

Check = dict[str, Any]


def _timed(check: Check, started: float) -> Check:
    check["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return check


def check_database() -> Check:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return _timed({"ok": False, "engine": connection.vendor, "error": str(exc).strip()}, started)
    return _timed({"ok": True, "engine": connection.vendor}, started)


def check_broker() -> Check:
    started = time.perf_counter()
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping()
        except Exception as exc:
            return _timed(
                {"ok": False, "kind": "redis", "url": redact_url(settings.REDIS_URL), "error": str(exc)}, started
            )
        return _timed({"ok": True, "kind": "redis", "url": redact_url(settings.REDIS_URL)}, started)
    folder = settings.BROKER_DIR / "queue"
    ok = folder.is_dir() and folder.exists()
    check: Check = {"ok": ok, "kind": "filesystem", "folder": str(folder)}
    if not ok:
        check["error"] = "the broker folder does not exist yet: no worker has started on this GLUEWEB_HOME"
    return _timed(check, started)


async def _layer_round_trip() -> None:
    layer = get_channel_layer()
    assert layer is not None
    # A plain (not process-local "!") channel: channels_redis serialises receives on
    # process-local channels behind one lock that an open WebSocket holds, so a
    # "specific.*!" probe would wait behind it and time out.
    channel = f"healthz-{uuid.uuid4().hex}"
    await layer.send(channel, {"type": "healthz.ping"})
    await asyncio.wait_for(layer.receive(channel), timeout=1)


def check_channel_layer() -> Check:
    started = time.perf_counter()
    backend = str(settings.CHANNEL_LAYERS["default"]["BACKEND"]).rsplit(".", 1)[-1]
    try:
        async_to_sync(_layer_round_trip)()
    except Exception as exc:
        return _timed({"ok": False, "backend": backend, "error": str(exc) or type(exc).__name__}, started)
    return _timed({"ok": True, "backend": backend}, started)


def check_workers() -> Check:
    cutoff = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = [
        {"hostname": hb.hostname, "pid": hb.pid, "last_seen": hb.last_seen.isoformat()}
        for hb in WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).order_by("hostname")
    ]
    check: Check = {"ok": bool(alive), "alive": alive}
    if not alive:
        check["error"] = f"no worker has reported in the last {settings.WORKER_STALE_SECONDS} s"
    return check


def health_report() -> tuple[bool, dict[str, Any]]:
    checks = {"database": check_database()}
    checks["broker"] = check_broker()
    checks["channel_layer"] = check_channel_layer()
    checks["workers"] = check_workers() if checks["database"]["ok"] else {"ok": False, "error": "database unavailable"}
    healthy = all(check["ok"] for check in checks.values())
    return healthy, {
        "status": "ok" if healthy else "degraded",
        "mode": "production" if settings.REDIS_URL else "embedded",
        "checks": checks,
    }


class HealthView(APIView):
    required_capability = "view"

    @extend_schema(responses={200: dict, 503: dict})
    def get(self, request: Request) -> Response:
        healthy, report = health_report()
        return Response(report, status=200 if healthy else 503)
