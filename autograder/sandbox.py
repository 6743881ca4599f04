"""The sandbox environment shared by the workers of a grading run.

:class:`Limits` (resource and time limits), :class:`Spec` (what grading a module needs),
:class:`UidSlot` (an unprivileged uid per parallel worker when root), :class:`ZygoteClient`
(the fork server that imports numpy/scipy once), :class:`Staging` (the private folders the
workers import from), :func:`hide_list` (what the workers must not see) and
:class:`Environment`, which bundles them. One submission's run is in :mod:`autograder.session`.
"""

from __future__ import annotations

import ast
import contextlib
import fcntl
import itertools
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from autograder.modules import PROVIDED
from autograder.zygote import kill_uid

ENGINE = pathlib.Path(__file__).resolve().parent.parent
ZYGOTE_BOOT = (
    "import sys; sys.path.insert(0, {engine!r}); from autograder.zygote import main; main()"
)
#: The environment of the fork server and its workers (thread pools of BLAS set to 1).
SANDBOX_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "Agg",
    "NUMDL_SANDBOX": "1",
    **{
        k: "1"
        for k in (
            "OMP_NUM_THREADS",
            "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS",
            "NUMEXPR_NUM_THREADS",
            "VECLIB_MAXIMUM_THREADS",
        )
    },
}
UID_BASE, UID_COUNT = 61000, 2000
UID_LOCKS = pathlib.Path(tempfile.gettempdir()) / "numdl-grader-uids"


@dataclass
class Limits:
    """Resource limits of one worker and the wall-clock limits of the grader."""

    timeout: float = 10.0  # wall clock per call of a student function (and for the import)
    submission_timeout: float = 600.0  # wall clock for a whole submission
    startup_timeout: float = 60.0  # starting a worker (importing numpy/scipy)
    cpu: int = 300  # RLIMIT_CPU, seconds
    memory: int = 3 << 30  # RLIMIT_AS, bytes
    nproc: int = 64  # RLIMIT_NPROC (per unprivileged uid; only when root)
    fsize: int = 16 << 20  # RLIMIT_FSIZE, bytes
    nofile: int = 256  # RLIMIT_NOFILE
    output: int = 32 << 10  # bytes of the worker's stdout/stderr kept

    def rlimits(self, root: bool) -> dict:
        out = {"cpu": self.cpu, "as": self.memory, "fsize": self.fsize, "nofile": self.nofile}
        if root:
            out["nproc"] = self.nproc
        return out


class Incident(BaseException):
    """The worker timed out or died: the current question scores zero.

    A ``BaseException`` so that neither otter (``except Exception``) nor test helpers such as
    ``check_raises`` swallow it.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind, self.message = kind, message


@dataclass
class Spec:
    """What grading a module needs: its tests, the reference package and the API names."""

    module: str
    package: pathlib.Path  # folder holding numdl/__init__.py, provided modules, prerequisites
    tests: list[pathlib.Path]
    prereqs: tuple[str, ...]
    api: list[str]
    provided: tuple[str, ...] = PROVIDED
    secret: list[pathlib.Path] = field(default_factory=list)  # folders the worker must not see
    imports: tuple[str, ...] = ()  # numpy/scipy modules of the reference: preloaded when lean

    @classmethod
    def from_registry(cls, name: str) -> Spec:
        from autograder import modules

        m = modules.get(name)
        return cls(
            module=m.name,
            package=modules.PACKAGE,
            tests=m.test_files(),
            prereqs=m.prereqs,
            api=api_names(m.source.read_text()),
            provided=modules.PROVIDED,
            secret=[modules.ROOT, modules.SOLUTIONS, modules.ASSIGNMENTS],
            imports=reference_imports(m.source.read_text()),
        )


def api_names(source: str) -> list[str]:
    """The graded names of a reference module: its ``__all__``, else its public functions."""
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return [e.value for e in node.value.elts if isinstance(e, ast.Constant)]
    return [
        n.name for n in tree.body if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")
    ]


def reference_imports(source: str) -> tuple[str, ...]:
    """The numpy and scipy modules a reference module imports (anywhere in it), in order.

    A submission most likely imports the same: a fork server for one submission imports them
    while the tests load (a batch's fork server imports all of :data:`worker.PRELOAD`).
    """
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in ("numpy", "scipy") and n not in found]
    return tuple(found)


# ---------------------------------------------------------------------------- uids and killing


def is_root() -> bool:
    return os.geteuid() == 0


class UidSlot:
    """An unprivileged uid reserved for this process (an ``flock`` on a file per uid)."""

    def __init__(self) -> None:
        UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
        for uid in range(UID_BASE, UID_BASE + UID_COUNT):
            fd = os.open(UID_LOCKS / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                continue
            self.uid, self.fd = uid, fd
            kill_uid(uid)  # leftovers of a run that was killed
            return
        raise RuntimeError("no free sandbox uid")

    def release(self) -> None:
        kill_uid(self.uid)
        os.close(self.fd)


class ZygoteClient:
    """The grader's handle on the fork server (:mod:`autograder.zygote`).

    The server is started at once but waited for only at the first request, so its imports
    overlap with the grader's own start-up.
    """

    def __init__(self, startup_timeout: float = 60.0, lean: bool = False) -> None:
        self.startup_timeout = startup_timeout
        self.lean = lean  # preload only numpy (one submission; see worker.LEAN_PRELOAD)
        self.lock = threading.Lock()
        self.proc: subprocess.Popen | None = None
        self.home, self.lock_fd = private_tempdir("numdl-zygote-")
        self.ready = False
        self.pending = 0  # answers to read before the next request's (see prepare_soon)
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = dict(
            SANDBOX_ENV, HOME=str(self.home), TMPDIR=str(self.home), MPLCONFIGDIR=str(self.home)
        )
        try:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-B",
                    "-c",
                    ZYGOTE_BOOT.format(engine=str(ENGINE)),
                    str(theirs.fileno()),
                    "lean" if self.lean else "full",
                ],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(theirs.fileno(),),
                env=env,
                start_new_session=True,
                cwd=self.home,
            )
        finally:
            theirs.close()
        self.sock = ours
        self.ready = False
        self.pending = 0

    def _wait_ready(self) -> None:
        self.sock.settimeout(self.startup_timeout)
        if json.loads(self.sock.recv(1 << 16) or b"{}").get("ready") is not True:
            raise OSError("the fork server did not start")
        self.sock.settimeout(60)
        self.ready = True

    def request(self, msg: dict, fds: Sequence[int] = ()) -> dict:
        """One request and its answer; the fork server is restarted if it died."""
        with self.lock:
            if self.proc is None or self.proc.poll() is not None:
                if self.proc is not None:
                    self.sock.close()
                self._start()
            if not self.ready:
                self._wait_ready()
            while self.pending:  # a failed prepare is tried again (and reported) by a spawn
                self.pending -= 1
                self.sock.recv(1 << 16)
            socket.send_fds(self.sock, [json.dumps(msg).encode()], list(fds))
            data = self.sock.recv(1 << 16)
            if not data:
                raise OSError("the fork server died")
            return json.loads(data)

    def prepare_soon(self, cfg: dict) -> None:
        """Have the fork server import the run's modules (:func:`prepare_config`) now, while
        the grader goes on; its answer is read before the next request's."""
        with self.lock:
            self.sock.send(json.dumps({"op": "prepare", "cfg": cfg}).encode())
            self.pending += 1

    def close(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.sock.close()
            self.proc = None
        shutil.rmtree(self.home, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.close(self.lock_fd)


_PRESTARTED: list[tuple[ZygoteClient, Staging | None]] = []


def prestart(startup_timeout: float = 60.0, lean: bool = False, spec: Spec | None = None) -> None:
    """Start a fork server now (it imports numpy/scipy while the grader loads its tests).

    With ``spec``, the run's staging folder is made now too, and the fork server imports the
    run's provided modules at once instead of at the first spawn (the next
    :class:`Environment` adopts both).
    """
    if not _PRESTARTED:
        client = ZygoteClient(startup_timeout, lean)
        staging = Staging() if spec is not None else None
        if spec is not None:
            client.prepare_soon(prepare_config(spec, staging))
        _PRESTARTED.append((client, staging))


def discard_prestarted() -> None:
    """Stop a fork server that was started but never used (e.g. nothing left to grade)."""
    while _PRESTARTED:
        client, staging = _PRESTARTED.pop()
        client.close()
        if staging is not None:
            staging.cleanup()


# ---------------------------------------------------------------------------- staging


def private_tempdir(prefix: str) -> tuple[pathlib.Path, int]:
    """A new temporary folder, locked (``flock`` on ``.lock``) while this process lives.

    Folders with the same prefix whose lock is free belong to killed runs and are removed.
    """
    for old in pathlib.Path(tempfile.gettempdir()).glob(f"{prefix}*"):
        try:
            fd = os.open(old / ".lock", os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue
        finally:
            os.close(fd)
        shutil.rmtree(old, ignore_errors=True)
    path = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    fd = os.open(path / ".lock", os.O_CREAT | os.O_RDONLY, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return path, fd


class Staging:
    """A private temporary folder: the run's shared ``base`` and one folder per worker.

    ``base/numdl/`` holds the provided modules and the prerequisites (readable by the workers,
    bound read-only into their sandboxes); the fork server imports them once
    (:meth:`autograder.zygote.Zygote.prepare`). A worker's own folder holds only the
    student's ``numdl/<module>.py``, found through ``numdl.__path__``.
    """

    def __init__(self) -> None:
        self.root, self.lock_fd = private_tempdir("numdl-grade-")
        self.root.chmod(0o711)
        self.counter = itertools.count()
        self._base: pathlib.Path | None = None

    def base(self, spec: Spec) -> pathlib.Path:
        """The shared folder holding ``numdl/`` without the graded module (made once)."""
        if self._base is None:
            d = self.root / "base"
            pkg = d / "numdl"
            pkg.mkdir(parents=True)
            for name in (*spec.provided, *spec.prereqs):
                src = spec.package / f"{name}.py"
                if src.exists():
                    shutil.copyfile(src, pkg / f"{name}.py")
                    (pkg / f"{name}.py").chmod(0o644)
            for folder in (d, pkg):
                folder.chmod(0o755)
            self._base = d
        return self._base

    def stage(self, spec: Spec, source: bytes, uid: int | None) -> pathlib.Path:
        """A new folder holding ``numdl/<module>.py``, the student's file, owned by ``uid``."""
        d = self.root / f"w{next(self.counter)}"
        pkg = d / "numdl"
        pkg.mkdir(parents=True)
        (pkg / f"{spec.module}.py").write_bytes(source)
        if uid is not None:
            for p in (d, pkg, *pkg.iterdir()):
                os.chown(p, uid, uid)
        d.chmod(0o700)
        return d

    def cleanup(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        with contextlib.suppress(OSError):
            os.close(self.lock_fd)


#: Provided modules not imported up front (``plotting`` would import matplotlib: 1-2 s).
LAZY = ("__init__", "plotting")


def prepare_config(spec: Spec, staging: Staging) -> dict:
    """What the fork server imports once per run: ``base`` (the shared folder), the provided
    modules and prerequisites to import from it (``preimport``), the reference's numpy/scipy
    modules (``preload``), the graded ``module``."""
    return {
        "base": str(staging.base(spec)),
        "module": spec.module,
        "preimport": [
            n
            for n in (*spec.provided, *spec.prereqs)
            if n not in LAZY and (spec.package / f"{n}.py").exists()
        ],
        "preload": list(spec.imports),
    }


#: World-readable places hidden from every worker (besides the grader's own folders).
COMMON_SECRETS = (
    "/tmp",
    "/var/tmp",
    "/dev/shm",
    "/home",
    "/root",
    "/mnt",
    "/srv",
    "/media",
    "/autograder",
    "/work",
)


def hide_list(paths: Sequence[str | os.PathLike]) -> list[list]:
    """``[[path, keeps], ...]``: folders to cover in the worker, with the interpreter kept.

    The worker adds its own staged folder and the shared base (read-only) to the keeps of the
    path that contains them.
    """
    keeps = sorted(
        {
            os.path.realpath(sys.prefix),
            os.path.realpath(sys.base_prefix),
            os.path.dirname(os.path.realpath(sys.executable)),
        }
    )
    keeps = [k for k in keeps if not any(k.startswith(o + "/") for o in keeps)]
    out: list[list] = []
    cands = sorted(
        {os.path.realpath(p) for p in (*paths, *COMMON_SECRETS) if os.path.exists(p)}, key=len
    )
    for p in cands:
        if p == "/" or any(k == p or p.startswith(k.rstrip("/") + "/") for k in keeps):
            continue
        if any(p.startswith(q.rstrip("/") + "/") for q, _ in out):
            continue
        out.append([p, [k for k in keeps if k.startswith(p.rstrip("/") + "/")]])
    return out


class Environment:
    """What the workers of one grading run share: limits, staging folder, fork server."""

    def __init__(self, limits: Limits, secret: Sequence[pathlib.Path], lean: bool = False) -> None:
        self.limits = limits
        self.hide = hide_list(secret)
        zygote, staging = (
            _PRESTARTED.pop() if _PRESTARTED else (ZygoteClient(limits.startup_timeout, lean), None)
        )
        self.zygote, self.staging = zygote, staging or Staging()

    def warm(self, spec: Spec) -> None:
        """Wait until the fork server has started and imported the run's modules.

        A batch calls it once per grader process, so that this start is counted in no
        submission's time (it is in the batch's wall time). A failure is left to the first
        spawn, which tries again and reports it.
        """
        with contextlib.suppress(OSError, ValueError):
            self.zygote.request({"op": "prepare", "cfg": prepare_config(spec, self.staging)})

    def close(self) -> None:
        self.zygote.close()
        self.staging.cleanup()

    def __enter__(self) -> Environment:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
