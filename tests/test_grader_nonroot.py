"""The grader run by an unprivileged user: no uid switch, user namespaces where available.

Needs root to become that user (skipped otherwise) and a repository others may read.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

from autograder import modules, results
from tests.attacks import build

UID = 64321
NAMES = [
    "control_reference",
    "control_stub",
    "infinite_loop_in_kmeans",
    "os_exit_in_function",
    "detached_child_rewrites_results",
    "read_hidden_tests",
    "fork_bomb",
    "patch_allclose",
]


def _readable_by_others(path: pathlib.Path) -> bool:
    p = path.resolve()
    return all(os.stat(a).st_mode & 0o005 == 0o005 for a in [p, *p.parents])


pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not _readable_by_others(modules.ROOT / "autograder"),
    reason="needs root (to become another user) and a repository others may read",
)


def _live_processes(uid: int) -> list[int]:
    out = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            status = pathlib.Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if (
            int(status.split("Uid:")[1].split()[0]) == uid
            and status.split("State:")[1].split()[0] != "Z"
        ):
            out.append(int(pid))
    return out


def test_grading_as_an_unprivileged_user():
    base = pathlib.Path(tempfile.mkdtemp(prefix="numdl-nonroot-"))
    try:
        subs = build.build(base / "subs", 9)
        paths = [str(subs[n]) for n in NAMES]
        for p in [base, *base.rglob("*")]:
            os.chown(p, UID, UID, follow_symlinks=False)
        base.chmod(0o755)
        out = base / "out"
        cmd = [
            sys.executable,
            "-m",
            "tests.attacks.nonroot",
            str(UID),
            "-m",
            "autograder",
            "grade",
            "spectral",
            *paths,
            "--out",
            str(out),
            "--workers",
            "2",
            "--timeout",
            "3",
            "--memory-mb",
            "1024",
            "--quiet",
        ]
        proc = subprocess.run(cmd, cwd=modules.ROOT, capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        book = (out / "gradebook.csv").read_bytes()
        time.sleep(2)  # a surviving detached child would rewrite the results now
        assert (out / "gradebook.csv").read_bytes() == book
        rows = {r["submission"]: r for r in results.read_gradebook(out / "gradebook.csv")}
        assert rows["control_reference"]["score"] == "32"
        assert rows["control_stub"]["score"] == "0"
        assert rows["infinite_loop_in_kmeans"]["status"] == "timeout"
        assert rows["infinite_loop_in_kmeans"]["q1"] == "3"
        assert rows["os_exit_in_function"]["status"] == "crash"
        assert rows["fork_bomb"]["q3"] == "5"
        for name in ("detached_child_rewrites_results", "read_hidden_tests", "patch_allclose"):
            assert rows[name]["score"] == "0"
        rec = json.loads((out / "results" / "read_hidden_tests.json").read_text())
        sandbox = rec["extra_data"]["sandbox"]
        assert sandbox["uid"] == UID
        if sandbox["network"].startswith("isolated"):  # user namespaces available
            found = [ln for ln in rec["output"].splitlines() if ln.startswith("SECRET-FOUND")]
            assert not [f for f in found if str(modules.ROOT) in f or str(base) in f], found
        assert not _live_processes(UID)
    finally:
        shutil.rmtree(base, ignore_errors=True)
