"""Load otter-grader exception-based test files and run them against a namespace.

This is the one place that turns test files into scores. It uses otter's own classes
(``otter.test_files.ExceptionTestFile``), so a score here equals the score of stock
``otter run`` with the same files. The namespace maps the names the test functions ask for
(``kmeans``, ``squared_distances``, ...) to the student's objects: real functions in-process,
proxies in the hardened grader.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from otter.test_files import ExceptionTestFile


@dataclass
class CaseResult:
    """One test case: its name, points, visibility, outcome and the message for the student."""

    name: str
    points: float
    hidden: bool
    passed: bool
    message: str


@dataclass
class QuestionResult:
    """One question (one test file) with its cases; ``note`` explains an overridden score."""

    name: str
    possible: float
    cases: list[CaseResult] = field(default_factory=list)
    note: str = ""
    forced_zero: bool = False

    @property
    def score(self) -> float:
        if self.forced_zero:
            return 0.0
        return float(sum(c.points for c in self.cases if c.passed))

    @property
    def passed_all(self) -> bool:
        return not self.forced_zero and all(c.passed for c in self.cases)

    def public_only(self) -> QuestionResult:
        cases = [c for c in self.cases if not c.hidden]
        possible = float(sum(c.points for c in cases))
        return QuestionResult(self.name, possible, cases, self.note, self.forced_zero)


def load(path: str | pathlib.Path) -> ExceptionTestFile:
    """Parse one test file (executes the trusted test source, not student code)."""
    return ExceptionTestFile.from_file(str(path))


def run_file(
    path: str | pathlib.Path,
    namespace: Mapping[str, Any],
    *,
    public_only: bool = False,
    before_case: Callable[[str], None] | None = None,
) -> QuestionResult:
    """Run the cases of one test file against ``namespace`` and collect a :class:`QuestionResult`.

    ``before_case(case_name)`` is called before each case (the grader uses it to label calls).
    """
    tf = load(path)
    if public_only:
        tf.test_cases = [tc for tc in tf.test_cases if not tc.hidden]
    result = QuestionResult(tf.name, float(sum(tc.points for tc in tf.test_cases)))
    for tc in tf.test_cases:
        if before_case is not None:
            before_case(tc.name)
        single = ExceptionTestFile(tf.name, tf.path, [tc], all_or_nothing=False)
        single.source = tf.source
        single.run(dict(namespace))
        (tcr,) = single.test_case_results
        result.cases.append(
            CaseResult(tc.name, float(tc.points), bool(tc.hidden), bool(tcr.passed), tcr.message)
        )
    return result


def run_files(
    paths: Iterable[str | pathlib.Path], namespace: Mapping[str, Any], *, public_only: bool = False
) -> list[QuestionResult]:
    """Run several test files (questions) in order."""
    return [run_file(p, namespace, public_only=public_only) for p in paths]


def summary(results: list[QuestionResult], *, public_only: bool = False) -> str:
    """A per-question table with the failure messages of failed cases, for a terminal."""
    lines = [f"{'question':<10} {'score':>13}  status"]
    for q in results:
        q = q.public_only() if public_only else q
        status = "all passed" if q.passed_all else "FAILED"
        lines.append(f"{q.name:<10} {q.score:>6g} / {q.possible:<5g}  {status}")
    total = sum(q.score for q in results)
    possible = sum(q.possible for q in results)
    lines.append(f"{'total':<10} {total:>6g} / {possible:<5g}")
    for q in results:
        for c in q.cases:
            if not c.passed and not (public_only and c.hidden):
                lines.append(f"\n--- {c.name} ({c.points:g} pt) ---\n{c.message}")
        if q.note:
            lines.append(f"\n--- {q.name} ---\n{q.note}")
    return "\n".join(lines)
