"""Load otter-grader exception-based test files and run them against a namespace.

This is the one place that turns test files into scores. It uses otter's own classes
(``otter.test_files.ExceptionTestFile``), so a score here equals the score of stock
``otter run`` with the same files. The namespace maps the names the test functions ask for
(``kmeans``, ``squared_distances``, ...) to the student's objects: real functions in-process,
proxies in the hardened grader.
"""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


def _lazy_package(name: str, **preset: Any) -> types.ModuleType | None:
    """Install package ``name`` without running its ``__init__.py`` until it is needed.

    The module has the package's real search path, so its submodules are the package's
    own; ``preset`` attributes are there at once; the first access to any other attribute
    runs the real ``__init__`` in place, so nothing else changes. ``None`` if ``name`` is
    already imported or not installed.
    """
    if name in sys.modules:
        return None
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    pkg = types.ModuleType(name)
    pkg.__path__ = list(spec.submodule_search_locations or [])
    pkg.__file__, pkg.__spec__, pkg.__package__ = spec.origin, spec, name
    pkg.__dict__.update(preset)

    def complete(attr: str):
        del pkg.__dict__["__getattr__"]
        with open(spec.origin) as f:
            exec(compile(f.read(), spec.origin, "exec"), pkg.__dict__)
        return pkg.__dict__[attr] if attr in pkg.__dict__ else getattr(pkg, attr)

    pkg.__getattr__ = complete
    sys.modules[name] = pkg
    if "." in name:
        parent, _, child = name.rpartition(".")
        setattr(sys.modules[parent], child, pkg)
    return pkg


def _import_otter_lightly() -> None:
    """Import ``otter.test_files.ExceptionTestFile`` without the rest of otter.

    ``otter/__init__.py`` costs 0.7 s (pandas, nbconvert...) and ``otter/test_files/
    __init__.py`` 0.13 s more (nbformat, IPython, for the other test formats); a cold
    grading run (one Gradescope container per submission) would pay both on every
    submission. Both packages are installed lazily (``_lazy_package``): the exception-based
    format's own module and what test files import from the package (``test_case``) are
    otter's real objects, and any other use of either package imports it in full.
    """
    _lazy_package("otter")
    tf = _lazy_package("otter.test_files")
    if tf is None:
        return
    # import_module, not ``from ... import``: that would ask the package for the names first
    mods = [
        importlib.import_module(f"otter.test_files.{m}")
        for m in ("abstract_test", "exception_test")
    ]
    for mod in mods:
        own = {k: v for k, v in vars(mod).items() if getattr(v, "__module__", "") == mod.__name__}
        tf.__dict__.update(own)  # what the module defines (``TestFile``, ``test_case``...)
    for mod in mods:  # the submodules stay attributes
        setattr(tf, mod.__name__.rpartition(".")[2], mod)


_import_otter_lightly()
from otter.test_files import ExceptionTestFile  # noqa: E402


@dataclass
class CaseResult:
    """One test case: its name, points, visibility, outcome and the message for the student;
    ``hint`` names the likely mistake of a failed case (already the last line of ``message``,
    see ``numdl.hints``), ``None`` when there is none."""

    name: str
    points: float
    hidden: bool
    passed: bool
    message: str
    hint: str | None = None


@dataclass
class QuestionResult:
    """One question (one test file) with its cases; ``note`` explains an overridden score."""

    name: str
    possible: float
    cases: list[CaseResult] = field(default_factory=list)
    note: str = ""
    forced_zero: bool = False

    @property
    def score(self) -> float:
        if self.forced_zero:
            return 0.0
        return float(sum(c.points for c in self.cases if c.passed))

    @property
    def passed_all(self) -> bool:
        return not self.forced_zero and all(c.passed for c in self.cases)

    def public_only(self) -> QuestionResult:
        cases = [c for c in self.cases if not c.hidden]
        possible = float(sum(c.points for c in cases))
        return QuestionResult(self.name, possible, cases, self.note, self.forced_zero)


class _KeepsError(ExceptionTestFile):
    """Otter's test file, keeping the exception of a failed case (``error``) for its hint."""

    error: BaseException | None = None

    def _generate_error_message(self, excp: Exception, context: int = 0) -> str:
        self.error = excp
        return super()._generate_error_message(excp, context)


def _hint(error: BaseException | None) -> str | None:
    """The hint for a failed case's exception (``numdl.hints``; none without that module)."""
    if error is None:
        return None
    try:
        from numdl import hints
    except ImportError:
        return None
    return hints.hint_for(hints.failure_of_exception(error))


#: compiled test files by (path, source): a batch compiles each file once, not once per
#: submission; every load still runs the code afresh, so no state is shared between loads
_COMPILED: dict[tuple[str, str], Any] = {}


def load(path: str | pathlib.Path) -> ExceptionTestFile:
    """Parse one test file (executes the trusted test source, not student code).

    As ``ExceptionTestFile.from_file``, with the compiled code kept for the next load.
    """
    path = str(path)
    with open(path) as f:
        source = f.read()
    code = _COMPILED.get((path, source))
    if code is None:
        if len(_COMPILED) > 256:
            _COMPILED.clear()
        code = _COMPILED[path, source] = ExceptionTestFile._compile_string(source, path=path)
    tf = ExceptionTestFile._from_compiled_code(code, path=path)
    tf.source = source
    return tf


def run_file(
    path: str | pathlib.Path,
    namespace: Mapping[str, Any],
    *,
    public_only: bool = False,
    before_case: Callable[[str], None] | None = None,
    on_error: Callable[[str, BaseException], None] | None = None,
) -> QuestionResult:
    """Run the cases of one test file against ``namespace`` and collect a :class:`QuestionResult`.

    ``before_case(case_name)`` is called before each case (the grader uses it to label calls);
    ``on_error(case_name, exception)`` after each failed case (the hint table builder uses it).
    """
    tf = load(path)
    if public_only:
        tf.test_cases = [tc for tc in tf.test_cases if not tc.hidden]
    result = QuestionResult(tf.name, float(sum(tc.points for tc in tf.test_cases)))
    forbidden: list[str] = []
    for tc in tf.test_cases:
        if before_case is not None:
            before_case(tc.name)
        single = _KeepsError(tf.name, tf.path, [tc], all_or_nothing=False)
        single.source = tf.source
        single.run(dict(namespace))
        (tcr,) = single.test_case_results
        error = None if tcr.passed else single.error
        if error is not None and on_error is not None:
            on_error(tc.name, error)
        hint, message = _hint(error), tcr.message
        if hint is not None and not hasattr(error, "hint"):  # a check's hint is in its message
            message += f"\nHint: {hint}"
        result.cases.append(
            CaseResult(tc.name, float(tc.points), bool(tc.hidden), bool(tcr.passed), message, hint)
        )
        # set by numdl.tripwires when the student's calls reached a forbidden routine
        forbidden += [m for m in getattr(single, "forbidden", None) or [] if m not in forbidden]
    if forbidden:
        forbid(result, forbidden)
    return result


def forbid(q: QuestionResult, messages: list[str]) -> QuestionResult:
    """Score ``q`` zero because its calls reached forbidden routines (``messages``)."""
    q.forced_zero = True
    q.note = f"{q.name} scores 0: " + "; ".join(messages) + "."
    return q


def run_files(
    paths: Iterable[str | pathlib.Path], namespace: Mapping[str, Any], *, public_only: bool = False
) -> list[QuestionResult]:
    """Run several test files (questions) in order."""
    return [run_file(p, namespace, public_only=public_only) for p in paths]


def summary(results: list[QuestionResult], *, public_only: bool = False) -> str:
    """A per-question table with the failure messages of failed cases, for a terminal."""
    lines = [f"{'question':<10} {'score':>13}  status"]
    for q in results:
        q = q.public_only() if public_only else q
        status = "all passed" if q.passed_all else "FAILED"
        lines.append(f"{q.name:<10} {q.score:>6g} / {q.possible:<5g}  {status}")
    total = sum(q.score for q in results)
    possible = sum(q.possible for q in results)
    lines.append(f"{'total':<10} {total:>6g} / {possible:<5g}")
    for q in results:
        for c in q.cases:
            if not c.passed and not (public_only and c.hidden):
                lines.append(f"\n--- {c.name} ({c.points:g} pt) ---\n{c.message}")
        if q.note:
            lines.append(f"\n--- {q.name} ---\n{q.note}")
    return "\n".join(lines)
