"""The example submissions of a module: mutants (realistic bugs) and correct alternatives.

They live with the module, never reach students, and are built from the reference:

- ``assignments/NN_<module>/examples/mutants.py`` defines ``MUTANTS``, a list of dicts
  ``{"name", "question", "why", "edits": [(old, new), ...]}``; each ``old`` must occur exactly
  once in the reference source, and the mutant must lose points on ``question``;
- ``assignments/NN_<module>/examples/alternatives/<name>.py`` holds re-definitions of some
  functions (a different but correct method); the submission is the reference followed by
  that file, so the later definitions win, and it must get full marks;
- ``assignments/NN_<module>/examples/unseen/<name>.py``: bugs written blind, to measure the
  hints (see :func:`unseen`).
"""

from __future__ import annotations

import pathlib
import runpy
from dataclasses import dataclass

from autograder import modules


@dataclass(frozen=True)
class Example:
    """An example submission: ``kind`` is ``reference``, ``mutant``, ``alternative``,
    ``shortcut`` or ``evasion`` (for the last two ``question`` lists the lost questions)."""

    module: str
    name: str
    kind: str
    source: str
    question: str = ""
    why: str = ""

    def write(self, folder: pathlib.Path) -> pathlib.Path:
        """Write it as a student repository ``folder/<name>/numdl/<module>.py``; return the dir."""
        root = folder / self.name
        (root / "numdl").mkdir(parents=True, exist_ok=True)
        (root / "numdl" / f"{self.module}.py").write_text(self.source)
        return root


def reference(module: str) -> Example:
    m = modules.get(module)
    return Example(module, "reference", "reference", m.source.read_text())


def apply_edits(source: str, edits, label: str) -> str:
    """Apply ``(old, new)`` replacements; each ``old`` must occur exactly once."""
    for old, new in edits:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"{label}: {old!r} occurs {count} times in the reference (need 1)")
        source = source.replace(old, new)
    return source


def mutants(module: str) -> list[Example]:
    """The module's mutants, built from its reference."""
    m = modules.get(module)
    spec = m.examples / "mutants.py"
    if not spec.exists():
        return []
    ref = m.source.read_text()
    out = []
    for d in runpy.run_path(str(spec))["MUTANTS"]:
        src = apply_edits(ref, d["edits"], f"{module} mutant {d['name']}")
        out.append(Example(module, f"mutant_{d['name']}", "mutant", src, d["question"], d["why"]))
    return out


def alternatives(module: str) -> list[Example]:
    """The module's correct alternatives: the reference with some functions re-defined."""
    m = modules.get(module)
    ref = m.source.read_text()
    out = []
    for path in sorted((m.examples / "alternatives").glob("*.py")):
        text = path.read_text()
        doc = text.split('"""')[1].strip().splitlines()[0] if text.startswith('"""') else ""
        src = ref + f"\n\n# ---- correct alternative: {path.stem} ----\n" + text
        out.append(Example(module, f"alt_{path.stem}", "alternative", src, why=doc))
    return out


def shortcuts(module: str, folder: str = "shortcuts") -> list[Example]:
    """The module's shortcuts: the reference with functions re-defined to call forbidden routines.

    ``examples/shortcuts/<name>.py``; its docstring says ``Loses: q1 q3`` (the questions that
    must score 0, all others keep full marks) and, when it reaches the routine by dynamic
    means, ``Flagged: dynamic`` (the static scan must flag it). ``question`` holds the lost
    questions separated by spaces, ``why`` the docstring.

    ``folder="evasions"`` gives the attempts to undo the run-time wrappers (they change the
    interpreter's state, so they run only in the hardened grader); their docstrings also say
    what each achieves (``Achieves:``).
    """
    m = modules.get(module)
    ref = m.source.read_text()
    out = []
    for path in sorted((m.examples / folder).glob("*.py")):
        text = path.read_text()
        doc = text.split('"""')[1] if text.startswith('"""') else ""
        fields = dict(
            line.split(":", 1)
            for line in doc.splitlines()
            if line.startswith(("Loses:", "Flagged:"))
        )
        loses = fields.get("Loses", "").split()
        kind = folder.rstrip("s")
        src = ref + f"\n\n# ---- {kind}: {path.stem} ----\n" + text
        ex = Example(module, f"{kind}_{path.stem}", kind, src, " ".join(loses), doc.strip())
        out.append(ex)
    return out


def flagged(example: Example) -> bool:
    """Whether a shortcut declares ``Flagged: dynamic`` (reached by dynamic means)."""
    return "\nFlagged: dynamic" in "\n" + example.why


def unseen(module: str) -> list[Example]:
    """Bugs written blind (by someone who never saw the mutants): complete modules in
    ``examples/unseen/<name>.py`` whose docstring's first line states the mistake, and
    ``correct.py``, that author's correct version (kind ``alternative``). They measure the
    hints honestly and are never used to build them."""
    m = modules.get(module)
    out = []
    for path in sorted((m.examples / "unseen").glob("*.py")):
        text = path.read_text()
        doc = text.split('"""')[1].strip().splitlines()[0] if '"""' in text else ""
        kind = "alternative" if path.stem == "correct" else "unseen"
        out.append(Example(module, f"unseen_{path.stem}", kind, text, why=doc))
    return out


def all_examples(module: str) -> list[Example]:
    return [reference(module), *mutants(module), *alternatives(module)]
