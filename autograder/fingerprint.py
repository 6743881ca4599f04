"""The grading fingerprint: a hash of everything that decides a grade, part by part.

Every result records the fingerprint it was graded under (``extra_data["fingerprint"]``, one
sha256 per part). A rerun into the same folder keeps a result only when both the submission's
sha256 and every part of the fingerprint are unchanged; otherwise it regrades the submission
and logs why in ``OUT/regrades.csv`` (see :mod:`autograder.regrades`).

The parts are listed once, in :data:`PARTS`: adding a part is one line there.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import inspect
import json
import pathlib
from collections.abc import Callable

from autograder import rules
from autograder.sandbox import Limits, Spec

#: Bumped by hand when the engine changes what a result means in a way its sources do not show.
ENGINE_VERSION = "1"

_HERE = pathlib.Path(__file__).resolve().parent

#: Engine files whose code decides scores or what a result holds.
ENGINE_FILES = (
    "grader.py",
    "session.py",
    "worker.py",
    "zygote.py",
    "protocol.py",
    "sandbox.py",
    "testfiles.py",
    "results.py",
    "submissions.py",
    "details.py",
    "scan.py",  # the review flags (forbidden or dynamically reached routines)
)
#: Installed packages whose version decides scores (the test runner and the numerics).
ENGINE_PACKAGES = ("otter-grader", "numpy", "scipy")


def _files(paths: list[pathlib.Path], root: pathlib.Path) -> bytes:
    """Names (relative to ``root``) and contents of ``paths``; a missing file counts as absent."""
    out = []
    for p in sorted(paths):
        data = p.read_bytes() if p.exists() else b"<absent>"
        name = str(p.relative_to(root)) if p.is_relative_to(root) else str(p)
        out.append(name.encode() + b"\0" + hashlib.sha256(data).hexdigest().encode())
    return b"\n".join(out)


def _tests(spec: Spec, limits: Limits, options: dict) -> bytes:
    return _files(list(spec.tests), spec.tests[0].parent if spec.tests else _HERE)


def _provided(spec: Spec, limits: Limits, options: dict) -> bytes:
    # rules.py is a provided module too; its part is "forbidden-routine rules" (below).
    names = [m for m in spec.provided if m != "rules"]
    return _files([spec.package / f"{m}.py" for m in names], spec.package)


def _prereqs(spec: Spec, limits: Limits, options: dict) -> bytes:
    return _files([spec.package / f"{m}.py" for m in spec.prereqs], spec.package)


def _hints(spec: Spec, limits: Limits, options: dict) -> bytes:
    # The hint table next to the test files (``autograder.hints``): it decides the hints.
    folder = spec.tests[0].parent if spec.tests else _HERE
    return _files([folder / "hints.json"], folder)


def _limits(spec: Spec, limits: Limits, options: dict) -> bytes:
    return repr(sorted(dataclasses.asdict(limits).items())).encode()


def _rules(spec: Spec, limits: Limits, options: dict) -> bytes:
    """The rule of this module as the grader applies it (``numdl/rules.py`` of the package).

    Its data for this module and the code that applies it, so that a change of another
    module's list does not regrade this one; the file as a whole if it cannot be read so.
    """
    path = spec.package / "rules.py"
    if not path.exists():
        return b"<absent>"
    try:
        mod = rules.load.__wrapped__(spec.package)  # fresh: the file may have changed
        data = {
            "forbidden": list(mod.forbidden(spec.module)),
            "behind": {k: list(v) for k, v in sorted(mod.BEHIND.items())},
            "dynamic": list(mod.DYNAMIC),
        }
        code = "".join(inspect.getsource(getattr(mod, f)) for f in ("is_forbidden", "message"))
    except Exception:  # noqa: BLE001 - any change of shape: fall back to the whole file
        return path.read_bytes()
    return json.dumps(data, sort_keys=True).encode() + b"\n" + code.encode()


def _engine(spec: Spec, limits: Limits, options: dict) -> bytes:
    versions = []
    for pkg in ENGINE_PACKAGES:
        try:
            versions.append(f"{pkg}=={importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{pkg} absent")
    head = f"engine {ENGINE_VERSION}; " + ", ".join(versions)
    return head.encode() + b"\n" + _files([_HERE / f for f in ENGINE_FILES], _HERE)


def _feedback(spec: Spec, limits: Limits, options: dict) -> bytes:
    # What the results json shows of hidden cases (``--hidden-feedback``).
    return str(options.get("hidden_feedback", "never")).encode()


#: The parts of the fingerprint, in the order reasons are reported: (name, how to compute it).
PARTS: list[tuple[str, Callable[[Spec, Limits, dict], bytes]]] = [
    ("tests", _tests),
    ("hint table", _hints),
    ("provided modules", _provided),
    ("prerequisite references", _prereqs),
    ("limits", _limits),
    ("forbidden-routine rules", _rules),
    ("engine", _engine),
    ("hidden feedback", _feedback),
]


def compute(spec: Spec, limits: Limits, **options) -> dict[str, str]:
    """The fingerprint of a grading run: one sha256 per part of :data:`PARTS`.

    Parameters
    ----------
    spec : Spec
        The module graded (test files, reference package, prerequisites).
    limits : Limits
        The resource and time limits of the run.
    **options
        Run options that change a result (``hidden_feedback``).

    Returns
    -------
    dict
        ``{part name: sha256 hex}``, stored in every result's ``extra_data["fingerprint"]``.
    """
    return {name: hashlib.sha256(fn(spec, limits, options)).hexdigest() for name, fn in PARTS}


def changed(old: dict | None, new: dict[str, str]) -> list[str]:
    """The parts of ``new`` that differ from ``old`` (every part when ``old`` is missing)."""
    if not isinstance(old, dict):
        return list(new)
    return [name for name, h in new.items() if old.get(name) != h]
