"""Run states and their allowed transitions, and the one function that changes a run's state.

The table is the one in docs/runs.md. `StateMachine.move` is written against
any model with `state` and `pk`, so another kind of run (a CrawlerRun) can
declare its own table, event kind and event type and share the mechanics: row
lock, transition check, field updates and the event, all in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from jobs.events import append_event

WAITING, STARTING, RUNNING, STOPPING = "WAITING", "STARTING", "RUNNING", "STOPPING"
STOPPED, SUCCEEDED, FAILED, TIMEOUT, ERROR = "STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR"

FINAL = frozenset({STOPPED, SUCCEEDED, FAILED, TIMEOUT, ERROR})
# Runs that hold one of the job's max_concurrent_runs slots.
ACTIVE = frozenset({STARTING, RUNNING, STOPPING})

# None is "a new run". Anything not listed is a bug (docs/runs.md "Transitions").
JOB_RUN_TRANSITIONS: Mapping[str | None, frozenset[str]] = {
    None: frozenset({WAITING, STARTING}),
    WAITING: frozenset({STARTING, STOPPED, ERROR}),
    STARTING: frozenset({RUNNING, FAILED, STOPPING, TIMEOUT, ERROR}),
    RUNNING: frozenset({SUCCEEDED, FAILED, STOPPING, TIMEOUT, ERROR}),
    STOPPING: frozenset({STOPPED}),
}


class IllegalTransition(Exception):
    def __init__(self, current: str | None, wanted: str) -> None:
        super().__init__(f"a run cannot go from {current or '(new)'} to {wanted}")
        self.current, self.wanted = current, wanted


class StatefulRun(Protocol):
    pk: Any
    state: str


@dataclass(frozen=True)
class StateMachine:
    transitions: Mapping[str | None, frozenset[str]]
    final: frozenset[str]
    event_kind: str
    event_type: str
    # Fields stamped with the time on entering a state, e.g. {"STARTING": "started_at"}.
    stamps: Mapping[str, str] = field(default_factory=dict)
    # Extra event fields taken from the run (e.g. the job id, so the dashboard can group).
    describe: Callable[[Any], dict[str, Any]] = lambda run: {}

    def allowed(self, current: str | None, wanted: str) -> bool:
        return wanted in self.transitions.get(current, frozenset())

    def move(
        self,
        run: Any,
        wanted: str,
        *,
        expect: frozenset[str] | None = None,
        payload: Mapping[str, Any] | None = None,
        **fields: Any,
    ) -> Any:
        """Lock the row, check the transition, save `fields` with the state, store one event.

        Returns the updated row, or None when the run is no longer in a state
        from which `wanted` is allowed (or not in `expect`): another process
        moved it first, which callers treat as "someone else decided".
        """
        with transaction.atomic():
            locked = type(run)._default_manager.select_for_update().get(pk=run.pk)
            current = locked.state
            if (expect is not None and current not in expect) or not self.allowed(current, wanted):
                return None
            locked.state = wanted
            now = timezone.now()
            stamp = self.stamps.get(wanted)
            if stamp and getattr(locked, stamp) is None:
                setattr(locked, stamp, now)
            if wanted in self.final and hasattr(locked, "completed_at"):
                locked.completed_at = now
            for name, value in fields.items():
                setattr(locked, name, value)
            locked.save()
            self.announce(locked, payload)
            return locked

    def announce(self, run: Any, payload: Mapping[str, Any] | None = None) -> None:
        """The state event of a run as it is now (also for a run's first state, written at creation)."""
        append_event(
            self.event_kind, run.pk, self.event_type, {"state": run.state, **self.describe(run), **(payload or {})}
        )


def _describe_job_run(run: Any) -> dict[str, Any]:
    return {"job": run.job_id, "attempt": run.attempt, "trigger": run.trigger}


JOB_RUNS = StateMachine(
    transitions=JOB_RUN_TRANSITIONS,
    final=FINAL,
    event_kind="job",
    event_type="run.state",
    stamps={STARTING: "started_at"},
    describe=_describe_job_run,
)


def check_new(machine: StateMachine, state: str) -> None:
    if not machine.allowed(None, state):
        raise IllegalTransition(None, state)
