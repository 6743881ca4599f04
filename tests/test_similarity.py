"""The similarity report on a synthetic class: disguised copies are found, independent
correct implementations are not reported against each other."""

from __future__ import annotations

import ast
import builtins
import csv
import difflib
import random
import subprocess
import sys

import pytest

from autograder import examples, modules, similarity

MODULE = "spectral"
KEEP = set(dir(builtins)) | {"np", "numpy", "scipy", "sp", "sparse", "self"}


def disguise(source: str, seed: int) -> str:
    """A copy disguised as a student would: locals renamed, functions reordered, docstrings
    and comments replaced, the whole file reformatted (``ast.unparse``)."""
    rng = random.Random(seed)
    tree = ast.parse(source)
    for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        params = {a.arg for a in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs}
        local = {
            n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        names = sorted(local - params - KEEP)
        new = {n: f"{rng.choice(['tmp', 'val', 'res', 'arr'])}{i}" for i, n in enumerate(names)}
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and n.id in new:
                n.id = new[n.id]
        first = fn.body[0]
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            first.value.value = f"My own implementation (version {rng.randint(1, 9)})."
    slots = [i for i, n in enumerate(tree.body) if isinstance(n, ast.FunctionDef)]
    order = slots[:]
    while order == slots:
        rng.shuffle(order)
    body = list(tree.body)
    for slot, src in zip(slots, order):
        body[slot] = tree.body[src]
    tree.body = body
    lines = []
    for ln in ast.unparse(tree).splitlines():
        if ln.lstrip().startswith(("def ", "for ", "return ")):
            pad = ln[: len(ln) - len(ln.lstrip())]
            lines.append(f"{pad}# step {rng.randint(1, 99)}: worked out in the lab session")
        lines.append(ln)
    return "\n".join(lines) + "\n"


def _defs(source: str) -> list[str]:
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


def alternatives(module: str) -> dict[str, str]:
    """The module's correct alternatives, each on its own: independent implementations of
    the functions they re-define (as submissions they are only these functions)."""
    folder = modules.get(module).examples / "alternatives"
    return {f"alt_{p.stem}": p.read_text() for p in sorted(folder.glob("*.py"))}


def test_the_disguise_is_a_real_one():
    ref = examples.reference(MODULE).source
    fake = disguise(ref, 0)
    ast.parse(fake)
    assert sorted(_defs(fake)) == sorted(_defs(ref)) and _defs(fake) != _defs(ref)
    assert difflib.SequenceMatcher(None, ref, fake, autojunk=False).ratio() < 0.6


@pytest.mark.parametrize("module", list(modules.MODULES))
def test_copies_found_and_alternatives_not_reported(module, tmp_path):
    ref = examples.reference(module).source
    srcs = {"orig": ref, **{f"copy{i}": disguise(ref, i) for i in range(2)}, **alternatives(module)}
    pairs = similarity.compare(module, srcs, tmp_path, threshold=0.0, html=False)
    by = {(p.a, p.b): p for p in pairs}
    for a, b in (("copy0", "copy1"), ("copy0", "orig"), ("copy1", "orig")):
        assert min(by[a, b].a_in_b, by[a, b].b_in_a) >= similarity.THRESHOLD, by[a, b]
    alts = [p for p in pairs if p.a.startswith("alt_") and p.b.startswith("alt_")]
    assert all(p.score < similarity.THRESHOLD for p in alts), alts


def test_similarity_command_on_a_synthetic_class(tmp_path):
    subs = tmp_path / "subs"
    ref = examples.reference(MODULE)
    paths = [ref.write(subs)]
    for i in range(3):
        paths.append(
            examples.Example(MODULE, f"copy{i}", "copy", disguise(ref.source, i)).write(subs)
        )
    for name, src in alternatives(MODULE).items():
        paths.append(examples.Example(MODULE, name, "alternative", src).write(subs))
    stub = subs / f"stub_{MODULE}.py"
    stub.write_text(similarity.boilerplate(MODULE))
    paths.append(stub)
    out = tmp_path / "out"
    cmd = [
        sys.executable,
        "-m",
        "autograder",
        "similarity",
        MODULE,
        *map(str, paths),
        "--out",
        str(out),
    ]
    proc = subprocess.run(cmd, cwd=modules.ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / "similarity.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    found = {frozenset((r["submission_a"], r["submission_b"])) for r in rows}
    group = ["reference", "copy0", "copy1", "copy2"]
    want = {frozenset((a, b)) for i, a in enumerate(group) for b in group[i + 1 :]}
    assert found == want, rows
    for r in rows:
        assert (
            float(r["a_in_b"]) >= similarity.THRESHOLD or float(r["b_in_a"]) >= similarity.THRESHOLD
        )
    html = (out / "similarity.html").read_text()
    assert "copy0" in html and "reference" in html
