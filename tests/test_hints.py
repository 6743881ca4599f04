"""Hints: the committed tables are current, they ship where they should, matching is sharp, a
crash can be hinted too, and the grader, ``make check`` and the report show hints.

That every mutant gets a hint naming itself and every correct alternative none is checked in
``tests/test_modules.py`` (it grades them anyway)."""

from __future__ import annotations

import functools
import json
import math
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import examples, gradescope, hints, modules, release, report, results, unseen
from autograder.testfiles import CaseResult, QuestionResult
from numdl import hints as numdl_hints

READY = [m.name for m in modules.ready_modules()]


def _same_table(fresh, committed, path="table") -> list[str]:
    """Differences of two tables; numbers are compared with a relative tolerance of 1e-9."""
    if isinstance(fresh, dict) and isinstance(committed, dict):
        if sorted(fresh) != sorted(committed):
            return [f"{path}: keys {sorted(set(fresh) ^ set(committed))} differ"]
        return [d for k in fresh for d in _same_table(fresh[k], committed[k], f"{path}.{k}")]
    if isinstance(fresh, list) and isinstance(committed, list):
        if len(fresh) != len(committed):
            return [f"{path}: {len(fresh)} entries, committed {len(committed)}"]
        return [
            d
            for i, (a, b) in enumerate(zip(fresh, committed))
            for d in _same_table(a, b, f"{path}[{i}]")
        ]
    if isinstance(fresh, float) and isinstance(committed, float):
        ok = math.isclose(fresh, committed, rel_tol=1e-9, abs_tol=1e-300)
        return [] if ok else [f"{path}: {fresh!r} != committed {committed!r}"]
    return [] if fresh == committed else [f"{path}: {fresh!r} != committed {committed!r}"]


@pytest.mark.parametrize("module", READY)
def test_committed_table_is_current(module):
    """The committed ``tests/hints.json`` is what the mutants give now (else: `make release`)."""
    committed = hints.load_table(module)
    assert committed, f"{hints.table_path(module)} is missing: run `make release`"
    assert not hints.is_stale(module), (
        f"{hints.table_path(module)} is stale (its inputs changed): run `make release`"
    )
    diffs = _same_table(hints.build_table(module), committed)
    assert not diffs, f"run `make release`: {diffs[:5]}"


@pytest.mark.parametrize("module", READY)
def test_table_holds_no_code_and_every_mutant(module):
    """Every entry names a mutant and its why; no entry holds a line of the reference."""
    table = hints.load_table(module)
    whys = {e.name: e.why for e in examples.mutants(module)}
    secret = {ln for ln in release.solution_lines(modules.get(module).source.read_text())}
    text = json.dumps(table)
    leaked = [ln for ln in secret if len(ln) >= 20 and ln in text]
    assert not leaked, f"solution lines in the hint table: {leaked[:3]}"
    named = set()
    for by_case in table["cases"].values():
        for entries in by_case.values():
            for e in entries:
                assert whys[e["mutant"]] == e["why"]
                named.add(e["mutant"])
    assert named == set(whys), f"mutants without any signature: {sorted(set(whys) - named)}"


@pytest.mark.parametrize("module", READY)
def test_student_template_has_public_cases_only(module):
    m = modules.get(module)
    shipped = json.loads(
        (modules.STUDENT_TEMPLATE / "assignments" / m.folder / "tests" / "hints.json").read_text()
    )
    for path in m.test_files():
        hidden = set(release.hidden_case_names(path.read_text()))
        public = set(shipped["cases"].get(path.stem, {}))
        assert not public & hidden, f"{path.name}: hidden cases in the student's hint table"
        full = set(hints.load_table(module)["cases"].get(path.stem, {}))
        assert public == full - hidden


def test_gradescope_zip_ships_the_full_table(tmp_path):
    zpath = gradescope.build("spectral", tmp_path)
    with zipfile.ZipFile(zpath) as z:
        shipped = z.read("assignments/01_spectral/tests/hints.json")
        assert "solutions/numdl/hints.py" in z.namelist()
    assert shipped == hints.table_path("spectral").read_bytes()


def _sig(mutant, why, values, check="array.values", at=(("test_x", 3),), label="f(Y)"):
    return {
        "mutant": mutant,
        "why": why,
        "at": [list(a) for a in at],
        "check": check,
        "label": label,
        "values": values,
    }


def _fail(values, check="array.values", at=(("test_x", 3),), label="f(Y)"):
    return {"at": [list(a) for a in at], "check": check, "label": label, "values": values}


def test_match_needs_the_same_place_input_and_numbers():
    table = [_sig("a", "forgets the factor 2", [0.5, 3.0, 0.25])]
    assert numdl_hints.match(table, _fail([0.5, 3.0 * (1 + 1e-7), 0.25])) == "forgets the factor 2"
    assert numdl_hints.match(table, _fail([0.5, 3.0 * (1 + 1e-3), 0.25])) is None
    assert numdl_hints.match(table, _fail([0.5, 3.0, 0.25], label="f(Y) on other data")) is None
    assert numdl_hints.match(table, _fail([0.5, 3.0, 0.25], at=(("test_x", 4),))) is None
    assert numdl_hints.match(table, _fail([0.5, 3.0, 0.25], check="taylor")) is None
    assert numdl_hints.match(table, _fail([0.5, 3.0])) is None


def test_match_is_silent_when_ambiguous_and_names_identical_failures_together():
    # two different failures (farther apart than the tolerance)
    a, b = _sig("a", "why a", [1.0, 2.0]), _sig("b", "why b", [1.0, 2.0 * (1 + 1.5e-4)])
    # a failure between them, as close to either: no hint
    assert numdl_hints.match([a, b], _fail([1.0, 2.0 * (1 + 0.75e-4)])) is None
    # exactly the first (the second still within the tolerance): the first
    assert numdl_hints.match([a, b], _fail([1.0, 2.0])) == "why a"
    # two mutants with the identical failure: both are named
    c = _sig("c", "why c", [1.0, 2.0])
    hint = numdl_hints.match([a, c], _fail([1.0, 2.0]))
    assert numdl_hints.mistakes(hint) == ["why a", "why c"]
    # strings (shapes, exception kinds) must be equal
    s = _sig("s", "returns the transpose", ["(12, 3)"], check="shape.shape")
    assert (
        numdl_hints.match([s], _fail(["(12, 3)"], check="shape.shape")) == "returns the transpose"
    )
    assert numdl_hints.match([s], _fail(["(3, 3)"], check="shape.shape")) is None


def test_a_crash_is_hinted_where_the_test_called_the_code(tmp_path):
    """A failure that is no check (the code raises) has a signature too: the nearest builtin
    exception class, the message without its numbers, the numbers, the place in the test."""
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "q1.py").write_text(
        "from otter.test_files import test_case\n"
        "name = 'q1'\npoints = 1\n\n"
        "@test_case(points=1)\n"
        "def test_shapes(f):\n"
        "    f(3)\n"
    )

    def bad(n):
        raise ValueError(f"operands could not be broadcast together with shapes ({n},5) (5,)")

    from autograder import testfiles

    seen = {}
    testfiles.run_file(tests / "q1.py", {"f": bad}, on_error=seen.__setitem__)
    failure = numdl_hints.failure_of_exception(seen["q1 - 1"])
    assert failure["question"] == "q1" and failure["case"] == "test_shapes"
    # the offset counts from the decorator line (the code object's first line)
    assert failure["check"] == "raised" and failure["at"] == [["test_shapes", 2]]
    assert failure["values"][:2] == [
        "ValueError",
        "operands could not be broadcast together with shapes (#,#) (#,)",
    ]
    entry = {"mutant": "m", "why": "adds the bias as a row"} | {
        k: failure[k] for k in ("at", "check", "label", "values")
    }
    (tests / "hints.json").write_text(json.dumps({"cases": {"q1": {"test_shapes": [entry]}}}))
    (q,) = [testfiles.run_file(tests / "q1.py", {"f": bad})]
    (case,) = q.cases
    assert case.hint == "adds the bias as a row"
    assert case.message.endswith("\nHint: adds the bias as a row")
    other = testfiles.run_file(tests / "q1.py", {"f": lambda n: bad(n + 1)})
    assert other.cases[0].hint is None, "other numbers: another failure"
    ok = testfiles.run_file(tests / "q1.py", {"f": lambda n: None})
    assert ok.cases[0].passed and ok.cases[0].hint is None


def test_results_keep_the_hint_of_visible_cases_only():
    q = QuestionResult(
        "q2",
        3.0,
        [
            CaseResult("q2 - 1", 1.0, False, False, "wrong\nHint: why a", "why a"),
            CaseResult("q2 - 2", 1.0, True, False, "wrong\nHint: why b", "why b"),
            CaseResult("q2 - 3", 1.0, False, True, "passed"),
        ],
    )
    rec = results.record(module="spectral", name="s", sha256="0", status="ok", questions=[q])
    hints_seen = [t["extra_data"]["hint"] for t in rec["tests"]]
    assert hints_seen == ["why a", None, None]
    assert "why b" not in json.dumps(rec), "a hidden case's hint reached the results"


def test_report_counts_hints_per_question_once_per_submission(tmp_path):
    cases = [
        {"submission": "s1", "question": "q2", "hint": "why a"},
        {"submission": "s1", "question": "q2", "hint": "why a"},
        {"submission": "s2", "question": "q2", "hint": "why a"},
        {"submission": "s2", "question": "q2", "hint": "why b"},
        {"submission": "s3", "question": "q10", "hint": "why c"},
        {"submission": "s3", "question": "q1", "hint": None},
    ]
    top = hints.top_hints(cases)
    assert top == {"q2": [("why a", 2), ("why b", 1)], "q10": [("why c", 1)]}
    text = hints.hints_table(top, 3)
    assert "q2       2 / 3    why a" in text


def test_grader_and_report_show_hints(tmp_path):
    """A mutant graded by the hardened grader: its visible failed cases carry the hint (in the
    output and in ``extra_data``), and the report lists it."""
    mut = next(e for e in examples.mutants("spectral") if e.name == "mutant_weights_two_sigma")
    sub = tmp_path / "student.py"
    sub.write_text(mut.source)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        "spectral",
        str(sub),
        "--out",
        str(out),
        "--quiet",
    ]
    subprocess.run(cmd, check=True, capture_output=True, cwd=modules.ROOT)
    rec = json.loads((out / "results" / "student.json").read_text())
    hinted = [t for t in rec["tests"] if t["extra_data"].get("hint")]
    assert hinted, "no visible case carries a hint"
    for t in hinted:
        assert t["score"] < t["max_score"] and t["visibility"] == "visible"
        assert t["extra_data"]["hint"] == mut.why and t["output"].endswith(f"Hint: {mut.why}")
    text = report.report(out)
    assert f"q2       1 / 1    {mut.why}" in text


def test_make_check_shows_the_hint(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(modules.STUDENT_TEMPLATE, repo)
    mut = next(e for e in examples.mutants("spectral") if e.name == "mutant_weights_two_sigma")
    (repo / "numdl" / "spectral.py").write_text(mut.source)
    run = subprocess.run(
        [sys.executable, "tools/check.py", "spectral"], cwd=repo, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert f"\nHint: {mut.why}\n" in run.stdout, run.stdout[-2000:]


def test_notebook_grader_check_shows_the_hint(tmp_path):
    """``grader.check("q2")`` in a student's notebook (otter's own checker) shows the hint."""
    repo = tmp_path / "repo"
    shutil.copytree(modules.STUDENT_TEMPLATE, repo)
    mut = next(e for e in examples.mutants("spectral") if e.name == "mutant_weights_two_sigma")
    (repo / "numdl" / "spectral.py").write_text(mut.source)
    code = (
        "import sys; sys.path[:0] = ['../..']\n"
        "import otter\n"
        "grader = otter.Notebook(tests_dir='tests')\n"
        "from numdl.spectral import *\n"
        "print(repr(grader.check('q2')))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo / "assignments" / "01_spectral",
        capture_output=True,
        text=True,
    )
    assert f"Hint: {mut.why}" in run.stdout, run.stdout[-2000:] + run.stderr[-2000:]


def test_grading_fingerprint_sees_the_hint_table(tmp_path):
    """A changed hint table changes what results hold: its part of the fingerprint changes."""
    import dataclasses

    from autograder import fingerprint
    from autograder.sandbox import Limits, Spec

    spec = Spec.from_registry("spectral")
    base = fingerprint.compute(spec, Limits())
    tests = tmp_path / "tests"
    shutil.copytree(spec.tests[0].parent, tests)
    copy = dataclasses.replace(spec, tests=[tests / p.name for p in spec.tests])
    assert fingerprint.changed(base, fingerprint.compute(copy, Limits())) == []
    (tests / "hints.json").write_text("{}")
    assert fingerprint.changed(base, fingerprint.compute(copy, Limits())) == ["hint table"]


BLIND_CORRECT = [e for m in READY for e in examples.unseen(m) if e.kind == "alternative"]


@pytest.mark.parametrize("example", BLIND_CORRECT, ids=[e.module for e in BLIND_CORRECT])
def test_blind_correct_version_gets_full_marks_and_no_hint(example):
    """The blind author's own correct version (``examples/unseen/correct.py``) loses no point
    on any question (so it gets no hint either)."""
    got = hints.hints_of(example)
    assert got == {}, f"{example.module} correct.py loses points (with hints) on: {got}"


# ---- the honest measure: bugs written blind (autograder/unseen.py) ----

WITH_UNSEEN = unseen.with_unseen()
# Blind bugs no case catches yet (see their module's examples/unseen/README.md); the list may only
# shrink: a bug that starts losing points must leave it.
UNCAUGHT = {
    "spectral": {"clustering_normalize_rows", "kmeanspp_last_center_only"},
}


@functools.cache
def _unseen_hints(module: str) -> dict[str, dict[str, list[str]]]:
    return unseen.hints_per_bug(module)


def test_every_module_keeps_at_least_six_blind_bugs():
    counts = {
        m.name: sum(e.kind == "unseen" for e in examples.unseen(m.name))
        for m in modules.ready_modules()
    }
    assert all(n >= 6 for n in counts.values()), counts


@pytest.mark.parametrize("module", WITH_UNSEEN)
def test_unseen_verdicts_cover_exactly_the_hints_given(module):
    """Every hint a blind bug gets has a person's verdict, and no verdict is for a hint no
    longer given (a changed table needs the verdicts renewed: `python -m autograder.unseen`)."""
    got = _unseen_hints(module)
    t = unseen.tally(module, got)
    assert not t.unjudged, f"judge these hints in {unseen.verdicts_path(module)}: {t.unjudged}"
    given = {(b, h) for b, per_q in got.items() for hs in per_q.values() for h in hs}
    judged = {(b, h) for b, hs in unseen.load_verdicts(module).items() for h in hs}
    assert judged <= given, f"verdicts for hints no longer given: {sorted(judged - given)}"


@pytest.mark.parametrize("module", WITH_UNSEEN)
def test_unseen_bugs_lose_points(module):
    got = _unseen_hints(module)
    missed = {b for b, per_q in got.items() if not per_q}
    assert missed == UNCAUGHT.get(module, set()), (
        f"{module}: blind bugs that lose no points: {sorted(missed)} "
        f"(expected exactly {sorted(UNCAUGHT.get(module, set()))})"
    )


def test_unseen_hint_rates_meet_the_bar():
    """At least half of the blind bugs get a hint; at most one hint in ten names a wrong mistake."""
    tallies = [unseen.tally(m, _unseen_hints(m)) for m in WITH_UNSEEN]
    bugs, hinted = sum(t.bugs for t in tallies), sum(t.hinted for t in tallies)
    n_hints, wrong = sum(t.hints for t in tallies), sum(t.wrong for t in tallies)
    assert bugs and 2 * hinted >= bugs, unseen.table(tallies)
    assert 10 * wrong <= n_hints, unseen.table(tallies)
    failing, right = sum(t.failing for t in tallies), sum(t.right for t in tallies)
    said = f"{failing} lose points, {hinted} get a hint, {right} of their {n_hints} hints name"
    readme = " ".join((modules.ROOT / "README.md").read_text().split())
    assert said in readme, f"update README.md's 'In numbers' paragraph to say: {said} ..."
