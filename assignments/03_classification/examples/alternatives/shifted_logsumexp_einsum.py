"""Softmax and loss through a shifted log-sum-exp of their own, the Hessian-vector product with
einsum over the per-example Jacobians diag(p) - p p^T, and predict/accuracy by counting.

Until the "from scratch" rule this alternative called ``scipy.special.softmax`` and
``logsumexp`` (now the shortcut ``logsumexp_einsum``); it computes
``lse_j = max_i s_ij + log sum_i exp(s_ij - max_i s_ij)`` itself."""

import numpy as np


def _logsumexp(S):
    top = S.max(axis=0)
    return top + np.log(np.sum(np.exp(S - top[None, :]), axis=0))


def _softmax0(S):
    return np.exp(S - _logsumexp(S)[None, :])


def softmax(S):
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"softmax: S must be 2-D (n_c, n), got shape {S.shape}")
    return _softmax0(S)


def softmax_loss(W, Y, C):
    W, Y, C = (np.asarray(a, dtype=float) for a in (W, Y, C))
    if Y.ndim != 2 or W.ndim != 2 or W.shape[1] != Y.shape[0]:
        raise ValueError(f"softmax_loss: W must be (n_c, {Y.shape[0]}), got {W.shape}")
    if C.shape != (W.shape[0], Y.shape[1]):
        raise ValueError(f"softmax_loss: C must be {(W.shape[0], Y.shape[1])}, got {C.shape}")
    S = W @ Y
    lse = _logsumexp(S)
    n = Y.shape[1]
    # sum_i c_ij (lse_j - s_ij), using that the columns of C sum to one only through C itself
    E = float(np.sum(C * (lse[None, :] - S))) / n
    return E, (_softmax0(S) - C) @ Y.T / n


def softmax_hessvec(W, Y, V):
    W, Y, V = (np.asarray(a, dtype=float) for a in (W, Y, V))
    if Y.ndim != 2 or W.ndim != 2 or W.shape[1] != Y.shape[0]:
        raise ValueError(f"softmax_hessvec: W must be (n_c, {Y.shape[0]}), got {W.shape}")
    if V.shape != W.shape:
        raise ValueError(f"softmax_hessvec: V must have shape {W.shape}, got {V.shape}")
    P = _softmax0(W @ Y)
    Z = V @ Y
    # J_j = diag(p_j) - p_j p_j^T applied to z_j, for all columns j at once
    J = P.T[:, :, None] * np.eye(P.shape[0])[None] - np.einsum("aj,bj->jab", P, P)
    JZ = np.einsum("jab,bj->aj", J, Z)
    return JZ @ Y.T / Y.shape[1]


def predict(W, Y):
    W, Y = np.asarray(W, dtype=float), np.asarray(Y, dtype=float)
    if Y.ndim != 2 or W.ndim != 2 or W.shape[1] != Y.shape[0]:
        raise ValueError(f"predict: W must be (n_c, n_f) matching Y {Y.shape}, got {W.shape}")
    S = W @ Y
    return S.argmax(axis=0).astype(np.int64)


def accuracy(W, Y, C):
    C = np.asarray(C, dtype=float)
    labels = predict(W, Y)
    if C.ndim != 2 or C.shape != (np.shape(W)[0], labels.size):
        raise ValueError(f"accuracy: C must be {(np.shape(W)[0], labels.size)}, got {C.shape}")
    return np.count_nonzero(labels == C.argmax(axis=0)) / labels.size
