"""The honest measure of the hints: bugs written blind, and a person's verdict on each hint.

The hints are fitted to the mutants, so the mutants cannot measure them. Each module keeps
bugs written by someone who never saw the mutants or the reference
(``assignments/NN_<module>/examples/unseen/<name>.py``, see :func:`autograder.examples.unseen`)
and ``verdicts.json`` next to them: for every bug, every hint it gets, judged ``"right"`` (the
hint names the mistake the bug's first docstring line states, so following it leads to the
mistake) or ``"wrong"`` (it names another mistake)::

    {"<bug file stem>": {"<hint text>": "right" | "wrong"}}

The verdicts are a person's judgement, written once when the bugs arrive; the tests check that
they cover exactly the hints the bugs get now (a changed table needs them renewed), and that
the measured rates meet the bar. Never tune the matching on these bugs.

``python -m autograder.unseen [MODULE ...]`` prints every bug with its hints and verdicts, and
the table per module.
"""

from __future__ import annotations

import json
import pathlib
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

from autograder import examples, hints, modules

VERDICTS = "verdicts.json"


@dataclass
class Tally:
    """Per module: bugs, bugs that lose points, bugs with a hint, hints judged right / wrong,
    and hints nobody judged yet (their texts)."""

    module: str
    bugs: int = 0
    failing: int = 0
    hinted: int = 0
    right: int = 0
    wrong: int = 0
    unjudged: list[str] = field(default_factory=list)

    @property
    def hints(self) -> int:
        return self.right + self.wrong + len(self.unjudged)


def verdicts_path(module: str) -> pathlib.Path:
    return modules.get(module).examples / "unseen" / VERDICTS


def load_verdicts(module: str) -> dict[str, dict[str, str]]:
    path = verdicts_path(module)
    return json.loads(path.read_text()) if path.exists() else {}


def hints_per_bug(module: str) -> dict[str, dict[str, list[str]]]:
    """``{bug stem: {question: [hint, ...]}}`` for the module's unseen bugs (not ``correct``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # buggy code overflows
        return {
            ex.name.removeprefix("unseen_"): hints.hints_of(ex)
            for ex in examples.unseen(module)
            if ex.kind == "unseen"
        }


def tally(module: str, got: dict[str, dict[str, list[str]]] | None = None) -> Tally:
    """Count bugs and judged hints of one module (``got`` from :func:`hints_per_bug`)."""
    got = hints_per_bug(module) if got is None else got
    judged = load_verdicts(module)
    t = Tally(module, bugs=len(got))
    for bug, per_q in got.items():
        distinct = sorted({h for hs in per_q.values() for h in hs})
        t.failing += bool(per_q)
        t.hinted += bool(distinct)
        for h in distinct:
            verdict = judged.get(bug, {}).get(h)
            if verdict == "right":
                t.right += 1
            elif verdict == "wrong":
                t.wrong += 1
            else:
                t.unjudged.append(f"{bug}: {h}")
    return t


def table(tallies: Iterable[Tally]) -> str:
    """A markdown table of the tallies with a total row."""
    rows = list(tallies)
    head = (
        "| module | bugs | lose points | with a hint | hints | right | wrong |\n"
        "| --- | --- | --- | --- | --- | --- | --- |"
    )
    total = Tally("**all**")
    lines = [head]
    for t in rows:
        for k in ("bugs", "failing", "hinted", "right", "wrong"):
            setattr(total, k, getattr(total, k) + getattr(t, k))
        total.unjudged += t.unjudged
    for t in [*rows, total]:
        lines.append(
            f"| {t.module} | {t.bugs} | {t.failing} | {t.hinted} | {t.hints} | {t.right} "
            f"| {t.wrong} |"
        )
    return "\n".join(lines)


def report(names: Iterable[str]) -> str:
    """Every bug with the questions it fails and its hints (with verdicts), then the table."""
    lines, tallies = [], []
    for name in names:
        got = hints_per_bug(name)
        judged = load_verdicts(name)
        why = {ex.name.removeprefix("unseen_"): ex.why for ex in examples.unseen(name)}
        for bug, per_q in got.items():
            lines.append(f"{name} {bug}: {why[bug]}")
            lines.append(f"    fails {', '.join(per_q) or 'nothing'}")
            for h in sorted({h for hs in per_q.values() for h in hs}):
                lines.append(f"    [{judged.get(bug, {}).get(h, 'unjudged')}] Hint: {h}")
        tallies.append(tally(name, got))
    return "\n".join([*lines, "", table(tallies)])


def with_unseen() -> list[str]:
    """The modules that keep unseen bugs."""
    return [m.name for m in modules.ready_modules() if (m.examples / "unseen").is_dir()]


if __name__ == "__main__":
    import sys

    print(report(sys.argv[1:] or with_unseen()))
