"""Generic explicit Runge-Kutta through its Butcher tableau (A, b, c): the forward pass keeps the
full stage list, and DTO is the general discrete adjoint of an explicit RK method,
Lambda_i = h b_i Z + h sum_{l > i} a_li J_l^T Lambda_l, instead of the stage-to-stage chain;
time_smoothness through a difference matrix D: R = ||D Theta||^2 / (2h), grad = D^T D Theta / h."""

import numpy as np

from numdl.activations import tanh

_TABLEAU = {
    "euler": (np.zeros((1, 1)), np.array([1.0]), np.array([0.0])),
    "rk4": (
        np.array([[0, 0, 0, 0], [0.5, 0, 0, 0], [0, 0.5, 0, 0], [0, 0, 1.0, 0]]),
        np.array([1 / 6, 1 / 3, 1 / 3, 1 / 6]),
        np.array([0.0, 0.5, 0.5, 1.0]),
    ),
}


def _tableau(method):
    if method not in _TABLEAU:
        raise ValueError(f"unknown method {method!r}: use 'euler' or 'rk4'")
    return _TABLEAU[method]


def _erk_step(f, t, y, h, method):
    A, bw, c = _tableau(method)
    ks = []
    for i in range(len(bw)):
        yi = y + h * sum(A[i, l] * ks[l] for l in range(i)) if i else y
        ks.append(np.asarray(f(t + c[i] * h, yi)))
    return y + h * sum(w * k for w, k in zip(bw, ks))


def rk4_step(f, t, y, h):
    y = np.asarray(y, dtype=float)
    return _erk_step(f, t, y, h, "rk4")


def ode_solve(f, y0, t, method="rk4"):
    _tableau(method)
    y0 = np.asarray(y0, dtype=float)
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(t[1:] <= t[:-1]):
        raise ValueError("t must be a non-empty, strictly increasing 1-D array")
    out = [y0]
    for t0, t1 in zip(t[:-1], t[1:]):
        out.append(_erk_step(f, t0, out[-1], t1 - t0, method))
    return np.stack(out)


def _check_all(params, Y0, T, method):
    _tableau(method)
    Y0 = np.asarray(Y0, dtype=float)
    if Y0.ndim != 2:
        raise ValueError(f"Y0 must have shape (n_f, n), got {Y0.shape}")
    n_f = Y0.shape[0]
    params = [(np.asarray(K, dtype=float), np.asarray(b, dtype=float)) for K, b in params]
    if not params:
        raise ValueError("params must not be empty")
    for j, (K, b) in enumerate(params):
        if K.shape != (n_f, n_f) or b.shape != (n_f,):
            raise ValueError(f"params[{j}] must be (K, b) of shapes ({n_f}, {n_f}) and ({n_f},)")
    if not T > 0:
        raise ValueError("T must be positive")
    return params, Y0, T / len(params)


def node_forward(params, Y0, T, act=tanh, method="rk4"):
    params, Y0, h = _check_all(params, Y0, T, method)
    A, bw, _ = _tableau(method)
    Y, steps = Y0, []
    for K, b in params:
        X, D, F = [], [], []
        for i in range(len(bw)):
            Xi = Y + h * sum(A[i, l] * F[l] for l in range(i)) if i else Y
            Fi, Di = act(K @ Xi + b[:, None])
            X.append(Xi), D.append(Di), F.append(Fi)
        steps.append((X, D))
        Y = Y + h * sum(w * Fi for w, Fi in zip(bw, F))
    return Y, steps


def node_gradient_dto(params, Y0, T, dYT, act=tanh, method="rk4"):
    params, Y0, h = _check_all(params, Y0, T, method)
    dYT = np.asarray(dYT, dtype=float)
    if dYT.shape != Y0.shape:
        raise ValueError(f"dYT must have shape {Y0.shape}, got {dYT.shape}")
    _, steps = node_forward(params, Y0, T, act, method)
    A, bw, _ = _tableau(method)
    s = len(bw)
    Z, grads = dYT, []
    for (K, _), (X, D) in zip(params[::-1], steps[::-1]):
        lam = [None] * s  # lam[i]: adjoint of the stage value F_i
        mu = [None] * s  # mu[i] = J_i^T lam[i]: adjoint of the stage input X_i
        for i in range(s - 1, -1, -1):
            lam[i] = h * bw[i] * Z + h * sum(A[l, i] * mu[l] for l in range(i + 1, s))
            mu[i] = K.T @ (D[i] * lam[i])
        G = [D[i] * lam[i] for i in range(s)]
        gK = sum(G[i] @ X[i].T for i in range(s))
        grads.append((gK, sum(G[i].sum(axis=1) for i in range(s))))
        Z = Z + sum(mu)
    return grads[::-1], Z


def time_smoothness(params, T):
    Ks = [np.asarray(K, dtype=float) for K, _ in params]
    bs = [np.asarray(b, dtype=float) for _, b in params]
    nt = len(Ks)
    if nt == 0 or not T > 0:
        raise ValueError("params must not be empty and T must be positive")
    h = T / nt
    Theta = np.stack([np.concatenate([K.ravel(order="F"), b]) for K, b in zip(Ks, bs)])
    D = np.diff(np.eye(nt), axis=0)  # (nt - 1, nt) forward differences
    DT = D @ Theta
    R = float(np.sum(DT**2) / (2 * h))
    G = D.T @ DT / h
    m = Ks[0].size
    return R, [(G[j, :m].reshape(Ks[j].shape, order="F"), G[j, m:]) for j in range(nt)]
