"""The "from scratch" rule (``numdl/rules.py``): shortcuts lose their questions, nothing else does.

- every shortcut of ``assignments/NN_<module>/examples/shortcuts/`` and every evasion of
  ``examples/evasions/`` is graded in ONE hardened batch per module (only the questions any of
  them declares to lose): the declared questions score 0 with the rule's message, the others
  keep full marks, and the dynamic ones are flagged;
- every shortcut is otherwise correct: run without the tripwires' watch it loses nothing on
  its public cases (so the zero comes from the rule, not from a wrong result);
- references, alternatives and stubs are never flagged by the static scan;
- ``make check`` (the student's ``tools/check.py``), the notebook's ``grader.check`` and the
  Gradescope zip report a forbidden call the same way.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import textwrap
import zipfile

import pytest

from autograder import (
    examples,
    grader,
    gradescope,
    inprocess,
    modules,
    release,
    report,
    results,
    rules,
    scan,
    testfiles,
)
from autograder.sandbox import Spec

READY = [m.name for m in modules.ready_modules()]
MARK = "which this module asks you to implement yourself"


def _corpus(module: str) -> list[examples.Example]:
    return examples.shortcuts(module) + examples.shortcuts(module, "evasions")


def _lost(ex: examples.Example) -> set[str]:
    return set(ex.question.split())


def test_every_module_has_three_shortcuts_one_of_them_dynamic():
    for module in READY:
        cuts = examples.shortcuts(module)
        assert len(cuts) >= 3, f"{module}: {len(cuts)} shortcuts"
        assert any(examples.flagged(ex) for ex in cuts), f"{module}: no dynamic shortcut"
        assert all(_lost(ex) for ex in cuts), f"{module}: a shortcut that loses nothing"


def test_the_rule_covers_every_module_and_names_importable_routines():
    r = rules.load()
    assert set(r.FORBIDDEN) == set(modules.MODULES)
    for module in READY:
        for entry in r.FORBIDDEN[module]:
            top, _, attr = entry.rpartition(".")
            mod = __import__(entry if not attr or top == "" else top, fromlist=["_"])
            assert hasattr(mod, attr) or entry in sys.modules, entry
    assert r.is_forbidden("classification", "scipy.special.softmax") == "scipy.special.softmax"
    assert r.is_forbidden("mlp", "scipy.optimize._minimize.minimize") == "scipy.optimize"
    assert r.is_forbidden("mlp", "scipy.special.softmax") is None  # not mlp's rule
    assert r.is_forbidden("spectral", "sklearn.cluster.KMeans") == "sklearn"


@pytest.mark.parametrize("module", READY)
def test_references_alternatives_and_stubs_are_not_flagged(module):
    r = rules.load()
    ref = examples.reference(module)
    subs = [ref, *examples.alternatives(module)]
    stub = release.stub_source(ref.source, module)
    assert scan.flags(stub, module, r) == []
    for ex in subs:
        assert scan.flags(ex.source, module, r) == [], ex.name


@pytest.mark.parametrize("module", READY)
def test_shortcuts_are_correct_apart_from_the_rule(module, tmp_path):
    """Unwatched (no ``__file__``, so the tripwires do not attribute calls), every shortcut
    passes the public cases of the questions it loses: the rule, not a bug, costs it."""
    for ex in examples.shortcuts(module):
        path = ex.write(tmp_path) / "numdl" / f"{module}.py"
        namespace = {k: v for k, v in vars(inprocess.import_file(path, module)).items()}
        namespace.pop("__file__")
        files = [f for f in modules.get(module).test_files() if f.stem in _lost(ex)]
        for q in testfiles.run_files(files, namespace, public_only=True):
            assert q.passed_all, f"{ex.name} {q.name}: {testfiles.summary([q])}"


@pytest.mark.parametrize("module", READY)
def test_in_process_shortcuts_lose_exactly_their_questions(module, tmp_path):
    """The in-process runner (``make check``'s and the project tests')."""
    for ex in examples.shortcuts(module):
        path = ex.write(tmp_path) / "numdl" / f"{module}.py"
        lost = _lost(ex)
        for q in inprocess.grade_file(module, path, questions=lost | {"q1"}):
            if q.name in lost:
                assert q.score == 0 and MARK in q.note, f"{ex.name} {q.name}: {q.note!r}"
            else:
                assert q.score == q.possible, f"{ex.name} {q.name}: {testfiles.summary([q])}"


@pytest.fixture(scope="module", params=READY)
def hardened(request, tmp_path_factory):
    module = request.param
    corpus = _corpus(module)
    questions = set().union(*(_lost(ex) for ex in corpus))
    spec = Spec.from_registry(module)
    spec = dataclasses.replace(spec, tests=[t for t in spec.tests if t.stem in questions])
    base = tmp_path_factory.mktemp(f"forbidden_{module}")
    paths = [ex.write(base / "subs") for ex in corpus]
    recs = grader.grade_batch(spec, paths, base / "out", workers=2, progress=False)
    by_name = {r["extra_data"]["submission"]: r for r in recs}
    return module, corpus, questions, {**by_name, "__out__": base / "out"}


def test_hardened_grader_zeroes_exactly_the_declared_questions(hardened):
    module, corpus, questions, recs = hardened
    for ex in corpus:
        rec = recs[ex.name]
        x = rec["extra_data"]
        assert x["status"] == "ok", (ex.name, x["message"])
        for q in questions:
            if q in _lost(ex):
                assert x["questions"][q] == 0, (ex.name, q, x["questions"])
                notes = [t["output"] for t in rec["tests"] if t["extra_data"]["question"] == q]
                assert all(MARK in n for n in notes), (ex.name, q, notes[:1])
            else:
                assert x["questions"][q] == x["possible"][q], (ex.name, q, rec["output"][:2000])
        runtime = [f for f in x["flags"] if f.startswith("forbidden call in ")]
        assert {f.split(":")[0].rsplit(" ", 1)[1] for f in runtime} == _lost(ex), ex.name


def test_hardened_grader_flags_dynamic_access(hardened):
    module, corpus, questions, recs = hardened
    for ex in corpus:
        flags = recs[ex.name]["extra_data"]["flags"]
        dynamic = [f for f in flags if f.startswith(("dynamic:", "private:"))]
        if examples.flagged(ex):
            assert dynamic, (ex.name, flags)
        else:
            assert not dynamic, (ex.name, flags)
            assert any(f.startswith("forbidden:") for f in flags), (ex.name, flags)


def test_gradebook_has_the_flags_column(hardened):
    module, corpus, questions, recs = hardened
    out = recs["__out__"]
    rows = {r["submission"]: r for r in results.read_gradebook(out / "gradebook.csv")}
    header = (out / "gradebook.csv").read_text().splitlines()[0].split(",")
    assert header[:6] == ["submission", "sha256", "status", "score", "max_score", "flags"]
    for ex in corpus:
        assert rows[ex.name]["flags"].split(";") == recs[ex.name]["extra_data"]["flags"]
    assert "Flags for review" in report.report(out)


def _student_repo(tmp_path, module: str, source: str):
    """A copy of the student template with ``source`` as ``numdl/<module>.py`` and the
    reference of the prerequisites (a student who finished the earlier modules)."""
    repo = tmp_path / "student"
    shutil.copytree(modules.STUDENT_TEMPLATE, repo, ignore=shutil.ignore_patterns(".venv"))
    (repo / "numdl" / f"{module}.py").write_text(source)
    for pre in modules.get(module).prereqs:
        shutil.copy(modules.get(pre).source, repo / "numdl" / f"{pre}.py")
    return repo


CHECKED = [("classification", "shortcut_scipy_softmax"), ("mlp", "shortcut_approx_fprime_dynamic")]


@pytest.mark.parametrize(("module", "name"), CHECKED)
def test_make_check_reports_the_forbidden_call(module, name, tmp_path):
    ex = next(e for e in examples.shortcuts(module) if e.name == name)
    repo = _student_repo(tmp_path, module, ex.source)
    proc = subprocess.run(
        [sys.executable, "tools/check.py", module],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stdout[-2000:] + proc.stderr[-2000:]
    for q in _lost(ex):
        assert f"{q} scores 0: " in proc.stdout and MARK in proc.stdout, proc.stdout[-3000:]


def test_notebook_grader_check_reports_the_forbidden_call(tmp_path):
    ex = next(e for e in examples.shortcuts("classification") if e.name == "shortcut_scipy_softmax")
    repo = _student_repo(tmp_path, "classification", ex.source)
    code = (
        "import sys; sys.path[:0] = ['../..']\n"
        "import otter\n"
        "grader = otter.Notebook(tests_dir='tests')\n"
        "from numdl.classification import *\n"
        "r = grader.check('q1'); print(repr(r)); print('SCORE', r.grade)\n"
        "r = grader.check('q4'); print('SCORE4', r.grade)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=repo / "assignments" / "03_classification",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert MARK in proc.stdout and "SCORE 0" in proc.stdout, proc.stdout[-3000:]
    assert "SCORE4 1" in proc.stdout, proc.stdout[-3000:]  # check_derivative: unaffected


def test_gradescope_zip_zeroes_the_shortcut(tmp_path):
    module = "classification"
    ex = next(e for e in examples.shortcuts(module) if e.name == "shortcut_scipy_softmax")
    path = gradescope.build(module, tmp_path / "dist")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(path) as z:
        assert "solutions/numdl/rules.py" in z.namelist()
        assert "solutions/numdl/tripwires.py" in z.namelist()
        z.extractall(root / "source")
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    ex.write(root).rename(root / "submission")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    proc = subprocess.run(
        ["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rec = json.loads((root / "results" / "results.json").read_text())
    x = rec["extra_data"]
    assert [q for q, s in x["questions"].items() if s < x["possible"][q]] == sorted(_lost(ex))
    assert MARK in rec["output"] and x["flags"]


def test_tripwires_attribute_calls_to_the_watched_file_only(tmp_path):
    """Only calls made straight from the graded module's file count: not those of numpy's own
    building blocks (``np.polyfit`` uses ``lstsq``), of other files (provided modules, earlier
    references, the tests), while a routine handed to ``np.vectorize`` still counts."""
    import numpy as np
    import scipy.special

    from numdl import tripwires

    helper = tmp_path / "helper.py"
    helper.write_text("import numpy as np\ndef fit(A, b):\n    return np.linalg.lstsq(A, b)[0]\n")
    student = tmp_path / "least_squares.py"
    student.write_text(
        "import numpy as np\nimport helper\n"
        "def direct(A, b):\n    return np.linalg.lstsq(A, b)[0]\n"
        "def _inner(A, b):\n    return np.linalg.pinv(A) @ b\n"
        "def through_helper(A, b):\n    return _inner(A, b)\n"
        "def provided(A, b):\n    return helper.fit(A, b)\n"
        "def building_block(x, y):\n    return np.polyfit(x, y, 1)\n"
        "def passed_on(A, B):\n"
        "    return np.vectorize(np.linalg.pinv, signature='(m,n)->(n,m)')(B[None])\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        tripwires.install("least_squares")
        tripwires.install("classification")
        mod = inprocess.import_file(student, "least_squares")
        A, b = np.random.default_rng(0).standard_normal((6, 3)), np.ones(6)
        with tripwires.watching([str(student)], "least_squares"):
            tripwires.take()
            calls = {}
            for name, args in [
                ("direct", (A, b)),
                ("through_helper", (A, b)),
                ("provided", (A, b)),
                ("building_block", (np.arange(5.0), np.arange(5.0) * 2)),
                ("passed_on", (A, np.ones((6, 2)))),
            ]:
                getattr(mod, name)(*args)
                calls[name] = tripwires.take()
            S = np.random.default_rng(1).standard_normal((3, 4))
            P = scipy.special.softmax(S, axis=0)  # the test's own call: performed, not recorded
            assert tripwires.take() == []
    finally:
        sys.path.remove(str(tmp_path))
    assert calls["direct"] == [{"function": "direct", "routine": "numpy.linalg.lstsq"}]
    assert calls["through_helper"] == [
        {"function": "through_helper", "routine": "numpy.linalg.pinv"}
    ]
    assert calls["provided"] == calls["building_block"] == []
    assert calls["passed_on"] == [{"function": "passed_on", "routine": "numpy.linalg.pinv"}]
    assert np.allclose(P, np.exp(S) / np.exp(S).sum(axis=0))


def test_tripwires_wrap_a_forbidden_module_when_it_is_imported(tmp_path):
    """``install`` imports nothing: a forbidden module or routine host not loaded yet is wrapped
    when it is imported (by the student, or by another module), as if installed after it."""
    student = tmp_path / "spectral.py"
    student.write_text(
        "def distances(Y):\n"
        "    import scipy.spatial.distance as d\n"
        "    return d.cdist(Y.T, Y.T)\n"
        "def solve(A, b):\n"
        "    import scipy.linalg\n"
        "    return scipy.linalg.lstsq(A, b)[0]\n"
    )
    script = textwrap.dedent("""
        import json, sys
        import numpy as np
        from numdl import rules, tripwires
        for m in rules.FORBIDDEN:
            tripwires.install(m)
        lazy = ["scipy.spatial", "scipy.cluster", "scipy.optimize", "scipy.signal", "scipy.linalg"]
        loaded = [n for n in lazy if n in sys.modules]
        sys.path.insert(0, sys.argv[1])
        import spectral
        Y, A = np.ones((2, 3)), np.eye(3)
        calls = {}
        for module, name, args in [("spectral", "distances", (Y,)),
                                   ("least_squares", "solve", (A, A[0]))]:
            with tripwires.watching([spectral.__file__], module):
                tripwires.take()
                getattr(spectral, name)(*args)
                calls[name] = tripwires.take()
        import scipy.stats  # imports scipy.optimize: wrapped for the modules that forbid it
        opt = sys.modules["scipy.optimize"]
        minimize = id(opt.minimize) in tripwires._key_of_wrapper
        print(json.dumps({"loaded": loaded, "calls": calls, "minimize": minimize}))
    """)
    env = dict(os.environ, PYTHONPATH=str(modules.PACKAGE.parent))
    proc = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout)
    assert out["loaded"] == []  # install imported none of them
    assert out["calls"]["distances"] == [
        {"function": "distances", "routine": "scipy.spatial.distance.cdist"}
    ]
    assert out["calls"]["solve"] == [{"function": "solve", "routine": "scipy.linalg.lstsq"}]
    assert out["minimize"] is True


@pytest.mark.parametrize("module", ["spectral", "least_squares", "conv", "mlp"])
def test_a_single_submission_with_a_lean_fork_server_loses_the_same_questions(module, tmp_path):
    """One submission alone (Gradescope's case): its fork server preloads numpy only, so the
    forbidden modules are imported, and wrapped, only when the submission imports them."""
    for ex in _corpus(module):
        spec = Spec.from_registry(module)
        spec = dataclasses.replace(spec, tests=[t for t in spec.tests if t.stem in _lost(ex)])
        path = ex.write(tmp_path / ex.name)
        (rec,) = grader.grade_batch(spec, [path], tmp_path / f"out-{ex.name}", progress=False)
        x = rec["extra_data"]
        assert x["status"] == "ok", (ex.name, x["message"])
        assert all(x["questions"][q] == 0 for q in _lost(ex)), (ex.name, x["questions"])
        runtime = [f for f in x["flags"] if f.startswith("forbidden call in ")]
        assert {f.split(":")[0].rsplit(" ", 1)[1] for f in runtime} == _lost(ex), (ex.name, x)


def test_scan_flags_the_import_system_state():
    """Removing the tripwires' import hook would let a forbidden module load unwrapped."""
    r = rules.load()
    src = (
        "import sys\nfrom sys import meta_path\n"
        "def f():\n    sys.meta_path.clear()\n    return sys.modules['numpy'], meta_path\n"
    )
    flags = scan.flags(src, "spectral", r)
    assert "dynamic: `sys.meta_path` (line 2)" in flags  # one flag per name: its first line
    assert "dynamic: `sys.modules` (line 5)" in flags
    assert scan.flags("import sys\ndef f():\n    return sys.path\n", "spectral", r) == []
