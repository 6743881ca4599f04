"""The README's "In numbers" paragraph is what the repository holds (counted here, not by hand)."""

from __future__ import annotations

import re

from autograder import examples, modules, testfiles
from tests.attacks.catalog import ATTACKS


def inventory() -> dict[str, int]:
    """Counts of what the repository holds, by the README's words."""
    ready = [m.name for m in modules.ready_modules()]
    files = [p for m in ready for p in modules.get(m).test_files()]
    cases = [tc for p in files for tc in testfiles.load(p).test_cases]
    unseen = [e for m in ready for e in examples.unseen(m)]
    return {
        "modules": len(ready),
        "questions": len(files),
        "points": round(sum(tc.points for tc in cases)),
        "public": sum(not tc.hidden for tc in cases),
        "hidden": sum(bool(tc.hidden) for tc in cases),
        "mutants": sum(len(examples.mutants(m)) for m in ready),
        "alternatives": sum(len(examples.alternatives(m)) for m in ready),
        "unseen": sum(e.kind == "unseen" for e in unseen),
        "attacks": len(ATTACKS),
        "shortcuts": sum(len(examples.shortcuts(m)) for m in ready),
        "evasions": sum(len(examples.shortcuts(m, "evasions")) for m in ready),
    }


PATTERNS = {
    "modules": r"(\d+) modules",
    "questions": r"(\d+) graded questions",
    "points": r"worth (\d+) points",
    "public": r"(\d+) public",
    "hidden": r"(\d+) hidden test cases",
    "mutants": r"(\d+) realistic buggy implementations",
    "alternatives": r"(\d+) correct alternative",
    "unseen": r"(\d+) bugs written blind",
    "attacks": r"(\d+) adversarial submissions",
    "shortcuts": r"(\d+) shortcuts",
    "evasions": r"(\d+) attempts to undo",
}


def test_readme_numbers_are_current():
    text = (modules.ROOT / "README.md").read_text()
    para = re.search(r"In numbers:(.*?)\n\n", text, re.S)
    assert para, "README.md has no paragraph starting 'In numbers:'"
    words = " ".join(para.group(1).split())
    have = inventory()
    wrong = []
    for key, pattern in PATTERNS.items():
        found = re.search(pattern, words)
        said = int(found.group(1)) if found else None
        if said != have[key]:
            wrong.append(f"{key}: README says {said}, the repository holds {have[key]}")
    assert not wrong, "update README.md's 'In numbers' paragraph: " + "; ".join(wrong)
