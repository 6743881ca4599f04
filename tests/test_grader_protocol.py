"""What crosses the sandbox boundary, and how: proxies against a probe module in a real worker."""

from __future__ import annotations

import pathlib
import textwrap

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from autograder import modules, protocol
from autograder.sandbox import Environment, Incident, Limits, Spec
from autograder.session import OpaqueValue, Session

PROBE = textwrap.dedent("""
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.linalg import LinearOperator
    import numdl.activations

    STATE = []

    class _Cache:
        def __init__(self, x):
            self.x = x

    class MyError(TypeError):
        pass

    def echo(x):
        return x

    def describe(x):
        return {"type": type(x).__name__, "module": type(x).__module__,
                "dtype": str(getattr(x, "dtype", "")), "order_f": bool(
                    getattr(getattr(x, "flags", None), "f_contiguous", False))}

    def draw(rng, n):
        return rng.standard_normal(n)

    def minimize(fun, x0, steps=50):
        x = x0.copy()
        for _ in range(steps):
            f, g = fun(x)
            x = x - 0.1 * g
        return x, f

    def apply_op(A, x):
        return isinstance(A, LinearOperator), A @ x, A.T @ np.ones(A.shape[0])

    def act_apply(act, X):
        A, dA = act(X)
        return act is numdl.activations.tanh, A, dA

    def make_cache(x):
        return 2 * x, _Cache(x)

    def use_cache(cache):
        return float(cache.x.sum())

    def mutate(x, y):
        x[0] = 99.0
        return None

    def counter():
        STATE.append(1)
        return len(STATE)

    def fail(kind):
        if kind == "linalg":
            raise np.linalg.LinAlgError("Singular matrix")
        if kind == "custom":
            raise MyError("bad type")
        if kind == "keyboard":
            raise KeyboardInterrupt
        raise NotImplementedError("probe.fail: not implemented yet")

    def odd_values():
        return (np.matrix([[1.0, 2.0]]), np.ma.masked_array([1.0, 2.0], mask=[True, False]),
                np.float32(1.5), np.int64(3), np.bool_(True), 1 + 2j, np.complex128(3j),
                np.array([object()], dtype=object), np.arange(3)[::2])

    def slow():
        while True:
            pass

    def affine_loss(p, W, Yb, Cb, lam=0.0):
        (K, b), = p
        E = float(np.sum(K @ Yb + b[:, None]) + np.sum(W @ Cb)) + lam
        return E, [(K + Yb.sum(), b + 1.0)], W + Cb.sum()  # "gradients" shaped like the input

    def run_objective(fun, x, idx, zero_y=False):
        if zero_y:
            fun.Y[:] = 0.0  # the objective's own arrays are not arguments: not reported
        E, g = fun(x, idx)
        return f"{type(fun).__module__}.{type(fun).__name__}", E, g
""")

API = [
    "echo",
    "describe",
    "draw",
    "minimize",
    "apply_op",
    "act_apply",
    "make_cache",
    "use_cache",
    "mutate",
    "counter",
    "fail",
    "odd_values",
    "slow",
    "affine_loss",
    "run_objective",
    "absent",
]


@pytest.fixture(scope="module")
def env():
    e = Environment(Limits(timeout=3), [modules.ROOT])
    yield e
    e.close()


@pytest.fixture(scope="module")
def probe(env):
    spec = Spec("probe", modules.PACKAGE, [], (), API, secret=[modules.ROOT])
    s = Session(spec, PROBE.encode(), env, None if not _root() else _slot(env))
    assert s.start() is None
    yield s.proxies
    s.close()


def _root() -> bool:
    import os

    return os.geteuid() == 0


def _slot(env):
    from autograder.sandbox import UidSlot

    slot = UidSlot()
    env.__dict__.setdefault("slots", []).append(slot)
    return slot.uid


@pytest.mark.parametrize("dtype", ["f8", "f4", "i8", "i4", "u1", "c16", "b1"])
def test_arrays_round_trip_as_plain_arrays(probe, dtype):
    x = (np.arange(12).reshape(3, 4) % 3).astype(dtype)
    y = probe["echo"](x)
    assert type(y) is np.ndarray and y.dtype == x.dtype and np.array_equal(x, y)
    f = np.asfortranarray(x)
    assert probe["describe"](f)["order_f"] is True


@pytest.mark.parametrize("spelling", ["q", ">f8", "<i2", ">c16"])
def test_other_spellings_of_numeric_dtypes_cross_as_native(probe, spelling):
    """``longlong`` and big-endian arrays take the slow path of ``encode_array``: same values."""
    x = (np.arange(6).reshape(2, 3) - 2).astype(spelling)
    y = probe["echo"](x)
    assert type(y) is np.ndarray and y.dtype == x.dtype.newbyteorder("=") and np.array_equal(x, y)


def test_values_msgpack_cannot_hold_cross_as_json(probe):
    """Ints beyond 64 bits and lone surrogates go through the JSON header, both ways."""
    value = [2**70, -(2**80), "a\udc80b", {"k": 2**64}, 2**63 - 1, -(2**63)]
    assert probe["echo"](value) == value
    assert probe["echo"](2**200) == 2**200


def test_containers_and_scalars(probe):
    value = {"a": [1, 2.5, "s", None, True], "b": (np.zeros(2), {"c": 1j})}
    out = probe["echo"](value)
    assert out["a"] == [1, 2.5, "s", None, True] and isinstance(out["b"], tuple)
    assert out["b"][1]["c"] == 1j
    assert probe["describe"](np.float64(2.0))["type"] == "float64"  # numpy scalars stay numpy


def test_returned_values_are_rebuilt_plain(probe):
    mat, masked, f32, i64, b, c, c2, obj, strided = probe["odd_values"]()
    assert type(mat) is np.ndarray and mat.shape == (1, 2)
    assert type(masked) is np.ndarray and masked.tolist() == [1.0, 2.0]
    assert type(f32) is float and type(i64) is int and type(b) is bool
    assert type(c) is complex and type(c2) is complex
    assert isinstance(obj, OpaqueValue)
    assert strided.tolist() == [0, 2]


def test_object_arrays_are_refused(probe):
    with pytest.raises(TypeError, match="dtype object"):
        probe["echo"](np.array([object()], dtype=object))


@pytest.mark.parametrize("fmt", ["csr", "csc", "coo", "dia", "lil", "bsr"])
@pytest.mark.parametrize("flavour", ["matrix", "array"])
def test_sparse_keeps_format_and_flavour(probe, fmt, flavour):
    A = getattr(sp, f"{fmt}_{flavour}")(np.array([[1.0, 0, 2], [0, 3, 0]]))
    info = probe["describe"](A)
    assert info["type"] == type(A).__name__
    B = probe["echo"](A)
    assert type(B) is type(A) and np.array_equal(B.toarray(), A.toarray())


def test_generator_crosses_by_state_and_syncs_back(probe):
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert np.array_equal(probe["draw"](g1, 4), g2.standard_normal(4))
    assert g1.standard_normal() == g2.standard_normal()  # the parent's state advanced too


def test_callables_cross_as_callbacks(probe):
    target = np.array([1.0, -2.0])
    x, f = probe["minimize"](
        lambda x: (float(np.sum((x - target) ** 2)), 2 * (x - target)), np.zeros(2), steps=80
    )
    assert np.allclose(x, target) and f < 1e-6


def _objective_case():
    from numdl.utils import MinibatchObjective, pack

    rng = np.random.default_rng(7)
    like = ([(rng.standard_normal((2, 3)), rng.standard_normal(2))], rng.standard_normal((2, 2)))
    Y, C = rng.standard_normal((3, 6)), np.eye(2)[:, [0, 1, 1, 0, 1, 0]]
    return MinibatchObjective, like, Y, C, pack(like), np.array([5, 1, 2])


def test_minibatch_objective_of_a_student_loss_runs_in_the_worker(probe):
    MinibatchObjective, like, Y, C, x, idx = _objective_case()
    fun = MinibatchObjective(probe["affine_loss"], like, Y, C, lam=2.0)
    where, E, g = probe["run_objective"](fun, x, idx)
    E0, g0 = fun(x, idx)
    assert where == "numdl.utils.MinibatchObjective"  # not a callback stand-in
    assert np.isclose(E, E0) and np.allclose(g, g0) and g.shape == x.shape
    Y0 = Y.copy()
    probe["run_objective"](fun, x, idx, zero_y=True)  # the worker's copy of Y only
    assert probe["run_objective"].__numdl_modified__ == [] and np.array_equal(Y, Y0)


def test_minibatch_objective_that_cannot_cross_is_a_callback(probe):
    MinibatchObjective, like, Y, C, x, idx = _objective_case()
    fun = MinibatchObjective(probe["affine_loss"], like, Y, C, lam=2.0)
    E0, g0 = fun(x, idx)
    odd = MinibatchObjective(probe["affine_loss"], like, Y, C, lam=2.0)
    odd.options = {"lam": 2.0, "note": object()}  # cannot cross as data
    odd.loss = lambda *a, note=None, **k: probe["affine_loss"](*a, **k)
    where, E, g = probe["run_objective"](odd, x, idx)
    assert where != "numdl.utils.MinibatchObjective" and np.isclose(E, E0) and np.allclose(g, g0)


def test_linear_operator_is_real_and_calls_back(probe):
    M = np.arange(6.0).reshape(2, 3)
    op = spla.LinearOperator((2, 3), matvec=lambda v: M @ v, rmatvec=lambda w: M.T @ w)
    real, y, z = probe["apply_op"](op, np.ones(3))
    assert real is True and np.allclose(y, M @ np.ones(3))
    assert np.allclose(z, M.T @ np.ones(2))


def test_activations_cross_by_name(probe):
    from numdl.activations import tanh

    same, A, dA = probe["act_apply"](tanh, np.linspace(-1, 1, 5))
    assert same is True and np.allclose(A, np.tanh(np.linspace(-1, 1, 5)))


def test_opaque_values_go_back_to_the_worker(probe):
    Z, cache = probe["make_cache"](np.ones(3))
    assert isinstance(cache, OpaqueValue) and np.array_equal(Z, 2 * np.ones(3))
    assert probe["use_cache"](cache) == 3.0


def test_in_place_modification_is_reported(probe):
    from numdl.checks import CheckError, call_pure

    x = np.zeros(3)
    probe["mutate"](x, y=np.ones(2))
    assert probe["mutate"].__numdl_modified__ == ["x"] and x[0] == 0.0
    with pytest.raises(CheckError, match="modified its input"):
        call_pure("mutate(x)", probe["mutate"], np.zeros(3), np.ones(2))
    probe["echo"](x)
    assert probe["echo"].__numdl_modified__ == []


def test_module_state_persists_between_calls(probe):
    a, b = probe["counter"](), probe["counter"]()
    assert b == a + 1


@pytest.mark.parametrize(
    "kind,cls,match",
    [
        ("linalg", ValueError, "Singular matrix"),
        ("custom", TypeError, "bad type"),
        ("keyboard", RuntimeError, "KeyboardInterrupt"),
        ("todo", NotImplementedError, "not impl"),
    ],
)
def test_exceptions_become_builtin_classes(probe, kind, cls, match):
    with pytest.raises(cls, match=match) as info:
        probe["fail"](kind)
    assert type(info.value) is cls


def test_missing_function_is_a_name_error(probe):
    with pytest.raises(NameError, match="`absent` is not defined"):
        probe["absent"]()


def test_timeout_is_an_incident_and_a_fresh_worker_follows(env):
    spec = Spec("probe", modules.PACKAGE, [], (), API, secret=[modules.ROOT])
    s = Session(spec, PROBE.encode(), env, _slot(env) if _root() else None)
    assert s.start() is None
    with pytest.raises(Incident, match="timed out after 3 s in `slow`") as info:
        s.proxies["slow"]()
    assert info.value.kind == "timeout" and not s.alive
    assert s.start() is None and s.proxies["counter"]() == 1
    s.close()
    for slot in env.__dict__.pop("slots", []):
        slot.release()


def test_frames_are_checked_before_allocation():
    import os

    r, w = os.pipe()
    os.write(w, protocol.HEAD.pack(protocol.MAX_HEADER + 1, 0))
    with pytest.raises(protocol.ProtocolError):
        protocol.Reader(r).recv()
    os.close(r)
    os.close(w)
    bad = {"$": "nd", "d": "f8", "s": [10], "o": "C", "b": 0}
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_array(bad, [bytearray(8)])
    with pytest.raises(protocol.ProtocolError):
        protocol.decode_array({**bad, "d": "O"}, [bytearray(80)])


def test_headers_are_plain_data_in_either_encoding():
    import os

    import msgpack

    assert protocol.decode_header(protocol.encode_header({"a": [1, 2.5]})) == {"a": [1, 2.5]}
    assert protocol.encode_header({"n": 2**70})[:1] == b"{"  # JSON, which holds big ints
    assert protocol.decode_header(b'{"n": 1180591620717411303424}') == {"n": 2**70}
    assert protocol.decode_header(msgpack.packb({"t": msgpack.Timestamp(5, 0)})) == {"t": 5 * 10**9}
    forged = [
        msgpack.packb({"x": msgpack.ExtType(1, b"code")}),  # no extension types
        msgpack.packb({1: "int key"}),
        msgpack.packb({"a": 1}) + b"junk",
        b"\x81\xa1a",  # cut short
        b'{"a": 1} x',
    ]
    for header in forged:
        r, w = os.pipe()
        os.write(w, protocol.HEAD.pack(len(header), 0) + header)
        with pytest.raises(protocol.ProtocolError):
            protocol.Reader(r).recv()
        os.close(r)
        os.close(w)


@pytest.mark.parametrize(
    "sizes", [[], [3, 0, 5], [protocol.CHUNK + 7], [10, 3 * protocol.CHUNK, 1]]
)
def test_reader_splits_and_joins_frames_in_any_chunks(sizes):
    """Frames written back to back and read through odd-sized pipe writes come out whole."""
    import os
    import threading

    rng = np.random.default_rng(0)
    frames = [
        ({"op": "x", "i": i}, [rng.bytes(n) for n in sizes[i:] + sizes[:i]]) for i in range(3)
    ]
    stream = b"".join(b"".join(bytes(p) for p in protocol.pack(h, b)) for h, b in frames)
    r, w = os.pipe()

    def feed():
        at, step = 0, 1
        while at < len(stream):
            os.write(w, stream[at : at + step])
            at, step = at + step, step * 3 + 1
        os.close(w)

    t = threading.Thread(target=feed)
    t.start()
    reader = protocol.Reader(r)
    for header, bufs in frames:
        got_header, got_bufs = reader.recv()
        assert got_header == header
        assert [bytes(b) for b in got_bufs] == bufs
    with pytest.raises(protocol.Closed):
        reader.recv()
    t.join()
    os.close(r)


def test_reader_waits_until_the_deadline_on_a_nonblocking_pipe():
    import os
    import time

    r, w = os.pipe()
    os.set_blocking(r, False)
    piece = b"".join(bytes(p) for p in protocol.pack({"op": "half"}, []))
    os.write(w, piece[:5])  # a frame cut short
    t0 = time.monotonic()
    with pytest.raises(protocol.Timeout):
        protocol.Reader(r).recv(time.monotonic() + 0.2)
    assert 0.15 < time.monotonic() - t0 < 2
    os.close(r)
    os.close(w)


def test_no_pickle_anywhere():
    src = "".join(p.read_text() for p in pathlib.Path(modules.ROOT / "autograder").glob("*.py"))
    for word in ("import pickle", "import marshal", "import dill", "cloudpickle"):
        assert word not in src
