"""single_layer_jvp: forgets the activation derivative, returns dK Y + db 1^T + K dY instead of act' * (...).

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
    K, b, Y = np.asarray(K, dtype=float), np.asarray(b, dtype=float), np.asarray(Y, dtype=float)
    if K.ndim != 2 or Y.ndim != 2 or K.shape[1] != Y.shape[0] or b.shape != (K.shape[0],):
        raise ValueError("single_layer: shapes of K, b and Y do not fit together")
    Z, dA = act(K @ Y + b[:, None])
    cache = {"K": K, "Y": Y, "dA": dA}
    return Z, cache


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
    K, Y, dA = cache["K"], cache["Y"], cache["dA"]
    dS = np.zeros(dA.shape)
    if dK is not None:
        dK = np.asarray(dK, dtype=float)
        if dK.shape != K.shape:
            raise ValueError("single_layer_jvp: dK must have the shape of K")
        dS = dS + dK @ Y
    if db is not None:
        db = np.asarray(db, dtype=float)
        if db.shape != (K.shape[0],):
            raise ValueError("single_layer_jvp: db must have the shape of b")
        dS = dS + db[:, None]
    if dY is not None:
        dY = np.asarray(dY, dtype=float)
        if dY.shape != Y.shape:
            raise ValueError("single_layer_jvp: dY must have the shape of Y")
        dS = dS + K @ dY
    return dS


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
    K, Y, dA = cache["K"], cache["Y"], cache["dA"]
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != dA.shape:
        raise ValueError("single_layer_vjp: dZ must have the shape of Z")
    dS = dA * dZ
    gK = dS @ Y.T
    gb = np.sum(dS, axis=1)
    gY = K.T @ dS
    return gK, gb, gY


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
    K, b, W = np.asarray(K, dtype=float), np.asarray(b, dtype=float), np.asarray(W, dtype=float)
    Y, C = np.asarray(Y, dtype=float), np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act=act)
    if W.shape[1] != Z.shape[0] or C.shape != (W.shape[0], Z.shape[1]):
        raise ValueError("nn_loss: shapes of W, C do not fit the layer")
    n = Y.shape[1]
    E, gW = softmax_loss(W, Z, C)
    P = softmax(W @ Z)
    gZ = W.T @ (P - C) / n
    gK, gb, _ = single_layer_vjp(cache, gZ)
    E = E + 0.5 * lam * (np.vdot(K, K) + np.vdot(W, W))
    gK = gK + lam * K
    gW = gW + lam * W
    return float(E), (gK, gb, gW)


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
    if lam < 0:
        raise ValueError("varpro_lsq_loss: lam must be >= 0")
    C = np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act=act)
    if C.shape[1] != Z.shape[1]:
        raise ValueError("varpro_lsq_loss: C does not match Y")
    # W = argmin 1/2||W Z - C||^2 + lam/2||W||^2 through the SVD Z = U diag(s) V^T:
    # W = C V diag(s / (s^2 + lam)) U^T (minimum norm when lam = 0)
    U, s, Vt = np.linalg.svd(Z, full_matrices=False)
    filt = np.zeros_like(s)
    if lam > 0:
        filt = s / (s**2 + lam)
    else:
        keep = s > max(Z.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
        filt[keep] = 1.0 / s[keep]
    W = ((C @ Vt.T) * filt) @ U.T
    R = W @ Z - C
    E = 0.5 * np.vdot(R, R) + 0.5 * lam * np.vdot(W, W)
    gK, gb, _ = single_layer_vjp(cache, W.T @ R)
    return float(E), (gK, gb), W


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
    if n < 1 or batch_size < 1:
        raise ValueError("sgd: n and batch_size must be >= 1")
    if np.ndim(lr) == 0:
        rates = [float(lr)] * epochs
    else:
        rates = [float(a) for a in lr]
        if len(rates) != epochs:
            raise ValueError("sgd: lr must hold one value per epoch")
    rng = as_rng(rng)
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x)
    hist = {"loss": []}
    for e in range(epochs):
        perm = rng.permutation(n)
        values = []
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            f, g = fun(x, idx)
            g = np.asarray(g, dtype=float)
            if g.shape != x.shape:
                raise ValueError("sgd: the gradient must have the shape of x0")
            values.append(float(f))
            v = momentum * v - rates[e] * g
            x = x + v
        hist["loss"].append(float(np.mean(values)))
    return x, hist


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
    W, Y, C = np.asarray(W, dtype=float), np.asarray(Y, dtype=float), np.asarray(C, dtype=float)
    Z, cache = single_layer(K, b, Y, act=act)
    if W.shape[1] != Z.shape[0] or C.shape != (W.shape[0], Z.shape[1]):
        raise ValueError("input_gradient: shapes of W, C do not fit the layer")
    n = Y.shape[1]
    E, _ = softmax_loss(W, Z, C)
    P = softmax(W @ Z)
    gZ = W.T @ (P - C) / n
    _, _, gY = single_layer_vjp(cache, gZ)
    E = E + 0.5 * lam * np.vdot(Y, Y)
    gY = gY + lam * Y
    return float(E), gY
