"""Gradescope autograder zips: the same hardened engine, run on Gradescope's machines.

``build(module)`` writes ``dist/autograder/<module>.zip`` holding

- ``setup.sh`` (installs the pinned course environment) and ``run_autograder``;
- the engine (``autograder/*.py``);
- ``solutions/numdl/``: the provided modules and the reference of the prerequisites only;
- ``assignments/NN_<module>/tests/``: the full test files, hidden cases included, and the
  hint table (``hints.json``, see :mod:`autograder.hints`);
- ``spec.json``: the module, its API names, prerequisites and the reference's numpy/scipy
  imports.

``run_autograder`` runs ``python -m autograder.gradescope --root /autograder`` (the root and
the interpreter can be overridden with ``AUTOGRADER_ROOT`` / ``AUTOGRADER_PYTHON``), which
grades ``<root>/submission`` and writes ``<root>/results/results.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import zipfile

ENGINE_DIR = pathlib.Path(__file__).resolve().parent
STAMP = (1980, 1, 1, 0, 0, 0)

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image.
set -euo pipefail
cd /autograder/source
python3 -m pip install --quiet --upgrade pip
python3 -m pip install --quiet -r requirements.txt
python3 -m compileall -q . > /dev/null  # bytecode once, not per submission
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission: grade /autograder/submission with the hardened
# grader and write /autograder/results/results.json.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PY="${{AUTOGRADER_PYTHON:-python3}}"
cd "$ROOT/source"
exec "$PY" -m autograder.gradescope --root "$ROOT" --module {module}
"""


def _add(z: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, STAMP)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)


def build(module: str, dest: pathlib.Path | None = None) -> pathlib.Path:
    """Write the Gradescope autograder zip of ``module``; return its path."""
    from autograder import hints, modules, release
    from autograder.sandbox import api_names, reference_imports

    m = modules.get(module)
    dest = dest or modules.ROOT / "dist" / "autograder"
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{module}.zip"
    spec = {
        "module": m.name,
        "folder": m.folder,
        "prereqs": list(m.prereqs),
        "api": api_names(m.source.read_text()),
        "imports": list(reference_imports(m.source.read_text())),
    }
    tmp = path.with_suffix(".zip.tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        _add(z, "setup.sh", SETUP_SH.encode(), 0o755)
        _add(z, "run_autograder", RUN_AUTOGRADER.format(module=m.name).encode(), 0o755)
        _add(z, "requirements.txt", release.requirements().encode())
        _add(z, "spec.json", (json.dumps(spec, indent=1) + "\n").encode())
        for py in sorted(ENGINE_DIR.glob("*.py")):
            _add(z, f"autograder/{py.name}", py.read_bytes())
        for name in (*modules.PROVIDED, *m.prereqs):
            src = modules.PACKAGE / f"{name}.py"
            if src.exists():
                _add(z, f"solutions/numdl/{name}.py", src.read_bytes())
        for test in m.test_files():
            _add(z, f"assignments/{m.folder}/tests/{test.name}", test.read_bytes())
        table = hints.table_path(m.name)
        if table.exists():
            _add(z, f"assignments/{m.folder}/tests/{table.name}", table.read_bytes())
    os.replace(tmp, path)
    return path


def build_all(dest: pathlib.Path | None = None) -> list[pathlib.Path]:
    """One zip per ready module."""
    from autograder import modules

    return [build(m.name, dest) for m in modules.ready_modules()]


def run(root: pathlib.Path, module: str) -> dict:
    """Grade ``root/submission`` with the engine in ``root/source``; write the results."""
    from autograder import sandbox
    from autograder.sandbox import Environment, Limits, Spec, UidSlot, is_root

    source = pathlib.Path.cwd()
    info = json.loads((source / "spec.json").read_text())
    package = source / "solutions" / "numdl"
    sys.path.insert(0, str(source / "solutions"))
    tests_dir = source / "assignments" / info["folder"] / "tests"
    tests = sorted(
        tests_dir.glob("q*.py"), key=lambda p: int(p.stem[1:]) if p.stem[1:].isdigit() else 10**6
    )
    spec = Spec(
        module=info["module"],
        package=package,
        tests=tests,
        prereqs=tuple(info["prereqs"]),
        api=info["api"],
        secret=[source, root],
        imports=tuple(info["imports"]),
    )
    sandbox.prestart(lean=True, spec=spec)  # its imports overlap with the tests' (otter)
    from autograder import grader, results, submissions

    if is_root():
        os.chmod(source, 0o700)  # even without mount namespaces, workers cannot read it
    out = root / "results"
    try:
        out.mkdir(parents=True, exist_ok=True)
        sub = submissions.resolve(root / "submission", module)
        limits = Limits(timeout=float(os.environ.get("AUTOGRADER_TIMEOUT", 10)))
        env = Environment(limits, grader.default_hide(spec, out, [sub.path]), lean=True)
    finally:
        sandbox.discard_prestarted()  # left only if the environment could not be made
    slot = UidSlot() if is_root() else None
    try:
        rec = grader.grade_submission(spec, sub, env=env, uid=slot.uid if slot else None)
    finally:
        env.close()
        if slot is not None:
            slot.release()
    results.atomic_write(out / "results.json", (json.dumps(rec, indent=1) + "\n").encode())
    return rec


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m autograder.gradescope")
    p.add_argument("--root", default="/autograder")
    p.add_argument("--module", required=True)
    args = p.parse_args(argv)
    rec = run(pathlib.Path(args.root), args.module)
    x = rec["extra_data"]
    print(f"{x['submission']}: {x['status']}, {rec['score']:g} / {x['max_score']:g}")
    return 0


if __name__ == "__main__":
    from autograder.cli import exit_now

    exit_now(main())
