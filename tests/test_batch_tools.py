"""Instructor batch tools: stale-proof regrades, instructor-only details, clear CLI errors."""

from __future__ import annotations

import csv
import dataclasses
import json
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

from autograder import details, examples, inprocess, modules, release, results, sandbox
from autograder.sandbox import Limits, Spec

ROOT = modules.ROOT
MODULE = "spectral"


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograder", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _subs(folder: pathlib.Path) -> list[pathlib.Path]:
    folder.mkdir(parents=True, exist_ok=True)
    ref = examples.reference(MODULE)
    paths = [ref.write(folder)]
    paths += [ex.write(folder) for ex in examples.mutants(MODULE)[:2]]
    stub = folder / "stub.py"
    stub.write_text(release.stub_source(ref.source, MODULE))
    return [*paths, stub]


def _regrades(out: pathlib.Path) -> list[dict]:
    path = out / "regrades.csv"
    if not path.exists():
        return []
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Four submissions graded in-process with a private copy of the module's test files."""
    base = tmp_path_factory.mktemp("regrade")
    tests = base / "tests"
    tests.mkdir()
    spec = Spec.from_registry(MODULE)
    for p in spec.tests:
        shutil.copy(p, tests / p.name)
    spec = dataclasses.replace(
        spec, tests=[tests / p.name for p in Spec.from_registry(MODULE).tests]
    )
    inprocess.ensure_reference_on_path()
    paths = _subs(base / "subs")
    out = base / "out"
    from autograder import grader

    def run(**kw) -> tuple[list[dict], str]:
        stats: dict = {}
        recs = grader.grade_batch(spec, paths, out, progress=False, stats=stats, **kw)
        return recs, stats["summary"]

    try:
        first, summary = run()
        yield {"spec": spec, "paths": paths, "out": out, "run": run, "first": first, "tests": tests}
    finally:
        sandbox.discard_prestarted()


def test_details_written_and_results_hold_no_hidden_detail(graded):
    out = graded["out"]
    for rec in graded["first"]:
        name = rec["extra_data"]["submission"]
        cases = details.load(out, name)
        assert cases is not None and not (out / "results" / "details").exists()
        keys = {"question", "name", "hidden", "passed", "points", "score", "message", "hint"}
        assert all(set(c) == keys for c in cases)
        assert len(cases) == len(rec["tests"]) and any(c["hidden"] for c in cases)
        assert sum(c["score"] for c in cases) == pytest.approx(rec["score"])
        text = json.dumps(rec)
        for c in cases:
            if c["hidden"] and not c["passed"]:
                assert c["message"] and "Error at line" in c["message"]
                assert c["message"] not in text
        for t in rec["tests"]:
            if t["visibility"] != "visible":
                assert t["output"] in (results.HIDDEN_PASSED, results.HIDDEN_FAILED)
                assert "published" not in t["output"]
    assert any(not c["passed"] and c["hidden"] for c in details.load(out, "stub"))


def test_unchanged_rerun_regrades_nothing(graded):
    before = {p.name: p.stat().st_mtime_ns for p in (graded["out"] / "results").iterdir()}
    _, summary = graded["run"]()
    assert summary == "regraded 0, kept 4, new 0"
    after = {p.name: p.stat().st_mtime_ns for p in (graded["out"] / "results").iterdir()}
    assert after == before and not _regrades(graded["out"])


def test_changed_test_file_regrades_every_submission_it_grades_once(graded):
    out, q1 = graded["out"], graded["tests"] / "q1.py"
    old = results.read_gradebook(out / "gradebook.csv")
    src = q1.read_text()
    assert src.count("@test_case(points=1)\ndef test_rectangular_against_stored_values") == 1
    changed = src.replace("points = 3\n", "points = 4\n", 1).replace(
        "@test_case(points=1)\ndef test_rect", "@test_case(points=2)\ndef test_rect"
    )
    q1.write_text(changed)  # a corrected weight: the instructor's most common mid-term fix
    recs, summary = graded["run"]()
    assert summary == "regraded 4 (4 changed: tests), kept 0, new 0"
    rows = _regrades(out)
    assert sorted(r["submission"] for r in rows) == [
        "mutant_distances_diagonal_not_zeroed",
        "mutant_distances_not_squared",
        "reference",
        "stub",
    ]
    by = {r["submission"]: r for r in rows}
    assert by["reference"]["reason"] == "changed: tests"
    assert (by["reference"]["q1_old"], by["reference"]["q1_new"]) == ("3", "4")
    assert by["stub"]["q1_new"] == "0" and by["stub"]["new_score"] == "0"
    new = {r["submission"]: r for r in results.read_gradebook(out / "gradebook.csv")}
    assert new["reference"]["q1"] == "4" and {r["submission"] for r in old} == set(new)
    # A second rerun regrades nothing and logs nothing more.
    _, summary = graded["run"]()
    assert summary == "regraded 0, kept 4, new 0" and len(_regrades(out)) == 4
    # A changed submission alone is regraded, with its reason.
    stub = next(p for p in graded["paths"] if p.name == "stub.py")
    stub.write_text(examples.reference(MODULE).source)
    _, summary = graded["run"]()
    assert summary == "regraded 1 (1 submission changed), kept 3, new 0"
    last = _regrades(out)[-1]
    assert last["submission"] == "stub" and last["reason"] == "submission changed"
    assert (last["old_score"], last["new_score"]) == ("0", "33")
    # --regrade forces all.
    _, summary = graded["run"](regrade=True)
    assert summary == "regraded 4 (4 forced (--regrade)), kept 0, new 0"


def test_fingerprint_parts_each_detect_their_change(graded):
    from autograder import fingerprint

    spec = graded["spec"]
    base = fingerprint.compute(spec, Limits())
    assert [n for n, _ in fingerprint.PARTS] == list(base)
    assert fingerprint.changed(base, fingerprint.compute(spec, Limits(timeout=3))) == ["limits"]
    assert fingerprint.changed(
        base, fingerprint.compute(spec, Limits(), hidden_feedback="after-published")
    ) == ["hidden feedback"]
    other = dataclasses.replace(spec, prereqs=("classification",))
    assert fingerprint.changed(base, fingerprint.compute(other, Limits())) == [
        "prerequisite references"
    ]
    assert fingerprint.changed(None, base) == list(base)


def test_fingerprint_sees_rules_and_provided_modules(tmp_path):
    from autograder import fingerprint

    spec = Spec.from_registry(MODULE)
    base = fingerprint.compute(spec, Limits())
    pkg = tmp_path / "numdl"
    shutil.copytree(spec.package, pkg)
    copy = dataclasses.replace(spec, package=pkg)
    assert fingerprint.changed(base, fingerprint.compute(copy, Limits())) == []
    rules = pkg / "rules.py"
    src = rules.read_text()
    other = src.replace('"conv": (', '"conv": ("numpy.kron", ', 1)
    assert other != src
    rules.write_text(other)  # another module's rule: this module keeps its grades
    assert fingerprint.changed(base, fingerprint.compute(copy, Limits())) == []
    rules.write_text(src.replace('"spectral": (', '"spectral": ("numpy.kron", ', 1))
    got = fingerprint.changed(base, fingerprint.compute(copy, Limits()))
    assert got == ["forbidden-routine rules"]
    rules.write_text(src)
    (pkg / "checks.py").write_text((pkg / "checks.py").read_text() + "\n# changed\n")
    assert fingerprint.changed(base, fingerprint.compute(copy, Limits())) == ["provided modules"]
    tests = tmp_path / "tests"
    shutil.copytree(spec.tests[0].parent, tests)
    moved = dataclasses.replace(spec, tests=[tests / p.name for p in spec.tests])
    assert fingerprint.changed(base, fingerprint.compute(moved, Limits())) == []
    (tests / "hints.json").write_text((tests / "hints.json").read_text().replace("e", "E", 1))
    assert fingerprint.changed(base, fingerprint.compute(moved, Limits())) == ["hint table"]


def test_killed_regrade_then_rerun_equals_an_uninterrupted_one(tmp_path):
    paths = [str(p) for p in _subs(tmp_path / "subs")]
    args = ["grade", MODULE, *paths, "--quiet", "--timeout", "5"]
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    for out in (whole, killed):
        assert _cli(*args, "--out", str(out)).returncode == 0
    assert _cli(*args[:-1], "6", "--out", str(whole)).returncode == 0
    cmd = [sys.executable, "-m", "autograder", *args[:-1], "6", "--out", str(killed)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 200
    while time.monotonic() < deadline and proc.poll() is None:
        if len(_regrades(killed)) >= 1:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert len(_regrades(killed)) < 4, "the regrade ended before it could be killed"
    again = _cli(*args[:-1], "6", "--out", str(killed))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "changed: limits" in again.stdout
    book = lambda out: (out / "gradebook.csv").read_text()  # noqa: E731
    assert book(killed) == book(whole)
    rows = _regrades(killed)
    assert sorted(r["submission"] for r in rows) == sorted(
        r["submission"] for r in _regrades(whole)
    )
    assert all(r["reason"] == "changed: limits" for r in rows)


def test_hidden_feedback_after_published_shows_hidden_messages(tmp_path):
    stub = tmp_path / f"{MODULE}.py"
    stub.write_text(release.stub_source(examples.reference(MODULE).source, MODULE))
    out = tmp_path / "out"
    proc = _cli(
        "grade",
        MODULE,
        str(stub),
        "--out",
        str(out),
        "--quiet",
        "--hidden-feedback",
        "after-published",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rec = json.loads((out / "results" / f"{MODULE}.json").read_text())
    hidden = [t for t in rec["tests"] if t["visibility"] == "after_published"]
    assert hidden and all("NotImplementedError" in t["output"] for t in hidden)
    assert _cli("report", str(out)).returncode == 0
    fb = (out / "feedback" / f"{MODULE}.txt").read_text()
    lines = fb.splitlines()
    marks = [i for i, ln in enumerate(lines) if "[FAIL] hidden test" in ln]
    assert len(marks) == len(hidden)
    assert all(lines[i + 1].startswith("      ") and lines[i + 1].strip() for i in marks)


# ------------------------------------------------------------------ clear errors, exit status 2


def _one_line_error(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-2000:])
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("errors")
    (base / "empty").mkdir()
    (base / "file").write_text("not a folder\n")
    sub = base / f"{MODULE}.py"
    sub.write_text(examples.reference(MODULE).source)
    other = base / "other"  # a grading folder of another module
    (other / "results").mkdir(parents=True)
    (other / "gradebook.csv").write_text("submission,sha256,status,score,max_score,q1\n")
    rec = {"score": 0, "extra_data": {"module": "conv", "submission": "x", "sha256": "0"}}
    (other / "results" / "x.json").write_text(json.dumps(rec))
    mixed = base / "mixed"  # a grading folder with results of two modules
    shutil.copytree(other, mixed)
    rec["extra_data"]["module"] = MODULE
    (mixed / "results" / "y.json").write_text(json.dumps(rec))
    (base / "notbook").mkdir()
    (base / "notbook" / "gradebook.csv").write_text("name,score\nalice,3\n")
    return base


def test_grade_errors(folders):
    b, sub = folders, str(folders / f"{MODULE}.py")
    _one_line_error(
        _cli("grade", MODULE, str(b / "missing"), "--out", str(b / "o1")),
        "missing",
        "does not exist",
    )
    _one_line_error(
        _cli("grade", MODULE, f"{b}/empty/*", "--out", str(b / "o2")), "empty/*", "does not exist"
    )
    _one_line_error(
        _cli("grade", MODULE, sub, "--out", str(b / "other")), "module conv", "not spectral"
    )
    _one_line_error(
        _cli("grade", MODULE, sub, "--out", str(b / "file" / "out")), "cannot write", "file/out"
    )


def test_report_errors(folders):
    b = folders
    _one_line_error(_cli("report", str(b / "missing")), "missing", "does not exist")
    _one_line_error(_cli("report", str(b / "empty")), "no gradebook.csv")
    _one_line_error(_cli("report", str(b / "file")), "not a folder")
    _one_line_error(_cli("report", str(b / "notbook")), "not a gradebook")
    _one_line_error(_cli("report", str(b / "mixed")), "mixes grades of modules conv, spectral")


def test_check_and_demo_errors(folders):
    b = folders
    _one_line_error(_cli("check", MODULE, str(b / "missing.py")), "does not exist")
    _one_line_error(_cli("check", MODULE, str(b / "empty")), "empty folder")
    _one_line_error(_cli("demo", "--out", str(b / "file" / "demo")), "cannot write")


def test_make_grade_errors(folders):
    for folder, words in ((folders / "missing", "does not exist"), (folders / "empty", "is empty")):
        cmd = ["make", "-s", "grade", f"SUBMISSIONS={folder}", f"OUT={folders / 'mk'}"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 2
        assert f"error: submissions folder {folder} {words}" in proc.stderr.splitlines()
        assert "Traceback" not in proc.stderr


def test_similarity_errors(folders):
    b, sub = folders, str(folders / f"{MODULE}.py")
    _one_line_error(
        _cli("similarity", MODULE, sub, str(b / "missing"), "--out", str(b / "s1")),
        "does not exist",
    )
    _one_line_error(
        _cli("similarity", MODULE, sub, str(b / "empty"), "--out", str(b / "s2")), "at least two"
    )
    _one_line_error(
        _cli("similarity", MODULE, sub, sub, "--out", str(b / "file" / "s")), "cannot write"
    )
