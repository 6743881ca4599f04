"""Module 04: single-layer networks.

The layer ``Z = act(K Y + b 1^T)``, its Jacobians (directional derivatives and their
transposes), the loss of a single-layer softmax classifier, variable projection for the
least-squares loss, and minibatch stochastic gradient descent with momentum. Examples are the
**columns** of ``Y`` ``(n_f, n)``; ``K`` is ``(m, n_f)``, ``b`` is ``(m,)``.
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

# BEGIN SOLUTION


def _as_matrix(name: str, X, shape=None) -> np.ndarray:
    """``X`` as a 2-D float array, optionally of a given shape (``None`` entries are free)."""
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or (
        shape is not None and any(s is not None and s != t for s, t in zip(shape, X.shape))
    ):
        want = (
            "2-D"
            if shape is None
            else "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
        )
        raise ValueError(f"{name} must have shape {want}, got shape {X.shape}")
    return X


def _check_layer(K, b, Y):
    K = _as_matrix("K", K)
    m, n_f = K.shape
    Y = _as_matrix("Y", Y, (n_f, None))
    b = np.asarray(b, dtype=float)
    if b.shape != (m,):
        raise ValueError(f"b must have shape ({m},) (one entry per row of K), got shape {b.shape}")
    return K, b, Y


def _direction(name: str, D, shape):
    """A direction of the given shape, or ``None`` (counts as zero)."""
    if D is None:
        return None
    D = np.asarray(D, dtype=float)
    if D.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {D.shape}")
    return D


def _solve_w(Z: np.ndarray, C: np.ndarray, lam: float) -> np.ndarray:
    """``argmin_W 1/2||W Z - C||_F^2 + lam/2||W||_F^2`` (minimum norm when ``lam = 0``).

    For ``lam > 0``: the normal equations ``W (Z Z^T + lam I) = C Z^T`` (``m x m``, symmetric
    positive definite) by Cholesky; for ``lam = 0``: the minimum-norm solution of
    ``Z^T W^T = C^T`` by ``numpy.linalg.lstsq`` (SVD).
    """
    if lam > 0:
        A = Z @ Z.T
        A[np.diag_indices_from(A)] += lam
        return scipy.linalg.cho_solve(scipy.linalg.cho_factor(A), Z @ C.T).T
    return np.linalg.lstsq(Z.T, C.T, rcond=None)[0].T


# END SOLUTION


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
    # BEGIN SOLUTION
    K, b, Y = _check_layer(K, b, Y)
    Z, dA = act(K @ Y + b[:, None])
    cache = {"K": K, "Y": Y, "dA": np.asarray(dA, dtype=float)}
    return np.asarray(Z, dtype=float), cache
    # END SOLUTION


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
    # BEGIN SOLUTION
    K, Y, dA = cache["K"], cache["Y"], cache["dA"]
    dK = _direction("dK", dK, K.shape)
    db = _direction("db", db, (K.shape[0],))
    dY = _direction("dY", dY, Y.shape)
    dS = np.zeros(dA.shape)
    if dK is not None:
        dS += dK @ Y
    if db is not None:
        dS += db[:, None]
    if dY is not None:
        dS += K @ dY
    return dA * dS
    # END SOLUTION


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
    # BEGIN SOLUTION
    K, Y, dA = cache["K"], cache["Y"], cache["dA"]
    dZ = _direction("dZ", dZ, dA.shape)
    dS = dA * dZ
    gK = dS @ Y.T
    gb = dS.sum(axis=1)
    gY = K.T @ dS
    return gK, gb, gY
    # END SOLUTION


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
    # BEGIN SOLUTION
    Z, cache = single_layer(K, b, Y, act)
    K = np.asarray(K, dtype=float)
    m, n = Z.shape
    W = _as_matrix("W", W, (None, m))
    C = _as_matrix("C", C, (W.shape[0], n))
    E, gW = softmax_loss(W, Z, C)
    dZ = W.T @ ((softmax(W @ Z) - C) / n)
    gK, gb, _ = single_layer_vjp(cache, dZ)
    E = float(E) + 0.5 * lam * (np.sum(K**2) + np.sum(W**2))
    return E, (gK + lam * K, gb, gW + lam * W)
    # END SOLUTION


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
    # BEGIN SOLUTION
    if not lam >= 0:
        raise ValueError(f"lam must be non-negative, got {lam}")
    Z, cache = single_layer(K, b, Y, act)
    C = _as_matrix("C", C, (None, Z.shape[1]))
    W = _solve_w(Z, C, lam)
    R = W @ Z - C
    E = 0.5 * float(np.sum(R**2)) + 0.5 * lam * float(np.sum(W**2))
    gK, gb, _ = single_layer_vjp(cache, W.T @ R)
    return E, (gK, gb), W
    # END SOLUTION


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
    # BEGIN SOLUTION
    n, batch_size, epochs = int(n), int(batch_size), int(epochs)
    if n < 1 or batch_size < 1 or epochs < 0:
        raise ValueError(
            f"need n >= 1, batch_size >= 1, epochs >= 0; got n={n}, batch_size={batch_size}, "
            f"epochs={epochs}"
        )
    if np.ndim(lr) == 0:
        lrs = [float(lr)] * epochs
    else:
        lrs = [float(a) for a in np.ravel(lr)]
        if len(lrs) != epochs:
            raise ValueError(
                f"lr must be a float or hold one value per epoch ({epochs}), got {len(lrs)} values"
            )
    gen = as_rng(rng)
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x)
    hist = {"loss": []}
    for e in range(epochs):
        perm = gen.permutation(n)
        values = []
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size]
            f, g = fun(x, idx)
            g = np.asarray(g, dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"fun returned a gradient of shape {g.shape}, expected {x.shape}")
            values.append(float(f))
            v = momentum * v - lrs[e] * g
            x = x + v
        hist["loss"].append(float(np.mean(values)))
    return x, hist
    # END SOLUTION


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
    # BEGIN SOLUTION
    # gY = K^T (act' * (W^T (P - C) / n)) + lam Y with P = softmax(W Z): single_layer_vjp's gY
    Z, cache = single_layer(K, b, Y, act)
    m, n = Z.shape
    W = _as_matrix("W", W, (None, m))
    C = _as_matrix("C", C, (W.shape[0], n))
    E, _ = softmax_loss(W, Z, C)
    Y = np.asarray(Y, dtype=float)
    _, _, gY = single_layer_vjp(cache, W.T @ ((softmax(W @ Z) - C) / n))
    return float(E) + 0.5 * lam * float(np.sum(Y**2)), gY + lam * Y
    # END SOLUTION
