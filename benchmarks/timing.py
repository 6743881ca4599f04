"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


def median_time(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> float:
    """Median wall-clock seconds of ``fn()`` over ``repeat`` runs after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


@dataclass
class Row:
    """One line of ``RESULTS.md``.

    ``ratio`` is ``ours / theirs`` for times (below 1 means we are faster) unless ``note``
    says otherwise; ``met`` tells whether the issue's goal holds.
    """

    benchmark: str
    ours: str
    theirs: str
    ratio: float
    goal: str
    met: bool
    note: str = ""
