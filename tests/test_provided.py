"""The provided modules shipped to students: data sets, activations, utils, check helpers."""

from __future__ import annotations

import gzip
import pickle
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


def test_minibatch_objective_unpacks_slices_and_packs():
    rng = np.random.default_rng(6)
    params = [(rng.standard_normal((3, 2)), rng.standard_normal(3))]
    W = rng.standard_normal((2, 3))
    Y, C = rng.standard_normal((2, 7)), np.eye(2)[:, rng.integers(0, 2, 7)]
    seen = {}

    def loss(p, W, Yb, Cb, lam=0.0):  # E = lam * sum of all entries; gradients 2 * params
        seen.update(p=p, W=W, Yb=Yb, Cb=Cb)
        E = lam * (sum(np.sum(a) for kb in p for a in kb) + np.sum(W))
        return E, [(2 * K, 2 * b) for K, b in p], 2 * W

    fun = utils.MinibatchObjective(loss, (params, W), Y, C, lam=3.0)
    x, idx = utils.pack((params, W)), np.array([4, 0, 5])
    E, g = fun(x, idx)
    assert np.isclose(E, 3.0 * np.sum(x)) and np.array_equal(g, 2 * x)
    assert np.array_equal(seen["Yb"], Y[:, idx]) and np.array_equal(seen["Cb"], C[:, idx])
    assert np.array_equal(seen["W"], W) and np.array_equal(seen["p"][0][0], params[0][0])


def _cifar_images(rng, n):
    """Random uint8 images ``(n, 3, 32, 32)`` and labels; row ``s`` of the batch is ``img[s]``."""
    return rng.integers(0, 256, (n, 3, 32, 32), dtype=np.uint8), rng.integers(0, 10, n)


def _write_cifar(folder, fmt, batches):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (img, lab) in batches.items():
        rows = img.reshape(img.shape[0], -1)
        if fmt == "python":  # the distributed dict: bytes keys, uint8 data, a list of labels
            d = {b"batch_label": name.encode(), b"labels": lab.tolist(), b"data": rows}
            (folder / name).write_bytes(pickle.dumps(d, protocol=2))
        else:  # one record per image: the label byte, then 3072 pixel bytes
            rec = np.hstack([lab[:, None].astype(np.uint8), rows])
            (folder / f"{name}.bin").write_bytes(rec.tobytes())


@pytest.mark.parametrize("fmt", ["python", "binary"])
def test_cifar10_loader_reads_both_distributed_formats(tmp_path, fmt):
    rng = np.random.default_rng(6)
    names = [f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]
    batches = {name: _cifar_images(rng, 3) for name in names}
    sub = {"python": "cifar-10-batches-py", "binary": "cifar-10-batches-bin"}[fmt]
    _write_cifar(tmp_path / sub, fmt, batches)
    for folder in (tmp_path, tmp_path / sub):  # the parent folder or the batch folder itself
        Y, C = datasets.load_cifar10(folder)
        assert Y.shape == (32, 32, 3, 15) and Y.dtype == np.float64 and C.shape == (10, 15)
        img, lab = batches["data_batch_2"]
        # image 1 of batch 2 is column 4: Y[i1, i2, c, s] = row i1, column i2, channel c
        assert np.array_equal(Y[:, :, :, 4], img[1].transpose(1, 2, 0) / 255.0)
        assert Y[5, 7, 2, 4] == img[1, 2, 5, 7] / 255.0
        all_labels = np.concatenate([batches[n][1] for n in names[:5]])
        assert np.array_equal(datasets.labels(C), all_labels) and np.all(C.sum(0) == 1)
    Yt, Ct = datasets.load_cifar10(tmp_path, split="test", scale=False)
    assert np.array_equal(Yt, batches["test_batch"][0].transpose(2, 3, 1, 0))
    assert np.array_equal(datasets.labels(Ct), batches["test_batch"][1])
    Y1, _ = datasets.load_cifar10(tmp_path, split=["data_batch_1"])
    assert Y1.shape == (32, 32, 3, 3)


def test_cifar10_loader_names_the_expected_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist.*data_batch_1.*test_batch"):
        datasets.load_cifar10(tmp_path / "nowhere", split=["data_batch_1", "test_batch"])
    expected = r"python batches data_batch_1, .*, data_batch_5 or the binary batches data_batch_1"
    with pytest.raises(FileNotFoundError, match=expected):
        datasets.load_cifar10(tmp_path)
    rng = np.random.default_rng(7)
    _write_cifar(tmp_path, "binary", {f"data_batch_{k}": _cifar_images(rng, 2) for k in (1, 2)})
    with pytest.raises(FileNotFoundError, match="incomplete: missing data_batch_3.bin"):
        datasets.load_cifar10(tmp_path)
    with pytest.raises(ValueError, match="unknown split"):
        datasets.load_cifar10(tmp_path, split="validation")
    (tmp_path / "test_batch.bin").write_bytes(b"\x01" * 100)
    with pytest.raises(ValueError, match="multiple of 3073"):
        datasets.load_cifar10(tmp_path, split="test")


def test_cifar10_loader_refuses_pickles_that_run_code(tmp_path):
    class Boom:
        def __reduce__(self):
            return (print, ("pwned",))

    (tmp_path / "test_batch").write_bytes(pickle.dumps({b"data": Boom(), b"labels": []}))
    with pytest.raises(ValueError, match="refusing to load builtins.print"):
        datasets.load_cifar10(tmp_path, split="test")
