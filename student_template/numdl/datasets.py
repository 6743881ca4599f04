"""The course's data sets, generated offline; one example per column.

Every classification set returns ``(Y, C)``: ``Y`` of shape ``(n_f, n)`` and one-hot
labels ``C`` of shape ``(n_c, n)``. Use :func:`labels` to get integer labels back.
"""

from __future__ import annotations

import gzip
import pathlib
import pickle
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
    "load_cifar10",
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


CIFAR10_CLASSES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

#: The batch files of the two distributed CIFAR-10 formats (python pickle, binary).
_CIFAR_BATCHES = {
    "train": tuple(f"data_batch_{k}" for k in range(1, 6)),
    "test": ("test_batch",),
}
_CIFAR_FOLDERS = {"python": "cifar-10-batches-py", "binary": "cifar-10-batches-bin"}
_CIFAR_PIXELS = 32 * 32 * 3


class _ArrayUnpickler(pickle.Unpickler):
    """Unpickles plain containers and numpy arrays only (a data file never runs code)."""

    _ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy", "ndarray"),
        ("numpy", "dtype"),
        ("_codecs", "encode"),  # how protocol-2 pickles written by Python 3 store bytes
    }

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"refusing to load {module}.{name} from a data file")


def _cifar_pickle_batch(path: pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
    with open(path, "rb") as f:
        try:
            d = _ArrayUnpickler(f, encoding="bytes").load()
        except Exception as exc:
            raise ValueError(f"{path}: not a CIFAR-10 python batch ({exc})") from None
    if not isinstance(d, dict):
        raise ValueError(f"{path}: not a CIFAR-10 python batch (no dict inside)")
    d = {k.decode() if isinstance(k, bytes) else k: v for k, v in d.items()}
    if "data" not in d or "labels" not in d:
        raise ValueError(f"{path}: a CIFAR-10 python batch holds 'data' and 'labels'")
    X = np.asarray(d["data"], dtype=np.uint8)
    lab = np.asarray(d["labels"], dtype=int)
    if X.ndim != 2 or X.shape[1] != _CIFAR_PIXELS or X.shape[0] != lab.size:
        raise ValueError(
            f"{path}: expected 'data' of shape (n, {_CIFAR_PIXELS}) and n labels, "
            f"got {X.shape} and {lab.size}"
        )
    return X, lab


def _cifar_binary_batch(path: pathlib.Path) -> tuple[np.ndarray, np.ndarray]:
    raw = np.fromfile(path, dtype=np.uint8)
    rec = 1 + _CIFAR_PIXELS
    if raw.size == 0 or raw.size % rec:
        raise ValueError(f"{path}: size {raw.size} is not a multiple of {rec} (label + pixels)")
    raw = raw.reshape(-1, rec)
    return raw[:, 1:], raw[:, 0].astype(int)


def _cifar_find(folder: pathlib.Path, names: tuple[str, ...]) -> tuple[str, list[pathlib.Path]]:
    """The format and the batch files under ``folder`` (or its distributed subfolder)."""
    candidates = []
    for fmt, sub in _CIFAR_FOLDERS.items():
        suffix = ".bin" if fmt == "binary" else ""
        for base in (folder, folder / sub):
            files = [base / f"{name}{suffix}" for name in names]
            if all(f.is_file() for f in files):
                return fmt, files
            if any(f.is_file() for f in files):
                candidates.append(files)
    missing = [f.name for f in candidates[0] if not f.is_file()] if candidates else None
    want = ", ".join(names)
    py, binary = _CIFAR_FOLDERS["python"], _CIFAR_FOLDERS["binary"]
    where = f"{folder} (or its subfolder {py}/ or {binary}/)"
    if missing:
        raise FileNotFoundError(
            f"load_cifar10: {where} is incomplete: missing {', '.join(missing)}"
        )
    raise FileNotFoundError(
        f"load_cifar10: no CIFAR-10 batches in {where}: expected the python batches {want} "
        f"or the binary batches {', '.join(n + '.bin' for n in names)}"
    )


def load_cifar10(folder: str | pathlib.Path, split: str = "train", scale: bool = True):
    """Load CIFAR-10 from a local folder in either distributed format; nothing is downloaded.

    Parameters
    ----------
    folder : path
        A folder holding the python-pickle batches (``data_batch_1`` ... ``data_batch_5``,
        ``test_batch``, as in ``cifar-10-batches-py/``) or the binary batches (the same names
        with ``.bin``, as in ``cifar-10-batches-bin/``), or the folder that contains one of
        these two distributed subfolders.
    split : {"train", "test"} or sequence of str
        ``"train"`` (the five data batches, 50000 images), ``"test"`` (``test_batch``, 10000
        images), or a list of batch names such as ``["data_batch_1"]``.
    scale : bool
        Divide the pixels by 255 (to ``[0, 1]``).

    Returns
    -------
    Y : ndarray (32, 32, 3, n)
        Images in the course's layout ``(H, W, c, N)``: ``Y[i1, i2, c, s]`` is row ``i1``,
        column ``i2``, channel ``c`` (red, green, blue) of image ``s``.
    C : ndarray (10, n)
        One-hot labels (class names in ``CIFAR10_CLASSES``).

    Raises
    ------
    FileNotFoundError
        When the folder is missing or incomplete (the message names the expected files).
    ValueError
        For an unknown ``split`` or a file that is not a CIFAR-10 batch.
    """
    folder = pathlib.Path(folder)
    if isinstance(split, str):
        if split not in _CIFAR_BATCHES:
            raise ValueError(f"load_cifar10: unknown split {split!r}; use 'train' or 'test'")
        names = _CIFAR_BATCHES[split]
    else:
        names = tuple(str(s) for s in split)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"load_cifar10: folder {folder} does not exist; it should hold the CIFAR-10 "
            f"batches {', '.join(names)} (python) or {', '.join(n + '.bin' for n in names)} "
            "(binary)"
        )
    fmt, files = _cifar_find(folder, names)
    read = _cifar_pickle_batch if fmt == "python" else _cifar_binary_batch
    parts = [read(f) for f in files]
    X = np.concatenate([p[0] for p in parts])
    lab = np.concatenate([p[1] for p in parts])
    if lab.size and (lab.min() < 0 or lab.max() > 9):
        raise ValueError(f"load_cifar10: labels must be in 0..9, found {lab.min()}..{lab.max()}")
    # each row: 1024 red, 1024 green, 1024 blue values, each a row-major 32x32 image
    Y = X.reshape(-1, 3, 32, 32).transpose(2, 3, 1, 0).astype(float, order="C")
    if scale:
        Y /= 255.0
    return Y, onehot(lab, 10)


def split(Y: np.ndarray, C: np.ndarray, fractions=(0.6, 0.2, 0.2), rng=0):
    """Shuffle the columns and split them into train / validation / test parts.

    Returns a list ``[(Y_0, C_0), (Y_1, C_1), ...]``, one pair per fraction.
    """
    n = Y.shape[1]
    perm = as_rng(rng).permutation(n)
    bounds = np.round(np.cumsum((0,) + tuple(fractions)) / sum(fractions) * n).astype(int)
    return [(Y[:, perm[a:b]], C[:, perm[a:b]]) for a, b in zip(bounds[:-1], bounds[1:])]
