"""A fork server for sandboxed workers: numpy and scipy are imported once per batch.

The grader starts one zygote (``python -I -B -c BOOT``) holding one end of a
``SOCK_SEQPACKET`` socket pair. Each request is one JSON message, some with file
descriptors attached (``SCM_RIGHTS``):

- ``spawn`` (with the worker's request pipe, reply pipe and output pipe): fork a worker that
  runs :func:`autograder.worker.run` with the given configuration; answer its pid. The first
  spawn of a run imports the provided modules from the run's base folder and wraps the
  forbidden routines (:func:`autograder.worker.prepare`), once for all its workers;
- ``prepare`` (the ``cfg`` of :func:`autograder.sandbox.prepare_config`): do the first
  spawn's imports now (sent early, when the run's modules are known before its first worker);
- ``reap`` ``{"pid", "uid", "grace"}``: give the worker ``grace`` seconds to exit by itself,
  then kill it, its process group and every process of its uid; answer how it ended.

The zygote is a child subreaper, so escaped grandchildren (double forks) come back to it and
are killed and reaped. It dies with the grader (``PR_SET_PDEATHSIG``), and so do its workers.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import select
import signal
import socket
import sys

PR_SET_PDEATHSIG, PR_SET_CHILD_SUBREAPER = 1, 36


def describe(status: int) -> str:
    """``"signal 9, SIGKILL"`` or ``"exit status 0"`` for a ``waitpid`` status."""
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = "unknown"
        return f"signal {sig}, {name}"
    return f"exit status {os.WEXITSTATUS(status)}"


def drop_privileges(uid: int) -> None:
    """Become ``uid`` (group ``uid``, no supplementary groups) for good, or ``OSError``."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise OSError("could not drop privileges")


def kill_uid(uid: int) -> None:
    """SIGKILL every process of ``uid`` (a child becomes ``uid`` and calls ``kill(-1)``)."""
    if uid <= 0:  # kill(-1) as root would end every process of the machine
        raise ValueError(f"refusing to kill every process of uid {uid}")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            drop_privileges(uid)
            os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def children() -> list[int]:
    """The pids of this process's children: its threads' ``/proc/.../children`` lists (one
    read each), else every ``/proc/<pid>/stat`` whose parent is this process (a kernel
    without ``CONFIG_PROC_CHILDREN``; ~100x slower)."""
    me = os.getpid()
    try:
        out = []
        for tid in os.listdir(f"/proc/{me}/task"):
            with open(f"/proc/{me}/task/{tid}/children") as f:
                out += [int(p) for p in f.read().split()]
        return out
    except (OSError, ValueError):
        pass
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me:
            out.append(int(name))
    return out


class Killer:
    """A small child of the fork server that runs :func:`kill_uid` on request.

    Started before numpy is imported, so the fork each request costs copies a few MB, not
    the fork server's hundred (measured: 4 ms per fork of the fork server, twice per worker).
    A request is the uid (4 bytes); the answer one byte, after the killing child has ended.
    If the helper is gone or late, :meth:`kill_uid` falls back to :func:`kill_uid`.
    """

    TIMEOUT = 5.0

    def __init__(self) -> None:
        self.sock: socket.socket | None = None
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the helper
            mine.close()
            try:
                ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
                while True:
                    data = theirs.recv(8)
                    uid = int.from_bytes(data, "little") if len(data) == 4 else 0
                    if uid == 0:  # never root's processes
                        break
                    kill_uid(uid)
                    theirs.send(b"k")
            finally:
                os._exit(0)
        theirs.close()
        self.pid, self.sock = pid, mine

    def kill_uid(self, uid: int) -> None:
        if uid <= 0:
            raise ValueError(f"refusing to kill every process of uid {uid}")
        sock = self.sock
        if sock is not None:
            try:
                sock.send(uid.to_bytes(4, "little"))
                if select.select([sock], [], [], self.TIMEOUT)[0] and sock.recv(8) == b"k":
                    return
            except OSError:
                pass
            self.close()  # gone or stuck: from now on, fork here
        kill_uid(uid)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)


class Zygote:
    def __init__(self, sock: socket.socket, killer: Killer | None = None) -> None:
        self.sock = sock
        self.killer = killer
        self.workers: set[int] = set()
        self.ended: dict[int, int] = {}
        self.base: str | None = None  # the run whose provided modules are imported

    def prepare(self, cfg: dict) -> None:
        """Import the run's provided modules and wrap its forbidden routines, once."""
        if self.base == cfg["base"]:
            return
        if self.base is not None:
            raise ValueError("this fork server already serves another run")
        from autograder import worker

        worker.prepare(cfg["base"], cfg["preimport"], cfg["module"], cfg["preload"])
        self.base = cfg["base"]

    def sweep(self) -> None:
        """Reap every ended child; kill adopted orphans (they are never workers)."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            if pid in self.workers:
                self.ended[pid] = status
        helper = self.killer.pid if self.killer is not None and self.killer.sock else None
        for pid in children():
            if pid not in self.workers and pid != helper:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def spawn(self, cfg: dict, fds: list[int]) -> int:
        rfd, wfd, ofd = fds
        try:
            self.prepare(cfg)
        except BaseException:
            for fd in fds:
                os.close(fd)
            raise
        gc.freeze()  # the fork server's objects: never scanned (nor copied) by a worker's gc
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the worker
            try:
                os.setsid()
                self.sock.close()
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(ofd, 1)
                os.dup2(ofd, 2)
                for fd in (null, ofd):
                    os.close(fd)
                # nothing else of the fork server's (the killer's socket) stays open
                keep = sorted({rfd, wfd})
                os.closerange(3, keep[0])
                os.closerange(keep[0] + 1, keep[-1])
                os.closerange(keep[-1] + 1, 1 << 16)
                cfg["rfd"], cfg["wfd"] = rfd, wfd
                os.environ["HOME"] = os.environ["TMPDIR"] = cfg["staged"]
                from autograder import worker

                worker.run(cfg)
            except BaseException as e:  # noqa: BLE001 - report and die
                with contextlib.suppress(Exception):
                    os.write(2, f"sandbox setup failed: {type(e).__name__}: {e}\n".encode())
            os._exit(70)
        for fd in fds:
            os.close(fd)
        self.workers.add(pid)
        return pid

    def reap(self, pid: int, uid: int | None, grace: float) -> str:
        if pid not in self.workers:
            return "unknown"
        fd = None  # readable once the worker has ended: no polling
        if pid not in self.ended:  # not reaped yet, so the pid is still the worker's
            with contextlib.suppress(OSError):
                fd = os.pidfd_open(pid)
        try:
            if grace > 0 and pid not in self.ended:
                self._wait(fd, pid, grace)
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):  # by its pidfd: never a later owner of the pid
                if fd is not None:
                    signal.pidfd_send_signal(fd, signal.SIGKILL)
                elif pid not in self.ended:
                    os.kill(pid, signal.SIGKILL)
            self._wait(fd, pid, 10.0)
        finally:
            if fd is not None:
                os.close(fd)
        if uid is not None and os.geteuid() == 0:
            self.kill_uid(uid)  # everything else of its uid, also what it forked meanwhile
        self.sweep()
        self.workers.discard(pid)
        status = self.ended.pop(pid, None)
        return describe(status) if status is not None else "it could not be reaped"

    def kill_uid(self, uid: int) -> None:
        if self.killer is not None:
            self.killer.kill_uid(uid)
        else:
            kill_uid(uid)

    def _wait(self, fd: int | None, pid: int, timeout: float) -> None:
        """Wait up to ``timeout`` s for worker ``pid`` to end, then reap it."""
        if fd is not None and pid not in self.ended:
            select.select([fd], [], [], timeout)
        with contextlib.suppress(ChildProcessError):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == pid:
                self.ended[pid] = status

    def serve(self) -> None:
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.sock, 1 << 20, 8)
            except OSError:
                os._exit(0)
            if not data:
                os._exit(0)
            msg = json.loads(data)
            self.sweep()
            if msg["op"] == "spawn":
                try:
                    reply = {"pid": self.spawn(msg["cfg"], fds)}
                except Exception as e:  # noqa: BLE001 - told to the grader, which scores it
                    reply = {"error": f"{type(e).__name__}: {e}"}
            elif msg["op"] == "prepare":
                try:
                    self.prepare(msg["cfg"])
                    reply = {"ok": True}
                except Exception as e:  # noqa: BLE001 - the next spawn tries again and reports
                    reply = {"error": f"{type(e).__name__}: {e}"}
            elif msg["op"] == "reap":
                for fd in fds:
                    os.close(fd)
                reply = {"how": self.reap(msg["pid"], msg.get("uid"), msg.get("grace", 0.0))}
            else:
                reply = {"error": "unknown request"}
            self.sock.send(json.dumps(reply).encode())


def main() -> None:
    """Entry point: the socket's file descriptor is ``sys.argv[1]``."""
    libc = ctypes.CDLL(None)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    sock = socket.socket(fileno=int(sys.argv[1]))
    killer = Killer() if os.geteuid() == 0 else None  # before the imports: a small process
    from autograder import worker

    worker.preload(lean=sys.argv[2:3] == ["lean"])
    sock.send(b'{"ready": true}')
    Zygote(sock, killer).serve()
