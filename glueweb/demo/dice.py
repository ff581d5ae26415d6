"""A thin wrapper over ``random.Random`` that only ever calls ``random()``.

Python promises that ``Random(seed).random()`` yields the same sequence on
every version; ``choice``, ``randrange``, ``gauss`` and friends carry no such
promise. Building every draw on ``random()`` keeps the demo lake byte-identical
across Python upgrades, not just across runs.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from itertools import accumulate


class Dice:
    """Seeded draws for the demo generator; one instance per dataset."""

    def __init__(self, seed: int, stream: str) -> None:
        # A str seed is hashed with SHA-512 (stable across runs and platforms),
        # so each dataset gets its own stream: changing how orders are drawn
        # does not reshuffle the customers.
        self._rng = random.Random(f"glueweb-demo:{seed}:{stream}")  # noqa: S311 - demo data, not secrets

    def unit(self) -> float:
        """A float in [0, 1)."""
        return self._rng.random()

    def chance(self, probability: float) -> bool:
        return self._rng.random() < probability

    def below(self, n: int) -> int:
        """An int in [0, n)."""
        return min(int(self._rng.random() * n), n - 1)

    def between(self, low: int, high: int) -> int:
        """An int in [low, high], both ends included."""
        return low + self.below(high - low + 1)

    def uniform(self, low: float, high: float) -> float:
        return low + (high - low) * self._rng.random()

    def pick[T](self, options: Sequence[T]) -> T:
        return options[self.below(len(options))]

    def weighted[T](self, options: Sequence[T], weights: Sequence[float]) -> T:
        cumulative = list(accumulate(weights))
        return options[self.weighted_index(cumulative)]

    def weighted_index(self, cumulative: Sequence[float], count: int | None = None) -> int:
        """An index into the first ``count`` entries, weighted by their cumulative weights."""
        count = len(cumulative) if count is None else count
        target = self._rng.random() * cumulative[count - 1]
        low, high = 0, count - 1
        while low < high:  # first index whose cumulative weight exceeds target
            mid = (low + high) // 2
            if cumulative[mid] > target:
                high = mid
            else:
                low = mid + 1
        return low

    def sample[T](self, options: Sequence[T], k: int) -> list[T]:
        """``k`` distinct options, in draw order."""
        pool = list(options)
        chosen: list[T] = []
        for _ in range(min(k, len(pool))):
            chosen.append(pool.pop(self.below(len(pool))))
        return chosen
