"""Runs web, worker and scheduler as child processes for `make run`, and stops them together."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    tail: list[str] = field(default_factory=list)


class Supervisor:
    def __init__(self, children: list[Child], echo: Callable[[str], None]) -> None:
        self.children = children
        self.echo = echo
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def start(self) -> None:
        for child in self.children:
            child.log_path.parent.mkdir(parents=True, exist_ok=True)
            # A session of its own: Ctrl-C reaches only the supervisor, which
            # then stops each child (and that child's own children) in order.
            child.process = subprocess.Popen(
                child.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True
            )
            assert child.process.stdout is not None
            threading.Thread(target=self._relay, args=(child, child.process.stdout), daemon=True).start()

    def _relay(self, child: Child, stream: IO[bytes]) -> None:
        with child.log_path.open("ab") as log:
            for raw in stream:
                log.write(raw)
                log.flush()
                line = raw.decode(errors="replace").rstrip()
                child.tail = [*child.tail, line][-20:]
                with self._lock:
                    self.echo(f"[{child.name}] {line}")

    def wait(self) -> int:
        """Block until a child dies or a stop is asked for; return the exit status for the supervisor."""
        while not self.stopping.is_set():
            for child in self.children:
                assert child.process is not None
                code = child.process.poll()
                if code is not None:
                    self.echo(f"glueweb: the {child.name} process exited with status {code}; stopping the others.")
                    self.echo(f"glueweb: its log is {child.log_path}")
                    self.stop()
                    return 1
            self.stopping.wait(0.3)
        return 0

    def stop(self, grace: float = 10.0) -> None:
        self.stopping.set()
        # SIGTERM to each child's main process lets it shut down its own
        # helpers (Celery's pool) in order; after it exits, or when the grace
        # period runs out, whatever is left in its process group is killed.
        for child in self.children:
            if child.process and child.process.poll() is None:
                child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for child in self.children:
            if child.process is None:
                continue
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.echo(f"glueweb: the {child.name} process did not stop in {grace:.0f} s; killing it.")
            _signal_group(child.process, signal.SIGKILL)  # anything it left behind
            child.process.wait()


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def wait_for_port(host: str, port: int, timeout: float, alive: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex((host, port)) == 0


def manage_argv(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve().parent.parent / "manage.py"), *args]
