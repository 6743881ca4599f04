"""Hints: when a check fails the way a known mistake fails, name the mistake (provided).

The course's known mistakes (realistic buggy implementations) were run through every test
case when the assignment was released; for each failed check the release stored a
*signature*: which case and which check failed, on which input (the check's label), and the
numbers that characterise what the buggy code returned. The table lives next to the test
files (``tests/hints.json``). When a check of :mod:`numdl.checks` fails inside a test case,
:func:`hint_for` compares the failure with the signatures of that case and returns the
mistake's one-line description, or ``None`` when nothing matches or when the failure matches
different mistakes equally well. A hint is a likely explanation, not a verdict.

Numbers are compared with a relative tolerance, never as text, so any implementation that
makes the same mistake (and thus computes the same wrong values) matches.
"""

from __future__ import annotations

import contextlib
import json
import math
import pathlib
import re
import sys
from typing import Any

__all__ = [
    "TABLE_NAME",
    "RTOL",
    "ATOL",
    "failure_of",
    "failure_of_exception",
    "hint_for",
    "match",
    "mistakes",
    "recording",
]

#: The file, next to the test files, that holds the signatures.
TABLE_NAME = "hints.json"
#: Numbers of two failures agree when ``|a - b| <= RTOL max(|a|, |b|) + ATOL``.
RTOL = 1e-4
ATOL = 1e-9
#: With several matching mistakes, the best one wins when it is this much closer than the rest.
SEPARATION = 1e-2
#: Joins the descriptions of mistakes that fail a case in exactly the same way.
JOIN = "; or, with exactly the same result: "

_TEST_FILE = re.compile(r"(?:^|[\\/])tests[\\/](q\d+)\.py$")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|inf")
_enabled = True
_tables: dict[str, dict] = {}


@contextlib.contextmanager
def recording():
    """Compute failure signatures but no hints (used while the table itself is built)."""
    global _enabled
    old, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = old


def _locate(frames) -> tuple[str, str, str, list] | None:
    """The test file folder, question, case and the call path (function, line offset inside
    it) of the test-file frames among ``(code, line)`` pairs, outermost first; the outermost
    is the test case itself. Offsets, not line numbers: the student's copy of a test file has
    its hidden cases removed, which moves the cases but not the lines inside them."""
    path, at = None, []
    for code, line in frames:
        if _TEST_FILE.search(code.co_filename) and path in (None, code.co_filename):
            path = code.co_filename
            at.append([code.co_name, line - code.co_firstlineno])
    if path is None:
        return None
    question = _TEST_FILE.search(path).group(1)
    return str(pathlib.Path(path).parent), question, at[0][0], at


def _signature(where, check: str, label: str, values) -> dict | None:
    if where is None:
        return None
    folder, question, case, at = where
    return {
        "dir": folder,
        "question": question,
        "case": case,
        "at": at,
        "check": check,
        "label": label,
        "values": [_plain(v) for v in values],
    }


def _plain(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return int(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return float(f"{x:.10g}") if math.isfinite(x) else str(x)


def failure_of(check: str, label: str, values, depth: int = 2) -> dict | None:
    """The signature of a failed check raised inside a test case (``None`` outside tests).

    Parameters
    ----------
    check : str
        Which check and which of its tests failed, e.g. ``"array.values"``.
    label : str
        The check's label (names the function and the input).
    values : sequence
        Numbers (or short strings) that characterise the wrong result.
    depth : int
        Stack frames to skip (the caller's own frames).

    Returns
    -------
    dict or None
        ``{"dir", "question", "case", "at", "check", "label", "values"}``.
    """
    frames, frame = [], sys._getframe(depth)
    while frame is not None:
        frames.append((frame.f_code, frame.f_lineno))
        frame = frame.f_back
    return _signature(_locate(reversed(frames)), check, label, values)


def failure_of_exception(exc: BaseException) -> dict | None:
    """The signature of a test case that failed with ``exc``: the check's own signature for a
    failed check, else the exception (its nearest builtin class, its message with the numbers
    taken out, and the numbers) where the test case called the code that raised it."""
    failure = getattr(exc, "failure", None)
    if failure is not None or hasattr(exc, "failure"):
        return failure
    frames, tb = [], exc.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    kind = next(
        c.__name__
        for c in type(exc).__mro__
        if c.__module__ == "builtins" and issubclass(c, BaseException)
    )
    message = str(exc)[:2000]
    numbers = [float(x) for x in NUMBER.findall(message)]
    return _signature(_locate(frames), "raised", "", [kind, NUMBER.sub("#", message), *numbers])


def _distance(a: list, b: list) -> float | None:
    """The largest relative difference of two value lists; ``None`` if they do not agree."""
    if len(a) != len(b):
        return None
    worst = 0.0
    for x, y in zip(a, b):
        if isinstance(x, str) or isinstance(y, str):
            if x != y:
                return None
            continue
        diff = abs(x - y)
        if diff > RTOL * max(abs(x), abs(y)) + ATOL:
            return None
        worst = max(worst, diff / (max(abs(x), abs(y)) + ATOL))
    return worst


def match(signatures: list[dict], failure: dict) -> str | None:
    """The ``why`` of the best matching signature of the same case, or ``None``.

    A signature matches when the same check failed at the same place on the same input and
    every number agrees within the tolerance. Mistakes whose signatures are identical to the
    best one (within the tolerance) fail this case in exactly the same way; the hint names
    them all. Any other matching mistake must be :data:`SEPARATION` times farther away than
    the best, else the failure is ambiguous and there is no hint.
    """
    key = (failure["at"], failure["check"], failure["label"])
    found = []
    for s in signatures:
        if (s["at"], s["check"], s["label"]) == key:
            d = _distance(s["values"], failure["values"])
            if d is not None:
                found.append((d, s["mutant"], s))
    if not found:
        return None
    found.sort(key=lambda t: (t[0], t[1]))
    best = found[0][2]
    same = [s for _, _, s in found if _distance(s["values"], best["values"]) is not None]
    others = [d for d, _, s in found if _distance(s["values"], best["values"]) is None]
    if others and not found[0][0] < SEPARATION * min(others):
        return None
    return JOIN.join(dict.fromkeys(s["why"] for s in same))


def mistakes(hint: str) -> list[str]:
    """The descriptions of the mistakes a hint names (several when they fail identically)."""
    return hint.split(JOIN)


def _table(folder: str) -> dict:
    path = pathlib.Path(folder) / TABLE_NAME
    try:
        key = f"{path.resolve()}:{path.stat().st_mtime_ns}"
    except OSError:
        return {}
    if key not in _tables:
        try:
            _tables[key] = json.loads(path.read_text()).get("cases", {})
        except (OSError, ValueError, AttributeError):
            _tables[key] = {}
    return _tables[key]


def hint_for(failure: dict | None) -> str | None:
    """The hint for a failure signature from the table next to its test file, or ``None``."""
    if failure is None or not _enabled:
        return None
    signatures = _table(failure["dir"]).get(failure["question"], {}).get(failure["case"], [])
    return match(signatures, failure) if signatures else None
