"""``report.html``: a self-contained page on a grading folder, to open in any browser.

No server, no network, no script: the figures are PNGs embedded as ``data:`` URIs, the style
is inline, and every link is relative (``feedback/<submission>.txt``). It shows the statuses,
the per-question table, the total-score histogram, the per-question score distribution, one
row per submission (score per question, flags where the grader raised any, a link to the
feedback) and, when the details hold hints, the most frequent hints per question
(:func:`autograder.hints.top_hints`, the same table as the text report's).
"""

from __future__ import annotations

import base64
import html
import io
import pathlib
import urllib.parse
from collections import Counter

from autograder import hints, results

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 75em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }
th { background: #e8eef6; } td.l, th.l { text-align: left; }
td { white-space: nowrap; } td.l { white-space: normal; } tr.bad td { background: #fbeaea; }
.flag { color: #a33; font-weight: bold; display: block; text-align: left; white-space: normal; }
img { max-width: 48%; vertical-align: top; border: 1px solid #ddd; margin: 0.3em 0.6em 0.3em 0; }
"""


def _png(fig) -> str:
    """A matplotlib figure as a ``data:image/png;base64,...`` URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def _figures(rows: list[dict], possible: dict[str, float]) -> tuple[str, str]:
    """The total-score histogram and the per-question distribution (full / partial / zero)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    total = sum(possible.values()) or 1.0
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(
        [float(r["score"]) for r in rows],
        bins=max(5, min(int(total) + 1, 40)),
        range=(0, total),
        color="#4477aa",
        edgecolor="white",
    )
    ax.set_xlabel(f"total score (out of {results.fmt(total)})")
    ax.set_ylabel("submissions")
    ax.set_title(f"Total scores of {len(rows)} submission(s)")
    fig.tight_layout()
    hist = _png(fig)

    qs = list(possible)
    full, part, none = [], [], []
    for q in qs:
        vals = [float(r.get(q) or 0) for r in rows]
        n = max(len(vals), 1)
        f = sum(v >= possible[q] - 1e-9 for v in vals)
        z = sum(v <= 1e-9 for v in vals) if possible[q] > 0 else 0
        full.append(f / n)
        none.append(z / n)
        part.append((len(vals) - f - z) / n)
    fig, ax = plt.subplots(figsize=(6, 0.45 * len(qs) + 1.2))
    y = range(len(qs))
    ax.barh(y, full, color="#228833", label="full marks")
    ax.barh(y, part, left=full, color="#ccbb44", label="partial")
    ax.barh(y, none, left=[a + b for a, b in zip(full, part)], color="#ee6677", label="zero")
    ax.set_yticks(list(y), qs)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of submissions")
    ax.set_title("Score distribution per question")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncol=3, frameon=False)
    fig.tight_layout()
    return hist, _png(fig)


def _table(head: list[str], body: list[list[str]], left: int = 1, classes=None) -> str:
    """An HTML table; cells are already escaped; the first ``left`` columns align left."""
    cls = lambda i: ' class="l"' if i < left else ""  # noqa: E731
    out = ["<table>", "<tr>" + "".join(f"<th{cls(i)}>{h}</th>" for i, h in enumerate(head))]
    for k, row in enumerate(body):
        tr = f'<tr class="{classes[k]}">' if classes and classes[k] else "<tr>"
        out.append(tr + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def page(out: pathlib.Path, rows: list[dict], recs: dict[str, dict], possible: dict) -> str:
    """The HTML text of ``report.html`` (see the module docstring)."""
    e = html.escape
    module = next((r["extra_data"]["module"] for r in recs.values()), "")
    qs = list(possible)
    top = {**possible, "total": sum(possible.values())}
    statuses = Counter(r["status"] for r in rows)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Grades: {e(module)}</title><style>{STYLE}</style></head><body>",
        f"<h1>Grades of module {e(module)}: {len(rows)} submission(s)</h1>",
        "<h2>Statuses</h2>",
        _table(["status", "submissions"], [[e(s), str(n)] for s, n in sorted(statuses.items())]),
        "<h2>Per question</h2>",
    ]
    body = []
    for q in [*qs, "total"]:
        vals = [float(r["score" if q == "total" else q] or 0) for r in rows]
        if not vals:
            continue
        full = sum(v >= top[q] - 1e-9 for v in vals) / len(vals)
        body.append(
            [
                e(q),
                results.fmt(top[q]),
                f"{sum(vals) / len(vals):.2f}",
                results.fmt(min(vals)),
                results.fmt(max(vals)),
                f"{full:.0%}",
            ]
        )
    parts.append(_table(["question", "points", "mean", "min", "max", "full marks"], body))
    if rows:
        hist, dist = _figures(rows, possible)
        parts += [
            "<h2>Distributions</h2>",
            f'<img alt="histogram of total scores" src="{hist}">',
            f'<img alt="score distribution per question" src="{dist}">',
        ]
    top = hints.top_hints(hints.batch_cases(out, recs))
    frequent = [(q, h, n) for q, found in top.items() for h, n in found]
    if frequent:
        parts += [
            "<h2>Most frequent hints</h2>",
            "<p>What the class gets wrong: a hint counts once per submission.</p>",
            _table(
                ["question", "hint", "submissions"],
                [[e(q), e(h), str(n)] for q, h, n in frequent],
                left=2,
            ),
        ]
    flagged = any(r.get("extra_data", {}).get("flags") for r in recs.values())
    head = ["submission", "status", "score", *map(e, qs)] + (["flags"] if flagged else [])
    head.append("feedback")
    body, classes = [], []
    for r in rows:
        name = r["submission"]
        row = [e(name), e(r["status"]), f"{e(r['score'])} / {e(r['max_score'])}"]
        row += [e(r.get(q, "")) for q in qs]
        if flagged:
            flags = recs.get(name, {}).get("extra_data", {}).get("flags") or []
            row.append("".join(f'<span class="flag">{e(str(f))}</span>' for f in flags))
        link = "feedback/" + urllib.parse.quote(f"{name}.txt")
        row.append(f'<a href="{e(link)}">feedback</a>' if name in recs else "")
        body.append(row)
        classes.append("" if r["status"] == "ok" else "bad")
    parts += ["<h2>Submissions</h2>", _table(head, body, left=2, classes=classes)]
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write(
    out: pathlib.Path, rows: list[dict], recs: dict[str, dict], possible: dict
) -> pathlib.Path:
    """Write ``out/report.html`` atomically and return its path."""
    path = pathlib.Path(out) / "report.html"
    results.atomic_write(path, page(out, rows, recs, possible).encode())
    return path
