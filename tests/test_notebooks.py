"""Every handout notebook executes, top to bottom, against the reference solutions (nbclient)."""

from __future__ import annotations

import os
import pathlib
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder import modules

READY = [m for m in modules.ready_modules() if m.notebook.exists()]


def execute(path: pathlib.Path, cwd: pathlib.Path, timeout: int = 300) -> nbformat.NotebookNode:
    """Execute a notebook in ``cwd`` with this interpreter's kernel; raises on a failing cell."""
    nb = nbformat.read(path, as_version=4)
    env_path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    os.environ["PATH"] = env_path  # the kernel is started from this venv's `python`
    os.environ.setdefault("MPLBACKEND", "Agg")
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute()
    return nb


@pytest.mark.parametrize("module", READY, ids=[m.name for m in READY])
def test_notebook_executes_against_reference(module):
    nb = execute(module.notebook, module.assignment)
    errors = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
        if o.get("output_type") == "error"
    ]
    assert not errors, errors
    checks = [c for c in nb.cells if c.cell_type == "code" and "grader.check(" in c.source]
    assert checks, "the notebook has no grader.check cells"
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
        for c in checks
        for o in c.get("outputs", [])
    )
    assert "failed" not in text.lower(), f"a grader.check cell fails against the reference:\n{text}"


def test_handout_works_in_the_student_repository(tmp_path):
    """The released notebook's set-up cell finds the student's ``numdl`` and its checks pass once
    the student's module is right (module 01, with the reference copied in as the student's)."""
    import shutil

    module = modules.get("spectral")
    repo = tmp_path / "student"
    shutil.copytree(modules.STUDENT_TEMPLATE, repo)
    shutil.copy(module.source, repo / "numdl" / "spectral.py")
    folder = repo / "assignments" / module.folder
    nb = execute(folder / module.notebook.name, folder)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    text = "\n".join(
        o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs
    )
    assert "q7 results: All test cases passed!" in text
    assert "failed" not in text.lower()
