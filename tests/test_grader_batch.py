"""The ``grade`` and ``report`` commands on a small batch: files, resume, ``kill -9``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

from autograder import examples, modules, release, results
from tests.attacks.build import inject, sandbox_processes

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


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("batch")
    subs = base / "subs"
    subs.mkdir()
    ref = examples.reference(MODULE)
    paths = [ref.write(subs)]
    for ex in examples.mutants(MODULE)[:3]:
        paths.append(ex.write(subs))
    stub = subs / "stub.py"
    stub.write_text(release.stub_source(ref.source, MODULE))
    paths.append(stub)
    with zipfile.ZipFile(subs / "zipped.zip", "w") as z:
        z.writestr(f"numdl/{MODULE}.py", ref.source)
    paths.append(subs / "zipped.zip")
    slow = examples.Example(
        MODULE, "zz_slow", "attack", inject(ref.source, "kmeans", "while True:\n    pass")
    )
    paths.append(slow.write(subs))
    out = base / "out"
    args = ["grade", MODULE, *map(str, paths), "--timeout", "3", "--workers", "1", "--quiet"]
    proc = _cli(*args, "--out", str(out))
    return {"base": base, "paths": paths, "out": out, "proc": proc, "args": args}


def test_gradebook_and_results(batch):
    assert batch["proc"].returncode == 0, batch["proc"].stderr[-3000:]
    text = (batch["out"] / "gradebook.csv").read_text()
    header = text.splitlines()[0].split(",")
    qs = [p.stem for p in modules.get(MODULE).test_files()]
    assert header == ["submission", "sha256", "status", "score", "max_score", "flags", *qs]
    rows = results.read_gradebook(batch["out"] / "gradebook.csv")
    names = [r["submission"] for r in rows]
    assert names == sorted(names) and len(rows) == len(batch["paths"])
    by = {r["submission"]: r for r in rows}
    assert by["reference"]["score"] == by["reference"]["max_score"] == by["zipped"]["score"]
    assert by["stub"]["score"] == "0" and by["stub"]["status"] == "ok"
    assert by["zz_slow"]["status"] == "timeout" and by["zz_slow"]["q1"] == "3"
    for r in rows:
        if r["submission"].startswith("mutant_"):
            assert float(r["score"]) < float(r["max_score"])
    rec = json.loads((batch["out"] / "results" / "reference.json").read_text())
    assert rec["score"] == float(by["reference"]["score"])
    for t in rec["tests"]:
        assert set(t) >= {"name", "score", "max_score", "output", "visibility"}
    assert len(by["reference"]["sha256"]) == 64


def test_rerun_skips_graded_submissions(batch):
    out = batch["out"]
    before = {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()}
    book = (out / "gradebook.csv").read_text()
    t0 = time.monotonic()
    proc = _cli(*batch["args"], "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - t0 < 30
    assert {p.name: p.stat().st_mtime_ns for p in (out / "results").iterdir()} == before
    assert (out / "gradebook.csv").read_text() == book


def test_kill_9_then_resume_gives_the_same_gradebook(batch):
    out = batch["base"] / "killed"
    cmd = [sys.executable, "-m", "autograder", *batch["args"], "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    book = out / "gradebook.csv"
    deadline = time.monotonic() + 200
    while time.monotonic() < deadline and proc.poll() is None:
        if book.exists() and len(book.read_text().splitlines()) >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    rows = results.read_gradebook(book)
    assert len(rows) < len(batch["paths"]), "the batch ended before it could be killed"
    if os.geteuid() == 0:  # the fork server and its workers died with the grader
        assert not sandbox_processes()
    again = _cli(*batch["args"], "--out", str(out))
    assert again.returncode == 0, again.stderr[-3000:]
    assert book.read_text() == (batch["out"] / "gradebook.csv").read_text()


def test_changed_submission_is_graded_again(tmp_path):
    sub = tmp_path / f"{MODULE}.py"
    stub = release.stub_source(examples.reference(MODULE).source, MODULE)
    sub.write_text(stub)
    out = tmp_path / "out"
    assert _cli("grade", MODULE, str(sub), "--out", str(out), "--quiet").returncode == 0
    first = results.read_gradebook(out / "gradebook.csv")[0]
    sub.write_text(examples.reference(MODULE).source)
    assert _cli("grade", MODULE, str(sub), "--out", str(out), "--quiet").returncode == 0
    second = results.read_gradebook(out / "gradebook.csv")[0]
    assert first["sha256"] != second["sha256"] and float(second["score"]) > float(first["score"])


def test_duplicate_names_are_refused(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for d in ("a", "b"):
        (tmp_path / d / "alice.py").write_text("")
    proc = _cli(
        "grade",
        MODULE,
        str(tmp_path / "a" / "alice.py"),
        str(tmp_path / "b" / "alice.py"),
        "--out",
        str(tmp_path / "out"),
    )
    assert proc.returncode == 2 and "alice" in proc.stderr


def test_report(batch):
    proc = _cli("report", str(batch["out"]))
    assert proc.returncode == 0, proc.stderr
    assert "full marks" in proc.stdout and "total" in proc.stdout
    assert (batch["out"] / "histogram.png").read_bytes()[:4] == b"\x89PNG"
    fb = (batch["out"] / "feedback" / "stub.txt").read_text()
    assert "hidden test" in fb and "Score: 0 /" in fb
    hidden_sources = [
        t
        for t in json.loads((batch["out"] / "results" / "stub.json").read_text())["tests"]
        if t["visibility"] != "visible"
    ]
    assert hidden_sources and all("Error at line" not in t["output"] for t in hidden_sources)
    assert "Error at line" not in "\n".join(ln for ln in fb.splitlines() if "hidden" in ln)
