"""The `make run` supervisor starts its children and stops them all together."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

from glueweb.supervisor import Child, Supervisor

SLEEPER = [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(600)"]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_stopping_ends_every_child(tmp_path: Path) -> None:
    lines: list[str] = []
    supervisor = Supervisor([Child(n, SLEEPER, tmp_path / f"{n}.log") for n in ("web", "worker")], lines.append)
    supervisor.start()
    pids = [c.process.pid for c in supervisor.children if c.process]
    supervisor.stop(grace=5)
    assert not any(alive(pid) for pid in pids)
    assert all(c.process and c.process.returncode is not None for c in supervisor.children)


def test_a_child_that_dies_stops_the_others_and_is_reported(tmp_path: Path) -> None:
    lines: list[str] = []
    dying = [sys.executable, "-c", "import sys; print('boom', flush=True); sys.exit(3)"]
    supervisor = Supervisor(
        [Child("web", SLEEPER, tmp_path / "web.log"), Child("worker", dying, tmp_path / "worker.log")], lines.append
    )
    supervisor.start()
    assert supervisor.wait() == 1
    web = supervisor.children[0].process
    assert web is not None and web.poll() is not None
    assert any("the worker process exited with status 3" in line for line in lines)
    assert "boom" in (tmp_path / "worker.log").read_text()


def test_a_stop_request_ends_the_wait_cleanly(tmp_path: Path) -> None:
    supervisor = Supervisor([Child("web", SLEEPER, tmp_path / "web.log")], lambda _line: None)
    supervisor.start()
    threading.Timer(0.2, supervisor.stopping.set).start()
    assert supervisor.wait() == 0
    supervisor.stop(grace=5)
    assert supervisor.children[0].process and supervisor.children[0].process.poll() is not None
