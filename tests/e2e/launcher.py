"""Start the real glueweb (`manage.py up`) on a free port, for the browser tests and the benchmark.

    with RunningApp() as app:
        app.wait_for_worker()
        ...  # app.url, app.username, app.password, app.home, app.mode

The mode follows the current environment, as `manage.py up` itself would:
nothing set is the embedded mode; DATABASE_URL (PostgreSQL) and REDIS_URL
select production. In production the app never touches the database named in
DATABASE_URL: a fresh database is created next to it on the same server and
dropped afterwards. Each app gets its own GLUEWEB_HOME, Celery queue and
channel-layer prefix, so it shares nothing with another app on the same Redis.

Only the standard library (and psycopg, in production mode) is used here: no
Django, so the benchmark can import it as it is.
"""

from __future__ import annotations

import collections
import contextlib
import http.cookiejar
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_LINE = "glueweb is running at"
LOG_NAMES = ("web", "worker", "scheduler")


class AppStartError(RuntimeError):
    """`manage.py up` did not come up; the message carries the tail of its output and logs."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, already dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in {"Z", "X"}


def descendants(pid: int) -> list[int]:
    """Every live process below `pid` (children, their children, ...), from /proc."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children[ppid].append(int(entry.name))
    found: list[int] = []
    queue = list(children.get(pid, []))
    while queue:
        child = queue.pop(0)
        if process_alive(child):
            found.append(child)
        queue.extend(children.get(child, []))
    return found


def command_line(pid: int) -> list[str]:
    try:
        return [
            part.decode(errors="replace") for part in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if part
        ]
    except OSError:
        return []


def processes_with_env(name: str, value: str) -> list[int]:
    """Live processes whose environment holds name=value (e.g. every process of one GLUEWEB_HOME)."""
    wanted = f"{name}={value}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in environ and process_alive(int(entry.name)):
            found.append(int(entry.name))
    return found


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


def forget_redis_keys(redis_url: str, name: str) -> None:
    """Delete every key of the shared Redis whose name contains `name`: what a test installation's own queue
    and channel prefix left there (kombu's bindings outlive their queue)."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=5)
    try:
        keys = list(client.scan_iter(match=f"*{name}*", count=500))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class FreshDatabase:
    """A PostgreSQL database of its own on the server named by `base_url`, dropped at close().

    With `template`, a copy of that database (CREATE DATABASE ... TEMPLATE: nothing may be connected to it).
    """

    def __init__(self, base_url: str, template: str | None = None) -> None:
        import psycopg
        from psycopg import sql

        self._psycopg = psycopg
        self._sql = sql
        self.name = f"glueweb_e2e_{secrets.token_hex(6)}"
        parts = urllib.parse.urlsplit(base_url)
        self.url = urllib.parse.urlunsplit(parts._replace(path=f"/{self.name}"))
        # The maintenance database, not the one in DATABASE_URL (it may not even exist).
        self._admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(self._admin_url, autocommit=True, connect_timeout=10) as conn:
            create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
            if template is not None:
                create = sql.SQL("{} TEMPLATE {}").format(create, sql.Identifier(template))
            conn.execute(create)

    def close(self) -> None:
        with self._psycopg.connect(self._admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(
                self._sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(self._sql.Identifier(self.name))
            )


class Session:
    """A signed-in HTTP session with the running app (urllib + cookies), for checks outside the browser."""

    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self._sign_in(username, password)

    def _cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)

    def _sign_in(self, username: str, password: str) -> None:
        login = f"{self.base_url}/accounts/login/"
        with self.opener.open(login, timeout=10) as response:
            response.read()
        form = urllib.parse.urlencode(
            {"username": username, "password": password, "next": "/", "csrfmiddlewaretoken": self._cookie("csrftoken")}
        ).encode()
        request = urllib.request.Request(login, data=form, headers={"Referer": login})
        with self.opener.open(request, timeout=10) as response:
            response.read()
        if self._cookie("sessionid") is None:
            raise RuntimeError(f"could not sign in to {self.base_url} as {username!r}")

    def get_json(self, path: str, timeout: float = 10) -> tuple[int, Any]:
        """(status, decoded JSON body) for a GET; error statuses are returned, not raised."""
        request = urllib.request.Request(f"{self.base_url}{path}", headers={"Accept": "application/json"})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                return exc.code, json.loads(body or b"null")
            except ValueError:
                return exc.code, body.decode(errors="replace")


class RunningApp:
    """`manage.py up` on a free port with a fresh GLUEWEB_HOME (and database in production mode)."""

    def __init__(
        self,
        *,
        demo: bool = True,
        startup_timeout: float = 90.0,
        username: str = "admin",
        password: str | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.demo = demo
        self.startup_timeout = startup_timeout
        self.username = username
        self.password = password or f"e2e-{secrets.token_urlsafe(12)}"
        self.extra_env = dict(extra_env or {})
        self.tag = secrets.token_hex(4)
        self.port = 0
        self.url = ""
        self.home = Path()
        database_url = os.environ.get("DATABASE_URL", "").strip()
        self.base_database_url = database_url
        self.redis_url = os.environ.get("REDIS_URL", "").strip()
        self.mode = "production" if self.redis_url else "embedded"
        self.database: FreshDatabase | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self.output: collections.deque[str] = collections.deque(maxlen=400)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    # --- lifecycle --------------------------------------------------------------
    def __enter__(self) -> RunningApp:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        assert self.process is not None, "the app is not started"
        return self.process.pid

    @property
    def description(self) -> str:
        if self.mode == "production":
            return f"production (PostgreSQL database {self.database.name if self.database else '?'} + Redis)"
        if self.base_database_url:
            return "PostgreSQL with the file broker"
        return "embedded (SQLite + file broker)"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        # pytest-django exports its own settings module; the app runs with its real settings.
        env["DJANGO_SETTINGS_MODULE"] = "glueweb.settings"
        env.update(
            {
                "GLUEWEB_HOME": str(self.home),
                "DJANGO_SUPERUSER_USERNAME": self.username,
                "DJANGO_SUPERUSER_PASSWORD": self.password,
                "GLUEWEB_QUEUE": f"glueweb-e2e-{self.tag}",
                "GLUEWEB_CHANNEL_PREFIX": f"glueweb-e2e-{self.tag}",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.pop("PORT", None)
        if self.database is not None:
            env["DATABASE_URL"] = self.database.url
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        self.home = Path(tempfile.mkdtemp(prefix="glueweb-e2e-"))
        try:
            if self.base_database_url:
                self.database = FreshDatabase(self.base_database_url)
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            argv = [sys.executable, str(REPO_ROOT / "manage.py"), "up", "--port", str(self.port)]
            if not self.demo:
                argv.append("--no-demo")
            self.process = subprocess.Popen(
                argv,
                cwd=REPO_ROOT,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                # Its own session: a Ctrl-C at the terminal reaches the tests, which stop it in order.
                start_new_session=True,
            )
            self._reader = threading.Thread(target=self._read_output, name="glueweb-up-output", daemon=True)
            self._reader.start()
            self._wait_until_running()
        except BaseException:
            self.stop()
            raise

    def _read_output(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        # Keep draining for the app's whole life: `up` echoes every child's output.
        for raw in self.process.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.output.append(line)
            if READY_LINE in line:
                self._ready.set()

    def _wait_until_running(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while not self._ready.wait(0.1):
            if self.process.poll() is not None:
                if self._reader is not None:
                    self._reader.join(timeout=5)
                raise AppStartError(
                    self.diagnosis(f"`manage.py up` exited with status {self.process.returncode} before it was ready")
                )
            if time.monotonic() > deadline:
                raise AppStartError(
                    self.diagnosis(f"`manage.py up` did not print {READY_LINE!r} within {self.startup_timeout:.0f} s")
                )

    def diagnosis(self, headline: str) -> str:
        """A headline, then the tail of the `up` output and of each child's log."""
        parts = [
            f"{headline} (port {self.port}, mode {self.mode}, GLUEWEB_HOME {self.home}).",
            "--- manage.py up output (last lines) ---",
            "\n".join(list(self.output)[-60:]) or "(nothing)",
        ]
        for name in LOG_NAMES:
            parts += [f"--- logs/{name}.log (last lines) ---", _tail(self.home / "logs" / f"{name}.log")]
        return "\n".join(parts)

    def interrupt(self) -> None:
        """Ctrl-C, as a user would: SIGINT to the `up` process only."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait_stopped(self, timeout: float) -> int | None:
        """The exit status of `up`, or None if it still runs after `timeout` seconds."""
        assert self.process is not None
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        if self._reader is not None:
            self._reader.join(timeout=5)  # its last lines, e.g. "glueweb: stopped."
        return status

    def stop(self, timeout: float = 45.0) -> None:
        """SIGINT to `up` and wait; then kill whatever is left; drop the database and the home folder."""
        try:
            if self.process is not None:
                leftovers = descendants(self.process.pid)
                self.interrupt()
                if self.wait_stopped(timeout) is None:
                    self.process.kill()
                    self.process.wait(timeout=10)
                for pid in [*leftovers, *processes_with_env("GLUEWEB_HOME", str(self.home))]:
                    if process_alive(pid):
                        with contextlib.suppress(ProcessLookupError, PermissionError):
                            os.kill(pid, signal.SIGKILL)
                if self._reader is not None:
                    self._reader.join(timeout=5)
                if self.process.stdout is not None:
                    self.process.stdout.close()
        finally:
            try:
                if self.database is not None:
                    self.database.close()
                    self.database = None
                self._forget_redis_keys()
            finally:
                if self.home != Path() and not os.environ.get("GLUEWEB_E2E_KEEP_HOME"):
                    shutil.rmtree(self.home, ignore_errors=True)

    def _forget_redis_keys(self) -> None:
        """Drop what this app's unique queue and channel prefix left in the shared Redis (e.g. kombu bindings)."""
        if not self.redis_url or self.process is None:
            return
        forget_redis_keys(self.redis_url, f"glueweb-e2e-{self.tag}")

    # --- talking to it ------------------------------------------------------------
    def session(self) -> Session:
        return Session(self.url, self.username, self.password)

    def create_user(self, role: str) -> tuple[str, str]:
        """A user holding only `role`, created in the app's own database by its own manage.py."""
        username, password = f"{role}_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
        script = (
            "from django.contrib.auth import get_user_model; from django.contrib.auth.models import Group; "
            f"u = get_user_model().objects.create_user({username!r}, password={password!r}); "
            f"u.groups.add(Group.objects.get(name={role!r}))"
        )
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "manage.py"), "shell", "-c", script],
            cwd=REPO_ROOT,
            env=self.environment(),
            check=True,
            capture_output=True,
            timeout=120,
        )
        return username, password

    def wait_for_worker(self, timeout: float = 30.0) -> dict[str, Any]:
        """Poll /healthz (signed in) until it reports a live worker; return that report."""
        session = self.session()
        deadline = time.monotonic() + timeout
        report: Any = None
        while True:
            status, report = session.get_json("/healthz")
            if isinstance(report, dict) and report.get("checks", {}).get("workers", {}).get("ok"):
                return report
            if self.process is not None and self.process.poll() is not None:
                raise AppStartError(self.diagnosis(f"`manage.py up` exited with status {self.process.returncode}"))
            if time.monotonic() > deadline:
                raise AppStartError(
                    self.diagnosis(
                        f"/healthz reported no live worker within {timeout:.0f} s; last answer {status}: {report}"
                    )
                )
            time.sleep(0.25)
