"""Command line: ``python -m autograder {release,check} ...``."""

from __future__ import annotations

import argparse
import sys

from autograder import inprocess, modules, release, testfiles


def cmd_release(args: argparse.Namespace) -> int:
    target = release.release()
    print(f"released {len(modules.ready_modules())} module(s) into {target}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run a module's tests in-process on a trusted file (default: the reference)."""
    mod = modules.get(args.module)
    path = args.path or mod.source
    results = inprocess.grade_file(args.module, path, public_only=args.public_only)
    print(testfiles.summary(results, public_only=args.public_only))
    return 0 if all(q.passed_all for q in results) else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="regenerate student_template/ from solutions/ and assignments/")
    p.set_defaults(func=cmd_release)
    p = sub.add_parser("check", help="run a module's tests in-process on a trusted file")
    p.add_argument("module", choices=list(modules.MODULES))
    p.add_argument("path", nargs="?", help="a <module>.py file (default: the reference)")
    p.add_argument("--public-only", action="store_true")
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
