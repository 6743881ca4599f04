"""OTD with the states at the stage times from linear interpolation between Y_j and Y_{j+1}
(second order instead of cubic Hermite), adjoint and control gradients as one augmented ODE
marched with rk4_step/Euler in reversed time s = T - t; node_loss composed from the public
node_forward, node_gradient_dto and time_smoothness, with P from a log-sum-exp."""
# ruff: noqa: F821  (the reference functions are defined above this file in the submission)

import numpy as np

from numdl.activations import tanh
from numdl.classification import softmax_loss


def node_gradient_otd(params, Y0, T, dYT, act=tanh, method="rk4"):
    if method not in ("euler", "rk4"):
        raise ValueError(f"unknown method {method!r}")
    Y0 = np.asarray(Y0, dtype=float)
    dYT = np.asarray(dYT, dtype=float)
    if Y0.ndim != 2 or dYT.shape != Y0.shape:
        raise ValueError(f"dYT must have the shape of Y0 {Y0.shape}, got {dYT.shape}")
    nt = len(params)
    h = T / nt
    # forward states at the grid points t_j = j h, one step per control
    states = [Y0]
    for j in range(nt):
        states.append(node_forward(params[j : j + 1], states[-1], h, act=act, method=method)[0])
    n_f, n = Y0.shape
    Z = dYT
    grads = [None] * nt
    for j in range(nt - 1, -1, -1):
        K, b = (np.asarray(a, dtype=float) for a in params[j])
        Ya, Yb = states[j], states[j + 1]

        def rhs(s, u, K=K, b=b, Ya=Ya, Yb=Yb):
            # u = [vec Z, vec gK, gb] in reversed time s in [0, h] (t = t_{j+1} - s)
            Zs = u[: n_f * n].reshape(n_f, n)
            Ys = Yb + (s / h) * (Ya - Yb)
            G = act(K @ Ys + b[:, None])[1] * Zs
            return np.concatenate([(K.T @ G).ravel(), (G @ Ys.T).ravel(), G.sum(axis=1)])

        u = np.concatenate([Z.ravel(), np.zeros(n_f * n_f + n_f)])
        if method == "rk4":
            u = rk4_step(rhs, 0.0, u, h)
        else:
            u = u + h * rhs(0.0, u)
        Z = u[: n_f * n].reshape(n_f, n)
        grads[j] = (u[n_f * n : n_f * n + n_f * n_f].reshape(n_f, n_f), u[n_f * n + n_f * n_f :])
    return grads, Z


def node_loss(params, W, Y0, C, T, act=tanh, method="rk4", alpha=0.0):
    W = np.asarray(W, dtype=float)
    Y0 = np.asarray(Y0, dtype=float)
    C = np.asarray(C, dtype=float)
    if W.ndim != 2 or Y0.ndim != 2 or W.shape[1] != Y0.shape[0]:
        raise ValueError(f"W must have shape (n_c, {Y0.shape[0]}), got {W.shape}")
    if C.shape != (W.shape[0], Y0.shape[1]):
        raise ValueError(f"C must have shape {(W.shape[0], Y0.shape[1])}, got {C.shape}")
    YT, _ = node_forward(params, Y0, T, act=act, method=method)
    E, gW = softmax_loss(W, YT, C)
    S = W @ YT
    logP = S - np.logaddexp.reduce(S, axis=0, keepdims=True)
    grads, _ = node_gradient_dto(params, Y0, T, W.T @ (np.exp(logP) - C) / Y0.shape[1], act, method)
    R, gR = time_smoothness(params, T)
    grads = [(gK + alpha * rK, gb + alpha * rb) for (gK, gb), (rK, rb) in zip(grads, gR)]
    return E + alpha * R, grads, gW
