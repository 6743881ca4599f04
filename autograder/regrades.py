"""Which submissions a rerun grades again, and the log of replaced results ``regrades.csv``.

A result is kept when its submission's sha256, its module and every part of its grading
fingerprint (:mod:`autograder.fingerprint`) equal the current ones, and the run was not asked
to ``--regrade``; every other submission is graded again. A replaced result gets a row in
``OUT/regrades.csv``: the run, the submission, the reason, and the old and new score in total
and per question. The log is rewritten atomically after each replaced result is written, so a
run killed midway and started again regrades what is left and logs each replacement once
(a kill between writing a result and its row loses that one row, never a result).
"""

from __future__ import annotations

import csv
import io
import pathlib
from dataclasses import dataclass, field

from autograder import fingerprint, results

FIXED = ("run", "submission", "reason", "old_score", "new_score")


@dataclass
class Plan:
    """The outcome of comparing earlier results with this run."""

    keep: dict[str, dict] = field(default_factory=dict)  # name -> record kept as it is
    old: dict[str, dict] = field(default_factory=dict)  # name -> record to be replaced
    reasons: dict[str, str] = field(default_factory=dict)  # name -> why it is regraded
    new: list[str] = field(default_factory=list)  # names never graded before


def reason(rec: dict, sha256: str, fp: dict[str, str], force: bool) -> str:
    """Why ``rec`` cannot be kept (``""`` when it can)."""
    x = rec.get("extra_data", {})
    why = []
    if force:
        why.append("forced (--regrade)")
    if x.get("sha256") != sha256:
        why.append("submission changed")
    old = x.get("fingerprint")
    if not isinstance(old, dict):
        why.append("no fingerprint (graded by an older grader)")
    else:
        parts = fingerprint.changed(old, fp)
        if parts:
            why.append("changed: " + ", ".join(parts))
    return "; ".join(why)


def plan(out: pathlib.Path, subs: list, fp: dict[str, str], force: bool = False) -> Plan:
    """Sort the submissions into kept, regraded and new ones (see the module docstring)."""
    p = Plan()
    for s in subs:
        rec = results.load_record(out, s.name)
        if rec is None:
            p.new.append(s.name)
            continue
        why = reason(rec, s.sha256, fp, force)
        if why:
            p.old[s.name], p.reasons[s.name] = rec, why
        else:
            p.keep[s.name] = rec
    return p


def _read(path: pathlib.Path) -> tuple[list[str], list[dict]]:
    if not path.exists():
        return list(FIXED), []
    with open(path, newline="") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or FIXED), list(r)


def log(out: pathlib.Path, run: str, old: dict, new: dict, why: str) -> None:
    """Append the row of one replaced result to ``OUT/regrades.csv`` (atomic rewrite)."""
    path = pathlib.Path(out) / "regrades.csv"
    header, rows = _read(path)
    qs = list(new["extra_data"].get("possible", {}))
    for q in list(old["extra_data"].get("questions", {})):
        if q not in qs:
            qs.append(q)
    for q in qs:
        for col in (f"{q}_old", f"{q}_new"):
            if col not in header:
                header.append(col)
    row = {
        "run": run,
        "submission": new["extra_data"]["submission"],
        "reason": why,
        "old_score": results.fmt(old.get("score", 0.0)),
        "new_score": results.fmt(new["score"]),
    }
    for q in qs:
        o, n = old["extra_data"].get("questions", {}).get(q), new["extra_data"]["questions"].get(q)
        row[f"{q}_old"] = "" if o is None else results.fmt(o)
        row[f"{q}_new"] = "" if n is None else results.fmt(n)
    rows.append(row)
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, restval="", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    results.atomic_write(path, buf.getvalue().encode())


def summary(p: Plan, regraded: int) -> str:
    """``regraded 2 (1 submission changed, 1 changed: tests), kept 5, new 3``."""
    counts: dict[str, int] = {}
    for why in p.reasons.values():
        counts[why] = counts.get(why, 0) + 1
    detail = ", ".join(f"{n} {w}" for w, n in sorted(counts.items()))
    head = f"regraded {regraded}" + (f" ({detail})" if detail else "")
    return f"{head}, kept {len(p.keep)}, new {len(p.new)}"
