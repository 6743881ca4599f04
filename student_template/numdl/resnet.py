"""Module 07: residual networks.

A residual network ``Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)`` is the forward Euler method for
the ODE ``dY/dt = act(K(t) Y + b(t) 1^T)``: its backpropagation is the discrete adjoint, its
stability follows from the test equation ``|1 + h lam| <= 1``, antisymmetric weights keep the
eigenvalues near the imaginary axis, and the leapfrog (Hamiltonian) network is reversible.
Examples are the **columns** of ``Y`` ``(n_f, n)``; every ``K_j`` is square ``(n_f, n_f)``.

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
    "resnet_forward",
    "resnet_backward",
    "resnet_loss",
    "antisymmetric",
    "max_stable_step",
    "leapfrog_forward",
    "leapfrog_reverse",
]


def resnet_forward(params, Y0: np.ndarray, h: float, act=tanh):
    """Forward propagation through a residual network (forward Euler).

    ``Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)``, ``j = 0, ..., N-1`` with ``N = len(params)``.

    Parameters
    ----------
    params : list of (K_j, b_j)
        ``K_j`` of shape ``(n_f, n_f)`` and ``b_j`` of shape ``(n_f,)``.
    Y0 : ndarray, shape (n_f, n)
        Input features, one example per column.
    h : float
        Step size.
    act : callable
        ``act(X) -> (A, dA)``, the activation and its derivative.

    Returns
    -------
    YN : ndarray, shape (n_f, n)
        The output ``Y_N`` (``Y0`` itself, as a copy, when ``params`` is empty).
    cache : object
        What :func:`resnet_backward` needs (the states ``Y_j`` and the derivatives of ``act``).

    Raises
    ------
    ValueError
        If ``Y0`` is not 2-D or some ``K_j``, ``b_j`` has the wrong shape.
    """
    raise NotImplementedError("resnet.resnet_forward: not implemented yet")


def resnet_backward(params, cache, dYN: np.ndarray, h: float):
    """Backpropagation through a residual network (the discrete adjoint of forward Euler).

    With ``G_N = dYN`` and ``D_j = h act'(K_j Y_j + b_j 1^T) * G_{j+1}`` (elementwise):
    ``G_j = G_{j+1} + K_j^T D_j``, ``gK_j = D_j Y_j^T``, ``gb_j = D_j 1``, ``gY0 = G_0``.

    Parameters
    ----------
    params : list of (K_j, b_j)
        The parameters used in :func:`resnet_forward`.
    cache : object
        The cache returned by :func:`resnet_forward`.
    dYN : ndarray, shape (n_f, n)
        Derivative of a scalar loss with respect to ``Y_N``.
    h : float
        Step size (the one used in the forward pass).

    Returns
    -------
    grads : list of (gK_j, gb_j)
        Shapes ``(n_f, n_f)`` and ``(n_f,)``, in the order of ``params``.
    gY0 : ndarray, shape (n_f, n)
        Derivative with respect to ``Y0``.

    Raises
    ------
    ValueError
        If ``dYN`` does not have the shape of ``Y_N``.
    """
    raise NotImplementedError("resnet.resnet_backward: not implemented yet")


def resnet_loss(
    params, W: np.ndarray, Y0: np.ndarray, C: np.ndarray, h: float, act=tanh, lam: float = 0.0
):
    """Softmax cross-entropy of a residual network and its gradients.

    ``E = softmax_loss(W, Y_N, C) + lam/2 (sum_j ||K_j||_F^2 + ||W||_F^2)`` (biases are not
    regularized), ``Y_N`` from :func:`resnet_forward`.

    Parameters
    ----------
    params : list of (K_j, b_j)
        ``K_j`` ``(n_f, n_f)``, ``b_j`` ``(n_f,)``.
    W : ndarray, shape (n_c, n_f)
        Classifier weights (no bias row).
    Y0 : ndarray, shape (n_f, n)
        Input features.
    C : ndarray, shape (n_c, n)
        Labels, columns summing to one.
    h : float
        Step size.
    act : callable
        Activation ``act(X) -> (A, dA)``.
    lam : float
        Weight-decay parameter.

    Returns
    -------
    E : float
    grads : list of (gK_j, gb_j)
        Gradients with respect to the ``K_j`` and ``b_j``.
    gW : ndarray, shape (n_c, n_f)
    """
    raise NotImplementedError("resnet.resnet_loss: not implemented yet")


def antisymmetric(Wk: np.ndarray, gamma: float = 1e-4) -> np.ndarray:
    """Antisymmetric weight matrix shifted into the left half plane.

    ``K = Wk - Wk^T - gamma I``: ``K + K^T = -2 gamma I`` and every eigenvalue has real
    part ``-gamma``.

    Parameters
    ----------
    Wk : ndarray, shape (n_f, n_f)
    gamma : float

    Returns
    -------
    K : ndarray, shape (n_f, n_f)

    Raises
    ------
    ValueError
        If ``Wk`` is not square.
    """
    raise NotImplementedError("resnet.antisymmetric: not implemented yet")


def max_stable_step(K: np.ndarray) -> float:
    """Largest forward Euler step that is stable for ``y' = K y`` (the test equation).

    ``h* = min over eigenvalues lam != 0 of -2 Re(lam) / |lam|^2``, the largest ``h >= 0`` with
    ``|1 + h lam| <= 1`` for all eigenvalues ``lam`` of ``K``.

    Parameters
    ----------
    K : ndarray, shape (n_f, n_f)

    Returns
    -------
    h : float
        ``0.0`` when a non-zero eigenvalue has a non-negative real part, ``inf`` when all
        eigenvalues are zero. ``|lam| <= 1e-12 ||K||`` counts as zero and
        ``|Re lam| <= 1e-12 ||K||`` as a zero real part (``||K||`` the Frobenius norm).

    Raises
    ------
    ValueError
        If ``K`` is not square.
    """
    raise NotImplementedError("resnet.max_stable_step: not implemented yet")


def leapfrog_forward(params, Y0: np.ndarray, Y1: np.ndarray, h: float, act=tanh):
    """Forward propagation through a leapfrog (Hamiltonian) network.

    ``Y_{j+1} = 2 Y_j - Y_{j-1} - h^2 K_j^T act(K_j Y_j + b_j 1^T)``, ``j = 1, ..., N-1`` with
    ``N = len(params) + 1``; step ``j`` uses ``params[j-1]``.

    Parameters
    ----------
    params : list of (K_j, b_j)
        ``K_j`` ``(n_f, n_f)``, ``b_j`` ``(n_f,)``.
    Y0, Y1 : ndarray, shape (n_f, n)
        The two starting states.
    h : float
        Step size.
    act : callable
        Activation ``act(X) -> (A, dA)``.

    Returns
    -------
    Y_Nm1, Y_N : ndarray, shape (n_f, n)
        The last two states (``(Y0, Y1)``, as copies, when ``params`` is empty).
    """
    raise NotImplementedError("resnet.leapfrog_forward: not implemented yet")


def leapfrog_reverse(params, Y_Nm1: np.ndarray, Y_N: np.ndarray, h: float, act=tanh):
    """Run the leapfrog network backwards: recover ``(Y0, Y1)`` from ``(Y_{N-1}, Y_N)``.

    ``Y_{j-1} = 2 Y_j - Y_{j+1} - h^2 K_j^T act(K_j Y_j + b_j 1^T)``, ``j = N-1, ..., 1``;
    step ``j`` uses ``params[j-1]``.

    Parameters
    ----------
    params : list of (K_j, b_j)
        The parameters used in :func:`leapfrog_forward`.
    Y_Nm1, Y_N : ndarray, shape (n_f, n)
        The last two states.
    h : float
        Step size.
    act : callable
        Activation ``act(X) -> (A, dA)``.

    Returns
    -------
    Y0, Y1 : ndarray, shape (n_f, n)
        The first two states, equal to the inputs of :func:`leapfrog_forward` up to round-off.
    """
    raise NotImplementedError("resnet.leapfrog_reverse: not implemented yet")
