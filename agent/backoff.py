"""Exponential backoff with jitter for reconnects and retried deliveries."""

from __future__ import annotations

import random

__all__ = [
    "Backoff",
]


class Backoff:
    """Delays that double from `initial` up to `maximum`, each drawn with "equal jitter".

    A delay is uniformly drawn from [d/2, d] where d is the current exponential step, so agents that lost the
    kernel at the same moment do not all come back at the same instant.
    """

    def __init__(self, initial: float = 0.1, maximum: float = 3.0, factor: float = 2.0) -> None:
        if initial <= 0 or maximum < initial or factor < 1:
            raise ValueError("backoff needs 0 < initial <= maximum and factor >= 1")
        self.initial = initial
        self.maximum = maximum
        self.factor = factor
        self._step = initial
        self._rng = random.Random()

    def next_delay(self) -> float:
        """The delay to wait before the next attempt; grows until `maximum`."""
        step = self._step
        self._step = min(self.maximum, self._step * self.factor)
        return self._rng.uniform(step / 2, step)

    def reset(self) -> None:
        """Start again from `initial` (after a success)."""
        self._step = self.initial
