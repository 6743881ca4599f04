"""Blind alternative A: cached act', explicit JVP/VJP formulas, variable projection by thin SVD.

Routes: Blind alternative A: layer by broadcasting with the pre-activation derivative cached,
explicit JVP/VJP formulas, softmax gradient in Z chained through the VJP, variable projection by
the thin SVD of Z (filtered, minimum norm at lam = 0) with the envelope gradient, plain
minibatch SGD loop with heavy-ball momentum. Written from API.md and the student template only
(not the tests, the reference or the mutants); copied unchanged.

Module 04: single-layer networks. Examples are the **columns** of ``Y`` ``(n_f, n)``.
"""

import numpy as np

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


def single_layer(K: np.ndarray, b: np.ndarray, Y: np.ndarray, act=tanh):
    """Forward map ``Z = act(K Y + b 1^T)``; returns ``(Z, cache)``.

    Raises ``ValueError`` if the shapes of ``K``, ``b`` and ``Y`` do not fit together.
    """
    K = np.asarray(K, dtype=float)
    b = np.asarray(b, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if K.ndim != 2 or Y.ndim != 2 or K.shape[1] != Y.shape[0] or b.shape != (K.shape[0],):
        raise ValueError(f"single_layer: K {K.shape}, b {b.shape}, Y {Y.shape} do not fit")
    A, dA = act(K @ Y + b[:, None])
    A = np.array(A, dtype=float)
    cache = {"K": K.copy(), "Y": Y.copy(), "dA": np.array(dA, dtype=float), "b_shape": b.shape}
    return A, cache


def single_layer_jvp(cache, dK=None, db=None, dY=None) -> np.ndarray:
    """``dZ = act'(K Y + b 1^T) * (dK Y + db 1^T + K dY)``; ``None`` arguments count as zero."""
    K, Y, dA = cache["K"], cache["Y"], cache["dA"]
    dS = np.zeros(dA.shape)
    if dK is not None:
        dS = dS + np.asarray(dK, dtype=float) @ Y
    if db is not None:
        dS = dS + np.asarray(db, dtype=float)[:, None]
    if dY is not None:
        dS = dS + K @ np.asarray(dY, dtype=float)
    return dA * dS


def single_layer_vjp(cache, dZ: np.ndarray):
    """Transposed Jacobians: with ``dS = act' * dZ``: ``gK = dS Y^T``, ``gb = dS 1``,
    ``gY = K^T dS``."""
    K, Y, dA = cache["K"], cache["Y"], cache["dA"]
    dS = dA * np.asarray(dZ, dtype=float)
    return dS @ Y.T, dS.sum(axis=1), K.T @ dS


def _alt1_scores_grad(W, Z, C):
    """Gradient of ``softmax_loss(W, Z, C)`` with respect to ``Z``: ``W^T (P - C) / n``."""
    P = softmax(W @ Z)
    return W.T @ (P - C) / Z.shape[1]


def nn_loss(K, b, W, Y, C, act=tanh, lam: float = 0.0):
    """``E = softmax_loss(W, Z, C) + lam/2 (||K||^2 + ||W||^2)``, ``Z = act(K Y + b 1^T)``;
    returns ``(E, (gK, gb, gW))`` (``b`` is not regularized)."""
    K = np.asarray(K, dtype=float)
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act=act)
    if W.ndim != 2 or W.shape[1] != Z.shape[0] or C.shape != (W.shape[0], Z.shape[1]):
        raise ValueError(f"nn_loss: W {W.shape} or C {C.shape} do not fit Z {Z.shape}")
    E, dW = softmax_loss(W, Z, C)
    gK, gb, _ = single_layer_vjp(cache, _alt1_scores_grad(W, Z, C))
    E = float(E) + 0.5 * lam * (float(np.sum(K**2)) + float(np.sum(W**2)))
    return E, (gK + lam * K, gb, dW + lam * W)


def varpro_lsq_loss(K, b, Y, C, act=tanh, lam: float = 1e-3):
    """Variable projection: ``E(K, b) = min_W 1/2||W Z - C||^2 + lam/2||W||^2``.

    ``W = C V diag(s / (s^2 + lam)) U^T`` from the thin SVD ``Z = U diag(s) V^T`` (at ``lam = 0``
    singular values ``<= max(m, n) eps s_1`` are dropped: minimum-norm ``W``); the reduced
    gradient is ``J^T (W^T (W Z - C))`` through :func:`single_layer_vjp`. Returns
    ``(E, (gK, gb), W)``.
    """
    if lam < 0:
        raise ValueError(f"varpro_lsq_loss: lam must be >= 0, got {lam}")
    C = np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act=act)
    if C.ndim != 2 or C.shape[1] != Z.shape[1]:
        raise ValueError(f"varpro_lsq_loss: C {C.shape} does not fit Z {Z.shape}")
    U, s, Vt = np.linalg.svd(Z, full_matrices=False)
    if lam == 0:
        cut = max(Z.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
        phi = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0)
    else:
        phi = s / (s**2 + lam)
    W = ((C @ Vt.T) * phi[None, :]) @ U.T
    R = W @ Z - C
    E = 0.5 * float(np.sum(R**2)) + 0.5 * lam * float(np.sum(W**2))
    gK, gb, _ = single_layer_vjp(cache, W.T @ R)
    return E, (gK, gb), W


def sgd(
    fun, x0, n: int, batch_size: int = 32, epochs: int = 10, lr=0.1, momentum: float = 0.0, rng=None
):
    """Minibatch SGD with heavy-ball momentum: per batch ``v = momentum v - lr_e g``,
    ``x = x + v``; a fresh permutation every epoch; ``hist["loss"]`` the per-epoch mean of the
    minibatch values ``f`` (each before its update)."""
    n = int(n)
    batch_size = int(batch_size)
    epochs = int(epochs)
    if n < 1 or batch_size < 1:
        raise ValueError("sgd: n and batch_size must be >= 1")
    if np.ndim(lr) > 0:
        lrs = [float(v) for v in np.asarray(lr, dtype=float).ravel()]
        if len(lrs) != epochs:
            raise ValueError(f"sgd: lr holds {len(lrs)} values for {epochs} epochs")
    else:
        lrs = [float(lr)] * epochs
    gen = as_rng(rng)
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x)
    hist = {"loss": []}
    for e in range(epochs):
        perm = gen.permutation(n)
        fs = []
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            f, g = fun(x.copy(), idx)
            g = np.asarray(g, dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"sgd: gradient shape {g.shape} differs from x0 {x.shape}")
            fs.append(float(f))
            v = momentum * v - lrs[e] * g
            x = x + v
        hist["loss"].append(float(np.mean(fs)))
    return x, hist


def input_gradient(K, b, W, Y, C, act=tanh, lam: float = 0.0):
    """Loss of a single-layer classifier as a function of its input and the gradient in ``Y``.

    ``E(Y) = softmax_loss(W, Z, C) + lam/2 ||Y||_F^2`` with ``Z = act(K Y + b 1^T)``;
    ``gY = K^T (act' * (W^T (P - C) / n)) + lam Y``. Returns ``(E, gY)``.
    """
    Y = np.asarray(Y, dtype=float)
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act=act)
    E, _ = softmax_loss(W, Z, C)
    _, _, gY = single_layer_vjp(cache, _alt1_scores_grad(W, Z, C))
    E = float(E) + 0.5 * lam * float(np.sum(Y**2))
    return E, gY + lam * Y
