"""Grader processes: one per worker slot, each pinned to a CPU, results back to the main one.

A batch runs ``n`` grader processes forked from the main process. Each one is pinned to one
CPU (its fork server and its workers inherit the pinning), owns its own fork server, uid and
staging folder (built by ``setup``), grades the submissions the main process hands it one at
a time and sends back each result; only the main process writes files.

Why processes and not threads: the tests run in the grader, and every call and callback of a
student function is a round trip to the worker. With two grading threads in one process the
GIL serialises the tests and every round trip wakes a process on the other CPU; measured on
module 04's reference, 1.25 s per submission with two threads against 0.63 s with one. One
process per CPU with its worker on the same CPU grades at the single-worker speed on each.

A grader process dies with the main process (``PR_SET_PDEATHSIG``), and its fork server dies
with it. If one dies on its own, the submission it held gets a record from ``on_crash`` and a
new process takes its place, so the batch goes on.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import multiprocessing
import multiprocessing.connection
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from typing import Any

PR_SET_PDEATHSIG = 1


def cpus() -> list[int]:
    """The CPUs this process may run on, in order."""
    return sorted(os.sched_getaffinity(0))


def _child(conn, cpu: int, parent: int, setup: Callable, grade: Callable) -> None:
    """A grader process: pin, build the environment, grade until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the main process died before the prctl
        os._exit(1)
    with contextlib.suppress(OSError):
        os.sched_setaffinity(0, {cpu})
    state = setup()
    _one_blas_thread()
    try:
        while True:
            item = conn.recv()
            if item is None:
                break
            conn.send(grade(state, item))
    except (EOFError, OSError):  # the main process is gone
        pass
    finally:
        with contextlib.suppress(Exception):
            state.close()


def _one_blas_thread() -> None:
    """Limit BLAS to one thread here: the tests' own linear algebra runs on the pinned CPU.

    Two OpenBLAS threads on one CPU wait for each other (measured: module 03's tests twice
    as slow). Libraries loaded later follow the environment variables.
    """
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[k] = "1"
    with contextlib.suppress(ImportError):
        import scipy.linalg  # noqa: F401 - its own OpenBLAS, loaded now so that it is limited
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)


class _Slot:
    """One grader process as the main process sees it: its pipe and the task it holds."""

    def __init__(self, ctx, cpu: int, setup: Callable, grade: Callable) -> None:
        self.conn, theirs = ctx.Pipe()
        self.proc = ctx.Process(
            target=_child, args=(theirs, cpu, os.getpid(), setup, grade), daemon=True
        )
        self.proc.start()
        theirs.close()
        self.cpu = cpu
        self.task: Any = None

    def give(self, task: Any) -> None:
        self.task = task
        with contextlib.suppress(OSError):  # it died: its sentinel tells, on_crash answers
            self.conn.send(task)

    def stop(self, timeout: float = 30.0) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.proc.join(timeout)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def run(
    tasks: Iterable[Any],
    n: int,
    setup: Callable[[], Any],
    grade: Callable[[Any, Any], Any],
    on_crash: Callable[[Any, str], Any],
) -> Iterator[Any]:
    """Grade ``tasks`` in ``n`` pinned grader processes; yield each result as it comes.

    Parameters
    ----------
    tasks : iterable
        Picklable tasks (here: resolved submissions).
    n : int
        Number of grader processes; process ``i`` is pinned to CPU ``cpus()[i % len(cpus())]``.
    setup : callable
        ``setup() -> state``, called once in each grader process (``state.close()`` at the end).
    grade : callable
        ``grade(state, task) -> result``, in a grader process; must not raise.
    on_crash : callable
        ``on_crash(task, how) -> result``, in the main process, for the task of a grader
        process that died.
    """
    ctx = multiprocessing.get_context("fork")
    pending = collections.deque(tasks)
    order = cpus()
    slots = [_Slot(ctx, order[i % len(order)], setup, grade) for i in range(min(n, len(pending)))]
    try:
        for s in slots:
            s.give(pending.popleft())
        while any(s.task is not None for s in slots):
            busy = {s.conn: s for s in slots if s.task is not None}
            busy.update({s.proc.sentinel: s for s in slots if s.task is not None})
            ready = multiprocessing.connection.wait(list(busy))
            for s in {busy[r] for r in ready}:
                try:
                    result = s.conn.recv()
                except (EOFError, OSError):
                    s.proc.join()
                    result = on_crash(s.task, f"its grader process ended ({_describe(s.proc)})")
                s.task = None
                if not s.proc.is_alive():  # a new process takes its place, if there is work
                    s.stop(0.0)
                    slots.remove(s)
                    if pending:
                        slots.append(s := _Slot(ctx, s.cpu, setup, grade))
                if pending and s in slots:
                    s.give(pending.popleft())
                yield result
    finally:
        for s in slots:
            s.stop(timeout=30.0 if s.task is None else 0.0)


def _describe(proc) -> str:
    """``"signal 9, SIGKILL"`` or ``"exit status 1"`` for an ended process."""
    exitcode = proc.exitcode
    if exitcode is None:
        return "still running"
    if exitcode < 0:
        try:
            return f"signal {-exitcode}, {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"signal {-exitcode}"
    return f"exit status {exitcode}"
