"""The hardened grader against stock ``otter run`` (otter-grader 7.0.0).

- one module-01 submission, cold: ``python -m autograder grade`` (sandboxed worker, fork
  server start-up included) vs ``otter run -a autograder.zip spectral.py`` (no isolation),
  same submission and test files, median of several runs;
- 100 submissions (reference, stub and mutants) on 2 workers: wall time per submission,
  against two ``otter run`` processes in parallel (the otter median halved);
- every module: the cost of isolation, i.e. worker seconds per submission of a batch of 20
  references on 2 workers (the grading time each result records: the worker's start, the
  import, every call and callback, the reaping) against the same tests run in-process
  (``inprocess.grade_file``, warm); the note gives the batch's wall time x 2 / 20 too, which
  includes starting and warming one fork server per CPU (``Environment.warm``, counted in no
  submission's seconds);
- the whole course: 8 modules x 40 submissions (reference, stub, mutants), 2 workers.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from benchmarks.timing import Row, median_time

ROOT = pathlib.Path(__file__).resolve().parent.parent
MODULE = "spectral"
OTTER = pathlib.Path(sys.executable).with_name("otter")


def _otter_zip(folder: pathlib.Path) -> pathlib.Path:
    from autograder import modules

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
    )
    return folder / "autograder.zip"


def _grade(
    paths: list[pathlib.Path], out: pathlib.Path, workers: int, module: str = MODULE
) -> None:
    if out.exists():
        shutil.rmtree(out)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder",
            "grade",
            module,
            *map(str, paths),
            "--out",
            str(out),
            "--workers",
            str(workers),
            "--quiet",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def run() -> list[Row]:
    from autograder import examples, release

    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench-grader-"))
    try:
        ref = examples.reference(MODULE)
        one = tmp / "one"
        one.mkdir()
        (one / f"{MODULE}.py").write_text(ref.source)
        zip_path = _otter_zip(tmp / "otter")

        def otter_once() -> None:
            out = tmp / "otter-out"
            out.mkdir(exist_ok=True)
            subprocess.run(
                [str(OTTER), "run", "-a", str(zip_path), "-o", str(out), f"{MODULE}.py"],
                cwd=one,
                check=True,
                capture_output=True,
            )

        ours = median_time(lambda: _grade([one / f"{MODULE}.py"], tmp / "ours", 1), repeat=3)
        theirs = median_time(otter_once, repeat=3)
        ratio = ours / theirs
        rows = [
            Row(
                "grader: 1 submission of module 01, cold (isolated vs otter run)",
                f"{ours:.2f} s",
                f"{theirs:.2f} s",
                ratio,
                ">= 4x faster (ratio <= 0.25)",
                ratio <= 0.25,
                "ours includes starting the fork server (numpy/scipy "
                "imports); otter run has no isolation",
            )
        ]

        stub = release.stub_source(ref.source, MODULE)
        pool = [ref, examples.Example(MODULE, "stub", "stub", stub), *examples.mutants(MODULE)]
        subs = tmp / "subs"
        paths = []
        for i in range(100):
            ex = pool[i % len(pool)]
            paths.append(
                examples.Example(MODULE, f"s{i:03d}_{ex.name}", ex.kind, ex.source).write(subs)
            )
        t0 = time.perf_counter()
        _grade(paths, tmp / "batch", 2)
        wall = time.perf_counter() - t0
        per = wall / len(paths)
        ratio = per / (theirs / 2)
        rows.append(
            Row(
                "grader: batch of 100 module-01 submissions, 2 workers (per submission)",
                f"{per:.2f} s ({len(paths) / wall * 60:.0f}/min)",
                f"{theirs / 2:.2f} s (2 otter runs in parallel)",
                ratio,
                ">= 4x faster (ratio <= 0.25)",
                ratio <= 0.25,
                f"batch wall time {wall:.1f} s; one sandboxed worker per submission",
            )
        )
        return rows + _isolation_rows(tmp) + [_course_row(tmp)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _isolation_rows(tmp: pathlib.Path, n: int = 20) -> list[Row]:
    """Per module: worker seconds per submission, hardened vs in-process."""
    from autograder import examples, inprocess, modules

    rows = []
    for m in modules.ready_modules():
        ref = examples.reference(m.name)
        single = tmp / f"inprocess-{m.name}.py"
        single.write_text(ref.source)
        inproc = median_time(lambda m=m, f=single: inprocess.grade_file(m.name, f), repeat=3)
        subs = [
            examples.Example(m.name, f"ref{i:02d}", "reference", ref.source).write(tmp / m.name)
            for i in range(n)
        ]
        t0 = time.perf_counter()
        _grade(subs, tmp / f"iso-{m.name}", 2, m.name)
        wall_s = 2 * (time.perf_counter() - t0) / n
        worker_s = _graded_seconds(tmp / f"iso-{m.name}") / n
        goal = 2 * inproc + 0.05
        rows.append(
            Row(
                f"grader: isolation cost, module {m.folder[:2]} {m.name} (reference)",
                f"{worker_s:.3f} worker-s",
                f"{inproc:.3f} s in-process",
                worker_s / inproc,
                f"<= 2x + 0.05 s ({goal:.3f} s)",
                worker_s <= goal,
                f"batch of {n} on 2 workers: seconds each submission held its worker (its "
                f"worker's start, import, every call, reaping); with the batch's start (a "
                f"fork server per CPU, started and warmed once), wall x 2 / {n} = "
                f"{wall_s:.3f} s",
            )
        )
    return rows


def _graded_seconds(out: pathlib.Path) -> float:
    """Sum of the grading seconds recorded in ``out/results/*.json`` (``execution_time``)."""
    import json

    return sum(
        json.loads(p.read_text())["execution_time"] for p in (out / "results").glob("*.json")
    )


def _course_row(tmp: pathlib.Path, per_module: int = 40) -> Row:
    """A whole course: every module's reference, stub and mutants, 40 submissions each."""
    from autograder import examples, modules, release

    t0 = time.perf_counter()
    total = 0
    for m in modules.ready_modules():
        ref = examples.reference(m.name)
        stub = examples.Example(m.name, "stub", "stub", release.stub_source(ref.source, m.name))
        pool = [ref, stub, *examples.mutants(m.name)]
        subs = [
            examples.Example(m.name, f"c{i:02d}_{ex.name}", ex.kind, ex.source).write(
                tmp / f"course-{m.name}"
            )
            for i, ex in ((i, pool[i % len(pool)]) for i in range(per_module))
        ]
        _grade(subs, tmp / f"course-out-{m.name}", 2, m.name)
        total += len(subs)
    wall = time.perf_counter() - t0
    return Row(
        f"grader: whole course, 8 modules x {per_module} submissions, 2 workers",
        f"{wall:.1f} s ({total / wall * 60:.0f} submissions/min)",
        "-",
        float("nan"),
        "measured (no baseline)",
        True,
        f"{total} submissions: references, stubs and mutants; a 300-student course of 8 "
        f"assignments would take about {2400 / (total / wall) / 60:.0f} min here",
    )
