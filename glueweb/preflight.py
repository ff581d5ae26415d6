"""Start-up checks that turn a bad setting into one clear line naming it."""

from __future__ import annotations

from django.conf import settings
from django.db import connection

from glueweb.env import ConfigError, redact_url


def check_database() -> None:
    try:
        connection.ensure_connection()
    except Exception as exc:
        if settings.DATABASE_URL:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ConfigError(
                "DATABASE_URL", f"cannot connect to {redact_url(settings.DATABASE_URL)}: {reason}"
            ) from None
        raise ConfigError(
            "GLUEWEB_HOME", f"cannot open the embedded database in {settings.GLUEWEB_HOME}: {exc}"
        ) from None


def check_redis() -> None:
    if not settings.REDIS_URL:
        return
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:
        raise ConfigError("REDIS_URL", f"cannot reach {redact_url(settings.REDIS_URL)}: {exc}") from None


def check_home() -> None:
    home = settings.GLUEWEB_HOME
    try:
        for folder in (
            home,
            settings.STATIC_ROOT,
            settings.LAKE_DIR,
            settings.LOG_DIR,
            settings.BROKER_DIR / "queue",
            settings.BROKER_DIR / "control",
        ):
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError("GLUEWEB_HOME", f"cannot create {exc.filename}: {exc.strerror}") from None


def run_all() -> None:
    check_home()
    check_database()
    check_redis()
