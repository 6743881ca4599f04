"""time_smoothness: the gradient uses (K_{j+1} - K_j)/(2h), forgetting the factor 2 from differentiating the square.

Training a deep residual network is an optimal-control problem: the states ``Y(t)`` follow the
neural ODE ``dY/dt = act(K(t) Y + b(t) 1^T)`` on ``[0, T]``, the controls are the weights
``(K(t), b(t))``, and the loss is evaluated at the final state ``Y(T)``. The controls are
piecewise constant: ``params`` holds ``nt`` pairs ``(K_j, b_j)``, ``h = T / nt``, and
``(K_j, b_j)`` acts on the whole step ``[j h, (j+1) h]`` (every stage of it, forward and
backward). Examples are the **columns** of ``Y`` ``(n_f, n)``; ``K_j`` is ``(n_f, n_f)`` and
``b_j`` is ``(n_f,)``.

Two ways to get the gradient: *discretize-then-optimize* (DTO, the exact adjoint of the
discrete forward map, i.e. backpropagation through the time steps) and
*optimize-then-discretize* (OTD, the continuous adjoint equation solved backward in time).

From scratch: in this module do not call scipy.integrate, scipy.optimize; in no module
call sklearn, torch, jax, tensorflow, autograd (a module's name stands for everything in
it). A question whose functions call one of them scores 0. Everything else of numpy and
scipy is allowed (factorizations and solves, the FFT, scipy.sparse, the other
scipy.special functions, numpy.lib.stride_tricks). See numdl/rules.py and the README.
"""

from __future__ import annotations

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
    """One step of the classical Runge-Kutta method.

    ``y_new = y + h/6 (k1 + 2 k2 + 2 k3 + k4)`` with ``k1 = f(t, y)``,
    ``k2 = f(t + h/2, y + h/2 k1)``, ``k3 = f(t + h/2, y + h/2 k2)``, ``k4 = f(t + h, y + h k3)``.

    Parameters
    ----------
    f : callable
        Right-hand side ``f(t, y)`` returning an array of the shape of ``y``.
    t : float
        Current time.
    y : ndarray, any shape
        Current state (vector, matrix, ...).
    h : float
        Step size.

    Returns
    -------
    y_new : ndarray, shape of ``y``
        The state at ``t + h``.
    """
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def ode_solve(f, y0, t, method="rk4"):
    """Solve ``dy/dt = f(t, y)``, ``y(t[0]) = y0`` with one step per interval of the grid ``t``.

    ``y_{k+1} = y_k + h_k f(t_k, y_k)`` (``"euler"``) or one :func:`rk4_step` (``"rk4"``), with
    ``h_k = t[k+1] - t[k]``.

    Parameters
    ----------
    f : callable
        Right-hand side ``f(t, y)``.
    y0 : ndarray, any shape
        Initial state.
    t : ndarray, shape (nt + 1,)
        Increasing (possibly non-uniform) time grid.
    method : {"rk4", "euler"}
        The one-step scheme.

    Returns
    -------
    Ys : ndarray, shape (len(t),) + y0.shape
        ``Ys[k]`` approximates ``y(t[k])``; ``Ys[0] = y0``.

    Raises
    ------
    ValueError
        For an unknown ``method``, or a ``t`` that is not 1-D and strictly increasing.
    """
    if method not in ("rk4", "euler"):
        raise ValueError(f"ode_solve: unknown method {method!r}")
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size == 0 or np.any(np.diff(t) <= 0):
        raise ValueError("ode_solve: t must be 1-D and strictly increasing")
    y = np.array(y0, dtype=float)
    Ys = np.empty((t.size,) + y.shape)
    Ys[0] = y
    for k in range(t.size - 1):
        hk = t[k + 1] - t[k]
        if method == "euler":
            y = y + hk * f(t[k], y)
        else:
            y = rk4_step(f, t[k], y, hk)
        Ys[k + 1] = y
    return Ys


def node_forward(params, Y0, T, act=tanh, method="rk4"):
    """Forward propagation through the neural ODE ``dY/dt = act(K(t) Y + b(t) 1^T)``.

    ``nt = len(params)`` steps of size ``h = T / nt`` of ``method``; step ``j`` uses
    ``(K_j, b_j)`` in all its stages. With ``method="euler"`` it is the ResNet
    ``Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)``.

    Parameters
    ----------
    params : list of nt pairs (K_j, b_j)
        ``K_j`` ``(n_f, n_f)``, ``b_j`` ``(n_f,)``.
    Y0 : ndarray, shape (n_f, n)
        Initial states (examples as columns).
    T : float
        Final time, ``> 0``.
    act : callable
        ``act(X) -> (A, dA)``.
    method : {"rk4", "euler"}

    Returns
    -------
    YT : ndarray, shape (n_f, n)
        The final state ``Y(T)``.
    cache : object
        Opaque (the stage inputs and activation derivatives of every step).
    """
    if method not in ("rk4", "euler"):
        raise ValueError(f"node_forward: unknown method {method!r}")
    Y = np.array(Y0, dtype=float)
    nt = len(params)
    h = T / nt
    steps = []
    for K, b in params:
        K = np.asarray(K, dtype=float)
        b = np.asarray(b, dtype=float)
        if method == "euler":
            A, dA = act(K @ Y + b[:, None])
            steps.append({"X": [Y], "dA": [dA]})
            Y = Y + h * A
            continue
        Xs, dAs, ks = [], [], []
        X = Y
        for i, a in enumerate((0.5, 0.5, 1.0, None)):
            A, dA = act(K @ X + b[:, None])
            Xs.append(X)
            dAs.append(dA)
            ks.append(A)
            if a is not None:
                X = Y + a * h * A
        steps.append({"X": Xs, "dA": dAs})
        Y = Y + h / 6 * (ks[0] + 2 * ks[1] + 2 * ks[2] + ks[3])
    cache = {"steps": steps, "h": h, "method": method, "act": act, "YT": Y}
    return Y, cache


def node_gradient_dto(params, Y0, T, dYT, act=tanh, method="rk4"):
    """Discretize-then-optimize: the exact gradient of ``<Y_T, dYT>`` for the discrete map.

    The adjoint of the scheme (backpropagation through every stage of every step): with
    ``Z_nt = dYT``, ``Z_j = (dY_{j+1}/dY_j)^T Z_{j+1}`` and ``gK_j = (dY_{j+1}/dK_j)^T Z_{j+1}``.

    Parameters
    ----------
    params, Y0, T, act, method
        As in :func:`node_forward`.
    dYT : ndarray, shape (n_f, n)
        The direction (e.g. the gradient of a loss with respect to ``Y_T``).

    Returns
    -------
    grads : list of nt pairs (gK_j, gb_j)
        Shapes of ``(K_j, b_j)``.
    gY0 : ndarray, shape (n_f, n)
        The gradient with respect to ``Y0``.
    """
    if method not in ("rk4", "euler"):
        raise ValueError(f"node_gradient_dto: unknown method {method!r}")
    _, cache = node_forward(params, Y0, T, act=act, method=method)
    h = cache["h"]
    Z = np.array(dYT, dtype=float)
    grads = [None] * len(params)
    c = (1 / 6, 1 / 3, 1 / 3, 1 / 6)
    a = (None, 0.5, 0.5, 1.0)
    for j in range(len(params) - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        step = cache["steps"][j]
        gK = np.zeros_like(K)
        gb = np.zeros(K.shape[0])
        if method == "euler":
            G = step["dA"][0] * (h * Z)
            gK += G @ step["X"][0].T
            gb += G.sum(axis=1)
            Z = Z + K.T @ G
        else:
            kbar = [h * ci * Z for ci in c]
            Xbar_sum = np.zeros_like(Z)
            for i in range(3, -1, -1):
                G = step["dA"][i] * kbar[i]
                gK += G @ step["X"][i].T
                gb += G.sum(axis=1)
                Xbar = K.T @ G
                Xbar_sum += Xbar
                if i > 0:
                    kbar[i - 1] = kbar[i - 1] + a[i] * h * Xbar
            Z = Z + Xbar_sum
        grads[j] = (gK, gb)
    return grads, Z


def node_gradient_otd(params, Y0, T, dYT, act=tanh, method="rk4"):
    """Optimize-then-discretize: the continuous adjoint, solved backward with ``method``.

    ``-dZ/dt = (df/dY)^T Z = K^T (act'(K Y + b 1^T) * Z)``, ``Z(T) = dYT``, ``gY0 = Z(0)``,
    ``gK_j = int_{jh}^{(j+1)h} (act' * Z) Y^T dt`` and ``gb_j = int (act' * Z) 1 dt``, the
    integrals taken by the quadrature of ``method`` (the adjoint equation augmented with the
    control gradients). The states at the stage times are obtained by a consistent
    interpolation of the forward states (at least second-order accurate for RK4, e.g. cubic
    Hermite). Agrees with :func:`node_gradient_dto` only up to the discretization error.

    Parameters
    ----------
    params, Y0, T, dYT, act, method
        As in :func:`node_gradient_dto`.

    Returns
    -------
    grads : list of nt pairs (gK_j, gb_j)
    gY0 : ndarray, shape (n_f, n)
    """
    if method not in ("rk4", "euler"):
        raise ValueError(f"node_gradient_otd: unknown method {method!r}")
    nt = len(params)
    h = T / nt
    # forward states Y_0, ..., Y_nt (one step of node_forward at a time)
    Ys = [np.array(Y0, dtype=float)]
    for K, b in params:
        Ys.append(node_forward([(K, b)], Ys[-1], h, act=act, method=method)[0])

    def rhs(K, b, Y, Z):
        """Backward-time right-hand side of the augmented adjoint system."""
        _, dA = act(K @ Y + b[:, None])
        G = dA * Z
        return K.T @ G, G @ Y.T, G.sum(axis=1)

    Z = np.array(dYT, dtype=float)
    grads = [None] * nt
    for j in range(nt - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        b = np.asarray(params[j][1], dtype=float)
        Yj, Yj1 = Ys[j], Ys[j + 1]
        if method == "euler":
            dZ, gK, gb = rhs(K, b, Yj1, Z)
            Z = Z + h * dZ
            grads[j] = (h * gK, h * gb)
            continue
        # cubic Hermite mid-step state
        Ymid = 0.5 * (Yj + Yj1) + h / 8 * (act(K @ Yj + b[:, None])[0]
                                            - act(K @ Yj1 + b[:, None])[0])
        z1, gK1, gb1 = rhs(K, b, Yj1, Z)
        z2, gK2, gb2 = rhs(K, b, Ymid, Z + h / 2 * z1)
        z3, gK3, gb3 = rhs(K, b, Ymid, Z + h / 2 * z2)
        z4, gK4, gb4 = rhs(K, b, Yj, Z + h * z3)
        Z = Z + h / 6 * (z1 + 2 * z2 + 2 * z3 + z4)
        grads[j] = (h / 6 * (gK1 + 2 * gK2 + 2 * gK3 + gK4),
                    h / 6 * (gb1 + 2 * gb2 + 2 * gb3 + gb4))
    return grads, Z


def time_smoothness(params, T):
    """Smoothness in time of the controls and its gradient.

    ``R = 1/(2h) sum_{j=0}^{nt-2} (||K_{j+1} - K_j||_F^2 + ||b_{j+1} - b_j||^2)``, ``h = T/nt``
    (``R = 0`` when ``nt = 1``).

    Parameters
    ----------
    params : list of nt pairs (K_j, b_j)
    T : float
        Final time, ``> 0``.

    Returns
    -------
    R : float
    grads : list of nt pairs (gK_j, gb_j)
        ``gK_j = (1/h)((K_j - K_{j-1}) - (K_{j+1} - K_j))`` (missing neighbours left out).
    """
    nt = len(params)
    h = T / nt
    Ks = [np.asarray(K, dtype=float) for K, _ in params]
    bs = [np.asarray(b, dtype=float) for _, b in params]
    gK = [np.zeros_like(K) for K in Ks]
    gb = [np.zeros_like(b) for b in bs]
    R = 0.0
    for j in range(nt - 1):
        dK = Ks[j + 1] - Ks[j]
        db = bs[j + 1] - bs[j]
        R += (np.sum(dK**2) + np.sum(db**2)) / (2 * h)
        gK[j] -= dK / (2 * h)
        gK[j + 1] += dK / (2 * h)
        gb[j] -= db / (2 * h)
        gb[j + 1] += db / (2 * h)
    return float(R), list(zip(gK, gb))


def node_loss(params, W, Y0, C, T, act=tanh, method="rk4", alpha=0.0):
    """Softmax cross-entropy after the neural ODE, plus time smoothness, with DTO gradients.

    ``E = softmax_loss(W, Y_T, C) + alpha R(params)``, ``Y_T`` from :func:`node_forward`,
    ``R`` from :func:`time_smoothness`.

    Parameters
    ----------
    params, Y0, T, act, method
        As in :func:`node_forward`.
    W : ndarray, shape (n_c, n_f)
        Classifier weights.
    C : ndarray, shape (n_c, n)
        Labels (columns sum to one).
    alpha : float
        Weight of the time smoothness, ``>= 0``.

    Returns
    -------
    E : float
    grads : list of nt pairs (gK_j, gb_j)
        Gradients with respect to the controls (DTO).
    gW : ndarray, shape (n_c, n_f)
    """
    W = np.asarray(W, dtype=float)
    YT, _ = node_forward(params, Y0, T, act=act, method=method)
    E, gW = softmax_loss(W, YT, C)
    n = YT.shape[1]
    dYT = W.T @ (softmax(W @ YT) - C) / n
    grads, _ = node_gradient_dto(params, Y0, T, dYT, act=act, method=method)
    if alpha:
        R, gR = time_smoothness(params, T)
        E = E + alpha * R
        grads = [(gK + alpha * rK, gb + alpha * rb) for (gK, gb), (rK, rb) in zip(grads, gR)]
    return float(E), grads, gW
