"""No public helper is a solution: a top-level function of a public test file or of a handout
code cell, substituted for a graded function it could stand in for (same parameter names, or
the same number of parameters or of required parameters), must not pass every case of a
question that receives that graded function.

Public test files are the test files without their hidden cases (as released); a helper of a
test file is tried on the graded functions of its own question, a handout helper on the graded
functions of its module and of every earlier module (handouts may re-implement earlier work).
"""

from __future__ import annotations

import ast
import inspect
import json

import pytest

from autograder import inprocess, modules, release, testfiles

READY = modules.ready_modules()


def _reference_namespace(module: modules.Module) -> dict:
    return dict(vars(inprocess.import_file(module.source, module.name)))


def _graded(module: modules.Module) -> dict:
    """The graded functions of a module (its ``__all__``), from the reference."""
    ns = _reference_namespace(module)
    return {name: ns[name] for name in ns.get("__all__", ())}


def _signature(f) -> tuple[list[str], int]:
    params = [
        p
        for p in inspect.signature(f).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    ]
    required = sum(p.default is p.empty for p in params)
    return [p.name for p in params], required


def _fits(helper, graded) -> bool:
    (hn, hr), (gn, gr) = _signature(helper), _signature(graded)
    return hn == gn or len(hn) == len(gn) or (hr == gr and hr > 0)


def _helpers(source: str, namespace: dict) -> dict:
    """Execute the top-level function definitions of ``source`` (and its imports) and return the
    undecorated ones (test cases are decorated) by name."""
    tree = ast.parse(source)
    keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef))]
    exec(compile(ast.Module(keep, []), "<public helpers>", "exec"), namespace)  # noqa: S102
    names = [n.name for n in keep if isinstance(n, ast.FunctionDef) and not n.decorator_list]
    return {name: namespace[name] for name in names}


def _cases_receiving(path, name: str) -> list[str]:
    return [
        tc.name
        for tc in testfiles.load(path).test_cases
        if name in inspect.signature(tc.body.test_func).parameters
    ]


def _passes_every_case_of(path, namespace: dict, name: str) -> bool:
    """True when every case of ``path`` that receives ``name`` passes with ``namespace``."""
    cases = set(_cases_receiving(path, name))
    result = testfiles.run_file(path, namespace)
    return all(c.passed for c in result.cases if c.name in cases)


def _substitutions(module: modules.Module):
    """(label, question file, graded name, helper) for every helper that fits a graded function."""
    graded = _graded(module)
    out = []
    for path in module.test_files():
        public = release.public_test_source(path.read_text())
        for hname, helper in _helpers(public, {"__name__": f"public_{path.stem}"}).items():
            for gname, g in graded.items():
                if _cases_receiving(path, gname) and _fits(helper, g):
                    out.append((f"{path.name}:{hname}", path, gname, helper))
    nb = json.loads(module.notebook.read_text()) if module.notebook.exists() else {"cells": []}
    earlier = READY[: READY.index(module) + 1]
    for i, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        code = "".join(cell["source"])
        code = "\n".join(ln for ln in code.splitlines() if not ln.lstrip().startswith(("%", "!")))
        try:
            ast.parse(code)
        except SyntaxError:
            continue
        ns = _reference_namespace(module) | {"__name__": f"handout_{module.name}_{i}"}
        for hname, helper in _helpers(code, ns).items():
            for other in earlier:
                for gname, g in _graded(other).items():
                    for path in other.test_files():
                        if _cases_receiving(path, gname) and _fits(helper, g):
                            label = f"{module.notebook.name} cell {i}:{hname} for {other.name}"
                            out.append((label, path, gname, helper))
    return out


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_no_public_helper_passes_a_question(module):
    leaks = []
    for label, path, gname, helper in _substitutions(module):
        owner = next(m for m in READY if path.is_relative_to(m.tests_dir))
        ns = _reference_namespace(owner)
        ns[gname] = helper
        if _passes_every_case_of(path, ns, gname):
            leaks.append(f"{label} passes every case of {owner.name} {path.stem} as {gname}")
    assert not leaks, "public helpers that are solutions:\n" + "\n".join(leaks)
