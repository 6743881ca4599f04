"""The course's data sets, generated offline; one example per column.

Every classification set returns ``(Y, C)``: ``Y`` of shape ``(n_f, n)`` and one-hot
labels ``C`` of shape ``(n_c, n)``. Use :func:`labels` to get integer labels back.
"""

from __future__ import annotations

import gzip
import pathlib
import struct

import numpy as np

from numdl.utils import as_rng

__all__ = [
    "onehot",
    "labels",
    "rings",
    "peaks",
    "ellipses",
    "spiral",
    "digits",
    "load_mnist",
    "split",
]


def onehot(labels: np.ndarray, n_c: int | None = None) -> np.ndarray:
    """One-hot matrix ``C`` ``(n_c, n)`` with ``C[labels[j], j] = 1``."""
    labels = np.asarray(labels, dtype=int)
    n_c = int(labels.max()) + 1 if n_c is None else n_c
    C = np.zeros((n_c, labels.size))
    C[labels, np.arange(labels.size)] = 1.0
    return C


def labels(C: np.ndarray) -> np.ndarray:
    """Integer labels ``(n,)``: the row index of the largest entry of each column of ``C``."""
    return np.argmax(np.asarray(C), axis=0)


def rings(n_per_ring: int = 300, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """Three concentric rings (module 01): radii ``0, 2, 4`` plus ``U(0, 1)``, uniform angle.

    Returns ``Y`` ``(2, 3 n_per_ring)`` and ``C`` ``(3, 3 n_per_ring)``.
    """
    rng = as_rng(rng)
    parts, labs = [], []
    for k, r0 in enumerate((0.0, 2.0, 4.0)):
        r = r0 + rng.uniform(0.0, 1.0, n_per_ring)
        phi = rng.uniform(0.0, 2 * np.pi, n_per_ring)
        parts.append(np.vstack([r * np.cos(phi), r * np.sin(phi)]))
        labs.append(np.full(n_per_ring, k))
    return np.hstack(parts), onehot(np.concatenate(labs), 3)


def peaks_surface(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """MATLAB's ``peaks`` function."""
    return (
        3 * (1 - x) ** 2 * np.exp(-(x**2) - (y + 1) ** 2)
        - 10 * (x / 5 - x**3 - y**5) * np.exp(-(x**2) - y**2)
        - np.exp(-((x + 1) ** 2) - y**2) / 3
    )


def peaks(n: int = 8000, n_c: int = 5, grid: int = 256, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """The course's peaks data: ``n_c`` classes from equal-width bins of ``peaks`` on ``[-3, 3]^2``.

    The same number of points (``n // n_c``) is drawn per class from the grid points of that
    class. Returns ``Y`` ``(2, n)`` and ``C`` ``(n_c, n)``.
    """
    rng = as_rng(rng)
    t = np.linspace(-3, 3, grid)
    X1, X2 = np.meshgrid(t, t, indexing="ij")
    Z = peaks_surface(X1, X2).ravel()
    edges = np.linspace(Z.min(), Z.max(), n_c + 1)
    cls = np.clip(np.digitize(Z, edges[1:-1]), 0, n_c - 1)
    pts = np.vstack([X1.ravel(), X2.ravel()])
    per = n // n_c
    idx, labs = [], []
    for k in range(n_c):
        members = np.flatnonzero(cls == k)
        idx.append(rng.choice(members, per, replace=members.size < per))
        labs.append(np.full(per, k))
    idx = np.concatenate(idx)
    return pts[:, idx], onehot(np.concatenate(labs), n_c)


def ellipses(n_per_class: int = 500, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """The course's two-class ellipses: class 1 inside (radius ``U(0, 1)``), class 0 in the shell
    (radius ``U(1, 2)``); the second coordinate scaled by 0.4.

    Returns ``Y`` ``(2, 2 n_per_class)`` (class 0 first) and ``C`` ``(2, 2 n_per_class)``.
    """
    rng = as_rng(rng)
    parts = []
    for lo, hi in ((1.0, 2.0), (0.0, 1.0)):
        r = rng.uniform(lo, hi, n_per_class)
        phi = rng.uniform(0.0, 2 * np.pi, n_per_class)
        parts.append(np.vstack([r * np.cos(phi), 0.4 * r * np.sin(phi)]))
    lab = np.repeat([0, 1], n_per_class)
    return np.hstack(parts), onehot(lab, 2)


SPIRAL_A = np.array([[-0.1, 2.0], [-2.0, -0.1]])


def spiral(n: int = 30, T: float = 1.5, noise: float = 0.0, rng=0) -> tuple[np.ndarray, np.ndarray]:
    """The course's spiral time series: ``u' = A^T u^3`` (elementwise cube), ``u(0) = (2, 0)``.

    Returns times ``t`` ``(n,)`` on ``[0, T]`` and states ``U`` ``(2, n)`` (plus Gaussian noise
    of standard deviation ``noise``), integrated with a tight-tolerance RK45.
    """
    from scipy.integrate import solve_ivp

    t = np.linspace(0.0, T, n)
    sol = solve_ivp(
        lambda _, u: SPIRAL_A.T @ u**3, (0.0, T), [2.0, 0.0], t_eval=t, rtol=1e-10, atol=1e-12
    )
    U = sol.y + noise * as_rng(rng).standard_normal(sol.y.shape)
    return t, U


def digits(scale: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits (1797 images, offline).

    Returns ``Y`` ``(64, 1797)`` (pixels scaled to ``[0, 1]`` when ``scale``; row-major 8x8
    images in the columns) and ``C`` ``(10, 1797)``.
    """
    from sklearn.datasets import load_digits

    d = load_digits()
    Y = d.data.T.astype(float)
    if scale:
        Y = Y / 16.0
    return Y, onehot(d.target, 10)


def _read_idx(path: pathlib.Path) -> np.ndarray:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    shape = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(shape)):
        raise ValueError(f"{path}: expected {int(np.prod(shape))} values, found {arr.size}")
    return arr.reshape(shape)


def load_mnist(images: str | pathlib.Path, labels_path: str | pathlib.Path | None = None):
    """Load MNIST (or any MNIST-format set) from local files; nothing is downloaded.

    Parameters
    ----------
    images : path
        An IDX image file (``train-images-idx3-ubyte``, optionally ``.gz``) or an ``.npz``
        holding ``x``/``y`` arrays (``x_train``/``y_train`` also accepted).
    labels_path : path, optional
        The IDX label file; required with an IDX image file.

    Returns
    -------
    Y : ndarray (784, n)
        Images as columns (row-major 28x28 pixels), scaled to ``[0, 1]``.
    C : ndarray (10, n)
        One-hot labels.
    """
    images = pathlib.Path(images)
    if images.suffix == ".npz":
        with np.load(images) as z:
            xk = "x" if "x" in z else "x_train"
            yk = "y" if "y" in z else "y_train"
            X, lab = z[xk], z[yk]
    else:
        if labels_path is None:
            raise ValueError("load_mnist: labels_path is required with an IDX image file")
        X, lab = _read_idx(images), _read_idx(pathlib.Path(labels_path))
    if X.shape[0] != lab.shape[0]:
        raise ValueError(f"load_mnist: {X.shape[0]} images but {lab.shape[0]} labels")
    Y = X.reshape(X.shape[0], -1).T.astype(float) / 255.0
    return Y, onehot(lab.astype(int), 10)


def split(Y: np.ndarray, C: np.ndarray, fractions=(0.6, 0.2, 0.2), rng=0):
    """Shuffle the columns and split them into train / validation / test parts.

    Returns a list ``[(Y_0, C_0), (Y_1, C_1), ...]``, one pair per fraction.
    """
    n = Y.shape[1]
    perm = as_rng(rng).permutation(n)
    bounds = np.round(np.cumsum((0,) + tuple(fractions)) / sum(fractions) * n).astype(int)
    return [(Y[:, perm[a:b]], C[:, perm[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]
