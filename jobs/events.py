"""Writing run events: the one place that numbers them and hands them to the live channel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from glueweb.live.publish import publish
from jobs.models import RunEvent

_SEQ_ATTEMPTS = 5


def append_event(kind: str, run_id: int, type: str, payload: Mapping[str, Any] | None = None) -> RunEvent:
    """Store the next event of a run and publish it once the transaction commits.

    The sequence number is the run's last plus one; two writers racing for
    the same number meet the unique constraint, and the loser tries again.
    """
    for attempt in range(_SEQ_ATTEMPTS):
        try:
            with transaction.atomic():
                last = RunEvent.objects.filter(kind=kind, run_id=run_id).aggregate(last=Max("seq"))["last"] or 0
                event = RunEvent.objects.create(
                    kind=kind, run_id=run_id, seq=last + 1, type=type, payload=dict(payload or {})
                )
                transaction.on_commit(lambda event=event: publish([event]))  # type: ignore[misc]
                return event
        except IntegrityError:
            if attempt == _SEQ_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
