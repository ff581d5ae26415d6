"""The embedded event pump's read: what it hands on after a burst of events."""

from __future__ import annotations

import pytest

from glueweb.live.pump import BATCH, _events_after
from jobs.models import RunEvent

pytestmark = pytest.mark.django_db


def _burst(count: int) -> list[int]:
    RunEvent.objects.bulk_create(
        RunEvent(kind="job", run_id=1, seq=n, type="run.log", payload={"n": n}) for n in range(1, count + 1)
    )
    return list(RunEvent.objects.order_by("id").values_list("id", flat=True))


def test_events_newer_than_a_full_batch_of_sent_ones_are_not_held_back() -> None:
    ids = _burst(BATCH + 100)
    sent = set(ids[: BATCH + 50])  # sent already, but too recent to be settled

    rows, floor, more = _events_after(0, sent)

    assert [row[0] for row in rows] == ids[BATCH + 50 :]
    assert [row[3]["n"] for row in rows] == list(range(BATCH + 51, BATCH + 101))
    assert (floor, more) == (0, False)  # nothing is settled yet: the floor stays


def test_a_burst_larger_than_a_batch_is_sent_in_batches() -> None:
    ids = _burst(BATCH + 20)

    rows, _, more = _events_after(0, set())
    assert [row[0] for row in rows] == ids[:BATCH]
    assert more is True
    rows, _, more = _events_after(0, set(ids[:BATCH]))
    assert [row[0] for row in rows] == ids[BATCH:]
    assert more is False
