"""Command line: ``python -m autograder {release,check,grade,report,similarity,demo} ...``.

Bad input (see :mod:`autograder.preflight`) prints one line ``error: ...`` and exits 2.
"""

from __future__ import annotations

import argparse
import atexit
import os
import pathlib
import sys

# light imports only: ``grade`` starts its fork server before the tests' imports (otter)
from autograder import modules, preflight


def cmd_release(args: argparse.Namespace) -> int:
    from autograder import gradescope, hints, release

    for name in hints.write_tables():
        print(f"rebuilt the hint table {hints.table_path(name).relative_to(modules.ROOT)}")
    target = release.release()
    print(f"released {len(modules.ready_modules())} module(s) into {target}")
    zips = gradescope.build_all()
    for z in zips:
        print(f"built {z.relative_to(modules.ROOT)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Run a module's tests in-process on a trusted file (default: the reference)."""
    from autograder import inprocess, testfiles

    mod = modules.get(args.module)
    if args.path:
        preflight.module_file(args.path, args.module)
    path = args.path or mod.source
    results = inprocess.grade_file(args.module, path, public_only=args.public_only)
    print(testfiles.summary(results, public_only=args.public_only))
    return 0 if all(q.passed_all for q in results) else 1


def cmd_grade(args: argparse.Namespace) -> int:
    """Grade submissions in sandboxed workers into ``--out``."""
    from autograder import sandbox

    preflight.existing(args.submissions)
    preflight.writable_folder(args.out)
    preflight.same_module(pathlib.Path(args.out), args.module)
    spec = sandbox.Spec.from_registry(args.module)
    if len(args.submissions) == 1:  # Gradescope's case: the fork server imports numpy and
        sandbox.prestart(lean=True, spec=spec)  # the provided modules while the tests load
    import warnings

    from autograder import grader, inprocess
    from autograder.sandbox import Limits

    warnings.filterwarnings("ignore", category=RuntimeWarning)  # from tests on wrong answers

    inprocess.ensure_reference_on_path()
    limits = Limits(timeout=args.timeout)
    if args.memory_mb:
        limits.memory = int(args.memory_mb) << 20
    if args.submission_timeout:
        limits.submission_timeout = args.submission_timeout
    stats: dict = {}
    try:
        records = grader.grade_batch(
            spec,
            args.submissions,
            pathlib.Path(args.out),
            workers=args.workers,
            limits=limits,
            progress=not args.quiet,
            regrade=args.regrade,
            hidden_feedback=args.hidden_feedback,
            stats=stats,
        )
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        sandbox.discard_prestarted()
    statuses: dict[str, int] = {}
    for rec in records:
        s = rec["extra_data"]["status"]
        statuses[s] = statuses.get(s, 0) + 1
    counts = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items()))
    print(f"graded {len(records)} submission(s) into {args.out}: {counts}; {stats['summary']}")
    return 0 if len(records) == len(args.submissions) else 1


def cmd_report(args: argparse.Namespace) -> int:
    from autograder import report

    print(report.report(preflight.grading_folder(args.dir)))
    return 0


def cmd_similarity(args: argparse.Namespace) -> int:
    """Report pairs of submissions whose code overlaps (copydetect, stub as boilerplate)."""
    from autograder import similarity

    preflight.existing(args.submissions)
    out = preflight.writable_folder(args.out)
    if args.threshold is None:
        args.threshold = similarity.THRESHOLD
    try:
        pairs, skipped = similarity.run(args.module, args.submissions, out, args.threshold)
    except ValueError as e:
        raise preflight.Problem(str(e)) from None
    for s in skipped:
        print(f"skipped {s}", file=sys.stderr)
    print(
        f"{len(pairs)} pair(s) with overlap >= {args.threshold:g} among "
        f"{len(args.submissions) - len(skipped)} submission(s): "
        f"{out / 'similarity.csv'}, {out / 'similarity.html'}"
    )
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from autograder import demo

    return demo.main(preflight.writable_folder(args.out))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help="regenerate student_template/ and dist/autograder/*.zip")
    p.set_defaults(func=cmd_release)
    p = sub.add_parser("check", help="run a module's tests in-process on a trusted file")
    p.add_argument("module", choices=list(modules.MODULES))
    p.add_argument("path", nargs="?", help="a <module>.py file (default: the reference)")
    p.add_argument("--public-only", action="store_true")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("grade", help="grade untrusted submissions in sandboxed workers")
    p.add_argument("module", choices=list(modules.MODULES))
    p.add_argument(
        "submissions",
        nargs="+",
        metavar="SUBMISSION",
        help="a folder holding numdl/<module>.py, a .zip of one, or a <module>.py",
    )
    p.add_argument("--out", required=True, help="output folder (results/, gradebook.csv)")
    p.add_argument("--workers", type=int, default=1, help="submissions graded in parallel")
    p.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        help="wall-clock seconds per call of a student function (default 10)",
    )
    p.add_argument(
        "--submission-timeout",
        type=float,
        default=None,
        help="wall-clock seconds per submission (default 600)",
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=None,
        help="address-space limit of a worker in MiB (default 3072)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--regrade", action="store_true", help="grade every submission again, even current ones"
    )
    p.add_argument(
        "--hidden-feedback",
        choices=["never", "after-published"],
        default="never",
        help="whether results show hidden cases' messages once grades are published",
    )
    p.set_defaults(func=cmd_grade)
    p = sub.add_parser("report", help="summarize a grading folder: table, histogram, feedback")
    p.add_argument("dir")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("similarity", help="pairs of submissions that share code (copydetect)")
    p.add_argument("module", choices=list(modules.MODULES))
    p.add_argument("submissions", nargs="+", metavar="SUBMISSION")
    p.add_argument("--out", required=True, help="output folder (similarity.csv, similarity.html)")
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="report pairs whose overlap in either direction reaches this share (default 0.75)",
    )
    p.set_defaults(func=cmd_similarity)
    p = sub.add_parser("demo", help="release, then grade example submissions of every module")
    p.add_argument("--out", default=str(modules.ROOT / "out" / "demo"))
    p.set_defaults(func=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except preflight.Problem as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())


def exit_now(code: int) -> None:
    """Exit with ``code`` without the interpreter's teardown of numpy, scipy and otter (about
    50 ms, which every cold Gradescope submission would pay); exit handlers still run."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os._exit(code)
