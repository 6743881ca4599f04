"""Results of the hardened grader: Gradescope ``results.json`` files and ``gradebook.csv``.

Everything here is computed by the grader from its own :class:`~autograder.testfiles.
QuestionResult` objects; nothing a student printed or wrote is ever read back as a result.
Files are written atomically (temporary file, ``fsync``, ``rename``).
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
import threading
from typing import Any

from autograder.testfiles import QuestionResult

HIDDEN_PASSED = "passed (hidden test case: its details are not shown to students)"
HIDDEN_FAILED = "failed (hidden test case: its details are not shown to students)"
_tmp_counter = iter(range(1 << 62))
_tmp_lock = threading.Lock()


def fmt(x: float) -> str:
    """A score for the gradebook: ``3``, ``2.5``, ``0.333333``."""
    return f"{round(float(x), 6):g}"


def atomic_write(path: pathlib.Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never a part."""
    with _tmp_lock:
        n = next(_tmp_counter)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{n}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def record(
    *,
    module: str,
    name: str,
    sha256: str,
    status: str,
    questions: list[QuestionResult],
    message: str = "",
    output: str = "",
    sandbox: dict | None = None,
    seconds: float = 0.0,
    flags: list[str] | None = None,
    hidden_feedback: str = "never",
) -> dict:
    """The ``results.json`` of one submission (Gradescope schema, with ``extra_data``).

    Parameters
    ----------
    module, name, sha256, status : str
        What was graded and how it went (``ok``, ``timeout``, ``crash``, ``error``,
        ``invalid``).
    questions : list of QuestionResult
        The graded questions; a forced zero shows its note on every case.
    message : str
        The main explanation for the student (e.g. the first incident).
    output : str
        What the student's code printed (capped); shown, never parsed.
    sandbox : dict, optional
        How the worker was isolated (uid, network, hidden folders).
    seconds : float
        Grading time.
    flags : list of str, optional
        Review flags for the instructor (forbidden or dynamically reached routines); they
        do not change the score.
    hidden_feedback : {"never", "after-published"}
        ``never``: a hidden case's ``output`` says only passed or failed, and that its
        details are not shown; ``after-published``: it holds the full message (and hint),
        visible to the student once grades are published.

    Returns
    -------
    dict
        ``score``, ``output``, ``tests`` (one per case: ``name``, ``score``, ``max_score``,
        ``output``, ``visibility``; hidden cases ``after_published``, their ``output`` as
        ``hidden_feedback`` says; ``extra_data`` with ``question``, ``hidden`` and the ``hint``
        of a visible failed case) and ``extra_data`` (submission, sha256, status,
        per-question scores).
    """
    tests = []
    for q in questions:
        for c in q.cases:
            score = c.points if (c.passed and not q.forced_zero) else 0.0
            if q.forced_zero:
                text = q.note
            elif c.hidden and hidden_feedback != "after-published":
                text = HIDDEN_PASSED if c.passed else HIDDEN_FAILED
            elif c.hidden:
                hint = getattr(c, "hint", None)
                text = ("passed" if c.passed else "failed") + " (hidden test case)"
                text += f"\n{c.message}" if c.message else ""
                text += f"\nHint: {hint}" if hint and hint not in c.message else ""
            else:
                text = c.message
            tests.append(
                {
                    "name": c.name if c.name.startswith(q.name) else f"{q.name}: {c.name}",
                    "score": score,
                    "max_score": c.points,
                    "output": text,
                    "visibility": "after_published" if c.hidden else "visible",
                    "extra_data": {
                        "question": q.name,
                        "hidden": c.hidden,
                        "hint": None if c.hidden or q.forced_zero else c.hint,
                    },
                }
            )
    total = sum(q.score for q in questions)
    possible = sum(q.possible for q in questions)
    lines = [f"Status: {status}. Score: {fmt(total)} / {fmt(possible)}."]
    if message:
        lines.append(message)
    for q in questions:
        if q.note and q.note != message:
            lines.append(q.note)
    if output.strip():
        lines += ["", "Output printed by your code (shown, never graded):", output]
    return {
        "score": total,
        "execution_time": round(seconds, 3),
        "output": "\n".join(lines),
        "stdout_visibility": "visible",
        "tests": tests,
        "extra_data": {
            "module": module,
            "submission": name,
            "sha256": sha256,
            "status": status,
            "max_score": possible,
            "questions": {q.name: q.score for q in questions},
            "possible": {q.name: q.possible for q in questions},
            "message": message,
            "sandbox": sandbox or {},
            "flags": list(flags or []),
        },
    }


def results_path(out: pathlib.Path, name: str) -> pathlib.Path:
    return out / "results" / f"{name}.json"


def write_record(out: pathlib.Path, rec: dict) -> pathlib.Path:
    path = results_path(out, rec["extra_data"]["submission"])
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, (json.dumps(rec, indent=1, sort_keys=True) + "\n").encode())
    return path


def load_record(out: pathlib.Path, name: str) -> dict | None:
    """A previously written record, or ``None`` if absent or unreadable."""
    try:
        rec = json.loads(results_path(out, name).read_text())
        rec["extra_data"]["sha256"]  # noqa: B018 - must exist
        return rec
    except (OSError, ValueError, KeyError, TypeError):
        return None


def gradebook_csv(records: list[dict], questions: list[str]) -> str:
    """``submission,sha256,status,score,max_score,flags,q1,...`` sorted by submission.

    ``flags`` is empty or the review flags joined by ``;`` (see :mod:`autograder.scan`)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["submission", "sha256", "status", "score", "max_score", "flags", *questions])
    for rec in sorted(records, key=lambda r: r["extra_data"]["submission"]):
        x = rec["extra_data"]
        w.writerow(
            [
                x["submission"],
                x["sha256"],
                x["status"],
                fmt(rec["score"]),
                fmt(x["max_score"]),
                ";".join(f.replace(";", ",") for f in x.get("flags", [])),
                *(fmt(x["questions"].get(q, 0.0)) for q in questions),
            ]
        )
    return buf.getvalue()


def write_gradebook(out: pathlib.Path, records: list[dict], questions: list[str]) -> None:
    atomic_write(out / "gradebook.csv", gradebook_csv(records, questions).encode())


def read_gradebook(path: pathlib.Path) -> list[dict[str, Any]]:
    with open(path, newline="") as f:
        return list(csv.DictReader(f))
