"""A run's log: Python logging inside the run becomes `run.log` events; the API serves them as text."""

from __future__ import annotations

from collections.abc import Iterator

from jobs.events import append_event
from jobs.models import RunEvent

LEVELS = {"DEBUG": "debug", "INFO": "info", "WARNING": "warning", "ERROR": "error", "CRITICAL": "critical"}
MAX_MESSAGE = 16_000


def write_log(run_id: int, level: str, message: str, logger: str = "") -> None:
    payload = {"level": LEVELS.get(level.upper(), level.lower()), "message": message[:MAX_MESSAGE]}
    if logger:
        payload["logger"] = logger
    append_event(RunEvent.Kind.JOB, run_id, "run.log", payload)


def log_lines(run_id: int) -> Iterator[str]:
    """The run's log as text lines: time, level, message (what the download holds)."""
    events = RunEvent.objects.filter(kind=RunEvent.Kind.JOB, run_id=run_id, type="run.log").order_by("seq")
    for event in events.iterator(chunk_size=500):
        level = str(event.payload.get("level", "info")).upper()
        yield f"{event.at.isoformat()} {level:<8} {event.payload.get('message', '')}\n"
