"""Otter parity: for module 01 the hardened grader gives the same per-question scores as stock
``otter run`` (otter-grader 7.0.0) with the same test files, on the reference, the template
stub and a few mutants (one per question where possible; stock otter is slow)."""

from __future__ import annotations

import concurrent.futures
import json
import pathlib
import shutil
import subprocess
import sys

import pytest

from autograder import examples, modules, release, results

MODULE = "spectral"
OTTER = pathlib.Path(sys.executable).with_name("otter")


def _cases() -> list[examples.Example]:
    ref = examples.reference(MODULE)
    stub = examples.Example(MODULE, "stub", "stub", release.stub_source(ref.source, MODULE))
    picked, seen = [], set()
    for ex in examples.mutants(MODULE):
        if ex.question not in seen and len(picked) < 4:
            picked.append(ex)
            seen.add(ex.question)
    return [ref, stub, *picked]


def otter_zip(folder: pathlib.Path) -> pathlib.Path:
    """``otter generate`` with the module's test files and the provided numdl modules."""
    m = modules.get(MODULE)
    (folder / "tests").mkdir(parents=True)
    (folder / "numdl").mkdir()
    for t in m.test_files():
        shutil.copy(t, folder / "tests" / t.name)
    support = []
    for name in modules.PROVIDED:
        src = modules.PACKAGE / f"{name}.py"
        if src.exists():
            shutil.copy(src, folder / "numdl" / src.name)
            support.append(f"numdl/{src.name}")
    subprocess.run(
        [
            str(OTTER),
            "generate",
            "-t",
            "tests",
            "--no-config",
            "--no-requirements",
            "--no-environment",
            "-o",
            "autograder.zip",
            *support,
        ],
        cwd=folder,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return folder / "autograder.zip"


def otter_scores(zip_path: pathlib.Path, ex: examples.Example, folder: pathlib.Path) -> dict:
    work = folder / ex.name
    work.mkdir()
    (work / f"{MODULE}.py").write_text(ex.source)
    subprocess.run(
        [str(OTTER), "run", "-a", str(zip_path), "-o", str(work), f"{MODULE}.py"],
        cwd=work,
        capture_output=True,
        timeout=240,
    )
    data = json.loads((work / "results.json").read_text())
    return {t["name"]: float(t["score"]) for t in data["tests"] if t["name"].startswith("q")}


@pytest.mark.skipif(not OTTER.exists(), reason="otter-grader is not installed")
def test_same_scores_as_stock_otter(tmp_path):
    cases = _cases()
    zip_path = otter_zip(tmp_path / "otter")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        theirs = dict(
            zip(
                [c.name for c in cases],
                pool.map(lambda c: otter_scores(zip_path, c, tmp_path / "otter"), cases),
            )
        )
    subs = [c.write(tmp_path / "subs") for c in cases]
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            MODULE,
            *map(str, subs),
            "--out",
            str(out),
            "--workers",
            "2",
            "--quiet",
        ],
        cwd=modules.ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {r["submission"]: r for r in results.read_gradebook(out / "gradebook.csv")}
    qs = [p.stem for p in modules.get(MODULE).test_files()]
    for c in cases:
        ours = {q: float(rows[c.name][q]) for q in qs}
        assert rows[c.name]["status"] == "ok"
        assert ours == theirs[c.name], f"{c.name}: ours {ours} != otter {theirs[c.name]}"
