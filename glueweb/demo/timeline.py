"""The fixed calendar the demo lake lives in.

Nothing here reads the clock: the data must be identical whenever and wherever
it is generated, so "now" is the fixed SNAPSHOT instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from glueweb.demo.dice import Dice

FIRST_MONTH = (2025, 1)
MONTH_COUNT = 18  # 2025-01 .. 2026-06
# The moment the lake was "exported": order statuses are as of this instant.
SNAPSHOT = datetime(2026, 7, 1, tzinfo=UTC)

# Relative activity per UTC hour: quiet at night, peaks in the European evening.
HOUR_WEIGHTS: tuple[float, ...] = (
    1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 9, 10, 9, 9, 9, 10, 12, 14, 15, 14, 11, 6, 3,
)  # fmt: skip


def months() -> list[tuple[int, int]]:
    """(year, month) for every month the lake covers, oldest first."""
    year, month = FIRST_MONTH
    result = []
    for _ in range(MONTH_COUNT):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def month_start(year: int, month: int) -> datetime:
    return datetime(year, month, 1, tzinfo=UTC)


def month_end(year: int, month: int) -> datetime:
    """The first instant of the next month (exclusive end)."""
    return datetime(year + 1, 1, 1, tzinfo=UTC) if month == 12 else datetime(year, month + 1, 1, tzinfo=UTC)


def instant_in_month(dice: Dice, year: int, month: int, hour_weights: Sequence[float] = HOUR_WEIGHTS) -> datetime:
    """A random microsecond-precision instant inside the month, shaped by hour of day."""
    days = (month_end(year, month) - month_start(year, month)).days
    day = dice.below(days)
    hour = dice.weighted(range(24), hour_weights)
    micros = dice.below(3_600_000_000)  # anywhere within that hour
    return month_start(year, month) + timedelta(days=day, hours=hour, microseconds=micros)


def day_between(dice: Dice, first: date, last: date) -> date:
    """A random date in [first, last]."""
    return first + timedelta(days=dice.below((last - first).days + 1))
