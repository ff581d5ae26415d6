"""Ctrl-C stops the whole app: web server, worker and scheduler, and nothing of theirs lingers."""

from __future__ import annotations

import time

import pytest

from tests.e2e.launcher import RunningApp, command_line, descendants, process_alive, processes_with_env

pytestmark = pytest.mark.e2e


def role_of(pid: int) -> str | None:
    argv = command_line(pid)
    for role in ("web", "worker", "scheduler"):
        if role in argv[2:3]:  # python manage.py <role> ...
            return role
    return None


def test_ctrl_c_to_the_app_stops_web_worker_and_scheduler() -> None:
    # An app of its own: stopping it must not end the one the other tests share.
    with RunningApp(demo=False) as app:
        app.wait_for_worker()
        children = descendants(app.pid)
        roles = {role_of(pid) for pid in children} - {None}
        assert roles == {"web", "worker", "scheduler"}, [command_line(pid) for pid in children]
        of_this_home = set(processes_with_env("GLUEWEB_HOME", str(app.home)))
        assert set(children) <= of_this_home

        app.interrupt()
        status = app.wait_stopped(timeout=60)

        assert status == 0, app.diagnosis(f"`manage.py up` ended with status {status} after Ctrl-C")
        assert "glueweb: stopped." in app.output
        deadline = time.monotonic() + 5  # a just-killed process may take a moment to leave /proc
        while time.monotonic() < deadline and any(process_alive(pid) for pid in of_this_home | set(children)):
            time.sleep(0.1)
        remaining = [(pid, command_line(pid)) for pid in sorted(of_this_home | set(children)) if process_alive(pid)]
        assert remaining == [], f"still running after Ctrl-C: {remaining}"
        assert processes_with_env("GLUEWEB_HOME", str(app.home)) == []
