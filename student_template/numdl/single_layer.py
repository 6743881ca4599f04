"""Module 04: single-layer networks.

The layer ``Z = act(K Y + b 1^T)``, its Jacobians (directional derivatives and their
transposes), the loss of a single-layer softmax classifier, variable projection for the
least-squares loss, and minibatch stochastic gradient descent with momentum. Examples are the
**columns** of ``Y`` ``(n_f, n)``; ``K`` is ``(m, n_f)``, ``b`` is ``(m,)``.

From scratch: in this module do not call scipy.optimize; in no module call sklearn, torch,
jax, tensorflow, autograd (a module's name stands for everything in it). A question whose
functions call one of them scores 0. Everything else of numpy and scipy is allowed
(factorizations and solves, the FFT, scipy.sparse, the other scipy.special functions,
numpy.lib.stride_tricks). See numdl/rules.py and the README.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from numdl.activations import tanh
from numdl.classification import softmax, softmax_loss
from numdl.utils import as_rng

__all__ = [
    "single_layer",
    "single_layer_jvp",
    "single_layer_vjp",
    "nn_loss",
    "varpro_lsq_loss",
    "sgd",
    "input_gradient",
]


def single_layer(K: np.ndarray, b: np.ndarray, Y: np.ndarray, act=tanh):
    """Forward map of a single layer.

    ``Z = act(K Y + b 1^T)``.

    Parameters
    ----------
    K : ndarray, shape (m, n_f)
        Weights.
    b : ndarray, shape (m,)
        Bias, added to every column.
    Y : ndarray, shape (n_f, n)
        Inputs, one example per column.
    act : callable
        ``act(X) -> (A, dA)``, the activation and its elementwise derivative.

    Returns
    -------
    Z : ndarray, shape (m, n)
        The layer's output.
    cache : object
        Whatever :func:`single_layer_jvp` and :func:`single_layer_vjp` need (opaque).

    Raises
    ------
    ValueError
        If the shapes of ``K``, ``b`` and ``Y`` do not fit together.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    raise NotImplementedError("single_layer.single_layer: not implemented yet")


def single_layer_jvp(cache, dK=None, db=None, dY=None) -> np.ndarray:
    """Directional derivative of the layer (Jacobian times a direction).

    ``dZ = act'(K Y + b 1^T) * (dK Y + db 1^T + K dY)`` (``*`` elementwise), i.e.
    ``J_K Z v = act' * (mat(v) Y)`` and similarly for ``b`` and ``Y``.

    Parameters
    ----------
    cache : object
        From :func:`single_layer`.
    dK : ndarray, shape (m, n_f), optional
        Direction in ``K`` (``None`` counts as zero).
    db : ndarray, shape (m,), optional
        Direction in ``b`` (``None`` counts as zero).
    dY : ndarray, shape (n_f, n), optional
        Direction in ``Y`` (``None`` counts as zero).

    Returns
    -------
    dZ : ndarray, shape (m, n)

    Raises
    ------
    ValueError
        If a direction does not have the shape of its variable.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    raise NotImplementedError("single_layer.single_layer_jvp: not implemented yet")


def single_layer_vjp(cache, dZ: np.ndarray):
    """Transposed Jacobians of the layer applied to ``dZ`` (backpropagation).

    With ``dS = act'(K Y + b 1^T) * dZ``: ``gK = dS Y^T``, ``gb = dS 1``, ``gY = K^T dS``.

    Parameters
    ----------
    cache : object
        From :func:`single_layer`.
    dZ : ndarray, shape (m, n)
        A vector in the output space (e.g. the gradient of a loss with respect to ``Z``).

    Returns
    -------
    gK : ndarray, shape (m, n_f)
    gb : ndarray, shape (m,)
    gY : ndarray, shape (n_f, n)

    Raises
    ------
    ValueError
        If ``dZ`` does not have the shape of ``Z``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    raise NotImplementedError("single_layer.single_layer_vjp: not implemented yet")


def nn_loss(K, b, W, Y, C, act=tanh, lam: float = 0.0):
    """Loss of a single-layer softmax classifier and its gradient.

    ``E = softmax_loss(W, Z, C) + lam/2 (||K||_F^2 + ||W||_F^2)`` with
    ``Z = act(K Y + b 1^T)``.

    Parameters
    ----------
    K : ndarray, shape (m, n_f)
    b : ndarray, shape (m,)
    W : ndarray, shape (n_c, m)
        Classifier weights (no bias row is added).
    Y : ndarray, shape (n_f, n)
    C : ndarray, shape (n_c, n)
        Labels, columns summing to one.
    act : callable
        ``act(X) -> (A, dA)``.
    lam : float
        Weight decay (``b`` is not regularized).

    Returns
    -------
    E : float
    grads : tuple of ndarray
        ``(gK, gb, gW)`` with the shapes of ``K``, ``b``, ``W``.

    Raises
    ------
    ValueError
        If the shapes do not fit together.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    raise NotImplementedError("single_layer.nn_loss: not implemented yet")


def varpro_lsq_loss(K, b, Y, C, act=tanh, lam: float = 1e-3):
    """Reduced least-squares objective of variable projection, its gradient and optimal ``W``.

    ``E(K, b) = min_W 1/2||W Z - C||_F^2 + lam/2||W||_F^2`` with ``Z = act(K Y + b 1^T)``;
    since ``W`` is optimal, ``grad E = J^T (W^T (W Z - C))`` (``J`` the Jacobian of ``Z``).

    Parameters
    ----------
    K : ndarray, shape (m, n_f)
    b : ndarray, shape (m,)
    Y : ndarray, shape (n_f, n)
    C : ndarray, shape (n_c, n)
        Targets.
    act : callable
        ``act(X) -> (A, dA)``.
    lam : float
        Tikhonov weight ``>= 0``; with ``lam = 0`` the minimum-norm ``W`` is returned.

    Returns
    -------
    E : float
    grads : tuple of ndarray
        ``(gK, gb)`` with the shapes of ``K``, ``b``.
    W : ndarray, shape (n_c, m)
        The optimal ``W``, solved for afresh at every call.

    Raises
    ------
    ValueError
        If the shapes do not fit together or ``lam < 0``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    raise NotImplementedError("single_layer.varpro_lsq_loss: not implemented yet")


def sgd(
    fun, x0, n: int, batch_size: int = 32, epochs: int = 10, lr=0.1, momentum: float = 0.0, rng=None
):
    """Minibatch stochastic gradient descent with (heavy-ball) momentum.

    Every epoch draws a fresh permutation of ``range(n)`` and visits it once in batches of
    ``batch_size`` (the last may be smaller); per batch ``v = momentum v - lr_e g``,
    ``x = x + v``, with ``(f, g) = fun(x, idx)``; ``v`` starts at 0 and carries over epochs.

    Parameters
    ----------
    fun : callable
        ``fun(x, idx) -> (f, g)``: the objective on the examples ``idx`` (int array) and its
        gradient, of the shape of ``x``.
    x0 : ndarray
        Starting point, any shape (not modified).
    n : int
        Number of examples.
    batch_size : int
        Batch size ``>= 1``.
    epochs : int
        Number of epochs.
    lr : float or sequence of float
        Learning rate, or one learning rate per epoch (``len(lr) == epochs``).
    momentum : float
        Momentum parameter (0 gives plain SGD).
    rng : None, int or numpy.random.Generator
        Randomness of the permutations.

    Returns
    -------
    x : ndarray
        The final iterate (shape of ``x0``).
    hist : dict
        ``hist["loss"]``: one entry per epoch, the plain mean of the minibatch values ``f``
        (each taken before its update).

    Raises
    ------
    ValueError
        For ``n < 1``, ``batch_size < 1``, a learning-rate list of the wrong length, or a
        gradient whose shape differs from ``x0``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    raise NotImplementedError("single_layer.sgd: not implemented yet")


def input_gradient(K, b, W, Y, C, act=tanh, lam: float = 0.0):
    """Loss of a trained single-layer classifier as a function of its input, and its gradient.

    ``E(Y) = softmax_loss(W, Z, C) + lam/2 ||Y||_F^2`` with ``Z = act(K Y + b 1^T)``, and
    its gradient in ``Y``. Descending ``E`` with ``C`` set to a wrong class builds adversarial
    examples (the course's adversarial objective).

    Parameters
    ----------
    K : ndarray, shape (m, n_f)
    b : ndarray, shape (m,)
    W : ndarray, shape (n_c, m)
        Classifier weights (no bias row is added).
    Y : ndarray, shape (n_f, n)
        Inputs, the variable.
    C : ndarray, shape (n_c, n)
        Labels (the targets of the attack), columns summing to one.
    act : callable
        ``act(X) -> (A, dA)``.
    lam : float
        Weight of the penalty on the size of the input.

    Returns
    -------
    E : float
    gY : ndarray, shape (n_f, n)
        The gradient of ``E`` with respect to ``Y``.

    Raises
    ------
    ValueError
        If the shapes do not fit together.
    """
    raise NotImplementedError("single_layer.input_gradient: not implemented yet")
