"""Module 07: residual networks.

A residual network ``Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)`` is the forward Euler method for
the ODE ``dY/dt = act(K(t) Y + b(t) 1^T)``: its backpropagation is the discrete adjoint, its
stability follows from the test equation ``|1 + h lam| <= 1``, antisymmetric weights keep the
eigenvalues near the imaginary axis, and the leapfrog (Hamiltonian) network is reversible.
Examples are the **columns** of ``Y`` ``(n_f, n)``; every ``K_j`` is square ``(n_f, n_f)``.
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

# BEGIN SOLUTION


def _as_states(name: str, Y) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (n_f, n) with examples as columns, got shape {Y.shape}"
        )
    return Y


def _as_params(params, n_f: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Check that ``params`` holds pairs ``(K_j (n_f, n_f), b_j (n_f,))``."""
    out = []
    for j, pair in enumerate(params):
        try:
            K, b = pair
        except (TypeError, ValueError):
            raise ValueError(f"params[{j}] must be a pair (K_{j}, b_{j})") from None
        K, b = np.asarray(K, dtype=float), np.asarray(b, dtype=float)
        if K.shape != (n_f, n_f):
            raise ValueError(f"params[{j}]: K_{j} must have shape ({n_f}, {n_f}), got {K.shape}")
        if b.shape != (n_f,):
            raise ValueError(f"params[{j}]: b_{j} must have shape ({n_f},), got {b.shape}")
        out.append((K, b))
    return out


def _leapfrog_step(K, b, Y_prev, Y_cur, h, act):
    """``2 Y_cur - Y_prev - h^2 K^T act(K Y_cur + b 1^T)`` (the same formula in both directions)."""
    A, _ = act(K @ Y_cur + b[:, None])
    return 2.0 * Y_cur - Y_prev - h**2 * (K.T @ A)


# END SOLUTION


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
    # BEGIN SOLUTION
    Y = _as_states("Y0", Y0).copy()
    params = _as_params(params, Y.shape[0])
    states, derivs = [], []
    for K, b in params:
        A, dA = act(K @ Y + b[:, None])
        states.append(Y)
        derivs.append(dA)
        Y = Y + h * A
    return Y, {"states": states, "derivs": derivs}
    # END SOLUTION


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
    # BEGIN SOLUTION
    states, derivs = cache["states"], cache["derivs"]
    params = list(params)
    if len(params) != len(states):
        raise ValueError(f"params has {len(params)} layers but the cache {len(states)}")
    G = np.asarray(dYN, dtype=float)
    if states and G.shape != states[0].shape:
        raise ValueError(f"dYN must have shape {states[0].shape} (that of Y_N), got {G.shape}")
    grads = [None] * len(params)
    for j in reversed(range(len(params))):
        K = np.asarray(params[j][0], dtype=float)
        D = h * derivs[j] * G
        grads[j] = (D @ states[j].T, D.sum(axis=1))
        G = G + K.T @ D
    return grads, G.copy()
    # END SOLUTION


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
    # BEGIN SOLUTION
    W = np.asarray(W, dtype=float)
    YN, cache = resnet_forward(params, Y0, h, act)
    if W.ndim != 2 or W.shape[1] != YN.shape[0]:
        raise ValueError(f"W must have shape (n_c, {YN.shape[0]}), got {W.shape}")
    E, gW = softmax_loss(W, YN, C)
    # dE/dY_N = W^T (P - C) / n, recovered from softmax_loss's gradient without a second call
    n = YN.shape[1]
    S = W @ YN
    P = np.exp(S - S.max(axis=0, keepdims=True))
    P /= P.sum(axis=0, keepdims=True)
    dYN = W.T @ (P - np.asarray(C, dtype=float)) / n
    grads, _ = resnet_backward(params, cache, dYN, h)
    if lam:
        E = E + 0.5 * lam * (
            sum(float(np.sum(np.asarray(K) ** 2)) for K, _ in params) + float(np.sum(W**2))
        )
        grads = [
            (gK + lam * np.asarray(K, dtype=float), gb) for (gK, gb), (K, _) in zip(grads, params)
        ]
        gW = gW + lam * W
    return float(E), grads, gW
    # END SOLUTION


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
    # BEGIN SOLUTION
    Wk = np.asarray(Wk, dtype=float)
    if Wk.ndim != 2 or Wk.shape[0] != Wk.shape[1]:
        raise ValueError(f"Wk must be square (n_f, n_f), got shape {Wk.shape}")
    return Wk - Wk.T - gamma * np.eye(Wk.shape[0])
    # END SOLUTION


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
    # BEGIN SOLUTION
    K = np.asarray(K, dtype=float)
    if K.ndim != 2 or K.shape[0] != K.shape[1]:
        raise ValueError(f"K must be square (n_f, n_f), got shape {K.shape}")
    tol = 1e-12 * np.linalg.norm(K)
    lam = np.linalg.eigvals(K)
    lam = lam[np.abs(lam) > tol]
    if lam.size == 0:
        return float("inf")
    if np.any(lam.real >= -tol):
        return 0.0
    return float(np.min(-2.0 * lam.real / np.abs(lam) ** 2))
    # END SOLUTION


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
    # BEGIN SOLUTION
    Y_prev, Y_cur = _as_states("Y0", Y0).copy(), _as_states("Y1", Y1).copy()
    if Y_cur.shape != Y_prev.shape:
        raise ValueError(f"Y1 must have the shape of Y0 {Y_prev.shape}, got {Y_cur.shape}")
    for K, b in _as_params(params, Y_prev.shape[0]):
        Y_prev, Y_cur = Y_cur, _leapfrog_step(K, b, Y_prev, Y_cur, h, act)
    return Y_prev, Y_cur
    # END SOLUTION


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
    # BEGIN SOLUTION
    Y_next, Y_cur = _as_states("Y_N", Y_N).copy(), _as_states("Y_Nm1", Y_Nm1).copy()
    if Y_cur.shape != Y_next.shape:
        raise ValueError(f"Y_N must have the shape of Y_Nm1 {Y_cur.shape}, got {Y_next.shape}")
    for K, b in reversed(_as_params(params, Y_cur.shape[0])):
        Y_next, Y_cur = Y_cur, _leapfrog_step(K, b, Y_next, Y_cur, h, act)
    return Y_cur, Y_next
    # END SOLUTION
