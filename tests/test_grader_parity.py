"""Otter parity: for every module the hardened grader gives the same per-question scores as
stock ``otter run`` (otter-grader 7.0.0) with the same test files, on the reference, the
template stub and mutants of questions chosen so that every kind of value that crosses the
worker's pipe is graded both ways: generators, sparse matrices and arrays, ``LinearOperator``s,
callbacks (objectives, matvecs, right-hand sides of ODEs), activations and opaque caches.
Stock otter is slow (about 3 s a run), so each module's runs go two at a time."""

from __future__ import annotations

import concurrent.futures
import json
import pathlib
import shutil
import subprocess
import sys

import pytest

from autograder import examples, modules, release, results

OTTER = pathlib.Path(sys.executable).with_name("otter")

#: per module, the questions whose first mutant is graded both ways, and what they exercise
MUTANT_QUESTIONS = {
    "spectral": ("q3", "q4", "q5"),  # sparse in and out; sparse eigenproblems; Generators
    "least_squares": ("q4", "q5"),  # sparse A; CSR and LinearOperator (matvec/rmatvec callbacks)
    "classification": ("q5", "q6", "q7"),  # objective callbacks; matvec callbacks; hessvec
    "single_layer": ("q2", "q6"),  # opaque caches and activations; sgd callbacks with rng
    "conv": ("q7", "q8"),  # sparse results; conv-layer caches
    "mlp": ("q3", "q5"),  # caches of nested parameter lists; adam callbacks with rng
    "resnet": ("q2", "q6"),  # caches; leapfrog with activations
    "optimal_control": ("q1", "q4"),  # ODE right-hand sides as callbacks; caches
}


def _cases(module: str) -> list[examples.Example]:
    ref = examples.reference(module)
    stub = examples.Example(module, "stub", "stub", release.stub_source(ref.source, module))
    picked = []
    for q in MUTANT_QUESTIONS[module]:
        picked += [ex for ex in examples.mutants(module) if ex.question == q][:1]
    assert len(picked) >= 2, f"{module}: fewer than two mutants for the parity test"
    return [ref, stub, *picked]


def otter_zip(module: str, folder: pathlib.Path) -> pathlib.Path:
    """``otter generate`` with the module's test files, the provided modules and prerequisites."""
    m = modules.get(module)
    (folder / "tests").mkdir(parents=True)
    (folder / "numdl").mkdir()
    for t in m.test_files():
        shutil.copy(t, folder / "tests" / t.name)
    support = []
    for name in (*modules.PROVIDED, *m.prereqs):
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
    (work / f"{ex.module}.py").write_text(ex.source)
    subprocess.run(
        [str(OTTER), "run", "-a", str(zip_path), "-o", str(work), f"{ex.module}.py"],
        cwd=work,
        capture_output=True,
        timeout=240,
    )
    data = json.loads((work / "results.json").read_text())
    return {t["name"]: float(t["score"]) for t in data["tests"] if t["name"].startswith("q")}


@pytest.mark.skipif(not OTTER.exists(), reason="otter-grader is not installed")
@pytest.mark.parametrize("module", [m.name for m in modules.ready_modules()])
def test_same_scores_as_stock_otter(tmp_path, module):
    cases = _cases(module)
    zip_path = otter_zip(module, tmp_path / "otter")
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
            module,
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
    qs = [p.stem for p in modules.get(module).test_files()]
    for c in cases:
        ours = {q: float(rows[c.name][q]) for q in qs}
        assert rows[c.name]["status"] == "ok"
        assert ours == theirs[c.name], f"{c.name}: ours {ours} != otter {theirs[c.name]}"
