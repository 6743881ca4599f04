"""Every hidden case says which public case of its question shows the behaviour it varies: a
line ``Varies: <public test name> ...`` in its docstring naming a public case of the same file
(API.md, "What is graded": hidden cases only vary what public cases show)."""

from __future__ import annotations

import ast
import re

import pytest

from autograder import modules, release

READY = modules.ready_modules()


def _missing(path) -> list[str]:
    source = path.read_text()
    hidden = set(release.hidden_case_names(source))
    cases = [
        n
        for n in ast.parse(source).body
        if isinstance(n, ast.FunctionDef)
        and any(
            isinstance(d, ast.Call) and getattr(d.func, "id", "") == "test_case"
            for d in n.decorator_list
        )
    ]
    public = {n.name for n in cases if n.name not in hidden}
    out = []
    for node in cases:
        if node.name not in hidden:
            continue
        doc = ast.get_docstring(node) or ""
        named = re.findall(r"^Varies:\s*(.*)$", doc, flags=re.M)
        names = set(re.findall(r"\btest_\w+", " ".join(named)))
        if not names:
            out.append(f"{path.name}:{node.name} has no 'Varies: <public case>' line")
        elif not names <= public:
            out.append(f"{path.name}:{node.name} names {sorted(names - public)}: not public cases")
    return out


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_every_hidden_case_varies_a_public_one(module):
    missing = [m for path in module.test_files() for m in _missing(path)]
    assert not missing, "\n".join(missing)
