"""The fork server's process-killing helper (``autograder.zygote.Killer``), as root."""

from __future__ import annotations

import contextlib
import os
import signal
import time

import pytest

from autograder import zygote
from autograder.zygote import Killer

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="killing by uid needs root")

UID = 54_321  # no such user on the machine: only our own test processes have it


def _process_of(uid: int) -> int:
    """A sleeping child process that runs as ``uid``."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            zygote.drop_privileges(uid)
            time.sleep(60)
        finally:
            os._exit(0)
    return pid


def _ended_by(pid: int, timeout: float = 5.0) -> int | None:
    """The signal that ended ``pid`` (``None``: still running after ``timeout`` s)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return os.WTERMSIG(status) if os.WIFSIGNALED(status) else -1
        time.sleep(0.01)
    return None


@pytest.fixture
def killer():
    k = Killer()
    yield k
    k.close()
    with contextlib.suppress(ChildProcessError):
        os.waitpid(k.pid, 0)


def test_the_helper_kills_every_process_of_the_uid(killer):
    pids = [_process_of(UID), _process_of(UID)]
    time.sleep(0.2)  # both have become UID
    killer.kill_uid(UID)
    assert killer.sock is not None  # answered by the helper, not by the fallback
    assert [_ended_by(p) for p in pids] == [signal.SIGKILL, signal.SIGKILL]


def test_the_helper_spares_other_uids(killer):
    other = _process_of(UID + 1)
    time.sleep(0.2)
    killer.kill_uid(UID)
    assert _ended_by(other, timeout=0.3) is None
    os.kill(other, signal.SIGKILL)
    assert _ended_by(other) == signal.SIGKILL


def test_root_is_never_a_target(killer):
    for kill in (killer.kill_uid, zygote.kill_uid):
        with pytest.raises(ValueError, match="refusing"):
            kill(0)
    assert killer.sock is not None


def test_a_forged_request_ends_the_helper_and_the_fork_server_kills_by_itself(killer):
    killer.sock.send(bytes(4))  # uid 0, as someone holding the socket might ask: refused
    assert _ended_by(killer.pid) == -1  # the helper exited, killing nothing
    pid = _process_of(UID)
    time.sleep(0.2)
    killer.kill_uid(UID)  # no answer: the fork server forks and kills by itself
    assert killer.sock is None
    assert _ended_by(pid) == signal.SIGKILL


@pytest.mark.parametrize("way", ["children lists", "every /proc/<pid>/stat"])
def test_children_lists_exactly_this_process_s_children(way, monkeypatch):
    """What the fork server's sweep kills: its own children, found either way."""
    import subprocess

    procs = [subprocess.Popen(["sleep", "30"]) for _ in range(3)]
    grandchild = subprocess.Popen(["sh", "-c", "sleep 30 & wait"])
    try:
        if way != "children lists":
            listdir = os.listdir

            def no_task_lists(path):
                if str(path).endswith("/task"):
                    raise FileNotFoundError(path)
                return listdir(path)

            monkeypatch.setattr(os, "listdir", no_task_lists)
        found = set(zygote.children())
        assert {p.pid for p in procs} | {grandchild.pid} <= found
        assert os.getpid() not in found and os.getppid() not in found
        time.sleep(0.1)  # the shell's own child (a grandchild here) is not listed
        with open(f"/proc/{grandchild.pid}/task/{grandchild.pid}/children") as f:
            assert not {int(p) for p in f.read().split()} & found
    finally:
        for p in [*procs, grandchild]:
            p.kill()
            p.wait()
