"""Instructor-only details of a graded submission: ``OUT/details/<submission>.json``.

The results json (what students may see) never holds the message of a hidden case unless the
course chose ``--hidden-feedback after-published``; this file always holds every case, hidden
ones included, with its full message and hint. It lives beside ``results/``, never inside it,
and is written (atomically) just before the submission's result, so a result on disk always
has its details.
"""

from __future__ import annotations

import json
import pathlib

from autograder import results
from autograder.testfiles import QuestionResult

#: What the results json shows of hidden cases: ``never`` their details, or after publication.
HIDDEN_FEEDBACK = ("never", "after-published")


def cases(questions: list[QuestionResult]) -> list[dict]:
    """One entry per case: ``question``, ``name``, ``hidden``, ``passed``, ``points``,
    ``score``, ``message`` and ``hint`` (``None`` when there is none).

    A question forced to zero (timeout, crash, import error) reports its note as the message
    of every case, and ``passed`` false.
    """
    out = []
    for q in questions:
        for c in q.cases:
            passed = bool(c.passed and not q.forced_zero)
            out.append(
                {
                    "question": q.name,
                    "name": c.name,
                    "hidden": bool(c.hidden),
                    "passed": passed,
                    "points": float(c.points),
                    "score": float(c.points) if passed else 0.0,
                    "message": q.note if q.forced_zero else c.message,
                    "hint": None if q.forced_zero else (getattr(c, "hint", None) or None),
                }
            )
    return out


def details_path(out: pathlib.Path, name: str) -> pathlib.Path:
    return pathlib.Path(out) / "details" / f"{name}.json"


def write(out: pathlib.Path, name: str, entries: list[dict]) -> pathlib.Path:
    """Write ``OUT/details/<name>.json`` atomically (mode 0600: instructor only)."""
    path = details_path(out, name)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    results.atomic_write(path, (json.dumps(entries, indent=1) + "\n").encode())
    return path


def load(out: pathlib.Path, name: str) -> list[dict] | None:
    try:
        return json.loads(details_path(out, name).read_text())
    except (OSError, ValueError):
        return None
