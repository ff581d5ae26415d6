"""A glueweb of separate processes for tests that kill workers: its own home, database, queue and workers.

The test database of pytest-django lives in the test process; a worker that
the test kills must be a real process of its own, so these tests build a
small installation beside it, in the current mode: a fresh GLUEWEB_HOME
(SQLite there, or a fresh PostgreSQL database when DATABASE_URL is set), its
own Celery queue and channel prefix (Redis when REDIS_URL is set).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.e2e.launcher import REPO_ROOT, FreshDatabase, forget_redis_keys


class World:
    """With `template` (a world that is only migrated, then left alone), its database starts as a copy of the
    template's: an installation just migrated, without paying for `migrate` in every test (tests/conftest.py)."""

    def __init__(self, home: Path, template: World | None = None) -> None:
        self.home = home
        self.tag = secrets.token_hex(4)
        self.database: FreshDatabase | None = None
        base = os.environ.get("DATABASE_URL", "").strip()
        if base:
            self.database = FreshDatabase(base, template.database.name if template and template.database else None)
        elif template is not None:
            home.mkdir(parents=True, exist_ok=True)
            for part in template.home.glob("glueweb.sqlite3*"):  # the database (and a WAL, if one was left)
                shutil.copyfile(part, home / part.name)
        self.workers: list[subprocess.Popen[bytes]] = []

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "glueweb.settings",
                "GLUEWEB_HOME": str(self.home),
                "GLUEWEB_QUEUE": f"glueweb-world-{self.tag}",
                "GLUEWEB_CHANNEL_PREFIX": f"glueweb-world-{self.tag}",
                "GLUEWEB_LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.pop("GLUEWEB_DATA_ROOTS", None)
        if self.database is not None:
            env["DATABASE_URL"] = self.database.url
        return env

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, str(REPO_ROOT / "manage.py"), *args],
            cwd=REPO_ROOT, env=self.env(), capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        log = (self.home / f"worker-{name}.log").open("wb")
        process = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "manage.py"), "worker", "--concurrency", "1", "--name", f"{name}@%h",
             "--loglevel", "WARNING"],
            cwd=REPO_ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers.append(process)
        return process

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        if self.database is not None:
            import psycopg

            with psycopg.connect(self.database.url, autocommit=True) as conn:
                return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]
        with contextlib.closing(sqlite3.connect(self.home / "glueweb.sqlite3", timeout=20)) as conn:
            return list(conn.execute(sql).fetchall())

    def wait(self, sql: str, check: Any, timeout: float, what: str) -> list[tuple[Any, ...]]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.query(sql)
            if check(rows):
                return rows
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not within {timeout:.0f} s; last {rows}\n{self.logs()}")
            time.sleep(0.2)

    def logs(self) -> str:
        parts = []
        for log in sorted(self.home.glob("worker-*.log")):
            parts.append(f"--- {log.name} ---\n" + "\n".join(log.read_text(errors="replace").splitlines()[-30:]))
        return "\n".join(parts)

    def close(self) -> None:
        # Nothing of the world outlives its test, so its workers are killed outright (process group
        # and all): a warm shutdown of an idle worker takes 5-7 s and this cleanup asserts nothing
        # about it (Ctrl-C's clean stop is tests/e2e/test_stopping.py's subject).
        for process in self.workers:
            kill_group(process)
        if self.database is not None:
            self.database.close()
        redis_url = os.environ.get("REDIS_URL", "").strip()
        if redis_url:
            forget_redis_keys(redis_url, f"glueweb-world-{self.tag}")


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process started with start_new_session=True and everything in its group; reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
