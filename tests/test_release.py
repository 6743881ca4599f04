"""``make release``: the committed student template is up to date, nothing hidden leaks into it,
stubs keep signatures and docstrings, and the student's ``make check`` works."""

from __future__ import annotations

import ast
import pathlib
import shutil
import subprocess
import sys

import pytest

from autograder import modules, release

READY = modules.ready_modules()


def tree(root: pathlib.Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts and ".venv" not in p.parts
    }


def test_student_template_is_up_to_date(tmp_path):
    release.build(tmp_path)
    fresh, committed = tree(tmp_path), tree(modules.STUDENT_TEMPLATE)
    assert sorted(fresh) == sorted(committed), "run `make release`: the file lists differ"
    stale = [name for name in fresh if fresh[name] != committed[name]]
    assert not stale, f"run `make release`: these files are stale: {stale}"


def test_release_is_deterministic(tmp_path):
    release.build(tmp_path / "a")
    release.build(tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def _template_text() -> str:
    return "\n".join(
        p.read_text(errors="replace")
        for p in modules.STUDENT_TEMPLATE.rglob("*")
        if p.is_file() and p.suffix in {".py", ".ipynb", ".md", ".txt", ""}
    )


def _outside_regions(source: str) -> set[str]:
    """Stripped lines outside the solution markers (parsed here, independently of release)."""
    out, inside = set(), False
    for line in source.splitlines():
        s = line.strip()
        if s in (release.BEGIN, release.END):
            inside = s == release.BEGIN
        elif not inside:
            out.add(s)
    return out


#: Solution lines that a handout shows on purpose, each with the reason.
SHOWN_IN_HANDOUTS: dict[str, str] = {}


def _public_material() -> set[str]:
    """Lines students may legitimately see: provided modules, code outside the solution regions,
    the test files (they state the specification), and the lines handouts show on purpose.
    Notebooks are not public material: a solution line in a handout is a leak."""
    lines: set[str] = set(SHOWN_IN_HANDOUTS)
    for p in modules.PACKAGE.glob("*.py"):
        lines |= _outside_regions(p.read_text())
    for p in modules.ASSIGNMENTS.rglob("tests/q*.py"):
        lines |= {ln.strip() for ln in p.read_text().splitlines()}
    return lines


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_no_solution_line_leaks(module):
    public = _public_material()
    secret = [
        line
        for line in release.solution_lines(module.source.read_text())
        if len(line) >= 20 and not line.startswith("#") and line not in public
    ]
    assert secret, "the reference has no solution region"
    text = _template_text()
    leaked = [line for line in secret if line in text]
    assert not leaked, f"solution lines reached student_template/: {leaked[:5]}"


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_no_hidden_test_leaks(module):
    text = _template_text()
    for path in module.test_files():
        source = path.read_text()
        hidden = release.hidden_case_names(source)
        assert hidden, f"{path.name} has no hidden case"
        public = release.public_test_source(source)
        for name in hidden:
            assert f"def {name}(" not in text, f"hidden case {name} of {path} leaked"
        assert "hidden=True" not in public
        public_lines = {ln.strip() for ln in public.splitlines()}
        body = [
            ln.strip()
            for ln in source.splitlines()
            if len(ln.strip()) >= 40 and ln.strip() not in public_lines
        ]
        released = (
            modules.STUDENT_TEMPLATE / "assignments" / module.folder / "tests" / path.name
        ).read_text()
        leaked = [ln for ln in body if ln in released]
        assert not leaked, f"hidden lines of {path.name} reached the template: {leaked[:3]}"


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_stubs_keep_signatures_and_docstrings(module):
    ref = ast.parse(module.source.read_text())
    stub = ast.parse((modules.STUDENT_TEMPLATE / "numdl" / f"{module.name}.py").read_text())
    ref_funcs = {
        f.name: f for f in ref.body if isinstance(f, ast.FunctionDef) and not f.name.startswith("_")
    }
    stub_funcs = {f.name: f for f in stub.body if isinstance(f, ast.FunctionDef)}
    assert set(ref_funcs) <= set(stub_funcs)
    for name, f in ref_funcs.items():
        s = stub_funcs[name]
        assert ast.dump(f.args) == ast.dump(s.args), f"{name}: signature changed"
        assert ast.get_docstring(f) == ast.get_docstring(s), f"{name}: docstring changed"
        raises = [n for n in ast.walk(s) if isinstance(n, ast.Raise)]
        assert raises and "NotImplementedError" in ast.unparse(raises[0]), name


def _make_check(repo: pathlib.Path, module: str) -> subprocess.CompletedProcess:
    venv = pathlib.Path(sys.executable).parent.parent
    return subprocess.run(
        [
            "make",
            "-s",
            "-o",
            f"{venv}/.installed-stamp",
            "check",
            f"MODULE={module}",
            f"VENV={venv}",
        ],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_student_make_check(module, tmp_path):
    repo = tmp_path / "student"
    shutil.copytree(modules.STUDENT_TEMPLATE, repo)
    failing = _make_check(repo, module.name)
    assert failing.returncode != 0, failing.stdout + failing.stderr
    assert "hidden test cases exist" in failing.stdout.lower()
    assert "FAILED" in failing.stdout
    for name in (module.name, *module.prereqs):
        shutil.copy(modules.get(name).source, repo / "numdl" / f"{name}.py")
    passing = _make_check(repo, module.name)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "FAILED" not in passing.stdout
