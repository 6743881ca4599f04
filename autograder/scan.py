"""The static scan of a submission: forbidden routines and dynamic access, before it runs.

Runs in the grader's parent process on the submission's source (never imports it). It
resolves imports (also inside functions), aliases (``import scipy.special as ss``,
``f = ss.softmax``) and attribute chains to dotted names, and reports, as review flags:

- ``forbidden``: a name that falls under the module's rule (``numdl/rules.py``);
- ``private``: a private part of numpy or scipy (``scipy.special._logsumexp``: the
  implementations behind public routines), or the course's ``numdl.tripwires``/``numdl.rules``;
- ``dynamic``: ``__import__``, ``importlib``, ``getattr``/``setattr`` with a computed name,
  ``exec``/``eval``/``compile``, ``ctypes``, ``sys.modules``, ``gc``, ``builtins``, and the
  attributes that reach a function's insides (``__wrapped__``, ``__closure__``, ...).

A flag never changes a score: the instructor reviews it (``flags`` column of
``gradebook.csv``, the results json, the report). Run-time detection is
:mod:`numdl.tripwires`.
"""

from __future__ import annotations

import ast
from types import ModuleType

#: Modules whose import is a dynamic means of reaching code.
DYNAMIC_MODULES = ("importlib", "ctypes", "gc", "builtins", "imp", "inspect", "runpy")
#: Builtins that run or reach code by a computed name.
DYNAMIC_CALLS = ("__import__", "exec", "eval", "compile", "globals", "vars", "locals")
#: Attributes that reach the insides of a function or the interpreter.
DYNAMIC_ATTRS = (
    "__wrapped__",
    "__closure__",
    "__globals__",
    "__code__",
    "__builtins__",
    "__subclasses__",
    "__self__",
    "__func__",
)
MAX_FLAGS = 20
#: The course's own machinery that a submission has no reason to touch.
COURSE_PRIVATE = ("numdl.tripwires", "numdl.rules")


class _Scanner(ast.NodeVisitor):
    def __init__(self, module: str, rules: ModuleType) -> None:
        self.module, self.rules = module, rules
        self.bound: dict[str, str] = {}
        self.found: list[tuple[int, str]] = []

    # ---------------------------------------------------------------- names
    def bind_imports(self, tree: ast.AST) -> None:
        assigns = []  # walked once: the alias passes below see only the assignments
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                if len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    assigns.append(node)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.bound[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.bound[top] = top
                    self.dotted(a.name, node.lineno)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = "numdl" + (f".{base}" if base else "")
                self.dotted(base, node.lineno)
                for a in node.names:
                    if a.name != "*":
                        self.bound[a.asname or a.name] = f"{base}.{a.name}"
                        self.dotted(f"{base}.{a.name}", node.lineno)
        for _ in range(3):  # aliases of aliases: f = ss.softmax; g = f
            for node in assigns:
                name = self.resolve(node.value)
                if name is not None:
                    self.bound[node.targets[0].id] = name

    def resolve(self, node: ast.AST) -> str | None:
        """The dotted name an expression ``a.b.c`` stands for, when ``a`` is bound."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in self.bound:
            return ".".join([self.bound[node.id], *reversed(parts)])
        return None

    def dotted(self, name: str, line: int) -> None:
        entry = self.rules.is_forbidden(self.module, name)
        if entry is not None:
            under = "" if entry == name else f"{entry}, "
            self.found.append((line, f"forbidden: `{name}` ({under}line {line})"))
        parts = name.split(".")
        if parts[0] in ("numpy", "scipy") and any(
            p.startswith("_") and not p.startswith("__") for p in parts[1:]
        ):
            self.found.append((line, f"private: `{name}` (line {line})"))
        elif any(name == c or name.startswith(c + ".") for c in COURSE_PRIVATE):
            self.found.append((line, f"private: `{name}`, the course's checks (line {line})"))
        if parts[0] in DYNAMIC_MODULES:
            self.found.append((line, f"dynamic: `{parts[0]}` (line {line})"))

    # ---------------------------------------------------------------- visits
    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.resolve(node)
        if name is not None:
            self.dotted(name, node.lineno)
            if name == "sys.modules" or name.startswith("sys.modules."):
                self.found.append((node.lineno, f"dynamic: `sys.modules` (line {node.lineno})"))
        if node.attr in DYNAMIC_ATTRS:
            self.found.append((node.lineno, f"dynamic: `{node.attr}` (line {node.lineno})"))
        if name is None:
            self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in self.bound and isinstance(node.ctx, ast.Load):
            self.dotted(self.bound[node.id], node.lineno)

    def visit_Call(self, node: ast.Call) -> None:
        fn = node.func
        if isinstance(fn, ast.Name) and fn.id not in self.bound:
            line = node.lineno
            if fn.id in DYNAMIC_CALLS:
                self.found.append((line, f"dynamic: `{fn.id}` (line {line})"))
            elif fn.id in ("getattr", "setattr", "delattr", "hasattr") and (
                len(node.args) < 2 or not isinstance(node.args[1], ast.Constant)
            ):
                self.found.append((line, f"dynamic: `{fn.id}` with a computed name (line {line})"))
        self.generic_visit(node)


def flags(source: bytes | str | None, module: str, rules: ModuleType) -> list[str]:
    """The review flags of a submission's source (empty for clean code).

    Parameters
    ----------
    source : bytes or str or None
        The submission ``numdl/<module>.py`` (``None``: nothing to scan).
    module : str
        The graded module whose rule applies.
    rules : module
        ``numdl.rules`` (see :func:`autograder.rules.load`).

    Returns
    -------
    list of str
        One flag per finding, in line order, at most ``MAX_FLAGS`` (the last one says how
        many more there were), e.g. ``"forbidden: `scipy.special.softmax` (...line 12)"``.
    """
    if source is None:
        return []
    if isinstance(source, bytes):
        source = source.decode("utf-8", "replace")
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    s = _Scanner(module, rules)
    s.bind_imports(tree)
    s.visit(tree)
    out: list[str] = []
    seen: set[str] = set()
    for _, text in sorted(set(s.found)):
        what = text.rsplit(" (line ", 1)[0].split(" (")[0]  # one flag per name: its first line
        if what not in seen:
            seen.add(what)
            out.append(text)
    if len(out) > MAX_FLAGS:
        out = [*out[: MAX_FLAGS - 1], f"... and {len(out) - MAX_FLAGS + 1} more"]
    return out
