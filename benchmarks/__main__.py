"""``make bench``: run every ``benchmarks/bench_*.py`` and write ``benchmarks/RESULTS.md``.

Each benchmark module defines ``run() -> list[Row]``. Usage:
``python -m benchmarks [name ...]`` (names like ``spectral`` select ``bench_spectral.py``).
"""

from __future__ import annotations

import importlib
import pathlib
import platform
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(ROOT / "solutions")]


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if argv:
        names = [n for n in names if n.removeprefix("bench_") in argv]
    rows, failures = [], []
    for name in names:
        t0 = time.perf_counter()
        print(f"[bench] {name} ...", flush=True)
        try:
            rows += importlib.import_module(f"benchmarks.{name}").run()
        except Exception as e:  # noqa: BLE001 - one broken benchmark must not hide the others
            failures.append(f"{name}: {type(e).__name__}: {e}")
        print(f"[bench] {name} done in {time.perf_counter() - t0:.1f} s", flush=True)
    import numpy as np

    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}, numpy {np.__version__}. "
        "Written by `make bench`; every ratio is measured side by side in the same run.",
        "",
        "| benchmark | ours | baseline | ratio | goal | met | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.benchmark} | {r.ours} | {r.theirs} | {r.ratio:.2f} | {r.goal} | "
            f"{'yes' if r.met else 'NO'} | {r.note} |"
        )
    if failures:
        lines += ["", "Failed benchmarks:", *[f"- {f}" for f in failures]]
    out = HERE / "RESULTS.md"
    if argv and out.exists():  # a partial run updates only its own rows
        old = [ln for ln in out.read_text().splitlines() if ln.startswith("| ")][2:]
        mine = {r.benchmark for r in rows}
        keep = [ln for ln in old if ln.split("|")[1].strip() not in mine]
        lines[6:6] = keep
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
