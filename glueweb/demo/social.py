"""Social media interactions, written as ``retail/social/interactions.ndjson``."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import TypedDict

from glueweb.demo.customers import Customer
from glueweb.demo.dice import Dice
from glueweb.demo.reference import (
    KIND_WEIGHTS,
    KINDS,
    NEGATIVE_TEXTS,
    NEUTRAL_TEXTS,
    PLATFORM_WEIGHTS,
    PLATFORMS,
    POSITIVE_TEXTS,
    TAGS,
)
from glueweb.demo.timeline import FIRST_MONTH, instant_in_month, months

INTERACTION_COUNT = 3_000
ANONYMOUS_RATE = 0.35  # interactions we cannot tie to a CRM customer
NO_TAGS_RATE = 0.3
OPERATING_SYSTEMS: tuple[str, ...] = ("ios", "android", "web")
OS_WEIGHTS: tuple[float, ...] = (45, 40, 15)


class Device(TypedDict):
    os: str
    app_version: str | None  # None for the web, which has no app


class Interaction(TypedDict):
    interaction_id: int
    customer_id: int | None
    platform: str
    kind: str
    sentiment: float
    at: str
    text: str | None
    tags: list[str]
    device: Device


def build_interactions(dice: Dice, customers: Sequence[Customer], count: int = INTERACTION_COUNT) -> list[Interaction]:
    """Interactions in time order; a known author had signed up on or before that day."""
    calendar = months()
    # Social activity grows faster than orders: the brand started posting in 2025.
    month_weights = [1 + 0.08 * i for i in range(len(calendar))]
    instants = sorted(instant_in_month(dice, *dice.weighted(calendar, month_weights)) for _ in range(count))
    signups = [c.signup_date for c in customers]
    activity = list(accumulate(c.activity for c in customers))

    rows: list[Interaction] = []
    for offset, ts in enumerate(instants):
        eligible = bisect_right(signups, ts.date())
        customer_id = None
        if eligible and not dice.chance(ANONYMOUS_RATE):
            customer_id = customers[dice.weighted_index(activity, eligible)].customer_id
        kind = dice.weighted(KINDS, KIND_WEIGHTS)
        sentiment, text = _sentiment_and_text(dice, kind)
        os = dice.weighted(OPERATING_SYSTEMS, OS_WEIGHTS)
        months_in = (ts.year - FIRST_MONTH[0]) * 12 + ts.month - FIRST_MONTH[1]
        rows.append(
            Interaction(
                interaction_id=offset + 1,
                customer_id=customer_id,
                platform=dice.weighted(PLATFORMS, PLATFORM_WEIGHTS),
                kind=kind,
                sentiment=sentiment,
                # Second precision with a Z: the most common shape in social APIs' exports.
                at=ts.strftime("%Y-%m-%dT%H:%M:%SZ"),
                text=text,
                tags=[] if dice.chance(NO_TAGS_RATE) else dice.sample(TAGS, dice.between(1, 3)),
                device=Device(os=os, app_version=None if os == "web" else _app_version(dice, months_in)),
            )
        )
    return rows


def write_ndjson(rows: Sequence[Interaction], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Raw UTF-8 (ensure_ascii=False) so readers meet real multi-byte text and
    # emoji, and compact separators: one object per line, nothing else.
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            handle.write("\n")


def _sentiment_and_text(dice: Dice, kind: str) -> tuple[float, str | None]:
    mood = dice.weighted(("positive", "neutral", "negative"), (55, 25, 20))
    low, high, texts = {
        "positive": (0.3, 1.0, POSITIVE_TEXTS),
        "neutral": (-0.3, 0.3, NEUTRAL_TEXTS),
        "negative": (-1.0, -0.3, NEGATIVE_TEXTS),
    }[mood]
    sentiment = round(dice.uniform(low, high), 3) + 0.0  # + 0.0 turns -0.0 into 0.0
    # Likes carry no text; shares only sometimes have a caption.
    has_text = kind in ("comment", "mention") or (kind == "share" and dice.chance(0.5))
    return sentiment, dice.pick(texts) if has_text else None


def _app_version(dice: Dice, months_in: int) -> str:
    """The app ships a minor release every quarter and a major one each January."""
    year_index, month_of_year = divmod(months_in, 12)
    return f"{5 + year_index}.{month_of_year // 3}.{dice.below(4)}"
