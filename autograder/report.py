"""``python -m autograder report DIR``: summary table, histogram and per-student feedback.

Reads what ``grade`` wrote into ``DIR`` (``gradebook.csv`` and ``results/*.json``) and writes
``DIR/histogram.png``, ``DIR/feedback/<submission>.txt`` and ``DIR/report.html``
(:mod:`autograder.report_html`).
"""

from __future__ import annotations

import json
import pathlib

from autograder import hints, report_html, results


def _records(out: pathlib.Path, names: list[str]) -> dict[str, dict]:
    recs = {}
    for name in names:
        path = results.results_path(out, name)
        if path.exists():
            recs[name] = json.loads(path.read_text())
    return recs


def table(rows: list[dict], possible: dict[str, float]) -> str:
    """Per question: mean, min, max and the share of submissions with full marks."""
    questions = list(possible)
    lines = [f"{'question':<10} {'points':>6} {'mean':>7} {'min':>6} {'max':>6} {'full marks':>11}"]
    cols = [*questions, "total"]
    top = {**possible, "total": sum(possible.values())}
    for q in cols:
        key = "score" if q == "total" else q
        vals = [float(r[key]) for r in rows]
        if not vals:
            continue
        full = sum(v >= top[q] - 1e-9 for v in vals) / len(vals)
        lines.append(
            f"{q:<10} {results.fmt(top[q]):>6} {sum(vals) / len(vals):>7.2f} "
            f"{results.fmt(min(vals)):>6} {results.fmt(max(vals)):>6} {full:>10.0%}"
        )
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    lines.append(
        f"{len(rows)} submission(s): " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    )
    return "\n".join(lines)


def histogram(scores: list[float], total: float, path: pathlib.Path) -> None:
    """A histogram of total scores as a PNG (matplotlib, Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    bins = max(5, min(int(total) + 1, 40))
    ax.hist(scores, bins=bins, range=(0, total), color="#4477aa", edgecolor="white")
    ax.set_xlabel(f"total score (out of {results.fmt(total)})")
    ax.set_ylabel("submissions")
    ax.set_title(f"Scores of {len(scores)} submission(s)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def feedback(rec: dict) -> str:
    """What a student may read: public cases with messages, hidden cases pass/fail (and their
    messages when the results show them: ``--hidden-feedback after-published``)."""
    x = rec["extra_data"]
    lines = [
        f"Submission {x['submission']} (module {x['module']})",
        f"Score: {results.fmt(rec['score'])} / {results.fmt(x['max_score'])}   "
        f"status: {x['status']}",
        "",
    ]
    if x.get("message"):
        lines += [x["message"], ""]
    by_q: dict[str, list[dict]] = {}
    for t in rec["tests"]:
        by_q.setdefault(t["extra_data"]["question"], []).append(t)
    for q, tests in by_q.items():
        lines.append(
            f"{q}: {results.fmt(x['questions'].get(q, 0))} / {results.fmt(x['possible'].get(q, 0))}"
        )
        for t in tests:
            mark = "PASS" if t["score"] >= t["max_score"] else "FAIL"
            case = t["name"]
            if t["visibility"] == "visible":
                lines.append(f"  [{mark}] {case} ({results.fmt(t['max_score'])} pt)")
                if mark == "FAIL":
                    lines += ["      " + ln for ln in str(t["output"]).splitlines()[:30]]
            else:
                lines.append(f"  [{mark}] hidden test ({results.fmt(t['max_score'])} pt)")
                head, _, shown = str(t["output"]).partition("\n")  # after-published only
                if mark == "FAIL" and head == "failed (hidden test case)":
                    lines += ["      " + ln for ln in shown.splitlines()[:30]]
        lines.append("")
    return "\n".join(lines)


def _flags_text(rows: list[dict]) -> str:
    """The review flags of the gradebook (``flags`` column), one line per submission."""
    flagged = [(r["submission"], r.get("flags", "")) for r in rows if r.get("flags")]
    if not flagged:
        return ""
    lines = ["", "", "Flags for review (they do not change scores):"]
    lines += [f"  {name}: {flags.replace(';', '; ')}" for name, flags in flagged]
    return "\n".join(lines)


def report(out: pathlib.Path) -> str:
    """Summarize a grading folder.

    Parameters
    ----------
    out : pathlib.Path
        A folder written by ``grade`` (``gradebook.csv``, ``results/``).

    Returns
    -------
    str
        The per-question table (mean, min, max, share with full marks) and the most
        frequent hints per question (:func:`autograder.hints.top_hints`). Writes
        ``out/histogram.png`` and ``out/feedback/<submission>.txt``.
    """
    rows = results.read_gradebook(out / "gradebook.csv")
    recs = _records(out, [r["submission"] for r in rows])
    possible: dict[str, float] = {}
    for rec in recs.values():
        possible = {q: float(p) for q, p in rec["extra_data"]["possible"].items()}
        break
    text = table(rows, possible) + _flags_text(rows)
    if rows:
        histogram(
            [float(r["score"]) for r in rows], sum(possible.values()) or 1.0, out / "histogram.png"
        )
    fb = out / "feedback"
    fb.mkdir(exist_ok=True)
    for name, rec in recs.items():
        results.atomic_write(fb / f"{name}.txt", feedback(rec).encode())
    text += "\n\n" + hints.hints_table(hints.top_hints(hints.batch_cases(out, recs)), len(recs))
    page = report_html.write(out, rows, recs, possible)
    return text + (
        f"\n\nwrote {out / 'histogram.png'}, {page} and {len(recs)} feedback file(s) in {fb}"
    )
