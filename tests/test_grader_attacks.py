"""The adversarial corpus (``tests/attacks``) graded in ONE batch run of the hardened grader.

Every attack must score no more than the same submission without the attack, keep the
rest of the run intact, and leave the results, the submissions and the machine as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib
import socket
import subprocess
import sys
import time

import pytest

from autograder import modules, results
from tests.attacks import build
from tests.attacks.catalog import ATTACKS

ROOT = modules.ROOT
ROOT_USER = os.geteuid() == 0
needs_root = pytest.mark.skipif(not ROOT_USER, reason="uid separation and namespaces need root")


def _digest_tree(folder: pathlib.Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.setblocking(False)
    subs = build.build(base / "subs", listener.getsockname()[1])
    before = _digest_tree(base / "subs")
    out = base / "out"
    cmd = [
        sys.executable,
        "-m",
        "autograder",
        "grade",
        "spectral",
        *map(str, subs.values()),
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
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=420)
    seconds = time.monotonic() - t0
    right_after = _digest_tree(out)
    time.sleep(3)  # a detached child would rewrite the results now
    recs = {
        n: json.loads(results.results_path(out, n).read_text())
        for n in subs
        if results.results_path(out, n).exists()
    }
    yield {
        "base": base,
        "subs": subs,
        "out": out,
        "proc": proc,
        "before": before,
        "right_after": right_after,
        "later": _digest_tree(out),
        "seconds": seconds,
        "rows": {r["submission"]: r for r in results.read_gradebook(out / "gradebook.csv")},
        "records": recs,
        "listener": listener,
    }
    listener.close()


def test_every_submission_got_a_row(batch):
    assert batch["proc"].returncode == 0, batch["proc"].stderr[-3000:]
    assert set(batch["rows"]) == set(batch["subs"])
    assert len(ATTACKS) >= 30


def test_controls(batch):
    rows = batch["rows"]
    ref = rows["control_reference"]
    assert ref["score"] == "32" and ref["status"] == "ok"
    assert rows["control_zip"]["score"] == "32"
    assert rows["control_stub"]["score"] == "0" and rows["control_stub"]["status"] == "ok"


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_outcome(batch, attack):
    row = batch["rows"][attack.name]
    rec = batch["records"][attack.name]
    base = 32.0 if attack.base == "reference" else 0.0
    assert row["status"] in attack.status, rec["output"][:2000]
    # never more than without the attack; max_score tightens the bound (0 unless stated)
    assert float(row["score"]) <= min(attack.max_score, base), rec["output"][:2000]
    for q, pts in attack.graded.items():
        assert float(row[q]) == pts, f"{q}: {rec['output'][:2000]}"
    if attack.same_as:
        other = batch["rows"][attack.same_as]
        scores = {k: v for k, v in row.items() if k == "score" or k.startswith("q")}
        assert scores == {k: other[k] for k in scores}, rec["output"][:2000]


@needs_root
def test_hidden_tests_and_solutions_are_not_found(batch):
    out = batch["records"]["read_hidden_tests"]["output"]
    assert "HUNT-DONE" in out, out[:2000]
    found = [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("SECRET-FOUND")]
    staged = [f for f in found if "/numdl-grade-" in f and f.endswith("/numdl/spectral.py")]
    leaks = [
        f
        for f in found
        if f not in staged
        and (
            f.startswith(str(ROOT))
            or f.startswith(str(batch["base"]))
            or f.startswith("/proc/")
            or "/tests/q" in f
            or "solutions" in f
        )
    ]
    assert not leaks, leaks


@needs_root
def test_results_cannot_be_forged_now_or_later(batch):
    assert batch["right_after"] == batch["later"], "results changed after the batch ended"
    for name in ("forged_results", "detached_child_rewrites_results"):
        out = batch["records"][name]["output"]
        wrote = [
            ln for ln in out.splitlines() if "WROTE" in ln and not ln.split()[1].startswith(".")
        ]
        assert not wrote, wrote
        assert batch["rows"][name]["score"] == "0"
    assert not (batch["out"] / "results.json").exists()


@needs_root
def test_loopback_network_is_unreachable(batch):
    with pytest.raises(BlockingIOError):
        batch["listener"].accept()
    assert "NET-CONNECTED" not in batch["records"]["loopback_network"]["output"]


def test_shared_modules_cannot_be_changed(batch):
    """The provided modules every worker of the run shares are read-only for student code."""
    output = batch["records"]["poison_shared_modules"]["output"]
    assert "POISONED" not in output.replace("NOT-POISONED", ""), output[-2000:]
    assert output.count("NOT-POISONED") >= 3, output[-2000:]


def test_the_worker_holds_only_its_own_pipes(batch):
    """No descriptor of the fork server (nor of its process-killing helper) reaches student
    code: the worker has stdin, its output, and its request and reply pipes."""
    output = batch["records"]["fork_server_descriptors"]["output"]
    line = next((t for t in output.splitlines() if t.startswith("OPEN-FDS")), "")
    fds = [int(f) for f in line.removeprefix("OPEN-FDS").strip(" []").split(",") if f.strip()]
    assert len(fds) == 6 and fds[:3] == [0, 1, 2], output[-2000:]  # + 2 pipes + listdir's own
    assert "SOCKET" not in output, output[-2000:]


def test_archives_extract_nothing(batch):
    assert not list(batch["base"].rglob("zip_slip_escaped.py"))
    assert not (batch["base"].parent / "zip_slip_escaped.py").exists()
    assert not pathlib.Path("/tmp/zip_absolute_escaped.py").exists()


def test_submissions_are_never_modified(batch):
    assert _digest_tree(batch["base"] / "subs") == batch["before"]


@needs_root
def test_no_sandbox_process_survives(batch):
    assert not build.sandbox_processes()


def test_messages_name_the_incident(batch):
    recs = batch["records"]
    assert "timed out after 3 s in `kmeans`" in recs["infinite_loop_in_kmeans"]["output"]
    assert (
        "the worker died (exit status 0) in `squared_distances`"
        in recs["os_exit_in_function"]["output"]
    )
    assert "signal 9" in recs["self_sigkill"]["output"]
    assert "could not be imported" in recs["syntax_error"]["output"]
    assert "notebook" in recs["notebook_file"]["output"]


def test_output_is_captured_with_a_cap(batch):
    out = batch["records"]["huge_print"]["output"]
    assert "more bytes not shown" in out
    assert len(out) < 100_000


def test_hidden_case_details_stay_hidden(batch):
    for t in batch["records"]["control_stub"]["tests"]:
        if t["visibility"] == "after_published":
            assert "hidden test case" in t["output"]


def test_batch_is_fast_enough(batch):
    assert batch["seconds"] < 240
