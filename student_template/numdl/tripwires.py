"""Tripwires: record calls of the forbidden routines of :mod:`numdl.rules` (provided; not graded).

:func:`install` replaces each forbidden routine of a module, in the module that defines it
and in every module that re-exports it (``scipy.special.softmax`` and
``scipy.special._logsumexp.softmax``), by a wrapper that records the call and then performs
it, unchanged. A call is recorded only when it comes straight from a *watched* file (the
file of the graded module, see :func:`watch`) and the routine is forbidden for that file's
module: calls made by numpy and scipy themselves, by the provided modules, by the reference
of earlier modules and by the tests are performed without being recorded.

Three runners read the record: the grader's sandboxed worker (before it imports your
module), and, through :func:`install_for_tests` (called by :mod:`numdl.checks`), your
notebook's ``grader.check("qK")`` and ``make check``: a question whose calls reached a
forbidden routine scores 0 with the message of :func:`numdl.rules.message`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import importlib.abc
import importlib.util
import inspect
import os
import sys
import types
from typing import Any

from numdl import rules

__all__ = ["install", "watch", "unwatch", "watching", "take", "messages", "install_for_tests"]

#: Numpy functions that call a function they were given: a forbidden routine passed to them
#: counts as called by the code that passed it.
PASS_THROUGH = frozenset(
    {
        "apply_along_axis",
        "apply_over_axes",
        "_vectorize_call",
        "_vectorize_call_with_signature",
        "__call__",
        "_call_as_normal",
    }
)
MAX_HITS = 100

_watch: dict[str, str] = {}  # file name -> module whose rule applies to calls from it
_hits: list[dict] = []
_originals: dict[int, Any] = {}  # id(original) -> original
_wrappers: dict[int, Any] = {}  # id(original) -> its wrapper
_key_of_wrapper: dict[int, int] = {}  # id(wrapper) -> id(original)
_names: dict[int, str] = {}  # id(original) -> dotted name shown to the student
_modules_of: dict[int, set[str]] = {}  # id(original) -> modules that forbid it
_done: set[str] = set()  # graded modules installed
_lazy: dict[str, set[str]] = {}  # package not imported yet -> modules that forbid it
#: ``(entry, dotted, modules)`` whose module is not imported yet: wrapped when it is
_pending: list[tuple[str, str, set[str]]] = []
_triggers: set[str] = set()  # modules whose import may complete a pending entry
_packages: dict[str, set[str]] = {}  # forbidden module wired -> modules that forbid it
_executed: set[str] = set()  # trigger modules whose body has run
_wiring = {"busy": False, "again": False}  # wiring pending entries; asked again meanwhile
_LATER = object()


# ---------------------------------------------------------------------------- recording
def _graded_function(frame: types.FrameType, filename: str) -> str:
    """The innermost public module-level function of ``filename`` on the stack."""
    f: types.FrameType | None = frame
    while f is not None:
        code = f.f_code
        if code.co_filename == filename and not code.co_name.startswith(("_", "<")):
            fn = f.f_globals.get(code.co_name)
            if getattr(fn, "__code__", None) is code:
                return code.co_name
        f = f.f_back
    return frame.f_code.co_name


def _record(key: int, frame: types.FrameType | None) -> None:
    for _ in range(4):  # numpy helpers that call what they were given
        if frame is None or frame.f_code.co_filename in _watch:
            break
        if frame.f_code.co_name not in PASS_THROUGH or "numpy" not in frame.f_code.co_filename:
            return
        frame = frame.f_back
    if frame is None:
        return
    filename = frame.f_code.co_filename
    module = _watch.get(filename)
    if module is None or module not in _modules_of.get(key, ()):
        return
    hit = {"function": _graded_function(frame, filename), "routine": _names[key]}
    if hit not in _hits and len(_hits) < MAX_HITS:
        _hits.append(hit)


def _wrap(original: Any) -> Any:
    key = id(original)

    def wrapper(*args, **kwargs):
        if _watch:
            _record(key, sys._getframe(1))
        return original(*args, **kwargs)

    with contextlib.suppress(Exception):
        functools.update_wrapper(wrapper, original)
    wrapper.__dict__.pop("__wrapped__", None)
    return wrapper


def _wrap_class(cls: type) -> None:
    """Record constructions of ``cls`` (its own ``__init__``)."""
    init = cls.__dict__.get("__init__")
    if not isinstance(init, types.FunctionType) or id(init) in _key_of_wrapper:
        return
    wrapper = _wrap(init)
    with contextlib.suppress(Exception):
        wrapper.__signature__ = inspect.signature(init)
    try:
        cls.__init__ = wrapper
    except (TypeError, AttributeError):
        return
    _register(init, wrapper, f"{cls.__module__}.{cls.__qualname__}", set())


def _register(original: Any, wrapper: Any, name: str, modules: set[str]) -> None:
    key = id(original)
    _originals[key], _wrappers[key] = original, wrapper
    _key_of_wrapper[id(wrapper)] = key
    _names.setdefault(key, name)
    _modules_of.setdefault(key, set()).update(modules)


def _target(obj: Any, name: str, modules: set[str]) -> None:
    """Make ``obj`` (a routine, or a class of a forbidden package) a watched routine."""
    if isinstance(obj, type):
        if not issubclass(obj, BaseException):
            _wrap_class(obj)
            key = _key_of_wrapper.get(id(obj.__dict__.get("__init__")))
            if key is not None:
                _modules_of[key].update(modules)
        return
    if not callable(obj) or isinstance(obj, types.ModuleType):
        return
    key = _key_of_wrapper.get(id(obj), id(obj))  # obj may already be a wrapper
    if key in _wrappers:
        _modules_of[key].update(modules)
        return
    _register(obj, _wrap(obj), name, modules)


def _own(obj: Any, host: types.ModuleType, package: str) -> bool:
    """Whether ``obj`` found in ``host`` belongs to ``package`` (not a re-exported numpy)."""
    owner = getattr(obj, "__module__", None)
    if not isinstance(owner, str):
        owner = host.__name__ if not str(getattr(host, "__file__", "")).endswith(".py") else ""
    return owner == package or owner.startswith(package + ".")


def _targets_of_package(package: str, modules: set[str]) -> None:
    """Every routine and class defined in the loaded modules of ``package``."""
    hosts = sorted(
        (m for n, m in list(sys.modules.items()) if n == package or n.startswith(package + ".")),
        key=lambda m: (m.__name__.count("._"), len(m.__name__)),  # public names first
    )
    for host in hosts:
        if not isinstance(host, types.ModuleType):
            continue
        for attr, obj in list(vars(host).items()):
            if attr.startswith("__") or not _own(obj, host, package):
                continue
            _target(obj, f"{host.__name__}.{attr}", modules)


def _resolve(dotted: str) -> tuple[Any, bool] | None:
    """``(object, is_module)`` for a dotted name; ``None`` if it cannot be imported."""
    if dotted in sys.modules:
        return sys.modules[dotted], True
    parent, _, attr = dotted.rpartition(".")
    try:
        host = importlib.import_module(parent) if parent else None
    except ImportError:
        host = None
    if host is not None and hasattr(host, attr):
        obj = getattr(host, attr)
        return obj, isinstance(obj, types.ModuleType)
    try:
        return importlib.import_module(dotted), True
    except ImportError:
        return None


def _find(dotted: str) -> Any:
    """``(object, is_module)`` for a dotted name, importing nothing that is not loaded yet
    (``_LATER`` for a module, or a routine of a module, not imported yet; ``None`` if it
    does not exist). An attribute its loaded host module makes on demand is resolved."""
    if dotted in sys.modules:
        mod = sys.modules[dotted]
        return _LATER if _initializing(mod) else (mod, True)
    parent, _, attr = dotted.rpartition(".")
    host = sys.modules.get(parent)
    if host is None or _initializing(host):
        return _LATER
    found = vars(host).get(attr, _LATER)
    if found is not _LATER:
        return found, isinstance(found, types.ModuleType)
    try:
        if importlib.util.find_spec(dotted) is not None:
            return _LATER  # a submodule: its import goes through _Finder
    except (ImportError, ValueError):
        pass
    return _resolve(dotted)


def _initializing(mod: Any) -> bool:
    """Whether ``mod`` is still being imported (its body has not finished yet)."""
    if getattr(mod, "__name__", None) in _executed:
        return False
    return bool(getattr(getattr(mod, "__spec__", None), "_initializing", False))


def _wire(entry: str, dotted: str, modules: set[str]) -> bool:
    """Wrap what ``dotted`` names, for ``modules``; ``False`` if it is not imported yet."""
    found = _find(dotted)
    if found is _LATER:
        return False
    if found is not None:
        obj, is_module = found
        if is_module:
            _targets_of_package(dotted, modules)
            _packages.setdefault(dotted, set()).update(modules)  # and its later submodules
        else:
            _target(obj, entry if dotted == entry else dotted, modules)
    return True


def _wire_pending() -> None:
    """After the import of a trigger module: wrap the pending entries it completed."""
    if _wiring["busy"]:  # an import made while wiring (an attribute made on demand)
        _wiring["again"] = True
        return
    _wiring["busy"], changed = True, False
    try:
        while True:
            _wiring["again"] = False
            still = [p for p in list(_pending) if not _wire(*p)]
            changed = changed or len(still) < len(_pending)
            _pending[:] = still
            if not _wiring["again"]:  # nothing was imported meanwhile
                break
        if changed:
            _replace_everywhere()
    finally:
        _wiring["busy"] = False


def _replace_everywhere() -> None:
    """Bind every module attribute that holds a watched original to its wrapper."""
    for mod in list(sys.modules.values()):
        if mod is None or mod is sys.modules.get(__name__):
            continue
        try:
            items = list(vars(mod).items())
        except TypeError:
            continue
        for attr, value in items:
            wrapper = _wrappers.get(id(value))
            if wrapper is not None and _originals[id(value)] is value:
                with contextlib.suppress(Exception):
                    setattr(mod, attr, wrapper)


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the routines of a forbidden package (``sklearn``, ...) when it is imported."""

    def find_spec(self, fullname, path, target=None):
        top = fullname.split(".")[0]
        owners = set(_lazy.get(top, ()))
        for package, modules in _packages.items():
            if fullname.startswith(package + "."):
                owners |= modules
        if not owners and fullname not in _triggers:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None and spec.loader is not None:
                loader = spec.loader
                exec_module = loader.exec_module

                def run(module, _exec=exec_module, _owners=owners):
                    _exec(module)
                    if _owners:
                        _targets_of_package(module.__name__, _owners)
                        _replace_in(module)
                    if module.__name__ in _triggers:
                        _executed.add(module.__name__)  # its body is done (the import not yet)
                        _wire_pending()

                with contextlib.suppress(Exception):
                    loader.exec_module = run
                return spec
        return None


def _replace_in(mod: types.ModuleType) -> None:
    for attr, value in list(vars(mod).items()):
        wrapper = _wrappers.get(id(value))
        if wrapper is not None and _originals[id(value)] is value:
            with contextlib.suppress(Exception):
                setattr(mod, attr, wrapper)


_FINDER = _Finder()


def install(module: str) -> None:
    """Wrap the forbidden routines of ``module`` (idempotent; cheap when already done).

    Imports nothing: a forbidden module (or the module of a forbidden routine) that is not
    imported yet is wrapped when it is, by whoever imports it.
    """
    if module in _done:
        return
    _done.add(module)
    entries = rules.forbidden(module)
    for entry in entries:
        for dotted in (entry, *rules.BEHIND.get(entry, ())):
            top = dotted.split(".")[0]
            if entry in rules.EVERY_MODULE:
                # a whole package: its submodules imported later are wrapped when imported
                # (sklearn may be loaded only in part, e.g. sklearn.datasets for the digits)
                _lazy.setdefault(top, set()).add(module)
                if top not in sys.modules:
                    continue
            if not _wire(entry, dotted, {module}):  # not imported yet: wrapped on import
                _pending.append((entry, dotted, {module}))
                _triggers.update((dotted, dotted.rpartition(".")[0]))
    if (_lazy or _pending) and _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
    _replace_everywhere()


# ---------------------------------------------------------------------------- watching
def watch(filename: str, module: str) -> None:
    """Record forbidden calls made by code of ``filename`` under ``module``'s rule."""
    for name in {filename, os.path.realpath(filename)}:
        _watch[name] = module


def unwatch(filename: str) -> None:
    for name in {filename, os.path.realpath(filename)}:
        _watch.pop(name, None)


@contextlib.contextmanager
def watching(files, module: str):
    """Watch ``files`` for the duration of a ``with`` block."""
    saved = dict(_watch)
    try:
        for f in files:
            watch(f, module)
        yield
    finally:
        _watch.clear()
        _watch.update(saved)


def take() -> list[dict]:
    """The calls recorded since the last ``take``: ``[{"function", "routine"}, ...]``."""
    out = list(_hits)
    _hits.clear()
    return out


def messages(hits) -> list[str]:
    """The student-facing message of each recorded call."""
    return [rules.message(h["function"], h["routine"]) for h in hits]


# ---------------------------------------------------------------------------- test runners
def _module_of_test(path: str) -> str | None:
    """``classification`` for ``.../assignments/03_classification/tests/q1.py``."""
    folder = os.path.basename(os.path.dirname(os.path.dirname(os.path.abspath(path))))
    name = folder.split("_", 1)[1] if "_" in folder and folder[:2].isdigit() else ""
    return name if name in rules.FORBIDDEN else None


def _student_files(env: dict, module: str) -> set[str]:
    """The files of the graded module among the names a test file runs against."""
    files = set()
    path = env.get("__file__")
    if isinstance(path, str) and os.path.basename(path) == f"{module}.py":
        files.add(path)
    for value in list(env.values()):
        if isinstance(value, types.FunctionType) and value.__module__ == f"numdl.{module}":
            files.add(value.__code__.co_filename)
    return files


def install_for_tests() -> None:
    """Make otter's test runs (``grader.check``, ``make check``) report forbidden calls.

    Patches ``otter.test_files.ExceptionTestFile.run`` (only once otter is loaded, as it is
    when a test file imports :mod:`numdl.checks`): while a test file of module ``m`` runs
    against real functions of ``numdl/m.py``, their calls are watched; when one reached a
    forbidden routine, every case of the run fails with the message, and the test file
    object gets an attribute ``forbidden`` (the messages) for runners that score questions.
    """
    etf = sys.modules.get("otter.test_files.exception_test")
    cls = getattr(etf, "ExceptionTestFile", None)
    if cls is None or getattr(cls.run, "_numdl_tripwires", False):
        return
    original = cls.run

    def run(self, global_environment):
        module = _module_of_test(getattr(self, "path", "") or "")
        files = _student_files(global_environment, module) if module else set()
        if not files:
            return original(self, global_environment)
        install(module)
        with watching(files, module):
            take()
            try:
                return original(self, global_environment)
            finally:
                found = messages(take())
                self.forbidden = found
                if found:
                    text = "❌ Test case failed\n" + "\n".join(found) + "."
                    self.test_case_results = [
                        dataclasses.replace(r, passed=False, message=text)
                        for r in self.test_case_results
                    ]

    run._numdl_tripwires = True
    cls.run = run
