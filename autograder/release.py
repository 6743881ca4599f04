"""``make release``: generate ``student_template/`` from ``solutions/`` and ``assignments/``.

What students receive, for every module that is ready (reference and tests exist):

- ``numdl/``: the provided modules as they are; each graded module with its solution
  regions (between ``# BEGIN SOLUTION`` and ``# END SOLUTION``) replaced by a stub;
- ``assignments/NN_<module>/``: the notebook without outputs and the test files with their
  hidden cases removed (not just flagged), with the hint table of the public cases;
- ``README.md``, ``Makefile``, ``requirements.txt`` and ``tools/`` (the ``make check`` runner).

The output is deterministic: releasing twice changes nothing.
"""

from __future__ import annotations

import ast
import json
import pathlib
import re
import shutil
import tempfile
import tomllib

from autograder import hints, modules, rules

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
STUDENT_FILES = pathlib.Path(__file__).resolve().parent / "student"
#: Packages students need on top of the instructor's pins (to open the handouts).
STUDENT_EXTRAS = ("notebook==7.6.5",)
HIDDEN_NOTE = (
    "# Public test cases only. Hidden test cases exist for this question and run at grading time.\n"
)


def stub_source(source: str, module: str = "") -> str:
    """Replace every solution region by a stub.

    A region indented inside a function becomes ``raise NotImplementedError(...)`` at the
    region's indentation; a region at module level (private helpers of the reference) is
    removed. Markers must be balanced and not nested (``ValueError`` otherwise).
    """
    out: list[str] = []
    inside = False
    func = None
    for lineno, line in enumerate(source.splitlines(keepends=True), 1):
        stripped = line.strip()
        m = re.match(r"\s*def (\w+)\(", line)
        if m and not inside:
            func = m.group(1)
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"{module}: nested {BEGIN} at line {lineno}")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if indent:
                where = f"{module}.{func}" if module else func
                out.append(f'{indent}raise NotImplementedError("{where}: not implemented yet")\n')
            continue
        if stripped == END:
            if not inside:
                raise ValueError(f"{module}: {END} without {BEGIN} at line {lineno}")
            inside = False
            continue
        if not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{module}: unterminated {BEGIN}")
    text = "".join(out)
    return re.sub(r"\n{4,}", "\n\n\n", text)


def solution_lines(source: str) -> list[str]:
    """The stripped lines inside the solution regions (used by the leak scan)."""
    lines, inside = [], False
    for line in source.splitlines():
        s = line.strip()
        if s == BEGIN:
            inside = True
        elif s == END:
            inside = False
        elif inside:
            lines.append(s)
    return lines


def _is_hidden_case(node: ast.AST) -> bool:
    for dec in getattr(node, "decorator_list", []):
        if isinstance(dec, ast.Call) and getattr(dec.func, "id", "") == "test_case":
            for kw in dec.keywords:
                if kw.arg == "hidden" and isinstance(kw.value, ast.Constant) and kw.value.value:
                    return True
    return False


def hidden_case_names(source: str) -> list[str]:
    """Names of the functions that are hidden test cases."""
    return [n.name for n in ast.parse(source).body if _is_hidden_case(n)]


_HELPER = (ast.FunctionDef, ast.ClassDef)


def _references(node: ast.AST) -> set[str]:
    """The names a module-level statement uses (a helper's own name excluded)."""
    parts = [node]
    if isinstance(node, _HELPER):
        parts = [*node.decorator_list, *node.body, *getattr(node, "bases", [])]
        parts += [node.args] if isinstance(node, ast.FunctionDef) else []
    names = {n.id for part in parts for n in ast.walk(part) if isinstance(n, ast.Name)}
    return names - {getattr(node, "name", None)}


def public_test_source(source: str) -> str:
    """The test file with its hidden cases removed, and the helpers only they use.

    A helper (an undecorated module-level function or class) that no public case needs,
    directly or through other kept helpers, is a hidden detail too (often a brute force).
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    kept_nodes = [node for node in tree.body if not _is_hidden_case(node)]
    while True:  # drop the helpers nothing kept uses, until nothing changes
        used = set().union(*(_references(n) for n in kept_nodes))
        unused = [
            n
            for n in kept_nodes
            if isinstance(n, _HELPER) and not n.decorator_list and n.name not in used
        ]
        if not unused:
            break
        kept_nodes = [n for n in kept_nodes if n not in unused]
    drop: set[int] = set()
    for node in tree.body:
        if node not in kept_nodes:
            start = min([d.lineno for d in getattr(node, "decorator_list", [])] + [node.lineno])
            drop.update(range(start - 1, node.end_lineno))
    kept = [line for i, line in enumerate(lines) if i not in drop]
    text = re.sub(r"\n{3,}", "\n\n\n", "".join(kept)).rstrip() + "\n"
    # the note goes after the module docstring
    doc = ast.get_docstring(tree, clean=False)
    if doc is not None:
        end = tree.body[0].end_lineno
        head = "".join(kept[:end])
        return head + HIDDEN_NOTE + text[len(head) :]
    return HIDDEN_NOTE + text


def strip_notebook(text: str) -> str:
    """Notebook JSON without outputs, execution counts or per-run metadata."""
    nb = json.loads(text)
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        cell.get("metadata", {}).pop("execution", None)
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def requirements() -> str:
    """The student's pinned requirements: the instructor's pins minus instructor-only tools."""
    deps = tomllib.loads((modules.ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    skip = ("ruff", "pytest", "copydetect")
    keep = [d for d in deps if not d.startswith(skip)] + list(STUDENT_EXTRAS)
    return (
        "# The course environment (pinned). Install with `make install`.\n" + "\n".join(keep) + "\n"
    )


def _module_table(ready: list[modules.Module]) -> str:
    rows = []
    for m in ready:
        names = [
            n.name
            for n in ast.parse(m.source.read_text()).body
            if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
        ]
        rows.append(
            f"| {m.folder[:2]} | `numdl/{m.name}.py` | {', '.join(f'`{n}`' for n in names)} |"
        )
    return "\n".join(rows)


def build(dest: pathlib.Path) -> list[pathlib.Path]:
    """Write the student template into the empty folder ``dest``; return the files written."""
    ready = modules.ready_modules()
    files: dict[str, str] = {}
    for name in modules.PROVIDED:
        src = modules.PACKAGE / f"{name}.py"
        if src.exists():
            files[f"numdl/{name}.py"] = src.read_text()
    for m in ready:
        stub = stub_source(m.source.read_text(), m.name)
        files[f"numdl/{m.name}.py"] = rules.stub_header(stub, m.name)
        for test in m.test_files():
            files[f"assignments/{m.folder}/tests/{test.name}"] = public_test_source(
                test.read_text()
            )
        if hints.table_path(m.name).exists():
            files[f"assignments/{m.folder}/tests/{hints.TABLE_NAME}"] = hints.public_table(m.name)
        if m.notebook.exists():
            files[f"assignments/{m.folder}/{m.notebook.name}"] = rules.notebook_with_rules(
                strip_notebook(m.notebook.read_text()), m.name
            )
    allowed, dynamic = rules.allowed_text()
    files["README.md"] = (
        (STUDENT_FILES / "README.md")
        .read_text()
        .replace("{{MODULE_TABLE}}", _module_table(ready))
        .replace("{{RULES_TABLE}}", rules.readme_table())
        .replace("{{ALLOWED}}", allowed)
        .replace("{{DYNAMIC}}", dynamic)
    )
    files["Makefile"] = (STUDENT_FILES / "Makefile").read_text()
    files["tools/check.py"] = (STUDENT_FILES / "check.py").read_text()
    files["tools/testfiles.py"] = (pathlib.Path(__file__).parent / "testfiles.py").read_text()
    files["requirements.txt"] = requirements()
    files[".gitignore"] = ".venv/\n__pycache__/\n*.pyc\n.ipynb_checkpoints/\nsubmissions/\n"
    written = []
    for rel, text in sorted(files.items()):
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        written.append(path)
    return written


def release(target: pathlib.Path = modules.STUDENT_TEMPLATE) -> pathlib.Path:
    """Regenerate ``target`` (default ``student_template/``) from scratch."""
    with tempfile.TemporaryDirectory() as tmp:
        build(pathlib.Path(tmp))
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(tmp, target)
    return target
