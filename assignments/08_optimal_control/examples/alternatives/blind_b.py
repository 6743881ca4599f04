"""Blind alternative B: written from API.md and the student template alone.

Routes: the forward cache holds only the step-start states, the DTO adjoint recomputes
every RK4 stage from them and backpropagates stage by stage; the OTD adjoint integrates the
augmented backward system (Z and the control gradients) with the same scheme, states at stage
times by cubic Hermite interpolation of the step's end states (Euler: Jacobian at Y_{j+1});
time smoothness by accumulating neighbour differences.

Module 08: optimal control and neural ODEs ``dY/dt = act(K(t) Y + b(t) 1^T)`` with piecewise
constant controls. Examples are the **columns** of ``Y`` ``(n_f, n)``.
"""

import numpy as np

from numdl.activations import tanh
from numdl.classification import softmax, softmax_loss

__all__ = [
    "rk4_step",
    "ode_solve",
    "node_forward",
    "node_gradient_dto",
    "node_gradient_otd",
    "time_smoothness",
    "node_loss",
]


def rk4_step(f, t, y, h):
    """``y + h/6 (k1 + 2 k2 + 2 k3 + k4)`` with the classical stages."""
    y = np.asarray(y, dtype=float)
    k1 = np.asarray(f(t, y), dtype=float)
    k2 = np.asarray(f(t + h / 2, y + (h / 2) * k1), dtype=float)
    k3 = np.asarray(f(t + h / 2, y + (h / 2) * k2), dtype=float)
    k4 = np.asarray(f(t + h, y + h * k3), dtype=float)
    return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)


def _alt2_method(method):
    if method not in ("rk4", "euler"):
        raise ValueError(f"unknown method {method!r} (expected 'rk4' or 'euler')")
    return method


def ode_solve(f, y0, t, method="rk4"):
    """One step of ``method`` per interval of the increasing grid ``t``; row 0 is ``y0``."""
    _alt2_method(method)
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or (t.size > 1 and np.any(np.diff(t) <= 0)):
        raise ValueError("ode_solve: t must be 1-D and strictly increasing")
    y0 = np.asarray(y0, dtype=float)
    Ys = np.empty((t.size,) + y0.shape)
    Ys[0] = y0
    y = y0.copy()
    for k in range(t.size - 1):
        hk = t[k + 1] - t[k]
        if method == "euler":
            y = y + hk * np.asarray(f(t[k], y), dtype=float)
        else:
            y = rk4_step(f, t[k], y, hk)
        Ys[k + 1] = y
    return Ys


def _alt2_params(params, Y0):
    Y0 = np.asarray(Y0, dtype=float)
    if Y0.ndim != 2:
        raise ValueError(f"Y0 must be 2-D, got {Y0.shape}")
    n_f = Y0.shape[0]
    out = []
    for j, (K, b) in enumerate(params):
        K = np.array(K, dtype=float)
        b = np.array(b, dtype=float)
        if K.shape != (n_f, n_f) or b.shape != (n_f,):
            raise ValueError(f"control {j}: K {K.shape}, b {b.shape} do not fit n_f = {n_f}")
        out.append((K, b))
    if not out:
        raise ValueError("params must hold at least one control")
    return out, Y0


def _alt2_step(K, b, Y, h, act, method):
    f = lambda X: np.asarray(act(K @ X + b[:, None])[0], dtype=float)  # noqa: E731
    if method == "euler":
        return Y + h * f(Y)
    k1 = f(Y)
    k2 = f(Y + (h / 2) * k1)
    k3 = f(Y + (h / 2) * k2)
    k4 = f(Y + h * k3)
    return Y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)


def node_forward(params, Y0, T, act=tanh, method="rk4"):
    """``nt = len(params)`` steps of size ``T / nt``; step ``j`` uses ``(K_j, b_j)`` in all stages.

    The cache holds the controls and the states at the step boundaries only.
    """
    _alt2_method(method)
    ps, Y0 = _alt2_params(params, Y0)
    h = float(T) / len(ps)
    states = [Y0.copy()]
    Y = Y0
    for K, b in ps:
        Y = _alt2_step(K, b, Y, h, act, method)
        states.append(Y)
    return Y.copy(), {"params": ps, "states": states, "act": act, "method": method, "h": h}


def _alt2_dto_step(K, b, Y, Z, h, act, method):
    """Backpropagate ``Z = dL/dY_{j+1}`` through one step from ``Y = Y_j`` (stages recomputed)."""
    n_f = Y.shape[0]
    gK = np.zeros((n_f, n_f))
    gb = np.zeros(n_f)
    if method == "euler":
        _, dA = act(K @ Y + b[:, None])
        S = np.asarray(dA, dtype=float) * (h * Z)
        return Z + K.T @ S, S @ Y.T, S.sum(axis=1)
    # recompute the stage inputs X_i and the derivatives
    X, D = [], []
    Xi = Y
    coef = (0.5 * h, 0.5 * h, h)
    for i in range(4):
        X.append(Xi)
        A, dA = act(K @ Xi + b[:, None])
        D.append(np.asarray(dA, dtype=float))
        if i < 3:
            Xi = Y + coef[i] * np.asarray(A, dtype=float)
    gk = [(h / 6) * Z, (h / 3) * Z, (h / 3) * Z, (h / 6) * Z]
    gY = Z.copy()
    for i in range(3, -1, -1):
        S = D[i] * gk[i]
        gK += S @ X[i].T
        gb += S.sum(axis=1)
        gX = K.T @ S
        gY = gY + gX
        if i > 0:
            gk[i - 1] = gk[i - 1] + coef[i - 1] * gX
    return gY, gK, gb


def node_gradient_dto(params, Y0, T, dYT, act=tanh, method="rk4"):
    """Discretize-then-optimize: exact gradient of ``<Y_T, dYT>`` for the discrete forward map
    (backpropagation through every recomputed stage of every step)."""
    _alt2_method(method)
    _, cache = node_forward(params, Y0, T, act, method)
    ps, states, h = cache["params"], cache["states"], cache["h"]
    Z = np.array(dYT, dtype=float)
    grads = [None] * len(ps)
    for j in range(len(ps) - 1, -1, -1):
        K, b = ps[j]
        Z, gK, gb = _alt2_dto_step(K, b, states[j], Z, h, act, method)
        grads[j] = (gK, gb)
    return grads, Z


def node_gradient_otd(params, Y0, T, dYT, act=tanh, method="rk4"):
    """Optimize-then-discretize: ``-dZ/dt = K^T (act'(K Y + b 1^T) * Z)``, ``Z(T) = dYT``, solved
    backward with ``method`` together with ``gK_j = int (act' * Z) Y^T dt``, ``gb_j = int (act'
    * Z) 1 dt``.

    RK4: states at the stage times by cubic Hermite interpolation of ``Y_j``, ``Y_{j+1}`` with
    slopes ``f_j(Y_j)``, ``f_j(Y_{j+1})``. Euler: one backward Euler-type step from ``t_{j+1}``
    with the Jacobian (and quadrature) at ``Y_{j+1}``.
    """
    _alt2_method(method)
    _, cache = node_forward(params, Y0, T, act, method)
    ps, states, h = cache["params"], cache["states"], cache["h"]
    Z = np.array(dYT, dtype=float)
    grads = [None] * len(ps)

    def rhs(K, b, Yt, Zt):
        _, dA = act(K @ Yt + b[:, None])
        S = np.asarray(dA, dtype=float) * Zt
        return K.T @ S, S @ Yt.T, S.sum(axis=1)

    for j in range(len(ps) - 1, -1, -1):
        K, b = ps[j]
        Ya, Yb = states[j], states[j + 1]
        if method == "euler":
            mZ, mK, mb = rhs(K, b, Yb, Z)
            grads[j] = (h * mK, h * mb)
            Z = Z + h * mZ
            continue
        fa = np.asarray(act(K @ Ya + b[:, None])[0], dtype=float)
        fb = np.asarray(act(K @ Yb + b[:, None])[0], dtype=float)
        Ymid = 0.5 * (Ya + Yb) + (h / 8) * (fa - fb)
        m1 = rhs(K, b, Yb, Z)
        m2 = rhs(K, b, Ymid, Z + (h / 2) * m1[0])
        m3 = rhs(K, b, Ymid, Z + (h / 2) * m2[0])
        m4 = rhs(K, b, Ya, Z + h * m3[0])
        w = (h / 6, h / 3, h / 3, h / 6)
        ms = (m1, m2, m3, m4)
        gK = sum(wi * mi[1] for wi, mi in zip(w, ms))
        gb = sum(wi * mi[2] for wi, mi in zip(w, ms))
        Z = Z + sum(wi * mi[0] for wi, mi in zip(w, ms))
        grads[j] = (gK, gb)
    return grads, Z


def time_smoothness(params, T):
    """``R = 1/(2h) sum_j (||K_{j+1} - K_j||^2 + ||b_{j+1} - b_j||^2)``, ``h = T / nt``, and its
    gradient (accumulated over the neighbour differences)."""
    ps = [(np.asarray(K, dtype=float), np.asarray(b, dtype=float)) for K, b in params]
    nt = len(ps)
    h = float(T) / nt
    gK = [np.zeros_like(K) for K, _ in ps]
    gb = [np.zeros_like(b) for _, b in ps]
    R = 0.0
    for j in range(nt - 1):
        dK = ps[j + 1][0] - ps[j][0]
        db = ps[j + 1][1] - ps[j][1]
        R += float(np.sum(dK * dK)) + float(np.sum(db * db))
        gK[j + 1] += dK / h
        gK[j] -= dK / h
        gb[j + 1] += db / h
        gb[j] -= db / h
    return R / (2 * h), list(zip(gK, gb))


def node_loss(params, W, Y0, C, T, act=tanh, method="rk4", alpha=0.0):
    """``E = softmax_loss(W, Y_T, C) + alpha R(params)`` with DTO control gradients and ``gW``."""
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    YT, _ = node_forward(params, Y0, T, act, method)
    E, gW = softmax_loss(W, YT, C)
    n = YT.shape[1]
    dYT = W.T @ (softmax(W @ YT) - C) / n
    grads, _ = node_gradient_dto(params, Y0, T, dYT, act, method)
    if alpha != 0.0:
        R, rg = time_smoothness(params, T)
        E = float(E) + alpha * R
        grads = [(gK + alpha * rK, gb + alpha * rb) for (gK, gb), (rK, rb) in zip(grads, rg)]
    return float(E), grads, gW
