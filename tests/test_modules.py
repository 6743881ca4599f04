"""Every graded module: the reference scores 100% (hidden cases included), the stubs score 0,
every mutant loses points on its question and gets a hint naming it, every correct alternative
gets full marks and no hint."""

from __future__ import annotations

import pytest

from autograder import examples, inprocess, modules, release, testfiles
from numdl import hints as numdl_hints

READY = [m.name for m in modules.ready_modules()]


def _collect(builder) -> list[examples.Example]:
    """All examples of all ready modules; a module whose examples cannot be built yields one
    broken entry (its test fails with the reason) instead of breaking collection."""
    out = []
    for m in READY:
        try:
            out += builder(m)
        except Exception as e:  # noqa: BLE001 - reported by the test
            out.append(examples.Example(m, "unbuildable", "broken", "", why=f"{e}"))
    return out


MUTANTS = _collect(examples.mutants)
ALTERNATIVES = _collect(examples.alternatives)


def _grade(example: examples.Example, tmp_path, questions=None):
    path = tmp_path / f"{example.module}.py"
    path.write_text(example.source)
    return inprocess.grade_file(example.module, path, questions=questions)


def _failures(results):
    return "\n".join(
        [q.note for q in results if q.note]
        + [f"{c.name}: {c.message}" for q in results for c in q.cases if not c.passed]
    )


@pytest.mark.parametrize("module", READY)
def test_reference_scores_full_marks(module, tmp_path):
    results = _grade(examples.reference(module), tmp_path)
    assert all(q.passed_all for q in results), _failures(results)


@pytest.mark.parametrize("module", READY)
def test_question_files_are_well_formed(module):
    """Points declared per file match the cases; every question has public and hidden cases."""
    for path in modules.get(module).test_files():
        tf = testfiles.load(path)
        assert tf.name == path.stem, f"{path}: name {tf.name!r} != file name"
        assert any(not tc.hidden for tc in tf.test_cases), f"{path}: no public case"
        assert any(tc.hidden for tc in tf.test_cases), f"{path}: no hidden case"
        assert all(tc.points > 0 for tc in tf.test_cases), f"{path}: a case without points"


@pytest.mark.parametrize("module", READY)
def test_every_question_has_a_mutant_and_an_alternative(module):
    """Each question is shown to catch a realistic bug (a mutant declared for it) and to accept a
    different correct answer (an alternative that re-defines a function its cases receive)."""
    import ast
    import inspect

    mod = modules.get(module)
    api = {
        n.name
        for n in ast.parse(mod.source.read_text()).body
        if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    }
    redefined = [
        {n.name for n in ast.parse(p.read_text()).body if isinstance(n, ast.FunctionDef)} & api
        for p in (mod.examples / "alternatives").glob("*.py")
    ]
    caught = {e.question for e in examples.mutants(module)}
    for path in mod.test_files():
        used = set()
        for tc in testfiles.load(path).test_cases:
            used |= set(inspect.signature(tc.body.test_func).parameters) & api
        assert path.stem in caught, f"{module} {path.stem}: no mutant declared for it"
        assert any(r & used for r in redefined), (
            f"{module} {path.stem}: no alternative re-defines any of {sorted(used)}"
        )


@pytest.mark.parametrize("module", READY)
def test_reference_imports_only_declared_prerequisites(module):
    """The grader stages the provided modules and the declared prerequisites only."""
    import ast

    mod = modules.get(module)
    allowed = set(modules.PROVIDED) | set(mod.prereqs)
    for node in ast.walk(ast.parse(mod.source.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("numdl."):
            name = node.module.split(".")[1]
            assert name in allowed, f"{module} imports numdl.{name}: declare it in modules.py"


@pytest.mark.parametrize("module", READY)
def test_stubs_score_zero(module, tmp_path):
    stub = release.stub_source(modules.get(module).source.read_text(), module)
    ex = examples.Example(module, "stub", "stub", stub)
    results = _grade(ex, tmp_path)
    passed = [c.name for q in results for c in q.cases if c.passed]
    assert not passed, f"the blank template passes {passed}"


@pytest.mark.parametrize("module", READY)
def test_enough_examples(module):
    assert len(examples.mutants(module)) >= 12, "at least 12 mutants per module"
    assert len(examples.alternatives(module)) >= 2, "at least 2 correct alternatives per module"


@pytest.mark.parametrize("example", MUTANTS, ids=[e.name + "@" + e.module for e in MUTANTS])
def test_mutant_loses_points_on_its_question(example, tmp_path):
    assert example.kind == "mutant", f"the mutants could not be built: {example.why}"
    (q,) = _grade(example, tmp_path, questions={example.question})
    assert q.score < q.possible, f"{example.name} ({example.why}) gets full marks on {q.name}"
    assert not [c.name for c in q.cases if c.passed and c.hint], "a passing case has a hint"
    hints = [c.hint for c in q.cases if not c.passed and c.hint]
    assert any(example.why in numdl_hints.mistakes(h) for h in hints), (
        f"{example.name} gets no hint naming it (hints: {hints}); run `make release`"
    )


@pytest.mark.parametrize(
    "example", ALTERNATIVES, ids=[e.name + "@" + e.module for e in ALTERNATIVES]
)
def test_alternative_gets_full_marks(example, tmp_path):
    assert example.kind == "alternative", f"the alternatives could not be built: {example.why}"
    results = _grade(example, tmp_path)
    assert all(q.passed_all for q in results), _failures(results)
    assert not [c.hint for q in results for c in q.cases if c.hint], "a correct answer got a hint"


def test_a_test_file_runs_afresh_on_every_load(tmp_path):
    """``testfiles.load`` compiles a file once but executes it on every load: module-level
    state of one submission's tests never reaches the next, and an edited file is reloaded."""
    path = tmp_path / "q1.py"
    body = (
        "from otter.test_files import test_case\n"
        "name = 'q1'\nseen = []\n"
        "@test_case(points=1)\n"
        "def test_once(f):\n"
        "    seen.append(1)\n"
        "    assert len(seen) == 1 and f() == {value}\n"
    )
    path.write_text(body.format(value=1))
    namespace = {"f": lambda: 1}
    first, second = (testfiles.run_file(path, namespace) for _ in range(2))
    assert first.score == second.score == 1.0
    a, b = testfiles.load(path), testfiles.load(path)
    assert a.test_cases[0].body.test_func is not b.test_cases[0].body.test_func
    path.write_text(body.format(value=2))
    assert testfiles.run_file(path, namespace).score == 0.0
