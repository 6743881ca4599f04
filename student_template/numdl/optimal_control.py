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

From scratch: in this module do not call scipy.integrate, scipy.optimize; in no module
call sklearn, torch, jax, tensorflow, autograd (a module's name stands for everything in
it). A question whose functions call one of them scores 0. Everything else of numpy and
scipy is allowed (factorizations and solves, the FFT, scipy.sparse, the other
scipy.special functions, numpy.lib.stride_tricks). See numdl/rules.py and the README.
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
    raise NotImplementedError("optimal_control.rk4_step: not implemented yet")


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
    raise NotImplementedError("optimal_control.ode_solve: not implemented yet")


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
    raise NotImplementedError("optimal_control.node_forward: not implemented yet")


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
    raise NotImplementedError("optimal_control.node_gradient_dto: not implemented yet")


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
    raise NotImplementedError("optimal_control.node_gradient_otd: not implemented yet")


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
    raise NotImplementedError("optimal_control.time_smoothness: not implemented yet")


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
    raise NotImplementedError("optimal_control.node_loss: not implemented yet")
