"""``make demo``: release, then grade example submissions of every ready module.

For every ready module it writes the reference, the template stub and three mutants (and,
for module 01, a few attacks) as student repositories under ``out/demo/<module>/submissions``,
grades them with the hardened grader (2 workers) into ``out/demo/<module>/graded``, and prints
the gradebook and the report table.
"""

from __future__ import annotations

import pathlib
import shutil
import time

from autograder import examples, modules, release, report

#: A few attacks for module 01, appended to the stub (cheating) or injected into the reference.
SPECTRAL_ATTACKS = {
    "attack_patch_allclose": ("stub", "import numpy as _np\n_np.allclose = lambda *a, **k: True\n"),
    "attack_fake_equality": (
        "stub",
        "class _Any:\n    def __eq__(self, other):\n"
        "        return True\ndef squared_distances(Y):\n    return _Any()\n",
    ),
    "attack_forge_results": (
        "stub",
        "import os\nfor p in ('results.json', '../results.json'):\n"
        "    try:\n        open(p, 'w').write('{\"score\": 32}')\n"
        "    except OSError:\n        pass\n",
    ),
    "attack_infinite_loop": (
        "reference",
        "def kmeans(Y, k, max_iter=100, rng=None):\n    while True:\n        pass\n",
    ),
    "attack_os_exit": ("reference", "\nimport os\ndef squared_distances(Y):\n    os._exit(0)\n"),
}


def example_submissions(module: str, folder: pathlib.Path) -> list[pathlib.Path]:
    """Write the demo submissions of ``module`` into ``folder``; return their paths."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    ref = examples.reference(module)
    stub = examples.Example(module, "stub", "stub", release.stub_source(ref.source, module))
    chosen = [ref, stub, *examples.mutants(module)[:3]]
    if module == "spectral":
        for name, (base, code) in SPECTRAL_ATTACKS.items():
            src = (ref if base == "reference" else stub).source
            chosen.append(examples.Example(module, name, "attack", src + "\n\n" + code))
    return [ex.write(folder) for ex in chosen]


def grade_module(module: str, out: pathlib.Path, workers: int = 2) -> str:
    """Grade the demo submissions of one module; return the gradebook and the report table."""
    from autograder import grader, inprocess
    from autograder.sandbox import Limits, Spec

    inprocess.ensure_reference_on_path()
    paths = example_submissions(module, out / "submissions")
    graded = out / "graded"
    if graded.exists():
        shutil.rmtree(graded)
    grader.grade_batch(
        Spec.from_registry(module),
        paths,
        graded,
        workers=workers,
        limits=Limits(timeout=10),
        progress=False,
    )
    book = (graded / "gradebook.csv").read_text()
    return book + "\n" + report.report(graded)


def main(out: pathlib.Path) -> int:
    import warnings

    from autograder import gradescope

    warnings.filterwarnings("ignore", category=RuntimeWarning)  # from tests on wrong answers
    t0 = time.monotonic()
    release.release()
    zips = gradescope.build_all()
    print(
        f"released {len(modules.ready_modules())} module(s) into student_template/ and "
        f"{len(zips)} Gradescope zip(s) into dist/autograder/"
    )
    for m in modules.ready_modules():
        print(f"\n=== {m.folder}: grading example submissions (2 workers) ===")
        print(grade_module(m.name, out / m.name))
    print(f"\ndemo done in {time.monotonic() - t0:.0f} s; results under {out}")
    return 0
