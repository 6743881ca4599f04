"""One submission's sandboxed run: the worker process, the values crossing, the proxies.

:class:`WorkerProcess` is one sandboxed worker (forked by the fork server, see
:mod:`autograder.zygote`, running :mod:`autograder.worker`); :class:`Session` keeps one per
submission (a fresh one after an incident) and hands the tests :class:`StudentFunction`
proxies. Values crossing the pipe follow :mod:`autograder.protocol`; values coming back are
rebuilt here as plain ``ndarray``/``float``/``int``/``complex``/``str``/``bool``/``None``/
``list``/``tuple``/``dict`` (or an :class:`OpaqueValue` standing for a value left in the
worker).
"""

from __future__ import annotations

import builtins
import contextlib
import importlib
import itertools
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from autograder import protocol as P
from autograder.sandbox import ENGINE, Environment, Incident, Spec, is_root, prepare_config
from autograder.zygote import kill_uid

_SAFE_EXCEPTIONS = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type)
    and issubclass(cls, Exception)
    and cls not in (StopIteration, StopAsyncIteration)
}


def rebuild_exception(info: Any) -> Exception:
    """The nearest builtin exception class of a student exception, with its message."""
    if not isinstance(info, dict):
        return RuntimeError("your code raised an exception")
    message = str(info.get("message", ""))[:4000]
    kind = str(info.get("type", "Exception"))[:200]
    bases = info.get("bases") if isinstance(info.get("bases"), list) else []
    for name in bases:
        cls = _SAFE_EXCEPTIONS.get(name) if isinstance(name, str) else None
        if cls is not None:
            try:
                return cls(message)
            except Exception:  # noqa: BLE001, S112 - classes needing other arguments
                continue
    return RuntimeError(f"your code raised {kind}: {message}")


class OpaqueValue:
    """A value that stays in the worker (e.g. a ``cache``); passing it back resolves it there."""

    def __init__(self, worker: WorkerProcess, handle: int, type_name: str) -> None:
        self._worker, self._handle, self._type = worker, handle, type_name

    def __repr__(self) -> str:
        return f"<opaque {self._type} from student code>"


class WorkerProcess:
    """One sandboxed worker: a staged folder, a process forked by the zygote, three pipes."""

    def __init__(self, spec: Spec, source: bytes, env: Environment, uid: int | None) -> None:
        self.spec, self.source, self.env, self.uid = spec, source, env, uid
        self.limits = env.limits
        self.pid: int | None = None
        self.output = bytearray()
        self.output_total = 0
        self.sandbox: dict = {}
        self.handles: dict[int, Any] = {}
        self.ids = itertools.count(1)
        self.dead = False
        self.how = ""
        self.proxies: dict[str, StudentFunction] = {}
        self.forbidden: list[tuple[str, str]] = []  # (function, routine) recorded by the worker
        self.reader: threading.Thread | None = None
        self.fds: list[int] = []

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        staging = self.env.staging
        self.dir = staging.stage(self.spec, self.source, self.uid)
        r1, self.wfd = os.pipe()
        self.rfd, w2 = os.pipe()
        self.ofd, o2 = os.pipe()
        self.fds = [self.rfd, self.wfd, self.ofd]
        cfg = {
            **prepare_config(self.spec, staging),
            "engine": str(ENGINE),
            "staged": str(self.dir),
            "uid": self.uid,
            "hide": self.env.hide,
            "limits": self.limits.rlimits(is_root()),
        }
        try:
            reply = self.env.zygote.request({"op": "spawn", "cfg": cfg}, [r1, w2, o2])
            if "pid" not in reply:
                raise OSError(reply.get("error", "no worker"))
            self.pid = reply["pid"]
        except (OSError, ValueError, KeyError) as e:
            self.kill()
            raise Incident("crash", f"the sandbox could not start ({e})") from None
        finally:
            for fd in (r1, w2, o2):
                os.close(fd)
        os.set_blocking(self.wfd, False)  # both ends non-blocking: waits honour deadlines
        os.set_blocking(self.rfd, False)
        self.frames = P.Reader(self.rfd)  # every frame from the worker goes through it
        self.reader = threading.Thread(target=self._capture, daemon=True)
        self.reader.start()
        try:
            msg, _ = self.frames.recv(time.monotonic() + self.limits.startup_timeout)
        except (P.Timeout, P.Closed, P.ProtocolError) as e:
            self.kill(grace=0.5)
            raise Incident(
                "crash",
                f"the sandbox could not start ({type(e).__name__}, "
                f"{self.how}): {self.output_text()[-2000:]}",
            ) from None
        if msg.get("op") != "ready":
            self.kill()
            raise Incident("crash", "the sandbox could not start")
        self.sandbox = msg.get("sandbox", {})

    def _capture(self) -> None:
        while True:
            try:
                chunk = os.read(self.ofd, 65536)
            except OSError:
                break
            if not chunk:
                break
            self.output_total += len(chunk)
            room = self.limits.output - len(self.output)
            if room > 0:
                self.output += chunk[:room]

    def output_text(self) -> str:
        text = self.output.decode("utf-8", "replace")
        if self.output_total > len(self.output):
            text += f"\n... ({self.output_total - len(self.output)} more bytes not shown)"
        return text

    def kill(self, grace: float = 0.0) -> str:
        """Kill the worker and everything it started (after ``grace`` seconds to exit by
        itself); remove its staged folder; return how it ended."""
        if self.dead:
            return self.how
        self.dead = True
        if self.pid is not None:
            try:
                self.how = self.env.zygote.request(
                    {"op": "reap", "pid": self.pid, "uid": self.uid, "grace": grace}
                )["how"]
            except (OSError, ValueError, KeyError):
                self.how = "unknown"
        elif self.uid is not None:
            kill_uid(self.uid)
        if self.reader is not None:
            self.reader.join(timeout=2)
        for fd in self.fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.dir, ignore_errors=True)
        return self.how

    # ------------------------------------------------------------------ requests
    def request(
        self, header: dict, bufs: list, what: str, deadline: float, reason: str
    ) -> tuple[dict, list]:
        """Send a request and wait for its answer, serving callbacks meanwhile.

        Only the time the worker holds counts against ``deadline`` (callbacks run here).
        ``Incident`` on timeout, death or a protocol violation.
        """
        budget = deadline - time.monotonic()
        try:
            t0 = time.monotonic()
            P.send(self.wfd, header, bufs, t0 + max(budget, 0.1))
            budget -= time.monotonic() - t0
            while True:
                t0 = time.monotonic()
                msg, rbufs = self.frames.recv(t0 + max(budget, 0.0))
                budget -= time.monotonic() - t0
                if msg.get("op") != "callback":
                    return msg, rbufs
                self._serve_callback(msg, rbufs, budget)
        except P.Timeout:
            self.kill()
            raise Incident("timeout", f"{reason} in `{what}`") from None
        except P.Closed:
            desc = self.kill(grace=0.5)
            raise Incident("crash", f"the worker died ({desc}) in `{what}`") from None
        except P.ProtocolError as e:
            self.kill()
            raise Incident("crash", f"the worker sent malformed data in `{what}` ({e})") from None

    def _serve_callback(self, msg: dict, bufs: list, budget: float) -> None:
        target = self.handles.get(msg.get("h"))
        method = msg.get("method")
        out: list = []
        try:
            if target is None or method not in ("call", "matvec", "rmatvec", "matmat", "rmatmat"):
                raise P.ProtocolError("bad callback")
            args = self.decode(msg.get("args"), bufs)
            kwargs = self.decode(msg.get("kwargs"), bufs)
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise P.ProtocolError("bad callback arguments")
            fn = target if method == "call" else getattr(target, method)
            value = fn(*args, **kwargs)
            reply = {"op": "cb_result", "value": self.encode(value, out, {})}
        except P.ProtocolError:
            raise
        except Incident:
            raise
        except Exception as e:  # noqa: BLE001 - the test's callable raised: tell the worker
            out = []
            reply = {"op": "cb_error", "error": P.exception_info(e)}
        P.send(self.wfd, reply, out, time.monotonic() + max(budget, 0.1))

    def import_module(self, deadline: float) -> dict | None:
        """Import the student module; ``None`` on success, else the exception info."""
        t = self.limits.timeout
        msg, _ = self.request(
            {"op": "import"},
            [],
            f"import numdl.{self.spec.module}",
            deadline,
            f"timed out after {t:g} s",
        )
        if msg.get("op") != "imported":
            self.kill()
            raise Incident("crash", "the worker answered out of turn")
        if msg.get("ok") is True:
            return None
        error = msg.get("error")
        return error if isinstance(error, dict) else {}

    def call(
        self, proxy: StudentFunction, args: tuple, kwargs: dict, deadline: float, reason: str
    ) -> Any:
        rngs: dict[int, np.random.Generator] = {}
        bufs: list = []
        sent: dict = {}
        header = {
            "op": "call",
            "name": proxy.__name__,
            "args": self.encode(list(args), bufs, rngs, 0, sent),
            "kwargs": self.encode(dict(kwargs), bufs, rngs, 0, sent),
        }
        msg, rbufs = self.request(header, bufs, proxy.__name__, deadline, reason)
        self._note_forbidden(msg.get("forbidden"))
        op = msg.get("op")
        if op == "error":
            proxy.__numdl_modified__ = []
            raise rebuild_exception(msg.get("error"))
        if op != "result":
            self.kill()
            raise Incident("crash", f"the worker answered out of turn in `{proxy.__name__}`")
        try:
            value = self.decode(msg.get("value"), rbufs)
            modified = modified_arguments(sent, bufs, msg, rbufs)
            if modified:
                modified = self._name_arrays(header, modified, proxy.__name__, deadline, reason)
            proxy.__numdl_modified__ = modified[:50]
            states = msg.get("rngs", [])
            for item in states if isinstance(states, list) else []:
                if isinstance(item, list) and len(item) == 2 and item[0] in rngs:
                    with contextlib.suppress(Exception):
                        rngs[item[0]].bit_generator.state = item[1]
        except P.ProtocolError as e:
            self.kill()
            raise Incident(
                "crash", f"the worker sent malformed data in `{proxy.__name__}` ({e})"
            ) from None
        return value

    def _name_arrays(
        self, header: dict, modified: list[int], what: str, deadline: float, reason: str
    ) -> list[str]:
        """Names of the modified argument arrays (by buffer index): the worker's parameter
        names (asked for only now; best effort), else their position in the call."""
        msg, _ = self.request({"op": "names"}, [], what, deadline, reason)
        names = msg.get("names") if msg.get("op") == "names" else None
        names = names if isinstance(names, dict) else {}
        paths: dict = {}
        for i, v in enumerate(header["args"]["v"]):
            _sent_arrays(v, paths, f"argument {i + 1}")
        for k, v in zip(header["kwargs"]["k"], header["kwargs"]["v"]):
            _sent_arrays(v, paths, str(k))
        out = []
        for b in modified:
            name = names.get(str(b))
            out.append(name[:200] if isinstance(name, str) else paths[b][2])
        return out

    def _note_forbidden(self, hits: Any) -> None:
        """Keep the worker's report of forbidden calls (untrusted: plain strings only)."""
        for h in hits[:100] if isinstance(hits, list) else []:
            if isinstance(h, dict) and all(
                isinstance(h.get(k), str) for k in ("function", "routine")
            ):
                item = (h["function"][:100], h["routine"][:200])
                if item not in self.forbidden:
                    self.forbidden.append(item)

    # ------------------------------------------------------------------ values
    def encode(
        self, x: Any, bufs: list, rngs: dict, depth: int = 0, arrays: dict | None = None
    ) -> Any:
        """A test-side value as plain data for the worker (handles for callables).

        ``arrays`` receives ``{buffer index: (dtype code, shape)}`` of the arrays sent (not
        the numpy scalars): the arguments whose state after the call is checked.
        """
        if x is None or type(x) in (bool, int, float, str):
            return x
        if depth > P.MAX_DEPTH:
            raise TypeError("the value is nested too deeply to be passed to student code")
        if type(x) is np.ndarray:
            obj = P.encode_array(x, bufs)
            if arrays is not None:
                arrays[obj["b"]] = (obj["d"], obj["s"])
            return obj
        if type(x) in (list, tuple):
            tag = "tuple" if type(x) is tuple else "list"
            return {"$": tag, "v": [self.encode(v, bufs, rngs, depth + 1, arrays) for v in x]}
        if isinstance(x, np.generic):
            if x.dtype.kind not in "biufc":
                raise TypeError(f"cannot pass a {type(x).__name__} to student code")
            return {**P.encode_array(np.asarray(x), bufs), "scalar": True}
        if isinstance(x, bool):
            return bool(x)
        if isinstance(x, int | float | str):
            return int(x) if isinstance(x, int) else float(x) if isinstance(x, float) else str(x)
        if isinstance(x, complex):
            return {"$": "c", "v": [x.real, x.imag]}
        if isinstance(x, np.ndarray):
            return self.encode(np.asarray(x), bufs, rngs, depth, arrays)
        if isinstance(x, list | tuple):
            tag = "tuple" if isinstance(x, tuple) else "list"
            return {"$": tag, "v": [self.encode(v, bufs, rngs, depth + 1, arrays) for v in x]}
        if isinstance(x, dict):
            if not all(isinstance(k, str) for k in x):
                raise TypeError("only dicts with str keys can be passed to student code")
            return {
                "$": "dict",
                "k": [str(k) for k in x],
                "v": [self.encode(v, bufs, rngs, depth + 1, arrays) for v in x.values()],
            }
        if isinstance(x, np.random.Generator):
            i = len(rngs)
            rngs[i] = x
            return {**P.encode_rng(x), "i": i}
        if P.is_sparse(x):
            return P.encode_sparse(x, bufs)
        if isinstance(x, StudentFunction):
            return {"$": "sfn", "name": x.__name__}
        if isinstance(x, OpaqueValue):
            if x._worker is not self:
                raise RuntimeError(
                    f"a {x._type} returned by your code before the sandbox was restarted "
                    "cannot be used any more"
                )
            return {"$": "opaque", "h": x._handle}
        act = _activation_name(x)
        if act is not None:
            return {"$": "act", "name": act}
        if _is_minibatch_objective(x):
            # runs in the worker, no round trip per evaluation; sound, since it only composes
            # the loss (the student's) with unpack, slicing and pack: patching it there gains
            # nothing the loss's own results could not give. Its arrays are not arguments.
            n, keep = len(bufs), dict(rngs)
            try:
                parts = (x.loss, x.like, x.Y, x.C, x.options)
                return {"$": "mbobj", "v": [self.encode(v, bufs, rngs, depth + 1) for v in parts]}
            except TypeError:  # something in it cannot cross: a callback like any other
                del bufs[n:]
                rngs.clear()
                rngs.update(keep)
        if _is_linear_operator(x):
            h = next(self.ids)
            self.handles[h] = x
            return {
                "$": "linop",
                "h": h,
                "shape": [int(s) for s in x.shape],
                "dtype": np.dtype(x.dtype or float).str[1:],
            }
        if callable(x):
            h = next(self.ids)
            self.handles[h] = x
            return {"$": "fn", "h": h, "name": str(getattr(x, "__name__", "function"))[:100]}
        raise TypeError(f"cannot pass a {type(x).__name__} to student code")

    def decode(self, obj: Any, bufs: list, depth: int = 0) -> Any:
        """A value from the worker, rebuilt from plain data only (strict)."""
        if obj is None or type(obj) in (bool, int, float, str):
            return obj
        if type(obj) is not dict or depth > P.MAX_DEPTH:
            raise P.ProtocolError("unexpected value")
        tag = obj.get("$")
        if tag == "nd":  # the common case first
            a = P.decode_array(obj, bufs)
            return a[()].item() if obj.get("scalar") and a.ndim == 0 else a
        if tag in ("list", "tuple"):
            items = obj.get("v")
            if type(items) is not list:
                raise P.ProtocolError("bad list")
            out = [self.decode(v, bufs, depth + 1) for v in items]
            return out if tag == "list" else tuple(out)
        if tag == "dict":
            keys, values = obj.get("k"), obj.get("v")
            if (
                type(keys) is not list
                or type(values) is not list
                or len(keys) != len(values)
                or not all(type(k) is str for k in keys)
            ):
                raise P.ProtocolError("bad dict")
            return {k: self.decode(v, bufs, depth + 1) for k, v in zip(keys, values)}
        if tag == "c":
            v = obj.get("v")
            if type(v) is not list or len(v) != 2 or not all(type(t) in (int, float) for t in v):
                raise P.ProtocolError("bad complex")
            return complex(float(v[0]), float(v[1]))
        if tag == "sparse":
            return P.decode_sparse(obj, bufs)
        if tag == "rng":
            return P.decode_rng(obj)
        if tag == "act":
            fn = _activation(obj.get("name"))
            if fn is None:
                raise P.ProtocolError("unknown activation")
            return fn
        if tag == "sfn":
            name = obj.get("name")
            if name in self.proxies:
                return self.proxies[name]
            h = next(self.ids)
            return OpaqueValue(self, -h, "function")
        if tag == "opaque":
            h = obj.get("h")
            if type(h) is not int:
                raise P.ProtocolError("bad handle")
            return OpaqueValue(self, h, str(obj.get("type", "object"))[:100])
        raise P.ProtocolError(f"unknown value tag {str(tag)[:50]!r}")


def _sent_arrays(obj: Any, found: dict, path: str = "") -> None:
    """``{buffer index: (dtype code, shape, path)}`` of the arrays in an encoded value."""
    if isinstance(obj, dict):
        tag = obj.get("$")
        if tag == "nd" and not obj.get("scalar"):
            found[obj["b"]] = (obj["d"], obj["s"], path)
        elif tag in ("list", "tuple"):
            for i, v in enumerate(obj["v"]):
                _sent_arrays(v, found, f"{path}[{i}]")
        elif tag == "dict":
            for k, v in zip(obj["k"], obj["v"]):
                _sent_arrays(v, found, f"{path}[{k!r}]")


def modified_arguments(sent: dict, bufs: list, msg: dict, rbufs: list) -> list[int]:
    """The buffer indices of the argument arrays a call modified in place, decided here.

    ``sent`` is ``{buffer index: (dtype code, shape)}`` of the arrays sent. The worker
    returns, for every array it received, its shape, dtype and bytes after the call; they
    are compared with what was sent. The worker's own process may have been patched by
    student code, so no comparison happens there.
    """
    after = msg.get("after", [])
    if type(after) is not list:
        raise P.ProtocolError("bad state of the arguments")
    seen, modified = set(), []
    for item in after:
        if not (type(item) is list and len(item) == 4):
            raise P.ProtocolError("bad state of an argument")
        b, shape, dtype, k = item
        if b not in sent or b in seen or type(k) is not int or not 0 <= k < len(rbufs):
            raise P.ProtocolError("bad state of an argument")
        seen.add(b)
        code, shape0 = sent[b]
        # bytes(view) == bytes: one memcmp (a memoryview compares item by item, ~25x slower)
        if (
            shape != shape0
            or type(dtype) is not str
            or dtype[1:] != code
            or bytes(rbufs[k]) != bufs[b]
        ):
            modified.append(b)
    if len(seen) != len(sent):
        raise P.ProtocolError("the state of some arguments is missing")
    return modified


def _activation(name: Any) -> Callable | None:
    try:
        import numdl.activations as acts
    except ImportError:
        return None
    if isinstance(name, str) and name in getattr(acts, "__all__", []):
        return getattr(acts, name)
    return None


def _imported(name: str) -> Any:
    """The module ``name`` if some thread has imported (or is importing) it, else ``None``.

    Tests of two submissions run in two threads here: a module another thread is still
    importing sits half-initialized in ``sys.modules``, so it is imported properly (which
    waits for that import to finish) instead of being used as found.
    """
    if name not in sys.modules:
        return None
    return importlib.import_module(name)


def _activation_name(x: Any) -> str | None:
    mod = _imported("numdl.activations")
    name = getattr(x, "__name__", None)
    if (
        mod is not None
        and isinstance(name, str)
        and name in getattr(mod, "__all__", [])
        and getattr(mod, name) is x
    ):
        return name
    return None


def _is_minibatch_objective(x: Any) -> bool:
    mod = _imported("numdl.utils")
    cls = getattr(mod, "MinibatchObjective", None)
    return isinstance(cls, type) and type(x) is cls


def _is_linear_operator(x: Any) -> bool:
    mod = _imported("scipy.sparse.linalg")
    return mod is not None and isinstance(x, mod.LinearOperator)


# ---------------------------------------------------------------------------- session


class StudentFunction:
    """A test-side stand-in for a student function: calls go to the sandboxed worker.

    After each call, ``__numdl_modified__`` lists the array arguments the call modified in
    place (read by ``numdl.checks.call_pure``).
    """

    def __init__(self, session: Session, name: str) -> None:
        self._session = session
        self.__name__ = self.__qualname__ = name
        self.__numdl_modified__: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._session.call(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<student function {self.__name__}>"


class Session:
    """The sandboxed run of one submission: a worker (restarted after incidents) and proxies."""

    def __init__(self, spec: Spec, source: bytes, env: Environment, uid: int | None) -> None:
        self.spec, self.source, self.env, self.uid = spec, source, env, uid
        self.limits = limits = env.limits
        self.worker: WorkerProcess | None = None
        self.deadline = time.monotonic() + limits.submission_timeout
        self.proxies = {name: StudentFunction(self, name) for name in spec.api}
        self.outputs: list[str] = []
        self.sandbox: dict = {}
        self.forbidden: list[tuple[str, str]] = []  # forbidden calls since the last take

    @property
    def namespace(self) -> dict[str, StudentFunction]:
        return dict(self.proxies)

    def start(self) -> dict | None:
        """Start a worker and import the module; ``None`` or the import's exception info."""
        self.close()
        self.worker = WorkerProcess(self.spec, self.source, self.env, self.uid)
        self.worker.proxies = self.proxies
        self.worker.forbidden = self.forbidden
        self.worker.start()
        self.sandbox = self.worker.sandbox
        deadline, reason = self._deadline()
        return self.worker.import_module(deadline)

    def _deadline(self) -> tuple[float, str]:
        now = time.monotonic()
        if now + self.limits.timeout <= self.deadline:
            return now + self.limits.timeout, f"timed out after {self.limits.timeout:g} s"
        return self.deadline, (
            f"exceeded the total time limit of "
            f"{self.limits.submission_timeout:g} s for a submission"
        )

    @property
    def alive(self) -> bool:
        return self.worker is not None and not self.worker.dead

    def call(self, proxy: StudentFunction, args: tuple, kwargs: dict) -> Any:
        if not self.alive:
            raise Incident("crash", f"the sandbox is not running (in `{proxy.__name__}`)")
        if time.monotonic() >= self.deadline:
            self.worker.kill()
            raise Incident(
                "timeout",
                f"exceeded the total time limit of "
                f"{self.limits.submission_timeout:g} s for a submission",
            )
        deadline, reason = self._deadline()
        return self.worker.call(proxy, args, kwargs, deadline, reason)

    def take_forbidden(self) -> list[tuple[str, str]]:
        """The ``(function, routine)`` forbidden calls reported since the last take."""
        out = list(self.forbidden)
        self.forbidden.clear()
        return out

    def close(self) -> None:
        if self.worker is not None:
            self.worker.kill()
            text = self.worker.output_text()
            if text.strip():
                self.outputs.append(text)
            self.worker = None
