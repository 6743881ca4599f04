"""The static scan of a submission: forbidden routines and dynamic access, before it runs.

Runs in the grader's parent process on the submission's source (never imports it). It
resolves imports (also inside functions), aliases (``import scipy.special as ss``,
``f = ss.softmax``) and attribute chains to dotted names, and reports, as review flags:

- ``forbidden``: a name that falls under the module's rule (``numdl/rules.py``);
- ``private``: a private part of numpy or scipy (``scipy.special._logsumexp``: the
  implementations behind public routines), or the course's ``numdl.tripwires``/``numdl.rules``;
- ``dynamic``: ``__import__``, ``importlib``, ``getattr``/``setattr`` with a computed name,
  ``exec``/``eval``/``compile``, ``ctypes``, ``sys.modules`` and the import hooks
  (``sys.meta_path``, ...), ``gc``, ``builtins``, and the attributes that reach a function's
  insides (``__wrapped__``, ``__closure__``, ...).

A flag never changes a score: the instructor reviews it (``flags`` column of
``gradebook.csv``, the results json, the report). Run-time detection is
:mod:`numdl.tripwires`.
"""

from __future__ import annotations

import ast
import collections
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
#: The import system's state: what is loaded, and the hooks that wrap forbidden modules.
SYS_IMPORT = ("sys.modules", "sys.meta_path", "sys.path_hooks", "sys.path_importer_cache")
MAX_FLAGS = 20
#: The course's own machinery that a submission has no reason to touch.
COURSE_PRIVATE = ("numdl.tripwires", "numdl.rules")


def _walk(tree: ast.AST) -> tuple[list, list, list, list, list, set[int]]:
    """One pass over the tree: its imports, single-name assignments, attributes, names and
    calls, and the ids of the nodes that are the ``value`` of an attribute (``a`` and
    ``a.b`` in ``a.b.c``), each list in the order of ``ast.walk``."""
    imports, assigns, attrs, names, calls = [], [], [], [], []
    inner: set[int] = set()
    kinds = {
        ast.Import: imports,
        ast.ImportFrom: imports,
        ast.Assign: assigns,
        ast.Attribute: attrs,
        ast.Name: names,
        ast.Call: calls,
    }
    node_type, todo = ast.AST, collections.deque([tree])  # ast.walk's order: later bindings win
    while todo:
        node = todo.popleft()
        found = kinds.get(type(node))
        if found is not None:
            found.append(node)
            if found is attrs:
                inner.add(id(node.value))
        for field in node._fields:
            v = getattr(node, field, None)
            if type(v) is list:
                todo.extend(x for x in v if isinstance(x, node_type))
            elif isinstance(v, node_type):
                todo.append(v)
    return imports, assigns, attrs, names, calls, inner


class _Scanner:
    def __init__(self, module: str, rules: ModuleType) -> None:
        self.module, self.rules = module, rules
        self.bound: dict[str, str] = {}
        self.found: list[tuple[int, str]] = []

    def scan(self, tree: ast.AST) -> None:
        imports, assigns, attrs, names, calls, inner = _walk(tree)
        self.bind_imports(imports, assigns)
        for node in attrs:
            self.attribute(node, id(node) in inner)
        for node in names:
            # the base of an attribute chain: the chain is reported as a whole (if bound)
            if id(node) not in inner and node.id in self.bound and isinstance(node.ctx, ast.Load):
                self.dotted(self.bound[node.id], node.lineno)
        for node in calls:
            self.call(node)

    # ---------------------------------------------------------------- names
    def bind_imports(self, imports: list, assigns: list) -> None:
        for node in imports:
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.asname:
                        self.bound[a.asname] = a.name
                    else:
                        top = a.name.split(".")[0]
                        self.bound[top] = top
                    self.dotted(a.name, node.lineno)
            else:
                base = node.module or ""
                if node.level:
                    base = "numdl" + (f".{base}" if base else "")
                self.dotted(base, node.lineno)
                for a in node.names:
                    if a.name != "*":
                        self.bound[a.asname or a.name] = f"{base}.{a.name}"
                        self.dotted(f"{base}.{a.name}", node.lineno)
        assigns = [n for n in assigns if len(n.targets) == 1 and isinstance(n.targets[0], ast.Name)]
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
        for hook in SYS_IMPORT:
            if name == hook or name.startswith(hook + "."):
                self.found.append((line, f"dynamic: `{hook}` (line {line})"))

    # ---------------------------------------------------------------- findings
    def attribute(self, node: ast.Attribute, inner: bool) -> None:
        """``a.b.c`` as a whole: its inner parts (``a.b``) count only when it is not bound."""
        name = self.resolve(node)
        if name is not None and inner:
            return
        line = node.lineno
        if name is not None:
            self.dotted(name, line)
        if node.attr in DYNAMIC_ATTRS:
            self.found.append((line, f"dynamic: `{node.attr}` (line {line})"))

    def call(self, node: ast.Call) -> None:
        fn = node.func
        if isinstance(fn, ast.Name) and fn.id not in self.bound:
            line = node.lineno
            if fn.id in DYNAMIC_CALLS:
                self.found.append((line, f"dynamic: `{fn.id}` (line {line})"))
            elif fn.id in ("getattr", "setattr", "delattr", "hasattr") and (
                len(node.args) < 2 or not isinstance(node.args[1], ast.Constant)
            ):
                self.found.append((line, f"dynamic: `{fn.id}` with a computed name (line {line})"))


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
    s.scan(tree)
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
