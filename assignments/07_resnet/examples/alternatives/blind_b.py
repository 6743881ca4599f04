"""Blind alternative B: written from API.md and the student template alone.

Routes: forward cache holding only Y0 (and act, h), the backward pass re-running forward
Euler to recover the states and act', weight gradients by einsum over examples, the loss
gradient dYN = W^T (softmax(W YN) - C)/n, eigenvalues by scipy.linalg.eigvals for the stable
step, leapfrog by two-state rolling loops.

Module 07: residual networks. Examples are the **columns** of ``Y`` ``(n_f, n)``.
"""

import numpy as np
import scipy.linalg

from numdl.activations import tanh
from numdl.classification import softmax, softmax_loss

__all__ = [
    "resnet_forward",
    "resnet_backward",
    "resnet_loss",
    "antisymmetric",
    "max_stable_step",
    "leapfrog_forward",
    "leapfrog_reverse",
]


def _alt2_check(params, Y0):
    Y0 = np.asarray(Y0, dtype=float)
    if Y0.ndim != 2:
        raise ValueError(f"Y0 must be 2-D, got shape {Y0.shape}")
    n_f = Y0.shape[0]
    out = []
    for j, (K, b) in enumerate(params):
        K = np.asarray(K, dtype=float)
        b = np.asarray(b, dtype=float)
        if K.shape != (n_f, n_f) or b.shape != (n_f,):
            raise ValueError(
                f"layer {j}: K {K.shape}, b {b.shape}, expected ({n_f}, {n_f}), ({n_f},)"
            )
        out.append((K, b))
    return out, Y0


def resnet_forward(params, Y0: np.ndarray, h: float, act=tanh):
    """``Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)``; the cache keeps only ``(Y0, act, h)``."""
    ps, Y0 = _alt2_check(params, Y0)
    Y = Y0.copy()
    for K, b in ps:
        A, _ = act(K @ Y + b[:, None])
        Y = Y + h * np.asarray(A, dtype=float)
    return Y, (Y0.copy(), act, float(h))


def resnet_backward(params, cache, dYN: np.ndarray, h: float):
    """Discrete adjoint: states and ``act'`` recomputed from ``Y0``; ``G_N = dYN``,
    ``D_j = h act'(K_j Y_j + b_j 1^T) * G_{j+1}``, ``G_j = G_{j+1} + K_j^T D_j``,
    ``gK_j = D_j Y_j^T``, ``gb_j = D_j 1``, ``gY0 = G_0``."""
    Y0, act, _ = cache
    ps, _ = _alt2_check(params, Y0)
    states, derivs = [], []
    Y = Y0
    for K, b in ps:
        states.append(Y)
        A, dA = act(K @ Y + b[:, None])
        derivs.append(np.asarray(dA, dtype=float))
        Y = Y + h * np.asarray(A, dtype=float)
    G = np.array(dYN, dtype=float)
    if G.shape != Y0.shape:
        raise ValueError(f"resnet_backward: dYN has shape {G.shape}, expected {Y0.shape}")
    ones = np.ones(Y0.shape[1])
    grads = [None] * len(ps)
    for j in range(len(ps) - 1, -1, -1):
        K = ps[j][0]
        D = h * (derivs[j] * G)
        grads[j] = (np.einsum("ik,jk->ij", D, states[j]), D @ ones)
        G = G + K.T @ D
    return grads, G


def resnet_loss(params, W, Y0, C, h, act=tanh, lam: float = 0.0):
    """``softmax_loss(W, YN, C) + lam/2 (sum_j ||K_j||^2 + ||W||^2)`` and ``(E, grads, gW)``."""
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    YN, cache = resnet_forward(params, Y0, h, act)
    E, gW = softmax_loss(W, YN, C)
    n = YN.shape[1]
    dYN = W.T @ (softmax(W @ YN) - C) / n
    grads, _ = resnet_backward(params, cache, dYN, h)
    reg = float(np.sum(W * W))
    out = []
    for (K, _), (gK, gb) in zip(params, grads):
        K = np.asarray(K, dtype=float)
        reg += float(np.sum(K * K))
        out.append((gK + lam * K, gb))
    return float(E) + 0.5 * lam * reg, out, gW + lam * W


def antisymmetric(Wk: np.ndarray, gamma: float = 1e-4) -> np.ndarray:
    """``Wk - Wk^T - gamma I``."""
    Wk = np.asarray(Wk, dtype=float)
    if Wk.ndim != 2 or Wk.shape[0] != Wk.shape[1]:
        raise ValueError(f"antisymmetric: Wk must be square, got {Wk.shape}")
    out = Wk - Wk.T
    out[np.arange(Wk.shape[0]), np.arange(Wk.shape[0])] -= gamma
    return out


def max_stable_step(K: np.ndarray) -> float:
    """Largest ``h >= 0`` with ``|1 + h lam| <= 1`` for every eigenvalue of ``K``.

    ``min(-2 Re lam / |lam|^2)`` over the non-zero eigenvalues when all have negative real part,
    ``0.0`` when a non-zero eigenvalue has a non-negative real part, ``inf`` when all are zero;
    ``|lam| <= 1e-12 ||K||_F`` counts as zero, ``|Re lam| <= 1e-12 ||K||_F`` as zero real part.
    """
    K = np.asarray(K, dtype=float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"max_stable_step: K must be square, got {K.shape}")
    tol = 1e-12 * float(np.sqrt(np.sum(K * K)))
    lam = scipy.linalg.eigvals(K)
    nonzero = lam[np.abs(lam) > tol]
    if nonzero.size == 0:
        return float("inf")
    re = nonzero.real
    if np.any(re >= -tol):
        return 0.0
    return float(np.min(-2.0 * re / np.abs(nonzero) ** 2))


def leapfrog_forward(params, Y0: np.ndarray, Y1: np.ndarray, h: float, act=tanh):
    """``Y_{j+1} = 2 Y_j - Y_{j-1} - h^2 K_j^T act(K_j Y_j + b_j 1^T)``, ``j = 1..N-1``, step ``j``
    with ``params[j-1]``; returns ``(Y_{N-1}, Y_N)``."""
    ps, prev = _alt2_check(params, Y0)
    cur = np.array(Y1, dtype=float)
    prev = prev.copy()
    for K, b in ps:
        A, _ = act(K @ cur + b[:, None])
        prev, cur = cur, 2.0 * cur - prev - h * h * (K.T @ np.asarray(A, dtype=float))
    return prev, cur


def leapfrog_reverse(params, Y_Nm1: np.ndarray, Y_N: np.ndarray, h: float, act=tanh):
    """``Y_{j-1} = 2 Y_j - Y_{j+1} - h^2 K_j^T act(K_j Y_j + b_j 1^T)``, ``j = N-1..1``;
    returns ``(Y0, Y1)``."""
    ps, cur = _alt2_check(params, Y_Nm1)
    nxt = np.array(Y_N, dtype=float)
    cur = cur.copy()
    for K, b in reversed(ps):
        A, _ = act(K @ cur + b[:, None])
        cur, nxt = 2.0 * cur - nxt - h * h * (K.T @ np.asarray(A, dtype=float)), cur
    return cur, nxt
