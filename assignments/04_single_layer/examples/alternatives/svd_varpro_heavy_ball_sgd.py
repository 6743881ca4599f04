"""VarPro through the SVD of Z (filter factors s/(s^2 + lam)), nn_loss by its own log-sum-exp,
and SGD in the two-step heavy-ball form x+ = x - lr g + momentum (x - x_prev) with
permutations drawn as argsort of uniform numbers (other random draws than the reference).
"""

import numpy as np

from numdl.activations import tanh
from numdl.utils import as_rng


def nn_loss(K, b, W, Y, C, act=tanh, lam=0.0):
    Z, cache = single_layer(K, b, Y, act)  # noqa: F821 (the reference's)
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    if W.ndim != 2 or W.shape[1] != Z.shape[0]:
        raise ValueError(f"W must have shape (n_c, {Z.shape[0]}), got shape {W.shape}")
    if C.shape != (W.shape[0], Z.shape[1]):
        raise ValueError(f"C must have shape {(W.shape[0], Z.shape[1])}, got shape {C.shape}")
    n = Z.shape[1]
    S = W @ Z
    lse = np.log(np.sum(np.exp(S - S.max(axis=0)), axis=0)) + S.max(axis=0)
    E = float(np.sum(C * (lse - S))) / n
    G = (np.exp(S - lse) - C) / n
    gK, gb, _ = single_layer_vjp(cache, W.T @ G)  # noqa: F821
    reg = 0.5 * lam * (np.sum(np.asarray(K, float) ** 2) + np.sum(W**2))
    return E + reg, (gK + lam * np.asarray(K, float), gb, G @ Z.T + lam * W)


def varpro_lsq_loss(K, b, Y, C, act=tanh, lam=1e-3):
    if lam < 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    Z, cache = single_layer(K, b, Y, act)  # noqa: F821 (the reference's)
    C = np.asarray(C, dtype=float)
    if C.ndim != 2 or C.shape[1] != Z.shape[1]:
        raise ValueError(f"C must have shape (n_c, {Z.shape[1]}), got shape {C.shape}")
    U, s, Vt = np.linalg.svd(Z, full_matrices=False)
    if lam > 0:
        f = s / (s**2 + lam)
    else:
        keep = s > max(Z.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
        f = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    W = ((C @ Vt.T) * f) @ U.T
    R = W @ Z - C
    E = 0.5 * float(np.sum(R**2)) + 0.5 * lam * float(np.sum(W**2))
    gK, gb, _ = single_layer_vjp(cache, W.T @ R)  # noqa: F821
    return E, (gK, gb), W


def sgd(fun, x0, n, batch_size=32, epochs=10, lr=0.1, momentum=0.0, rng=None):
    if n < 1 or batch_size < 1:
        raise ValueError(f"need n >= 1 and batch_size >= 1, got n={n}, batch_size={batch_size}")
    rates = np.full(epochs, float(lr)) if np.isscalar(lr) else np.asarray(lr, dtype=float)
    if rates.shape != (epochs,):
        raise ValueError(f"lr must be a float or have one entry per epoch ({epochs})")
    gen = as_rng(rng)
    x = np.array(x0, dtype=float)
    x_prev = x.copy()
    losses = []
    for e in range(epochs):
        perm = np.argsort(gen.random(n), kind="stable")
        total, count, start = 0.0, 0, 0
        while start < n:
            idx = perm[start:start + batch_size]
            f, g = fun(x, idx)
            total, count = total + f, count + 1
            x, x_prev = x - rates[e] * np.asarray(g) + momentum * (x - x_prev), x
            start += batch_size
        losses.append(total / count)
    return x, {"loss": losses}
