"""max_stable_step by bisection on h of max over eigenvalues of (2 Re lam + h |lam|^2) <= 0
(i.e. |1 + h lam|^2 <= 1); resnet_backward one example (column) at a time with explicit
Jacobian-transpose products diag(act') K; forward keeps the pre-activations."""

import numpy as np

from numdl.activations import tanh


def resnet_forward(params, Y0, h, act=tanh):
    Y = np.asarray(Y0, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"Y0 must be 2-D (n_f, n), got shape {Y.shape}")
    n_f = Y.shape[0]
    cache = []
    for j, (K, b) in enumerate(params):
        K, b = np.asarray(K, dtype=float), np.asarray(b, dtype=float)
        if K.shape != (n_f, n_f):
            raise ValueError(f"K_{j} must have shape ({n_f}, {n_f}), got {K.shape}")
        if b.shape != (n_f,):
            raise ValueError(f"b_{j} must have shape ({n_f},), got {b.shape}")
        X = K @ Y + b[:, None]
        cache.append((Y, act(X)[1]))
        Y = Y + h * act(X)[0]
    return Y, cache


def resnet_backward(params, cache, dYN, h):
    dYN = np.asarray(dYN, dtype=float)
    n = dYN.shape[1]
    grads = [(np.zeros_like(np.asarray(K, dtype=float)), np.zeros(len(b))) for K, b in params]
    gY0 = np.empty_like(dYN)
    for i in range(n):
        g = dYN[:, i].copy()
        for j in range(len(params) - 1, -1, -1):
            K = np.asarray(params[j][0], dtype=float)
            Yj, dA = cache[j]
            d = h * dA[:, i] * g  # (J_b)^T g for this example
            grads[j][0][:] += np.outer(d, Yj[:, i])
            grads[j][1][:] += d
            g = g + (K.T * dA[:, i]) @ (h * g)  # (I + h diag(act') K)^T g
        gY0[:, i] = g
    return grads, gY0


def resnet_loss(params, W, Y0, C, h, act=tanh, lam=0.0):
    W = np.asarray(W, dtype=float)
    YN, cache = resnet_forward(params, Y0, h, act)
    E, gW = softmax_loss(W, YN, C)  # noqa: F821 - imported by the reference module
    S = W @ YN
    P = np.exp(S - S.max(axis=0))
    P = P / P.sum(axis=0)
    grads, _ = resnet_backward(params, cache, W.T @ (P - C) / YN.shape[1], h)
    reg = sum(float(np.sum(np.square(K))) for K, _ in params) + float(np.sum(np.square(W)))
    grads = [(gK + lam * np.asarray(K), gb) for (gK, gb), (K, _) in zip(grads, params)]
    return float(E + lam * reg / 2), grads, gW + lam * W


def max_stable_step(K):
    K = np.asarray(K, dtype=float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"K must be square, got shape {K.shape}")
    tol = 1e-12 * np.linalg.norm(K)
    lam = np.linalg.eigvals(K)
    lam = lam[np.abs(lam) > tol]
    if lam.size == 0:
        return np.inf
    if lam.real.max() >= -tol:
        return 0.0
    lo, hi = 0.0, 2.0 / np.abs(lam).max()  # h* <= -2 Re/|lam|^2 <= 2/|lam| for every lam
    while hi - lo > 1e-15 * hi:
        mid = 0.5 * (lo + hi)
        if np.max(2 * lam.real + mid * np.abs(lam) ** 2) <= 0:
            lo = mid
        else:
            hi = mid
    return float(lo)
