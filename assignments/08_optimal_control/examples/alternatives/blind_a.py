"""Blind alternative A: written from API.md and the student template alone.

Routes: explicit Euler/RK4 loops, forward pass caching every stage input and act', DTO by hand-
written reverse sweep through the RK4 stages, OTD by the augmented adjoint ODE solved backward
with the same scheme (cubic Hermite interpolation of the forward states at RK4 mid-step times;
Euler backward step with the Jacobian at the step's end state), time smoothness by differences.

Module 08: optimal control and neural ODEs ``dY/dt = act(K(t) Y + b(t) 1^T)`` with piecewise
constant controls ``params = [(K_j, b_j)]``, ``h = T / nt``. Examples are the **columns** of ``Y``.
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


def _alt1_check_method(method):
    if method not in ("euler", "rk4"):
        raise ValueError(f"unknown method {method!r} (expected 'euler' or 'rk4')")


def rk4_step(f, t, y, h):
    """``y + h/6 (k1 + 2 k2 + 2 k3 + k4)`` with the classical stages."""
    y = np.asarray(y, dtype=float)
    k1 = np.asarray(f(t, y), dtype=float)
    k2 = np.asarray(f(t + h / 2, y + h / 2 * k1), dtype=float)
    k3 = np.asarray(f(t + h / 2, y + h / 2 * k2), dtype=float)
    k4 = np.asarray(f(t + h, y + h * k3), dtype=float)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def ode_solve(f, y0, t, method="rk4"):
    """One step of ``method`` (``"euler"`` or ``"rk4"``) per interval of the increasing grid
    ``t``; returns ``Ys`` of shape ``(len(t),) + y0.shape`` with ``Ys[0] = y0``.

    Raises ``ValueError`` for an unknown method or a ``t`` that is not 1-D strictly increasing.
    """
    _alt1_check_method(method)
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 1 or np.any(np.diff(t) <= 0):
        raise ValueError("ode_solve: t must be a 1-D strictly increasing grid")
    y = np.array(y0, dtype=float)
    Ys = np.empty((t.size,) + y.shape)
    Ys[0] = y
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        if method == "euler":
            y = y + h * np.asarray(f(t[k], y), dtype=float)
        else:
            y = rk4_step(f, t[k], y, h)
        Ys[k + 1] = y
    return Ys


def _alt1_rhs(K, b, U, act):
    A, dA = act(K @ U + b[:, None])
    return np.asarray(A, dtype=float), np.asarray(dA, dtype=float)


def node_forward(params, Y0, T, act=tanh, method="rk4"):
    """``nt = len(params)`` steps of size ``T / nt`` of ``method``, step ``j`` with ``(K_j, b_j)``
    in all stages; returns ``(Y_T, cache)`` (cache: step states, stage inputs and act')."""
    _alt1_check_method(method)
    Y = np.array(Y0, dtype=float)
    nt = len(params)
    h = T / nt if nt > 0 else 0.0
    states = [Y]
    stages = []
    for K, b in params:
        K = np.asarray(K, dtype=float)
        b = np.asarray(b, dtype=float)
        if method == "euler":
            k1, d1 = _alt1_rhs(K, b, Y, act)
            stages.append(([Y], [d1]))
            Y = Y + h * k1
        else:
            U1 = Y
            k1, d1 = _alt1_rhs(K, b, U1, act)
            U2 = Y + h / 2 * k1
            k2, d2 = _alt1_rhs(K, b, U2, act)
            U3 = Y + h / 2 * k2
            k3, d3 = _alt1_rhs(K, b, U3, act)
            U4 = Y + h * k3
            k4, d4 = _alt1_rhs(K, b, U4, act)
            stages.append(([U1, U2, U3, U4], [d1, d2, d3, d4]))
            Y = Y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        states.append(Y)
    cache = {"states": states, "stages": stages, "h": h, "method": method, "act": act}
    return Y, cache


def _alt1_f_vjp(K, U, dA, a):
    """Transposed Jacobians of ``act(K U + b 1^T)`` applied to ``a``: ``(gU, gK, gb)``."""
    G = dA * a
    return K.T @ G, G @ U.T, G.sum(axis=1)


def node_gradient_dto(params, Y0, T, dYT, act=tanh, method="rk4"):
    """Discretize-then-optimize: the exact gradient of ``<Y_T, dYT>`` for the discrete forward
    map, by a reverse sweep through every stage of every step. Returns ``(grads, gY0)``."""
    _, cache = node_forward(params, Y0, T, act=act, method=method)
    h = cache["h"]
    Z = np.array(dYT, dtype=float)
    grads = [None] * len(params)
    for j in range(len(params) - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        U, D = cache["stages"][j]
        if method == "euler":
            gU, gK, gb = _alt1_f_vjp(K, U[0], D[0], h * Z)
            grads[j] = (gK, gb)
            Z = Z + gU
            continue
        gK = np.zeros(K.shape)
        gb = np.zeros(K.shape[0])
        Ybar = Z.copy()
        kbar = [h / 6 * Z, h / 3 * Z, h / 3 * Z, h / 6 * Z]
        # stage 4: U4 = Y + h k3
        gU, a, c = _alt1_f_vjp(K, U[3], D[3], kbar[3])
        gK += a
        gb += c
        Ybar += gU
        kbar[2] = kbar[2] + h * gU
        # stage 3: U3 = Y + h/2 k2
        gU, a, c = _alt1_f_vjp(K, U[2], D[2], kbar[2])
        gK += a
        gb += c
        Ybar += gU
        kbar[1] = kbar[1] + h / 2 * gU
        # stage 2: U2 = Y + h/2 k1
        gU, a, c = _alt1_f_vjp(K, U[1], D[1], kbar[1])
        gK += a
        gb += c
        Ybar += gU
        kbar[0] = kbar[0] + h / 2 * gU
        # stage 1: U1 = Y
        gU, a, c = _alt1_f_vjp(K, U[0], D[0], kbar[0])
        gK += a
        gb += c
        Ybar += gU
        grads[j] = (gK, gb)
        Z = Ybar
    return grads, Z


def node_gradient_otd(params, Y0, T, dYT, act=tanh, method="rk4"):
    """Optimize-then-discretize: ``-dZ/dt = K^T (act'(K Y + b 1^T) * Z)``, ``Z(T) = dYT``,
    augmented with ``dgK = (act' * Z) Y^T dt``, ``dgb = (act' * Z) 1 dt``, solved backward over
    every step with ``method``.

    Euler: ``Z_j = Z_{j+1} + h K_j^T (act'(Y_{j+1}) * Z_{j+1})`` and
    ``gK_j = h (act' * Z_{j+1}) Y_{j+1}^T`` (Jacobian at the step's end state). RK4: classical
    stages in reversed time at ``t_{j+1}``, the mid-step (twice) and ``t_j``, the mid-step state by
    cubic Hermite interpolation ``(Y_j + Y_{j+1})/2 + h/8 (f(Y_j) - f(Y_{j+1}))`` with the step's
    control. Returns ``(grads, gY0)``.
    """
    _, cache = node_forward(params, Y0, T, act=act, method=method)
    h = cache["h"]
    states = cache["states"]
    Z = np.array(dYT, dtype=float)
    grads = [None] * len(params)
    for j in range(len(params) - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        b = np.asarray(params[j][1], dtype=float)
        Yj, Yj1 = states[j], states[j + 1]
        if method == "euler":
            _, d = _alt1_rhs(K, b, Yj1, act)
            gU, gK, gb = _alt1_f_vjp(K, Yj1, d, h * Z)
            grads[j] = (gK, gb)
            Z = Z + gU
            continue
        fj, dj = _alt1_rhs(K, b, Yj, act)
        fj1, dj1 = _alt1_rhs(K, b, Yj1, act)
        Ymid = 0.5 * (Yj + Yj1) + h / 8 * (fj - fj1)
        _, dmid = _alt1_rhs(K, b, Ymid, act)
        Ys = [Yj1, Ymid, Ymid, Yj]
        Ds = [dj1, dmid, dmid, dj]
        weights = [1.0, 2.0, 2.0, 1.0]
        offsets = [0.0, h / 2, h / 2, h]
        gK = np.zeros(K.shape)
        gb = np.zeros(K.shape[0])
        dZ = np.zeros_like(Z)
        F_prev = None
        for i in range(4):
            Zi = Z if i == 0 else Z + offsets[i] * F_prev
            Fz, a, c = _alt1_f_vjp(K, Ys[i], Ds[i], Zi)
            dZ += weights[i] * Fz
            gK += weights[i] * a
            gb += weights[i] * c
            F_prev = Fz
        Z = Z + h / 6 * dZ
        grads[j] = (h / 6 * gK, h / 6 * gb)
    return grads, Z


def time_smoothness(params, T):
    """``R = 1/(2h) sum_j (||K_{j+1} - K_j||^2 + ||b_{j+1} - b_j||^2)``, ``h = T / nt``, and its
    gradients ``gK_j = ((K_j - K_{j-1}) - (K_{j+1} - K_j)) / h`` (missing neighbours left out)."""
    nt = len(params)
    h = T / nt
    Ks = [np.asarray(K, dtype=float) for K, _ in params]
    bs = [np.asarray(b, dtype=float) for _, b in params]
    R = 0.0
    gK = [np.zeros(K.shape) for K in Ks]
    gb = [np.zeros(b.shape) for b in bs]
    for j in range(nt - 1):
        dK = Ks[j + 1] - Ks[j]
        db = bs[j + 1] - bs[j]
        R += float(np.sum(dK**2)) + float(np.sum(db**2))
        gK[j] -= dK / h
        gK[j + 1] += dK / h
        gb[j] -= db / h
        gb[j + 1] += db / h
    return R / (2 * h), list(zip(gK, gb))


def node_loss(params, W, Y0, C, T, act=tanh, method="rk4", alpha=0.0):
    """``E = softmax_loss(W, Y_T, C) + alpha R(params)`` with DTO gradients; returns
    ``(E, grads, gW)``."""
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    YT, _ = node_forward(params, Y0, T, act=act, method=method)
    E, gW = softmax_loss(W, YT, C)
    dYT = W.T @ (softmax(W @ YT) - C) / YT.shape[1]
    grads, _ = node_gradient_dto(params, Y0, T, dYT, act=act, method=method)
    R, gR = time_smoothness(params, T)
    E = float(E) + alpha * R
    grads = [(gK + alpha * rK, gb + alpha * rb) for (gK, gb), (rK, rb) in zip(grads, gR)]
    return E, grads, gW
