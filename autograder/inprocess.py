"""The simple honest runner: import a submission in this process and run the tests on it.

No isolation at all: use it only for code you trust (the reference, generated stubs, the
mutant corpus, a student's own ``make check``). Untrusted submissions go through the hardened
grader (``python -m autograder grade``).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import io
import pathlib
import sys
from types import ModuleType

from autograder import modules, testfiles


def ensure_reference_on_path() -> None:
    """Make ``import numdl`` resolve to ``solutions/numdl`` (provided + prerequisite modules)."""
    path = str(modules.SOLUTIONS)
    if path not in sys.path:
        sys.path.insert(0, path)


def import_file(path: str | pathlib.Path, module: str) -> ModuleType:
    """Import a module file under a private name (the reference package stays untouched)."""
    ensure_reference_on_path()
    path = pathlib.Path(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(f"_submission_{module}_{digest}", path)
    mod = importlib.util.module_from_spec(spec)
    with contextlib.redirect_stdout(io.StringIO()):
        spec.loader.exec_module(mod)
    return mod


def grade_file(
    module: str,
    path: str | pathlib.Path,
    *,
    public_only: bool = False,
    questions: set[str] | None = None,
) -> list[testfiles.QuestionResult]:
    """Grade one ``<module>.py`` file in-process (only ``questions``, e.g. ``{"q2"}``, if given);
    an import error fails every question and is recorded in each question's ``note``."""
    mod = modules.get(module)
    files = [f for f in mod.test_files() if questions is None or f.stem in questions]
    try:
        namespace = vars(import_file(path, module))
    except Exception as e:  # noqa: BLE001 - a broken submission still gets a result
        namespace = {}
        note = f"the submission could not be imported: {type(e).__name__}: {e}"
    else:
        note = ""
    results = testfiles.run_files(files, namespace, public_only=public_only)
    for q in results:
        q.note = note or q.note
    return results
