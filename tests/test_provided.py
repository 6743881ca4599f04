"""The provided modules shipped to students: data sets, activations, utils, check helpers."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from numdl import activations, checks, datasets, utils

ACTS = [
    activations.tanh,
    activations.relu,
    activations.smooth_relu,
    activations.sigmoid,
    activations.identity,
]


def test_rings_match_the_course():
    Y, C = datasets.rings(300, rng=1)
    assert Y.shape == (2, 900) and C.shape == (3, 900)
    r = np.linalg.norm(Y, axis=0)
    lab = datasets.labels(C)
    for k, r0 in enumerate((0.0, 2.0, 4.0)):
        assert r[lab == k].min() >= r0 and r[lab == k].max() <= r0 + 1
    assert np.array_equal(Y, datasets.rings(300, rng=1)[0])


def test_peaks_classes_are_balanced_bins_of_the_surface():
    Y, C = datasets.peaks(1000, rng=0)
    assert Y.shape == (2, 1000) and C.shape == (5, 1000)
    assert np.all(C.sum(1) == 200)
    z = datasets.peaks_surface(Y[0], Y[1])
    lab = datasets.labels(C)
    means = [z[lab == k].mean() for k in range(5)]
    assert np.all(np.diff(means) > 0), "classes are increasing bins of the peaks surface"
    assert np.all(np.abs(Y) <= 3)


def test_ellipses():
    Y, C = datasets.ellipses(400, rng=0)
    lab = datasets.labels(C)
    rho = np.sqrt(Y[0] ** 2 + (Y[1] / 0.4) ** 2)
    assert np.all(rho[lab == 1] <= 1) and np.all((rho[lab == 0] >= 1) & (rho[lab == 0] <= 2))


def test_spiral_solves_its_ode():
    t, U = datasets.spiral()
    assert t.shape == (30,) and U.shape == (2, 30) and np.allclose(U[:, 0], [2, 0])
    t, U = datasets.spiral(n=300)  # fine grid: central differences are O(h^2) accurate
    h = t[1] - t[0]
    dU = (U[:, 2:] - U[:, :-2]) / (2 * h)
    rhs = datasets.SPIRAL_A.T @ U[:, 1:-1] ** 3
    assert np.abs(dU - rhs).max() < 2e-3 * np.abs(rhs).max()


def test_digits_offline():
    Y, C = datasets.digits()
    assert Y.shape == (64, 1797) and C.shape == (10, 1797)
    assert Y.min() >= 0 and Y.max() <= 1 and np.all(C.sum(0) == 1)


def _write_idx(path, arr, gz=False):
    header = struct.pack(">HBB", 0, 8, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    data = header + arr.astype(np.uint8).tobytes()
    (gzip.open if gz else open)(path, "wb").write(data)


@pytest.mark.parametrize("gz", [False, True])
def test_mnist_loader_reads_idx_files(tmp_path, gz):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (7, 28, 28))
    labels = rng.integers(0, 10, 7)
    suffix = ".gz" if gz else ""
    _write_idx(tmp_path / f"img{suffix}", images, gz)
    _write_idx(tmp_path / f"lab{suffix}", labels, gz)
    Y, C = datasets.load_mnist(tmp_path / f"img{suffix}", tmp_path / f"lab{suffix}")
    assert Y.shape == (784, 7) and C.shape == (10, 7)
    assert np.allclose(Y[:, 3], images[3].ravel() / 255)
    assert np.array_equal(datasets.labels(C), labels)


def test_mnist_loader_reads_npz_and_rejects_bad_files(tmp_path):
    x = np.random.default_rng(1).integers(0, 256, (5, 28, 28)).astype(np.uint8)
    y = np.arange(5)
    np.savez(tmp_path / "m.npz", x_train=x, y_train=y)
    Y, C = datasets.load_mnist(tmp_path / "m.npz")
    assert Y.shape == (784, 5) and np.array_equal(datasets.labels(C), y)
    (tmp_path / "bad").write_bytes(b"\x00\x00\x0d\x01\x00\x00\x00\x01\x00")
    with pytest.raises(ValueError):
        datasets.load_mnist(tmp_path / "bad", tmp_path / "bad")
    with pytest.raises(ValueError, match="labels_path"):
        datasets.load_mnist(tmp_path / "bad")


@pytest.mark.parametrize("act", ACTS, ids=lambda a: a.__name__)
def test_activation_derivatives(act):
    X = np.random.default_rng(2).standard_normal((4, 6)) + 0.05  # away from relu's kink
    A, dA = act(X)
    assert A.shape == dA.shape == X.shape
    V = np.random.default_rng(3).standard_normal(X.shape)
    table = checks.taylor_table(lambda h: act(X + h * V)[0], A, dA * V, n_steps=10, h0=1e-2)
    if act is activations.relu:  # piecewise linear: exact for small steps
        assert table[-1, 2] < 1e-12
    else:
        checks.check_taylor(act.__name__, table, scale=np.linalg.norm(A))


def test_sigmoid_does_not_overflow():
    A, dA = activations.sigmoid(np.array([-1e4, 0.0, 1e4]))
    assert np.allclose(A, [0, 0.5, 1]) and np.all(np.isfinite(dA))


def test_vec_is_column_major():
    X = np.arange(6.0).reshape(2, 3)
    assert np.array_equal(utils.vec(X), [0, 3, 1, 4, 2, 5])
    assert np.array_equal(utils.mat(utils.vec(X), X.shape), X)
    W, Y = np.arange(6.0).reshape(3, 2), np.arange(8.0).reshape(2, 4)
    assert np.allclose(utils.vec(W @ Y), np.kron(Y.T, np.eye(3)) @ utils.vec(W))
    assert utils.add_bias_row(Y).shape == (3, 4)
    with pytest.raises(ValueError, match="2-D"):
        utils.add_bias_row(np.ones(3))


def test_check_taylor_tells_right_from_wrong():
    x, dx = np.array([0.3, -1.2]), np.array([1.0, 0.5])
    f = lambda z: np.sum(np.sin(z))
    g = np.cos(x)
    good = checks.taylor_table(lambda h: f(x + h * dx), f(x), g @ dx)
    checks.check_taylor("f", good, scale=abs(f(x)))
    for wrong in (1.1 * g, -g, g + 0.01):
        bad = checks.taylor_table(lambda h: f(x + h * dx), f(x), wrong @ dx)
        with pytest.raises(checks.CheckError, match="derivative check failed"):
            checks.check_taylor("f", bad, scale=abs(f(x)))


def test_check_adjoint_and_arrays():
    rng = np.random.default_rng(4)
    K = rng.standard_normal((5, 3))
    x, y = rng.standard_normal(3), rng.standard_normal(5)
    checks.check_adjoint("K", K @ x, y, x, K.T @ y)
    with pytest.raises(checks.CheckError, match="adjoint test failed"):
        checks.check_adjoint("K", K @ x, y, x, 1.001 * K.T @ y)
    with pytest.raises(checks.CheckError, match=r"expected shape \(3, 2\), got shape \(2, 3\)"):
        checks.check_array("f(x)", np.ones((2, 3)), shape=(3, 2))
    with pytest.raises(checks.CheckError, match="relative"):
        checks.check_array("f(x)", np.ones(3), np.ones(3) * 1.01, rtol=1e-3)
    with pytest.raises(checks.CheckError, match="non-finite"):
        checks.check_array("f(x)", np.array([1.0, np.nan]))
    with pytest.raises(checks.CheckError, match="real scalar"):
        checks.check_scalar("E", np.ones(2))
    assert checks.check_scalar("E", np.float64(2.0), 2.0) == 2.0


def test_call_pure_detects_in_place_modification():
    def sneaky(Y):
        Y *= 2
        return Y

    with pytest.raises(checks.CheckError, match="modified its input"):
        checks.call_pure("sneaky(Y)", sneaky, np.ones(3))
    assert checks.call_pure("sum", np.sum, np.ones(3)) == 3


def test_adjusted_rand_index():
    a = np.array([0, 0, 1, 1, 2, 2])
    assert checks.adjusted_rand_index(a, 2 - a) == 1.0
    assert checks.adjusted_rand_index(a, np.array([0, 1, 0, 1, 0, 1])) < 0.1


def test_pack_and_unpack_round_trip_in_column_major_order():
    rng = np.random.default_rng(5)
    params = [
        (rng.standard_normal((3, 2)), rng.standard_normal(3)),
        (rng.standard_normal((4, 3)), rng.standard_normal(4)),
    ]
    W = rng.standard_normal((2, 4))
    x = utils.pack((params, W))
    assert x.shape == (6 + 3 + 12 + 4 + 8,)
    assert np.array_equal(x[:6], utils.vec(params[0][0]))
    back_params, back_W = utils.unpack(x, (params, W))
    assert np.array_equal(back_W, W) and isinstance(back_params[1], tuple)
    assert all(np.array_equal(a, b) for p, q in zip(params, back_params) for a, b in zip(p, q))
    with pytest.raises(ValueError, match="entries"):
        utils.unpack(x[:-1], (params, W))
