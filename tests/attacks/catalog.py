"""Attack and malformed submissions against module ``spectral``, each with its expected outcome.

Every attack is built from a *base* (the reference, scoring 32, or the template stub, scoring
0) with attack code appended, or injected at the start of one function, so "scores no more
than the same submission without the attack" is checkable: ``max_score`` never exceeds the
base's score (``max_score`` defaults to 0: the attack gains nothing and loses everything).
``graded`` lists questions that must still get full marks (the attack must not
spoil the rest of the run), ``status`` the statuses allowed.

Placeholders in the code: ``{PORT}`` (a loopback port the test listens on).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field

ALL_Q = ("q1", "q2", "q3", "q4", "q5", "q6", "q7")


@dataclass
class Attack:
    name: str
    base: str  # "reference", "stub", or "raw" (``code`` is the whole file, bytes allowed)
    code: str | bytes = ""
    inject: str = ""  # function whose body starts with ``code``; "" = append ``code``
    kind: str = "dir"  # dir, py, zip (``files`` gives the zip), ipynb, custom
    status: tuple[str, ...] = ("ok",)
    max_score: float = 0.0
    graded: dict[str, float] = field(default_factory=dict)
    why: str = ""
    same_as: str = ""  # another attack (or control) whose scores this one must equal exactly


HUNT = r"""
import os as _os
def _hunt():
    roots, seen, hits = ["/work", "/tmp", "/root", "/home", "/autograder", "/srv", "/mnt"], 0, []
    here = _os.path.abspath(_os.getcwd())
    while here != "/":
        roots.append(here)
        here = _os.path.dirname(here)
    for pid in [p for p in _os.listdir("/proc") if p.isdigit()]:
        if int(pid) == _os.getpid():
            continue
        for what in ("environ", "cwd/.", "fd/0", "mem"):
            try:
                with open(f"/proc/{pid}/{what}", "rb") as f:
                    f.read(10)
                if what != "cwd/.":
                    hits.append(f"/proc/{pid}/{what}")
            except OSError:
                pass
        try:
            roots.append(_os.path.realpath(f"/proc/{pid}/cwd"))
            _os.listdir(f"/proc/{pid}/cwd")
            roots.append(f"/proc/{pid}/cwd")
        except OSError:
            pass
    for root in roots:
        for dirpath, dirs, files in _os.walk(root):
            if dirpath.count("/") - root.count("/") > 6:
                dirs[:] = []
            dirs[:] = [d for d in dirs if d not in (".venv", "site-packages", "node_modules")]
            for name in files:
                if not name.endswith((".py", ".csv", ".json")) or seen > 20000:
                    continue
                seen += 1
                path = _os.path.join(dirpath, name)
                try:
                    with open(path, "rb") as f:
                        text = f.read(200000)
                except OSError:
                    continue
                if b"hidden=True" in text or b"BEGIN SOLUTION" in text or name == "gradebook.csv":
                    hits.append(path)
    for h in hits:
        print("SECRET-FOUND", h)
    print("HUNT-DONE", seen)
_hunt()
"""

FORGE = r"""
import os as _os
def _targets():
    outs = []
    for pid in [p for p in _os.listdir("/proc") if p.isdigit()]:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"--out" in argv:
            outs.append(argv[argv.index(b"--out") + 1].decode())
    return outs + [".", "..", "/tmp"]
def _forge(tag):
    for out in _targets():
        for rel, text in (("gradebook.csv", "submission,score\nforged,32\n"),
                          ("results/forged_results.json", '{"score": 32}'),
                          ("results/reference.json", '{"score": 0}'),
                          ("results.json", '{"score": 32}')):
            path = _os.path.join(out, rel)
            try:
                with open(path, "w") as f:
                    f.write(text)
                print(tag, path)
            except OSError:
                pass
"""

DETACH = (
    FORGE
    + r"""
import time as _time
if _os.fork() == 0:
    _os.setsid()
    if _os.fork() == 0:
        for _ in range(40):
            _time.sleep(0.25)
            _forge("LATE-WROTE")
        _os._exit(0)
    _os._exit(0)
"""
)

NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "code", "source": ["def squared_distances(Y):\n", "    return None"]}
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
)


def zip_bytes(entries: list[tuple[str, bytes]], links: tuple[str, ...] = ()) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = 0o120777 << 16
            z.writestr(info, data)
    return buf.getvalue()


#: patches every numpy comparison a worker could use to "always equal" (issue: a worker that
#: trusts nothing in its own process; "modified in place" is decided by the grader from bytes)
def patch_comparisons(outcome: bool) -> str:
    """Code that makes numpy's comparisons (and numpy.testing's asserts) always say ``outcome``."""
    fail = "None" if outcome else "(_ for _ in ()).throw(AssertionError('patched'))"
    return (
        "import numpy as _np\nimport numpy.testing as _t\n"
        f"_np.array_equal = _np.array_equiv = _np.allclose = lambda *a, **k: {outcome}\n"
        f"_np.isclose = lambda a, b, *x, **k: _np.full(_np.shape(a), {outcome})\n"
        f"_t.assert_allclose = _t.assert_array_equal = _t.assert_equal = lambda *a, **k: {fail}\n"
    )


PATCH_COMPARISONS = patch_comparisons(True)
BREAK_COMPARISONS = patch_comparisons(False)
#: at the start of squared_distances: modify the caller's Y, then work on an intact copy
MODIFY_Y = "_keep = Y.copy()\nY[0, 0] += 1.0\nY = _keep\n"

FULL = {"q3": 5.0, "q4": 5.0, "q7": 3.0}  # questions independent of squared_distances/kmeans

ATTACKS: list[Attack] = [
    # ---- trying to pass tests without the work (base: stub, 0 points)
    Attack(
        "patch_allclose",
        "stub",
        "import numpy as _np\n_np.allclose = lambda *a, **k: True\n"
        "_np.isclose = lambda a, b, *x, **k: _np.ones(_np.shape(a), bool)\n"
        "_np.array_equal = lambda *a, **k: True\n",
        why="numpy comparisons patched",
    ),
    # ---- sabotaging the worker's own checks (base: reference)
    Attack(
        "sabotage_comparisons",
        "reference",
        PATCH_COMPARISONS,
        max_score=32,
        same_as="control_reference",
        why="a correct submission that patches numpy's comparisons loses nothing",
    ),
    Attack(
        "sabotage_comparisons_false",
        "reference",
        BREAK_COMPARISONS,
        max_score=32,
        same_as="control_reference",
        why="numpy's comparisons always say 'different': nothing is reported modified",
    ),
    Attack(
        "modify_input",
        "reference",
        MODIFY_Y,
        inject="squared_distances",
        max_score=31,
        graded=FULL,
        why="modifies its input in place: the purity checks fail",
    ),
    Attack(
        "sabotage_then_modify_input",
        "reference",
        PATCH_COMPARISONS + MODIFY_Y,
        inject="squared_distances",
        max_score=31,
        same_as="modify_input",
        why="patched comparisons do not hide an in-place modification",
    ),
    Attack(
        "patch_testing",
        "stub",
        "import numpy.testing as _t\n"
        "_t.assert_allclose = _t.assert_array_equal = lambda *a, **k: None\n",
    ),
    Attack(
        "patch_builtins",
        "stub",
        "import builtins as _b\n_b.isinstance = lambda *a: True\n"
        "_b.AssertionError = type('Never', (BaseException,), {})\n_b.all = lambda *a: True\n",
        status=("ok", "crash", "error"),
    ),
    Attack(
        "patch_checks_and_otter",
        "stub",
        "import numdl.checks as _c\n"
        "_c.check_array = lambda label, a, *x, **k: a\n_c.check = lambda *a, **k: None\n"
        "try:\n    import otter.test_files.exception_test as _o\n"
        "    _o.ExceptionTestFile.run = lambda self, env: None\nexcept Exception:\n    pass\n",
    ),
    Attack(
        "fake_equality",
        "stub",
        "class _Fake:\n    shape = (40, 40)\n    dtype = float\n"
        "    def __eq__(self, o): return True\n    def __array__(self, *a, **k):\n"
        "        import numpy; return numpy.zeros((40, 40))\n"
        "    def __sub__(self, o): return 0.0\n    __rsub__ = __sub__\n"
        "def squared_distances(Y):\n    return _Fake()\n"
        "def graph_laplacian(Wg, normalized=False):\n    return _Fake()\n",
    ),
    Attack(
        "ndarray_subclass",
        "stub",
        "import numpy as _np\nclass _Sub(_np.ndarray):\n"
        "    def __eq__(self, o): return _np.ones(self.shape, bool)\n"
        "    def __sub__(self, o): return _np.zeros(self.shape)\n    __rsub__ = __sub__\n"
        "    def __array_ufunc__(self, *a, **k): return _np.zeros(self.shape)\n"
        "def squared_distances(Y):\n    n = _np.shape(Y)[1]\n"
        "    return _np.full((n, n), _np.nan).view(_Sub)\n",
    ),
    Attack(
        "masked_array",
        "stub",
        "import numpy as _np\ndef squared_distances(Y):\n"
        "    n = _np.shape(Y)[1]\n"
        "    return _np.ma.masked_array(_np.full((n, n), _np.nan), mask=True)\n",
    ),
    Attack(
        "read_hidden_tests",
        "stub",
        HUNT,
        status=("ok", "timeout"),
        why="walks parent folders, /tmp, /work and /proc for tests, solutions, results",
    ),
    Attack("forged_results", "stub", FORGE + "_forge('FORGE-WROTE')\n"),
    Attack("detached_child_rewrites_results", "stub", DETACH),
    Attack(
        "loopback_network",
        "stub",
        "import socket as _s\ntry:\n"
        "    _c = _s.create_connection(('127.0.0.1', {PORT}), timeout=1)\n"
        "    _c.sendall(b'LEAK')\n    print('NET-CONNECTED')\nexcept OSError as e:\n"
        "    print('NET-REFUSED', e)\n",
    ),
    Attack(
        "poison_shared_modules",
        "reference",
        "import os as _os, numdl.utils as _u\n"
        "_base = _os.path.dirname(_u.__file__)  # the run's shared copy, imported by all\n"
        "for _name in ('utils.py', 'plotting.py', 'new.py'):\n"
        "    _p = _os.path.join(_base, _name)\n"
        "    try:\n"
        "        with open(_p, 'a') as _f:\n"
        "            _f.write('raise SystemExit')\n"
        "        print('POISONED', _p)\n"
        "    except OSError as e:\n"
        "        print('NOT-POISONED', e)\n",
        max_score=32,
        same_as="control_reference",
        why="writes into the provided modules that every worker of the run shares",
    ),
    Attack(
        "fork_server_descriptors",
        "reference",
        "import os as _os, socket as _socket\n"
        "_fds = sorted(int(f) for f in _os.listdir('/proc/self/fd'))\n"
        "print('OPEN-FDS', _fds)\n"
        "for _fd in _fds[3:]:\n"
        "    try:  # a fork server's socket: ask it to kill root's processes (uid 0)\n"
        "        _s = _socket.socket(fileno=_os.dup(_fd))\n"
        "        _s.send(bytes(4))\n"
        '        _s.send(b\'{"op": "reap", "pid": 1, "uid": 0}\')\n'
        "        print('SOCKET', _fd)\n"
        "    except OSError:\n"
        "        pass\n",
        max_score=32,
        same_as="control_reference",
        why="looks for file descriptors of the fork server or its helper among its own",
    ),
    Attack(
        "garbage_on_protocol_pipe",
        "stub",
        "import os as _os\nfor _fd in range(3, 32):\n    try:\n"
        "        _os.write(_fd, b'\\x7f' * 4096)\n    except OSError:\n        pass\n",
        status=("ok", "crash", "error"),
        why="writes junk frames on every inherited file descriptor",
    ),
    # ---- crashing, hanging and flooding (base: reference, 32 points)
    Attack(
        "sys_exit_in_function",
        "reference",
        "import sys\nsys.exit(3)",
        inject="squared_distances",
        max_score=26,
        graded={"q1": 0, **FULL},
    ),
    Attack("sys_exit_at_import", "reference", "import sys\nsys.exit(0)\n", status=("error",)),
    Attack(
        "os_exit_in_function",
        "reference",
        "import os\nos._exit(0)",
        inject="squared_distances",
        status=("crash",),
        max_score=26,
        graded={"q1": 0, **FULL},
    ),
    Attack("os_exit_at_import", "reference", "import os\nos._exit(1)\n", status=("crash",)),
    Attack(
        "self_sigkill",
        "reference",
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        inject="squared_distances",
        status=("crash",),
        max_score=26,
        graded={"q1": 0, **FULL},
    ),
    Attack(
        "keyboard_interrupt",
        "reference",
        "raise KeyboardInterrupt",
        inject="squared_distances",
        max_score=26,
        graded={"q1": 0, **FULL},
    ),
    Attack(
        "infinite_loop_in_kmeans",
        "reference",
        "while True:\n    pass",
        inject="kmeans",
        status=("timeout",),
        max_score=22,
        graded={"q1": 3, "q2": 6, **FULL},
    ),
    Attack("infinite_loop_at_import", "reference", "while True:\n    pass\n", status=("timeout",)),
    Attack(
        "sleep_in_function",
        "reference",
        "import time\ntime.sleep(1000)",
        inject="semi_supervised",
        status=("timeout",),
        max_score=29,
        graded={"q1": 3, "q3": 5, "q7": 0},
    ),
    Attack(
        "sleeping_threads",
        "reference",
        "import threading, time\nfor _ in range(4):\n"
        "    threading.Thread(target=time.sleep, args=(1000,)).start()\n",
        max_score=32,
        graded={q: p for q, p in zip(ALL_Q, (3, 6, 5, 5, 6, 4, 3))},
    ),
    Attack(
        "ignored_sigterm",
        "reference",
        "import signal\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nsignal.signal(signal.SIGINT, "
        "signal.SIG_IGN)\nwhile True:\n    pass",
        inject="graph_laplacian",
        status=("timeout",),
        max_score=27,
        graded={"q1": 3, "q3": 0, "q7": 3},
    ),
    Attack(
        "memory_bomb",
        "reference",
        "_hog = []\nwhile True:\n    _hog.append(bytearray(100_000_000))",
        inject="semi_supervised",
        status=("ok", "crash", "timeout"),
        max_score=29,
        graded={"q1": 3, "q3": 5, "q7": 0},
    ),
    Attack(
        "fork_bomb",
        "reference",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        inject="semi_supervised",
        status=("timeout", "crash"),
        max_score=29,
        graded={"q1": 3, "q3": 5, "q7": 0},
    ),
    Attack(
        "huge_print",
        "reference",
        "print('x' * 20_000_000)\nfor _ in range(1000):\n    print('spam ' * 1000)",
        inject="squared_distances",
        max_score=32,
        graded={"q3": 5},
    ),
    # ---- malformed files
    Attack("empty_file", "raw", b""),
    Attack(
        "non_utf8",
        "raw",
        b"def squared_distances(Y):\n    return '\xff\xfe\xfa'\n",
        status=("error",),
    ),
    Attack("syntax_error", "raw", b"def squared_distances(Y)\n    return Y\n", status=("error",)),
    Attack("notebook_instead_of_module", "raw", NOTEBOOK.encode(), status=("invalid",)),
    Attack("notebook_file", "raw", NOTEBOOK.encode(), kind="ipynb", status=("invalid",)),
    Attack(
        "missing_function",
        "reference",
        "",
        status=("ok",),
        max_score=26,
        graded={"q5": 0, "q1": 3, **FULL},
        why="kmeans renamed",
    ),
    Attack(
        "wrong_signature",
        "reference",
        "",
        max_score=26,
        graded={"q1": 0, **FULL},
        why="squared_distances(Y, Z)",
    ),
    Attack("no_module_in_repo", "raw", b"", kind="custom", status=("invalid",)),
    Attack("symlink_to_reference", "raw", b"", kind="custom", status=("invalid",)),
    # ---- archives
    Attack("zip_slip", "raw", kind="zip", status=("invalid",)),
    Attack("zip_absolute_path", "raw", kind="zip", status=("invalid",)),
    Attack("zip_symlink", "raw", kind="zip", status=("invalid",)),
    Attack("zip_bomb", "raw", kind="zip", status=("invalid",)),
    Attack("zip_too_many_entries", "raw", kind="zip", status=("invalid",)),
    Attack("zip_corrupt", "raw", kind="zip", status=("invalid",)),
]
