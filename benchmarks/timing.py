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


def interleaved_medians(*fns: Callable[[], object], repeat: int = 7) -> tuple[float, ...]:
    """Median wall-clock seconds of each callable, timed in turn round after round.

    Every callable runs once as a warm-up. Interleaving exposes all of them to the same machine
    load, so their ratio stays meaningful on a busy machine.
    """
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return tuple(sorted(ts)[len(ts) // 2] for ts in times)


def interleaved_dict(fns: dict[str, Callable[[], object]], repeat: int = 7) -> dict[str, float]:
    """:func:`interleaved_medians` for a dict ``{name: callable}``; returns ``{name: seconds}``."""
    return dict(zip(fns, interleaved_medians(*fns.values(), repeat=repeat)))


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
