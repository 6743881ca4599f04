"""Check your work: run the public tests of one module and print a per-question summary.

Usage (from the repository root)::

    make check MODULE=spectral          # or: python tools/check.py spectral

Only the public test cases are here; hidden test cases exist and run at grading time, so
passing everything here does not guarantee full marks. Exit status 1 when a test fails.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import testfiles  # noqa: E402  (copied next to this script by the release)

MODULES = {p.name.split("_", 1)[1]: p for p in sorted((ROOT / "assignments").glob("[0-9][0-9]_*"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module", choices=sorted(MODULES), help="the module to check")
    args = parser.parse_args(argv)
    folder = MODULES[args.module]
    tests = sorted((folder / "tests").glob("q*.py"), key=lambda p: int(p.stem[1:]))
    try:
        namespace = vars(importlib.import_module(f"numdl.{args.module}"))
    except Exception as e:  # noqa: BLE001 - shown to the student
        print(f"numdl/{args.module}.py could not be imported: {type(e).__name__}: {e}")
        namespace = {}
    results = testfiles.run_files(tests, namespace, public_only=True)
    print(f"Public tests of module {args.module!r}\n")
    print(testfiles.summary(results, public_only=True))
    print(
        "\nNote: hidden test cases exist for every question and run at grading time; "
        "passing the public tests does not guarantee full marks."
    )
    return 0 if all(q.passed_all for q in results) else 1


if __name__ == "__main__":
    sys.exit(main())
