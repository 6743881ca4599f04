"""Blind alternative A: written from API.md and the student template alone.

Routes: forward Euler loop caching states and act', reverse discrete-adjoint loop, softmax
gradient in Y_N chained into it, antisymmetric matrix by transposition, stable step from
numpy.linalg.eigvals with the contract's relative thresholds, leapfrog recursion loops (forward
and reversed).

Module 07: residual networks. Examples are the **columns** of ``Y`` ``(n_f, n)``.
"""

import numpy as np

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


def _alt1_check_param(K, b, n_f):
    K = np.asarray(K, dtype=float)
    b = np.asarray(b, dtype=float)
    if K.shape != (n_f, n_f) or b.shape != (n_f,):
        raise ValueError(f"resnet: K {K.shape} and b {b.shape} must be ({n_f}, {n_f}) and ({n_f},)")
    return K, b


def resnet_forward(params, Y0: np.ndarray, h: float, act=tanh):
    """``Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)``; returns ``(Y_N, cache)`` (cache: states and
    act')."""
    Y = np.array(Y0, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"resnet_forward: Y0 must be 2-D, got shape {Y.shape}")
    n_f = Y.shape[0]
    states, derivs = [], []
    for K, b in params:
        K, b = _alt1_check_param(K, b, n_f)
        A, dA = act(K @ Y + b[:, None])
        states.append(Y)
        derivs.append(np.array(dA, dtype=float))
        Y = Y + h * np.asarray(A, dtype=float)
    return Y, {"states": states, "derivs": derivs, "YN_shape": Y.shape}


def resnet_backward(params, cache, dYN: np.ndarray, h: float):
    """Discrete adjoint: ``D_j = h act'_j * G_{j+1}``, ``G_j = G_{j+1} + K_j^T D_j``,
    ``gK_j = D_j Y_j^T``, ``gb_j = D_j 1``, ``gY0 = G_0``."""
    G = np.array(dYN, dtype=float)
    if G.shape != tuple(cache["YN_shape"]):
        raise ValueError(f"resnet_backward: dYN must have shape {cache['YN_shape']}, got {G.shape}")
    states, derivs = cache["states"], cache["derivs"]
    grads = [None] * len(params)
    for j in range(len(params) - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        D = h * derivs[j] * G
        grads[j] = (D @ states[j].T, D.sum(axis=1))
        G = G + K.T @ D
    return grads, G


def resnet_loss(
    params, W: np.ndarray, Y0: np.ndarray, C: np.ndarray, h: float, act=tanh, lam: float = 0.0
):
    """``E = softmax_loss(W, Y_N, C) + lam/2 (sum_j ||K_j||^2 + ||W||^2)``; returns
    ``(E, grads, gW)``."""
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    YN, cache = resnet_forward(params, Y0, h, act=act)
    E, dW = softmax_loss(W, YN, C)
    dYN = W.T @ (softmax(W @ YN) - C) / YN.shape[1]
    grads, _ = resnet_backward(params, cache, dYN, h)
    reg = sum(float(np.sum(np.asarray(K, dtype=float) ** 2)) for K, _ in params)
    E = float(E) + 0.5 * lam * (reg + float(np.sum(W**2)))
    grads = [(gK + lam * np.asarray(K, dtype=float), gb) for (gK, gb), (K, _) in zip(grads, params)]
    return E, grads, dW + lam * W


def antisymmetric(Wk: np.ndarray, gamma: float = 1e-4) -> np.ndarray:
    """``K = Wk - Wk^T - gamma I``. Raises ``ValueError`` if ``Wk`` is not square."""
    Wk = np.asarray(Wk, dtype=float)
    if Wk.ndim != 2 or Wk.shape[0] != Wk.shape[1]:
        raise ValueError(f"antisymmetric: Wk must be square, got shape {Wk.shape}")
    return Wk - Wk.T - gamma * np.eye(Wk.shape[0])


def max_stable_step(K: np.ndarray) -> float:
    """``min -2 Re(lam) / |lam|^2`` over the non-zero eigenvalues of ``K``; ``0.0`` when a
    non-zero eigenvalue has a non-negative real part; ``inf`` when all are zero. Thresholds
    ``|lam| <= 1e-12 ||K||_F`` (zero) and ``|Re lam| <= 1e-12 ||K||_F`` (zero real part)."""
    K = np.asarray(K, dtype=float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"max_stable_step: K must be square, got shape {K.shape}")
    thr = 1e-12 * np.linalg.norm(K)
    lam = np.linalg.eigvals(K)
    nz = lam[np.abs(lam) > thr]
    if nz.size == 0:
        return float("inf")
    re = nz.real
    if np.any(re >= -thr):
        return 0.0
    return float(np.min(-2.0 * re / np.abs(nz) ** 2))


def _alt1_leap_force(K, b, Y, act):
    K = np.asarray(K, dtype=float)
    b = np.asarray(b, dtype=float)
    A, _ = act(K @ Y + b[:, None])
    return K.T @ np.asarray(A, dtype=float)


def leapfrog_forward(params, Y0: np.ndarray, Y1: np.ndarray, h: float, act=tanh):
    """``Y_{j+1} = 2 Y_j - Y_{j-1} - h^2 K_j^T act(K_j Y_j + b_j 1^T)``, ``j = 1..N-1``, step
    ``j`` with ``params[j-1]``; returns ``(Y_{N-1}, Y_N)``."""
    Yp = np.array(Y0, dtype=float)
    Yc = np.array(Y1, dtype=float)
    for K, b in params:
        Yn = 2.0 * Yc - Yp - h**2 * _alt1_leap_force(K, b, Yc, act)
        Yp, Yc = Yc, Yn
    return Yp, Yc


def leapfrog_reverse(params, Y_Nm1: np.ndarray, Y_N: np.ndarray, h: float, act=tanh):
    """``Y_{j-1} = 2 Y_j - Y_{j+1} - h^2 K_j^T act(K_j Y_j + b_j 1^T)``, ``j = N-1..1``; returns
    ``(Y0, Y1)``."""
    Yc = np.array(Y_Nm1, dtype=float)
    Yn = np.array(Y_N, dtype=float)
    for K, b in reversed(list(params)):
        Yp = 2.0 * Yc - Yn - h**2 * _alt1_leap_force(K, b, Yc, act)
        Yn, Yc = Yc, Yp
    return Yc, Yn
