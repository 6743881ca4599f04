"""Blind alternative B: act' recomputed in jvp/vjp, einsum VJP, varpro by SVD filter factors.

Routes: Blind alternative B (alt2): the cache keeps only (K, b, Y, act) and the pre-activation
and act' are recomputed in jvp/vjp; vjp weight gradient by einsum over examples, bias gradient
as dS @ 1; variable projection W from scipy.linalg.svd of Z with filter factors (min-norm cutoff
for lam = 0); SGD with an explicit batch loop over a fresh permutation. Written from API.md and
the student template only (not the tests, the reference or the mutants); copied unchanged.

Module 04: single-layer networks. Examples are the **columns** of ``Y`` ``(n_f, n)``.
"""

import numpy as np
import scipy.linalg

from numdl.activations import tanh
from numdl.classification import softmax, softmax_loss
from numdl.utils import as_rng

__all__ = [
    "single_layer",
    "single_layer_jvp",
    "single_layer_vjp",
    "nn_loss",
    "varpro_lsq_loss",
    "sgd",
    "input_gradient",
]


def _alt2_check_layer(K, b, Y):
    K = np.asarray(K, dtype=float)
    b = np.asarray(b, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if K.ndim != 2 or Y.ndim != 2 or b.shape != (K.shape[0],) or K.shape[1] != Y.shape[0]:
        raise ValueError(f"single_layer: shapes do not fit: K {K.shape}, b {b.shape}, Y {Y.shape}")
    return K, b, Y


def single_layer(K: np.ndarray, b: np.ndarray, Y: np.ndarray, act=tanh):
    """``Z = act(K Y + b 1^T)`` ``(m, n)`` and an opaque cache ``(K, b, Y, act)`` (copies)."""
    K, b, Y = _alt2_check_layer(K, b, Y)
    Z, _ = act(K @ Y + b[:, None])
    cache = (K.copy(), b.copy(), Y.copy(), act)
    return np.asarray(Z, dtype=float), cache


def _alt2_dact(cache):
    """Recompute ``act'(K Y + b 1^T)`` from the cached inputs."""
    K, b, Y, act = cache
    _, dA = act(K @ Y + b[:, None])
    return np.asarray(dA, dtype=float)


def single_layer_jvp(cache, dK=None, db=None, dY=None) -> np.ndarray:
    """``dZ = act'(K Y + b 1^T) * (dK Y + db 1^T + K dY)``; ``None`` directions count as zero."""
    K, b, Y, act = cache
    dS = np.zeros((K.shape[0], Y.shape[1]))
    if dK is not None:
        dK = np.asarray(dK, dtype=float)
        if dK.shape != K.shape:
            raise ValueError(f"single_layer_jvp: dK has shape {dK.shape}, K has {K.shape}")
        dS = dS + dK @ Y
    if db is not None:
        db = np.asarray(db, dtype=float)
        if db.shape != b.shape:
            raise ValueError(f"single_layer_jvp: db has shape {db.shape}, b has {b.shape}")
        dS = dS + db[:, None]
    if dY is not None:
        dY = np.asarray(dY, dtype=float)
        if dY.shape != Y.shape:
            raise ValueError(f"single_layer_jvp: dY has shape {dY.shape}, Y has {Y.shape}")
        dS = dS + K @ dY
    return _alt2_dact(cache) * dS


def single_layer_vjp(cache, dZ: np.ndarray):
    """With ``dS = act' * dZ``: ``gK = dS Y^T``, ``gb = dS 1``, ``gY = K^T dS``."""
    K, b, Y, act = cache
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != (K.shape[0], Y.shape[1]):
        raise ValueError(f"single_layer_vjp: dZ has shape {dZ.shape}, Z has {(K.shape[0], Y.shape[1])}")  # noqa: E501
    dS = _alt2_dact(cache) * dZ
    gK = np.einsum("ij,kj->ik", dS, Y)
    gb = dS @ np.ones(Y.shape[1])
    gY = K.T @ dS
    return gK, gb, gY


def nn_loss(K, b, W, Y, C, act=tanh, lam: float = 0.0):
    """``E = softmax_loss(W, Z, C) + lam/2 (||K||^2 + ||W||^2)`` and ``(gK, gb, gW)``."""
    K, b, Y = _alt2_check_layer(K, b, Y)
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    if W.ndim != 2 or W.shape[1] != K.shape[0] or C.shape != (W.shape[0], Y.shape[1]):
        raise ValueError(f"nn_loss: shapes do not fit: W {W.shape}, C {C.shape}")
    Z, cache = single_layer(K, b, Y, act)
    E, gW = softmax_loss(W, Z, C)
    n = Y.shape[1]
    dZ = W.T @ ((softmax(W @ Z) - C) / n)
    gK, gb, _ = single_layer_vjp(cache, dZ)
    E = float(E) + 0.5 * lam * (float(np.sum(K * K)) + float(np.sum(W * W)))
    return E, (gK + lam * K, gb, gW + lam * W)


def _alt2_ridge_rows(Z, C, lam):
    """``W = argmin 1/2||W Z - C||^2 + lam/2||W||^2`` by the SVD of ``Z`` (min-norm when lam = 0)."""  # noqa: E501
    U, s, Vt = scipy.linalg.svd(Z, full_matrices=False, lapack_driver="gesvd")
    phi = np.zeros_like(s)
    if lam == 0:
        if s.size:
            keep = s > max(Z.shape) * np.finfo(float).eps * s[0]
            phi[keep] = 1.0 / s[keep]
    else:
        phi = s / (s * s + lam)
    return ((C @ Vt.T) * phi[None, :]) @ U.T


def varpro_lsq_loss(K, b, Y, C, act=tanh, lam: float = 1e-3):
    """Reduced objective ``E(K, b) = min_W 1/2||W Z - C||^2 + lam/2||W||^2``, its gradient
    ``J^T (W^T (W Z - C))`` and the optimal ``W`` (SVD of ``Z``, solved afresh every call)."""
    K, b, Y = _alt2_check_layer(K, b, Y)
    C = np.asarray(C, dtype=float)
    if C.ndim != 2 or C.shape[1] != Y.shape[1]:
        raise ValueError(f"varpro_lsq_loss: C has shape {C.shape}")
    if lam < 0:
        raise ValueError(f"varpro_lsq_loss: lam must be >= 0, got {lam}")
    Z, cache = single_layer(K, b, Y, act)
    W = _alt2_ridge_rows(Z, C, float(lam))
    R = W @ Z - C
    E = 0.5 * float(np.sum(R * R)) + 0.5 * lam * float(np.sum(W * W))
    gK, gb, _ = single_layer_vjp(cache, W.T @ R)
    return E, (gK, gb), W


def sgd(
    fun, x0, n: int, batch_size: int = 32, epochs: int = 10, lr=0.1, momentum: float = 0.0, rng=None
):
    """Minibatch SGD with heavy-ball momentum: per batch ``v = momentum v - lr_e g``, ``x = x + v``.

    Each epoch visits a fresh permutation of ``range(n)`` in batches of ``batch_size`` (the last
    may be smaller); ``hist["loss"]`` is the plain mean of the minibatch values per epoch.
    """
    rng = as_rng(rng)
    n = int(n)
    batch_size = int(batch_size)
    epochs = int(epochs)
    if n < 1 or batch_size < 1:
        raise ValueError("sgd: n and batch_size must be >= 1")
    if np.ndim(lr) == 0:
        lrs = [float(lr)] * epochs
    else:
        lrs = [float(v) for v in lr]
        if len(lrs) != epochs:
            raise ValueError(f"sgd: lr has {len(lrs)} entries, expected one per epoch ({epochs})")
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x)
    hist = {"loss": []}
    for e in range(epochs):
        perm = rng.permutation(n)
        fs = []
        start = 0
        while start < n:
            idx = perm[start : start + batch_size].astype(int)
            start += batch_size
            f, g = fun(x, idx)
            g = np.asarray(g, dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"sgd: gradient of shape {g.shape}, x has {x.shape}")
            fs.append(float(f))
            v = momentum * v - lrs[e] * g
            x = x + v
        hist["loss"].append(float(sum(fs) / len(fs)))
    return x, hist


def input_gradient(K, b, W, Y, C, act=tanh, lam: float = 0.0):
    """``E(Y) = softmax_loss(W, Z, C) + lam/2 ||Y||_F^2`` (``Z`` from :func:`single_layer`) and
    its gradient ``gY`` with respect to the input ``Y``."""
    K, b, Y = _alt2_check_layer(K, b, Y)
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act)
    E, _ = softmax_loss(W, Z, C)
    n = Y.shape[1]
    dZ = W.T @ ((softmax(W @ Z) - C) / n)
    _, _, gY = single_layer_vjp(cache, dZ)
    E = float(E) + 0.5 * lam * float(np.sum(Y * Y))
    return E, gY + lam * Y
