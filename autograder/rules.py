"""The "from scratch" rule as the instructor's tools see it (read from ``numdl/rules.py``).

The rule itself lives in one place, the provided module ``solutions/numdl/rules.py`` (the
worker, ``make check`` and the notebook checks import it from the staged or student
package). This module loads it by path, without putting ``numdl`` on ``sys.path``, and
renders it for what ``make release`` writes: the stub's module docstring, a handout cell and
the student README's table.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import pathlib
from types import ModuleType

from autograder import modules


@functools.cache
def load(package: pathlib.Path = modules.PACKAGE) -> ModuleType:
    """The module ``<package>/rules.py`` (``package`` is a ``numdl`` folder)."""
    path = pathlib.Path(package) / "rules.py"
    spec = importlib.util.spec_from_file_location(f"_numdl_rules_{abs(hash(path))}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def stub_header(source: str, module: str) -> str:
    """``source`` with the module's rule appended to its module docstring (if it has one)."""
    if not source.startswith('"""'):
        return source
    end = source.index('"""', 3)
    body = source[3:end].rstrip("\n")
    return '"""' + body + "\n\n" + load().docstring(module) + "\n" + source[end:]


def notebook_with_rules(text: str, module: str) -> str:
    """The notebook JSON ``text`` with the module's rule as a Markdown cell after the title."""
    nb = json.loads(text)
    cell = {
        "cell_type": "markdown",
        "id": "numdl-rules",
        "metadata": {},
        "source": ["## Rules\n", "\n", *load().markdown(module).splitlines(keepends=True)],
    }
    cells = nb.get("cells", [])
    nb["cells"] = [*cells[:1], cell, *cells[1:]]
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def readme_table() -> str:
    """A Markdown table: module, forbidden routines (the student README's rules)."""
    r = load()
    rows = ["| module | do not call |", "| --- | --- |"]
    rows.append(f"| every module | {', '.join(f'`{e}`' for e in r.EVERY_MODULE)} |")
    for m in modules.ready_modules():
        names = ", ".join(f"`{e}`" for e in r.FORBIDDEN[m.name])
        rows.append(f"| {m.folder[:2]} {m.name} | {names} |")
    return "\n".join(rows)


def allowed_text() -> str:
    """The allowed building blocks and the dynamic means, as README bullet text."""
    r = load()
    return "; ".join(r.ALLOWED), ", ".join(r.DYNAMIC)
