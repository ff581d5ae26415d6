"""Typed readers for environment settings.

Each reader fails with :class:`ConfigError`, whose message names the variable,
so start-up can print one clear line instead of a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the setting."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(name, f"must be at most {maximum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_path(name: str, default: Path, *, base: Path) -> Path:
    raw = env_str(name)
    path = Path(raw).expanduser() if raw else default
    if not path.is_absolute():
        path = base / path
    return path.resolve()


def redact_url(url: str) -> str:
    """The URL with its password replaced, safe to print in an error."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def database_config(url: str, conn_max_age: int) -> dict[str, object]:
    """Django DATABASES['default'] for a DATABASE_URL (PostgreSQL only)."""
    import dj_database_url

    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            "DATABASE_URL",
            f"expected postgresql://user:password@host:port/database, got scheme {scheme!r} in {redact_url(url)}",
        )
    try:
        # Health checks: a kept connection that the server dropped is replaced, not used.
        config = dict(dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True))
        port = urlsplit(url).port  # raises ValueError for a non-numeric port
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", f"malformed URL {redact_url(url)}: {exc}") from None
    if not config.get("NAME"):
        raise ConfigError("DATABASE_URL", f"no database name in {redact_url(url)}")
    if port is not None and not 0 < port < 65536:
        raise ConfigError("DATABASE_URL", f"port out of range in {redact_url(url)}")
    return config


def redis_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (validates the port)
    except ValueError as exc:
        raise ConfigError("REDIS_URL", f"malformed URL {redact_url(url)}: {exc}") from None
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ConfigError("REDIS_URL", f"expected redis://host:port/db, got {redact_url(url)}")
    return url
