"""Module 08: optimal control and neural ODEs.

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
"""

from __future__ import annotations

import numpy as np

from numdl.activations import tanh
from numdl.classification import softmax_loss

__all__ = [
    "rk4_step",
    "ode_solve",
    "node_forward",
    "node_gradient_dto",
    "node_gradient_otd",
    "time_smoothness",
    "node_loss",
]

# BEGIN SOLUTION

_METHODS = ("euler", "rk4")


def _check_method(method) -> None:
    if method not in _METHODS:
        raise ValueError(f"method must be 'euler' or 'rk4', got {method!r}")


def _as_float(y) -> np.ndarray:
    y = np.asarray(y)
    if not np.issubdtype(y.dtype, np.inexact):
        y = y.astype(float)
    return y


def _check_params(params, n_f: int | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The controls as a list of float arrays ``(K_j, b_j)``; shapes are checked."""
    try:
        pairs = list(params)
    except TypeError:
        raise ValueError("params must be a list of pairs (K_j, b_j)") from None
    if not pairs:
        raise ValueError("params must hold at least one pair (K_j, b_j) (nt >= 1)")
    out = []
    for j, pair in enumerate(pairs):
        if len(pair) != 2:
            raise ValueError(f"params[{j}] must be a pair (K_j, b_j)")
        K, b = (np.asarray(a, dtype=float) for a in pair)
        if n_f is None:
            n_f = K.shape[0] if K.ndim == 2 else -1
        if K.shape != (n_f, n_f):
            raise ValueError(
                f"params[{j}][0] (K_{j}) must have shape ({n_f}, {n_f}), got {K.shape}"
            )
        if b.shape != (n_f,):
            raise ValueError(f"params[{j}][1] (b_{j}) must have shape ({n_f},), got {b.shape}")
        out.append((K, b))
    return out


def _check_state(name: str, Y, shape=None) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    if shape is None:
        if Y.ndim != 2:
            raise ValueError(f"{name} must be 2-D (n_f, n), got shape {Y.shape}")
    elif Y.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {Y.shape}")
    return Y


def _check_T(T) -> float:
    T = float(T)
    if not T > 0:
        raise ValueError(f"T must be positive, got {T}")
    return T


def _setup(params, Y0, T, method):
    _check_method(method)
    Y0 = _check_state("Y0", Y0)
    params = _check_params(params, Y0.shape[0])
    T = _check_T(T)
    return params, Y0, T / len(params)


# stage structure of the schemes: X_1 = Y, X_{i+1} = Y + a_{i+1} h A_i, Y+ = Y + h sum c_i A_i
_STAGE_A = {"euler": (), "rk4": (0.5, 0.5, 1.0)}
_WEIGHTS = {"euler": (1.0,), "rk4": (1 / 6, 1 / 3, 1 / 3, 1 / 6)}


def _forward(params, Y0, h, act, method, keep):
    """March the neural ODE; with ``keep`` return the stage inputs and act' of every step."""
    a, c = _STAGE_A[method], _WEIGHTS[method]
    Y = Y0
    record = []
    for K, b in params:
        Xs, Ds = [Y], []  # stage inputs X_i and act'(K X_i + b 1^T)
        incr = 0.0
        for i, ci in enumerate(c):
            A, D = act(K @ Xs[i] + b[:, None])
            Ds.append(D)
            incr = incr + ci * A
            if i + 1 < len(c):
                Xs.append(Y + (a[i] * h) * A)
        if keep:
            record.append((Xs, Ds))
        Y = Y + h * incr
    return Y, record


def _backward(params, record, dYT, h, method):
    """Discrete adjoint (DTO) of :func:`_forward`: gradients of ``<Y_T, dYT>``."""
    a, c = _STAGE_A[method], _WEIGHTS[method]
    Z = dYT
    grads = [None] * len(params)
    for j in range(len(params) - 1, -1, -1):
        K, b = params[j]
        Xs, Ds = record[j]
        gA = [(h * ci) * Z for ci in c]
        gK = np.zeros_like(K)
        gb = np.zeros_like(b)
        gY = Z.copy()
        for i in range(len(c) - 1, -1, -1):
            G = Ds[i] * gA[i]
            gK += G @ Xs[i].T
            gb += G.sum(axis=1)
            gX = K.T @ G
            gY += gX
            if i > 0:
                gA[i - 1] = gA[i - 1] + (a[i - 1] * h) * gX
        grads[j] = (gK, gb)
        Z = gY
    return grads, Z


def _softmax_grad_Y(W, Y, C):
    """``W^T (P - C) / n``: the gradient of the softmax cross-entropy with respect to ``Y``."""
    S = W @ Y
    S = S - S.max(axis=0, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=0, keepdims=True)
    return W.T @ (P - C) / Y.shape[1]


# END SOLUTION


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
    # BEGIN SOLUTION
    y = _as_float(y)
    k1 = np.asarray(f(t, y))
    k2 = np.asarray(f(t + h / 2, y + (h / 2) * k1))
    k3 = np.asarray(f(t + h / 2, y + (h / 2) * k2))
    k4 = np.asarray(f(t + h, y + h * k3))
    if k1.shape != y.shape:
        raise ValueError(f"f(t, y) must return the shape of y {y.shape}, got {k1.shape}")
    return y + (h / 6) * (k1 + 2 * k2 + 2 * k3 + k4)
    # END SOLUTION


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
    # BEGIN SOLUTION
    _check_method(method)
    y0 = _as_float(y0)
    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 1:
        raise ValueError(f"t must be a non-empty 1-D array (nt + 1,), got shape {t.shape}")
    if np.any(np.diff(t) <= 0):
        raise ValueError("t must be strictly increasing")
    Ys = np.empty((t.size,) + y0.shape, dtype=np.result_type(y0, float))
    Ys[0] = y0
    y = y0
    for k in range(t.size - 1):
        h = t[k + 1] - t[k]
        if method == "euler":
            y = y + h * np.asarray(f(t[k], y))
        else:
            y = rk4_step(f, t[k], y, h)
        Ys[k + 1] = y
    return Ys
    # END SOLUTION


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
    # BEGIN SOLUTION
    params, Y0, h = _setup(params, Y0, T, method)
    YT, record = _forward(params, Y0, h, act, method, keep=True)
    return YT, {"params": params, "h": h, "method": method, "act": act, "record": record}
    # END SOLUTION


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
    # BEGIN SOLUTION
    params, Y0, h = _setup(params, Y0, T, method)
    dYT = _check_state("dYT", dYT, Y0.shape)
    _, record = _forward(params, Y0, h, act, method, keep=True)
    return _backward(params, record, dYT, h, method)
    # END SOLUTION


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
    # BEGIN SOLUTION
    params, Y0, h = _setup(params, Y0, T, method)
    Z = _check_state("dYT", dYT, Y0.shape)
    states = [Y0]
    for K, b in params:  # the forward states Y_j (the same scheme as node_forward)
        states.append(_forward([(K, b)], states[-1], h, act, method, keep=False)[0])
    grads = [None] * len(params)
    for j in range(len(params) - 1, -1, -1):  # backward in time, from t_{j+1} to t_j
        K, b = params[j]
        Yj, Yj1 = states[j], states[j + 1]
        A1, D1 = act(K @ Yj1 + b[:, None])
        if method == "euler":
            G = D1 * Z
            grads[j] = (h * (G @ Yj1.T), h * G.sum(axis=1))
            Z = Z + h * (K.T @ G)
            continue
        A0, D0 = act(K @ Yj + b[:, None])
        Ymid = 0.5 * (Yj + Yj1) + (h / 8) * (A0 - A1)  # cubic Hermite at t_j + h/2
        Dmid = act(K @ Ymid + b[:, None])[1]
        points = ((Yj1, D1), (Ymid, Dmid), (Ymid, Dmid), (Yj, D0))
        gK, gb = np.zeros_like(K), np.zeros_like(b)
        incr, Zi = 0.0, Z
        for i, (Yi, Di) in enumerate(points):
            G = Di * Zi
            w = h * _WEIGHTS["rk4"][i]
            gK += w * (G @ Yi.T)
            gb += w * G.sum(axis=1)
            k = K.T @ G
            incr = incr + w * k
            if i < 3:
                Zi = Z + (_STAGE_A["rk4"][i] * h) * k
        grads[j] = (gK, gb)
        Z = Z + incr
    return grads, Z
    # END SOLUTION


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
    # BEGIN SOLUTION
    params = _check_params(params)
    h = _check_T(T) / len(params)
    R = 0.0
    grads = [[np.zeros_like(K), np.zeros_like(b)] for K, b in params]
    for j in range(len(params) - 1):
        dK = params[j + 1][0] - params[j][0]
        db = params[j + 1][1] - params[j][1]
        R += (np.sum(dK**2) + np.sum(db**2)) / (2 * h)
        grads[j][0] -= dK / h
        grads[j][1] -= db / h
        grads[j + 1][0] += dK / h
        grads[j + 1][1] += db / h
    return float(R), [tuple(g) for g in grads]
    # END SOLUTION


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
    # BEGIN SOLUTION
    params, Y0, h = _setup(params, Y0, T, method)
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[1] != Y0.shape[0]:
        raise ValueError(f"W must have shape (n_c, {Y0.shape[0]}), got {W.shape}")
    C = _check_state("C", C, (W.shape[0], Y0.shape[1]))
    YT, record = _forward(params, Y0, h, act, method, keep=True)
    E, gW = softmax_loss(W, YT, C)
    grads, _ = _backward(params, record, _softmax_grad_Y(W, YT, C), h, method)
    if alpha != 0:
        R, gR = time_smoothness(params, T)
        E += alpha * R
        grads = [(gK + alpha * rK, gb + alpha * rb) for (gK, gb), (rK, rb) in zip(grads, gR)]
    return float(E), grads, gW
    # END SOLUTION
