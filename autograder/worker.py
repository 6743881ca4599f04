"""The sandboxed worker: imports one student module and serves calls of its functions.

Forked by the fork server (:mod:`autograder.zygote`), which has imported numpy, scipy and
the provided ``numdl`` modules (and the reference of the module's prerequisites) from the
run's shared base folder and wrapped the forbidden routines (:func:`prepare`). In order, it

1. adds its own folder (the student's file only) to ``numdl.__path__`` and watches that file
   for forbidden calls;
2. when root: leaves the network namespace (only a down loopback remains) and, in a mount
   namespace of its own, hides the grader's folders (repository, tests, output, submissions)
   under empty tmpfs mounts, keeping the interpreter visible and the base folder read-only;
3. sets resource limits (CPU, address space, processes, file size, no core files);
4. when root: drops to an unprivileged uid/gid without supplementary groups;
5. only then imports the student's ``numdl/<module>.py`` and serves calls over the pipe
   (:mod:`autograder.protocol`), until the grader kills it.

Student code runs only here. Values it returns are sent as plain data; anything else stays
here as an opaque handle.
"""

from __future__ import annotations

import builtins
import contextlib
import ctypes
import importlib
import inspect
import itertools
import os
import resource
import signal
import sys
from typing import Any

import numpy as np

from autograder import protocol as P
from autograder.zygote import drop_privileges

PRELOAD = (
    "numpy numpy.linalg numpy.fft numpy.random numpy.testing numpy.polynomial "
    "scipy scipy.linalg scipy.sparse scipy.sparse.linalg scipy.special scipy.optimize "
    "scipy.signal scipy.ndimage scipy.fft scipy.integrate scipy.spatial scipy.spatial.distance "
    "scipy.sparse.csgraph scipy.cluster "
    "math cmath functools itertools collections collections.abc copy dataclasses enum "
    "heapq bisect operator random statistics time typing warnings numbers re string "
    "contextlib types abc json io textwrap"
).split()

CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWUSER = 0x00020000, 0x40000000, 0x10000000
MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_NO_NEW_PRIVS = 1, 38


def _libc() -> Any:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    return libc


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def isolate_network(libc: Any) -> str:
    """Unshare the network namespace (root only); the new one has just a down loopback."""
    try:
        _check(libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
        return "isolated (empty network namespace)"
    except OSError as e:
        return f"not isolated ({e})"


def with_keeps(hide: list[list], extra: list[str]) -> list[list]:
    """``hide`` with each folder of ``extra`` added to the keeps of the path that contains it."""
    out = []
    for p, keeps in hide:
        inside = [e for e in extra if (e + "/").startswith(p.rstrip("/") + "/")]
        out.append([p, [*keeps, *inside]])
    return out


def hide_paths(libc: Any, hide: list[list], readonly: tuple[str, ...] = ()) -> list[str]:
    """In a new mount namespace, cover each ``[path, keeps]`` with an empty tmpfs.

    Directories listed in ``keeps`` (inside ``path``) are bound back at their place (through a
    file descriptor opened before the cover), so the interpreter, its libraries and the staged
    folder stay reachable; those in ``readonly`` are bound read-only. A file is covered by
    ``/dev/null``.
    """
    _check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
    _check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
    done = []
    for path, keeps in hide:
        saved: list[tuple[str, int]] = []
        try:
            if os.path.isdir(path):
                for keep in keeps:
                    if os.path.isdir(keep):
                        saved.append((keep, os.open(keep, os.O_PATH | os.O_DIRECTORY)))
                _check(
                    libc.mount(b"tmpfs", path.encode(), b"tmpfs", 0, b"mode=0755,size=64k"),
                    f"tmpfs on {path}",
                )
                for keep, fd in saved:
                    os.makedirs(keep, exist_ok=True)
                    _check(
                        libc.mount(
                            f"/proc/self/fd/{fd}".encode(),
                            keep.encode(),
                            None,
                            MS_BIND | MS_REC,
                            None,
                        ),
                        f"bind {keep}",
                    )
                    if keep in readonly:
                        flags = MS_BIND | MS_REMOUNT | MS_RDONLY
                        _check(libc.mount(None, keep.encode(), None, flags, None), f"ro {keep}")
            elif os.path.exists(path):
                _check(
                    libc.mount(b"/dev/null", path.encode(), None, MS_BIND, None), f"cover {path}"
                )
            else:
                continue
            done.append(path)
        except OSError as e:
            done.append(f"{path} NOT hidden ({e})")
        finally:
            for _, fd in saved:
                os.close(fd)
    return done


def _enter_user_namespace(libc: Any, flags: int) -> None:
    """``unshare(CLONE_NEWUSER | flags)`` mapping our own uid and gid onto themselves."""
    uid, gid = os.getuid(), os.getgid()
    _check(libc.unshare(CLONE_NEWUSER | flags), "unshare(CLONE_NEWUSER)")
    for name, text in (
        ("setgroups", "deny"),
        ("uid_map", f"{uid} {uid} 1"),
        ("gid_map", f"{gid} {gid} 1"),
    ):
        with open(f"/proc/self/{name}", "w") as f:
            f.write(text)


def _drop_capabilities(libc: Any) -> None:
    """Clear every capability (of the user namespace) and forbid gaining new privileges."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [
            ("effective", ctypes.c_uint32),
            ("permitted", ctypes.c_uint32),
            ("inheritable", ctypes.c_uint32),
        ]

    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    _check(libc.capset(ctypes.byref(Header(0x20080522, 0)), (Data * 2)()), "capset")


def isolate_without_root(
    libc: Any, hide: list[list], readonly: tuple[str, ...]
) -> tuple[str, list[str]]:
    """Network and mount isolation through unprivileged user namespaces (best effort).

    The covers are made in a first user namespace, then a second one is entered so that they
    are locked (cannot be unmounted), and all capabilities are dropped.
    """
    try:
        _enter_user_namespace(libc, CLONE_NEWNET)
    except OSError as e:
        return f"not isolated (not root; no user namespace: {e})", []
    network = "isolated (user namespace)"
    try:
        hidden = hide_paths(libc, hide, readonly)
        _enter_user_namespace(libc, CLONE_NEWNS)
        _drop_capabilities(libc)
    except OSError as e:
        return network, [f"NOT hidden ({e})"]
    return network, hidden


def set_limits(limits: dict) -> None:
    """Apply ``{"cpu": s, "as": bytes, "nproc": n, "fsize": bytes, "nofile": n}``."""
    table = {
        "cpu": resource.RLIMIT_CPU,
        "as": resource.RLIMIT_AS,
        "nproc": resource.RLIMIT_NPROC,
        "fsize": resource.RLIMIT_FSIZE,
        "nofile": resource.RLIMIT_NOFILE,
    }
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if "nproc" not in limits and os.geteuid() != 0:
        # not root: the limit counts every task of our own uid, so allow a margin over those
        limits = {**limits, "nproc": _tasks_of(os.getuid()) + 64}
    for key, value in limits.items():
        if key in table and value is not None:
            hard = value + 5 if key == "cpu" else value
            ceiling = resource.getrlimit(table[key])[1]
            if ceiling != resource.RLIM_INFINITY:  # never above the limits we inherited
                value, hard = min(value, ceiling), min(hard, ceiling)
            resource.setrlimit(table[key], (value, hard))


def _tasks_of(uid: int) -> int:
    """Number of tasks (threads) of ``uid``, as ``RLIMIT_NPROC`` counts them."""
    n = 0
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as f:
                status = f.read()
        except OSError:
            continue
        if int(status.split("Uid:")[1].split()[0]) == uid:
            n += int(status.split("Threads:")[1].split()[0])
    return n


class Server:
    """Serves ``import`` and ``call`` requests; keeps opaque handles and decodes callbacks."""

    def __init__(self, rfd: int, wfd: int, module: str) -> None:
        self.rfd, self.wfd, self.module = rfd, wfd, module
        self.frames = P.Reader(rfd)  # every frame from the grader goes through it
        self.mod: Any = None
        self.handles: dict[int, Any] = {}
        self.ids = itertools.count(1)
        self.last: tuple = (None, (), {}, [])  # the last call: function, arguments, arrays
        import numdl.activations as acts
        from numdl.utils import MinibatchObjective

        self.acts, self.objective = acts, MinibatchObjective  # taken before the student import

    # ------------------------------------------------------------------ encoding results
    def encode(self, x: Any, bufs: list, depth: int = 0) -> Any:
        if x is None or type(x) in (bool, str, int, float):
            return x
        if type(x) is np.ndarray and depth < P.MAX_DEPTH and x.dtype.kind in "biufc":
            return P.encode_array(x, bufs)  # the common case first: a plain numeric array
        if isinstance(x, np.generic) and x.dtype.kind in "biufc":
            x = P.plain_scalar(x)
            return x if not isinstance(x, complex) else {"$": "c", "v": [x.real, x.imag]}
        if type(x) is complex:
            return {"$": "c", "v": [x.real, x.imag]}
        if depth < P.MAX_DEPTH:
            if isinstance(x, np.ndarray) and x.dtype.kind in "biufc":
                return P.encode_array(np.asarray(x).view(np.ndarray), bufs)
            if type(x) in (list, tuple):
                return {"$": type(x).__name__, "v": [self.encode(v, bufs, depth + 1) for v in x]}
            if type(x) is dict and all(type(k) is str for k in x):
                return {
                    "$": "dict",
                    "k": list(x),
                    "v": [self.encode(v, bufs, depth + 1) for v in x.values()],
                }
            if P.is_sparse(x):
                try:
                    return P.encode_sparse(x, bufs)
                except Exception:  # noqa: BLE001 - odd sparse objects stay here
                    pass
            if isinstance(x, np.random.Generator):
                return P.encode_rng(x)
            name = getattr(x, "__name__", None)
            if (
                isinstance(name, str)
                and name in self.acts.__all__
                and getattr(self.acts, name) is x
            ):
                return {"$": "act", "name": name}
            mod = self.mod
            if isinstance(name, str) and mod is not None and getattr(mod, name, None) is x:
                return {"$": "sfn", "name": name}
        h = next(self.ids)
        self.handles[h] = x
        return {"$": "opaque", "h": h, "type": type(x).__name__[:100]}

    # ------------------------------------------------------------------ decoding arguments
    def decode(self, obj: Any, bufs: list, rngs: dict, sent: list | None = None) -> Any:
        """A value from the grader; ``sent`` collects ``(buffer index, order, array)``."""
        if obj is None or type(obj) in (bool, int, float, str):
            return obj
        tag = obj["$"]
        if tag == "nd":
            a = _array_from(obj, bufs)
            if obj.get("scalar") and a.ndim == 0:
                return a[()]
            if sent is not None:
                sent.append((obj["b"], obj["o"], a))
            return a
        if tag in ("list", "tuple"):
            items = [self.decode(v, bufs, rngs, sent) for v in obj["v"]]
            return items if tag == "list" else tuple(items)
        if tag == "dict":
            return {k: self.decode(v, bufs, rngs, sent) for k, v in zip(obj["k"], obj["v"])}
        if tag == "c":
            return complex(*obj["v"])
        if tag == "rng":
            gen = P.decode_rng(obj)
            rngs[obj["i"]] = gen
            return gen
        if tag == "sparse":
            return P.decode_sparse(obj, bufs)
        if tag == "act":
            return getattr(self.acts, obj["name"])
        if tag == "mbobj":  # its arrays are not arguments: no after-state for them
            loss, like, Y, C, options = (self.decode(v, bufs, rngs) for v in obj["v"])
            return self.objective(loss, like, Y, C, **options)
        if tag == "sfn":
            return self.student_function(obj["name"])
        if tag == "opaque":
            if obj["h"] not in self.handles:
                raise P.ProtocolError("unknown handle")
            return self.handles[obj["h"]]
        if tag == "fn":
            return self.callable_handle(obj["h"], obj.get("name", "function"))
        if tag == "linop":
            return self.linear_operator(obj)
        raise P.ProtocolError(f"unknown tag {tag!r}")

    def callable_handle(self, h: int, name: str) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            return self.callback(h, "call", list(args), kwargs)

        call.__name__ = call.__qualname__ = str(name)
        return call

    def linear_operator(self, obj: dict) -> Any:
        from scipy.sparse.linalg import LinearOperator

        h = obj["h"]

        class Remote(LinearOperator):
            def _matvec(op, v):  # noqa: N805
                return self.callback(h, "matvec", [v], {})

            def _rmatvec(op, v):  # noqa: N805
                return self.callback(h, "rmatvec", [v], {})

            def _matmat(op, V):  # noqa: N805
                return self.callback(h, "matmat", [V], {})

            def _rmatmat(op, V):  # noqa: N805
                return self.callback(h, "rmatmat", [V], {})

        return Remote(np.dtype(obj.get("dtype", "f8")), tuple(obj["shape"]))

    def callback(self, h: int, method: str, args: list, kwargs: dict) -> Any:
        """Run a grader-side callable; serve nested calls while waiting for its result."""
        bufs: list = []
        header = {
            "op": "callback",
            "h": h,
            "method": method,
            "args": self.encode(args, bufs),
            "kwargs": self.encode(kwargs, bufs),
        }
        P.send(self.wfd, header, bufs)
        while True:
            msg, rbufs = self.frames.recv()
            op = msg.get("op")
            if op == "cb_result":
                return self.decode(msg["value"], rbufs, {})
            if op == "cb_error":
                raise rebuild_exception(msg["error"])
            self.serve(op, msg, rbufs)

    def student_function(self, name: str) -> Any:
        fn = getattr(self.mod, name, None) if self.mod is not None else None
        if not callable(fn):
            raise NameError(f"`{name}` is not defined in your numdl/{self.module}.py")
        return fn

    # ------------------------------------------------------------------ requests
    def serve_import(self) -> None:
        try:
            self.mod = importlib.import_module(f"numdl.{self.module}")
            forbidden_calls()  # calls at import time belong to no question (the scan flags them)
            reply = {"op": "imported", "ok": True}
        except BaseException as e:  # noqa: BLE001 - SystemExit at import is a student error
            reply = {"op": "imported", "ok": False, "error": P.exception_info(e)}
        flush_output()
        P.send(self.wfd, reply)

    def serve_call(self, msg: dict, bufs: list) -> None:
        rngs: dict = {}
        sent: list = []
        try:
            fn = self.student_function(msg["name"])
            args = self.decode(msg["args"], bufs, rngs, sent)
            kwargs = self.decode(msg["kwargs"], bufs, rngs, sent)
            self.last = (fn, args, kwargs, sent)
            value = fn(*args, **kwargs)
            out: list = []
            reply = {
                "op": "result",
                "value": self.encode(value, out),
                "after": _after_state(sent, out),
                "rngs": [[i, g.bit_generator.state] for i, g in rngs.items()],
                "forbidden": forbidden_calls(),
            }
        except BaseException as e:  # noqa: BLE001 - everything goes back to the grader
            out = []
            reply = {"op": "error", "error": P.exception_info(e), "forbidden": forbidden_calls()}
        flush_output()
        P.send(self.wfd, reply, out)

    def serve_names(self) -> None:
        """The names of the last call's argument arrays (asked for when some were modified)."""
        fn, args, kwargs, sent = self.last
        P.send(self.wfd, {"op": "names", "names": _array_names(fn, args, kwargs, sent)})

    def serve(self, op: Any, msg: dict, bufs: list) -> None:
        if op == "call":
            self.serve_call(msg, bufs)
        elif op == "names":
            self.serve_names()
        elif op == "import":
            self.serve_import()
        elif op == "bye":
            os._exit(0)

    def loop(self) -> None:
        while True:
            try:
                msg, bufs = self.frames.recv()
            except P.Closed:
                os._exit(0)
            self.serve(msg.get("op"), msg, bufs)


def _array_from(obj: dict, bufs: list) -> Any:
    """A fresh, writeable ndarray from an ``nd`` object of the grader (trusted: not checked
    again, unlike :func:`autograder.protocol.decode_array` on the grader's side)."""
    return P.array_from(obj["s"], P._DTYPE_OF[obj["d"]], bufs[obj["b"]], obj["o"])


def _after_state(sent: list, out: list) -> list:
    """``[b, shape, dtype, buffer]`` per argument array after the call, its bytes in ``out``.

    The grader decides "modified in place" itself, by comparing these bytes with the ones it
    sent: nothing here calls a function that student code could have replaced (``tobytes``,
    ``shape`` and ``dtype`` belong to the C type ``ndarray``, which cannot be patched).
    """
    state = []
    for b, order, a in sent:
        out.append(a.tobytes(order=order))
        state.append([b, [int(s) for s in a.shape], a.dtype.str, len(out) - 1])
    return state


def _array_names(fn: Any, args: tuple, kwargs: dict, sent: list) -> dict:
    """Best-effort names (``"Y"``, ``"params[0][1]"``) of the argument arrays, by buffer index.

    Only used to word the message; what was modified is decided by the grader from bytes.
    """
    try:
        index = {id(a): b for b, _, a in sent}
        return {
            str(index[id(a)]): path for path, a in arrays_of(fn, args, kwargs) if id(a) in index
        }
    except Exception:  # noqa: BLE001 - naming must never break a call
        return {}


_SIGNATURES: dict[int, tuple[Any, inspect.Signature]] = {}


def _signature(fn: Any) -> inspect.Signature:
    """``inspect.signature(fn)``, computed once per function (it costs more than a call)."""
    hit = _SIGNATURES.get(id(fn))
    if hit is None or hit[0] is not fn:
        hit = _SIGNATURES[id(fn)] = (fn, inspect.signature(fn))
    return hit[1]


def arrays_of(fn: Any, args: tuple, kwargs: dict):
    """``(description, array)`` for every ndarray among the arguments (named when possible)."""
    try:
        bound = _signature(fn).bind_partial(*args, **kwargs).arguments
        named = list(bound.items())
    except Exception:  # noqa: BLE001 - the call itself will report the problem
        named = [(f"argument {i + 1}", a) for i, a in enumerate(args)] + list(kwargs.items())

    def walk(path: str, obj: Any, depth: int = 0):
        if isinstance(obj, np.ndarray):
            yield path, obj
        elif depth < 8 and isinstance(obj, list | tuple):
            for i, o in enumerate(obj):
                yield from walk(f"{path}[{i}]", o, depth + 1)
        elif depth < 8 and isinstance(obj, dict):
            for k, o in obj.items():
                yield from walk(f"{path}[{k!r}]", o, depth + 1)

    for name, value in named:
        yield from walk(str(name), value)


_BUILTIN_EXCEPTIONS = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception)
}


def rebuild_exception(info: dict) -> Exception:
    """An exception from the grader side (a callback raised) as the nearest builtin class."""
    for name in info.get("bases", []):
        cls = _BUILTIN_EXCEPTIONS.get(name)
        if cls is not None:
            return cls(info.get("message", ""))
    return RuntimeError(info.get("message", ""))


def flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001, S110 - a closed stream is the student's problem
            pass


def install_tripwires(module: str) -> None:
    """Wrap the module's forbidden routines (``numdl.tripwires``; in the fork server)."""
    tripwires = sys.modules.get("numdl.tripwires")
    if tripwires is not None:
        tripwires.install(module)


def watch_student_file(module: str, staged: str) -> None:
    """Record forbidden calls made from the student's file (``numdl.tripwires.watch``)."""
    tripwires = sys.modules.get("numdl.tripwires")
    if tripwires is not None:
        tripwires.watch(os.path.join(staged, "numdl", f"{module}.py"), module)


def forbidden_calls() -> list:
    """The forbidden calls recorded since the last request (see ``numdl.tripwires``)."""
    tripwires = sys.modules.get("numdl.tripwires")
    return tripwires.take() if tripwires is not None else []


#: What a fork server for ONE submission (Gradescope's case) imports up front. The rest is
#: imported when used (the interpreter's own files stay readable, read-only, in the sandbox):
#: a batch shares the fork server's imports among all its workers, a single submission
#: would only wait for imports it may never use.
LEAN_PRELOAD = ("numpy", "numpy.linalg", "numpy.fft", "numpy.random")


def preload(lean: bool = False) -> None:
    """Import numpy, scipy and common standard modules (before any privilege drop).

    ``lean``: only :data:`LEAN_PRELOAD` (one submission: nothing to share).
    """
    sys.dont_write_bytecode = True
    for name in LEAN_PRELOAD if lean else PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - missing optional modules
            continue


def prepare(base: str, preimport: list[str], module: str, preload: list[str]) -> None:
    """Import ``numdl`` and its provided modules from ``base`` and the modules of ``preload``
    (those the reference imports); wrap the forbidden routines.

    Done once per run in the fork server, before any worker is forked (trusted code only).
    """
    for name in preload:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    sys.path.insert(0, base)
    try:
        for name in preimport:
            importlib.import_module(f"numdl.{name}")
        importlib.import_module("numdl")
    finally:
        sys.path.remove(base)
    install_tripwires(module)


def run(cfg: dict) -> None:
    """Set up the sandbox described by ``cfg`` in this (fresh) process and serve forever."""
    import time

    t0 = time.perf_counter()
    engine, staged, base = cfg["engine"], cfg["staged"], cfg["base"]
    # numdl and its provided modules were imported by the fork server from the shared base;
    # the student's module is found in the worker's own folder
    sys.modules["numdl"].__path__.insert(0, os.path.join(staged, "numdl"))
    watch_student_file(cfg["module"], staged)
    info: dict[str, Any] = {"uid": os.getuid()}
    libc = _libc()
    hide = with_keeps(cfg["hide"], [staged, base])
    if os.geteuid() == 0:
        info["network"] = isolate_network(libc)
        try:
            info["hidden"] = hide_paths(libc, hide, readonly=(base,))
        except OSError as e:
            info["hidden"] = [f"no mount namespace ({e})"]
    else:
        info["network"], info["hidden"] = isolate_without_root(libc, hide, (base,))
    info["setup_seconds"] = round(time.perf_counter() - t0, 3)
    set_limits(cfg["limits"])
    if cfg.get("uid") is not None and os.geteuid() == 0:
        drop_privileges(cfg["uid"])
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    info["uid"] = os.getuid()
    os.chdir(staged)
    sys.path[:] = [p for p in sys.path if p and p != engine]
    os.environ["HOME"] = os.environ["TMPDIR"] = staged
    server = Server(cfg["rfd"], cfg["wfd"], cfg["module"])
    P.send(cfg["wfd"], {"op": "ready", "sandbox": info})
    server.loop()
