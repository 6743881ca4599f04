"""softmax: shifts by the global maximum np.max(S) instead of the column maxima, so columns far below it underflow to 0/0.

Softmax classifiers, their derivatives, derivative checks and the optimizers of the course
(steepest descent with Armijo line search, CG, inexact Newton-CG). Examples are columns.

From scratch: in this module do not call scipy.special.softmax, scipy.special.log_softmax,
scipy.special.logsumexp, scipy.sparse.linalg.lsqr, scipy.sparse.linalg.lsmr,
scipy.sparse.linalg.cg, scipy.sparse.linalg.cgs, scipy.sparse.linalg.minres,
scipy.sparse.linalg.gmres, scipy.sparse.linalg.lgmres, scipy.sparse.linalg.bicg,
scipy.sparse.linalg.bicgstab, scipy.sparse.linalg.qmr, scipy.sparse.linalg.gcrotmk,
scipy.sparse.linalg.tfqmr, scipy.optimize; in no module call sklearn, torch, jax,
tensorflow, autograd (a module's name stands for everything in it). A question whose
functions call one of them scores 0. Everything else of numpy and scipy is allowed
(factorizations and solves, the FFT, scipy.sparse, the other scipy.special functions,
numpy.lib.stride_tricks). See numdl/rules.py and the README.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import numpy as np

from numdl.utils import as_rng

__all__ = [
    "softmax",
    "softmax_loss",
    "softmax_hessvec",
    "check_derivative",
    "armijo",
    "steepest_descent",
    "cg",
    "newton_cg",
    "predict",
    "accuracy",
]


def softmax(S: np.ndarray) -> np.ndarray:
    """Column-wise softmax ``P[:, j] = exp(S[:, j]) / sum(exp(S[:, j]))``.

    Parameters
    ----------
    S : ndarray, shape (n_c, n)
        Scores.

    Returns
    -------
    P : ndarray, shape (n_c, n)
        Columns are probability vectors; finite for any finite ``S`` (columns are shifted by
        their maxima before exponentiating).

    Raises
    ------
    ValueError
        If ``S`` is not 2-D.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"softmax: S must be 2-D (n_c, n), got shape {S.shape}")
    E = np.exp(S - np.max(S))
    return E / np.sum(E, axis=0, keepdims=True)


def softmax_loss(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy loss of a linear softmax classifier and its gradient.

    ``E = -(1/n) sum_j c_j^T log softmax(W y_j)``, ``dW = (1/n) (P - C) Y^T``.

    Parameters
    ----------
    W : ndarray, shape (n_c, n_f)
        Weights (no bias row is added: append a row of ones to ``Y`` for a bias).
    Y : ndarray, shape (n_f, n)
        Features, one example per column.
    C : ndarray, shape (n_c, n)
        Labels, columns summing to one.

    Returns
    -------
    E : float
    dW : ndarray, shape (n_c, n_f)

    Raises
    ------
    ValueError
        If the shapes of ``W``, ``Y`` and ``C`` do not match.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    W, Y, C = np.asarray(W, dtype=float), np.asarray(Y, dtype=float), np.asarray(C, dtype=float)
    if W.shape[1] != Y.shape[0] or C.shape != (W.shape[0], Y.shape[1]):
        raise ValueError("softmax_loss: shapes of W, Y and C do not match")
    n = Y.shape[1]
    S = W @ Y
    S = S - np.max(S, axis=0, keepdims=True)
    expS = np.exp(S)
    sums = np.sum(expS, axis=0, keepdims=True)
    logP = S - np.log(sums)
    E = -np.sum(C * logP) / n
    P = expS / sums
    dW = (P - C) @ Y.T / n
    return float(E), dW


def softmax_hessvec(W: np.ndarray, Y: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Hessian of :func:`softmax_loss` in ``W`` applied to a direction ``V``.

    ``H V = (1/n) [P * Z - P * (1 1^T (P * Z))] Y^T`` with ``Z = V Y``, ``P = softmax(W Y)``
    (``*`` elementwise). The columns of ``C`` sum to one, so ``C`` drops out.

    Parameters
    ----------
    W : ndarray, shape (n_c, n_f)
        Weights where the Hessian is taken.
    Y : ndarray, shape (n_f, n)
        Features, one example per column.
    V : ndarray, shape (n_c, n_f)
        Direction.

    Returns
    -------
    HV : ndarray, shape (n_c, n_f)
        Symmetric positive semidefinite in ``V``: ``<U, H V> = <V, H U>``, ``<V, H V> >= 0``.

    Raises
    ------
    ValueError
        If ``W`` does not match ``Y`` or ``V`` does not have the shape of ``W``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    W, Y, V = np.asarray(W, dtype=float), np.asarray(Y, dtype=float), np.asarray(V, dtype=float)
    if W.shape[1] != Y.shape[0] or V.shape != W.shape:
        raise ValueError("softmax_hessvec: shapes of W, Y and V do not match")
    n = Y.shape[1]
    P = softmax(W @ Y)
    Z = V @ Y
    PZ = P * Z
    HZ = PZ - P * np.sum(PZ, axis=0, keepdims=True)
    return HZ @ Y.T / n


def check_derivative(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    dx: np.ndarray | None = None,
    n_steps: int = 12,
    h0: float = 1.0,
    rng=None,
) -> tuple[np.ndarray, bool]:
    """Derivative check (Taylor test) of ``fun(x) -> (f, g)`` in the direction ``dx``.

    ``E0(h) = |f(x + h dx) - f(x)| = O(h)``, ``E1(h) = |f(x + h dx) - f(x) - h <g, dx>| = O(h^2)``
    for ``h = h0 2^-k``, ``k = 0, ..., n_steps - 1``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g)``, ``f`` a float and ``g`` an array of the shape of ``x``.
    x : ndarray, any shape
        Point of the check.
    dx : ndarray, shape of ``x``, optional
        Direction; standard normal entries drawn from ``rng`` when omitted.
    n_steps : int
        Number of step sizes.
    h0 : float
        Largest step.
    rng : None, int or numpy.random.Generator
        Source of ``dx``.

    Returns
    -------
    table : ndarray, shape (n_steps, 3)
        Rows ``[h, E0, E1]``.
    ok : bool
        With ``R`` the ratios ``E1[k] / E1[k+1]`` over the ``k`` where ``E1[k+1]`` exceeds
        ``100 eps max(|f(x)|, 1)``: True when ``R`` is empty, or when ``R`` has at least 3
        entries, median at least 3.5 and its last three entries at least 3.

    Raises
    ------
    ValueError
        If ``dx`` does not have the shape of ``x``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    x = np.asarray(x, dtype=float)
    if dx is None:
        dx = as_rng(rng).standard_normal(x.shape)
    dx = np.asarray(dx, dtype=float)
    if dx.shape != x.shape:
        raise ValueError("check_derivative: dx must have the shape of x")
    f0, g0 = fun(x)
    f0 = float(f0)
    slope = float(np.vdot(np.asarray(g0, dtype=float), dx))
    table = np.zeros((n_steps, 3))
    for k in range(n_steps):
        h = h0 * 2.0**-k
        fh = float(fun(x + h * dx)[0])
        table[k] = [h, abs(fh - f0), abs(fh - f0 - h * slope)]
    floor = 100 * np.finfo(float).eps * max(abs(f0), 1.0)
    E1 = table[:, 2]
    R = np.array([E1[k] / E1[k + 1] for k in range(n_steps - 1) if E1[k + 1] > floor])
    if R.size == 0:
        ok = True
    else:
        ok = bool(R.size >= 3 and np.median(R) >= 3.5 and np.all(R[-3:] >= 3))
    return table, ok


def armijo(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    d: np.ndarray,
    alpha0: float = 1.0,
    c1: float = 1e-4,
    max_backtracks: int = 30,
) -> float:
    """Backtracking (Armijo) line search.

    The first ``alpha = alpha0 2^-k``, ``k = 0, ..., max_backtracks``, with
    ``f(x + alpha d) <= f + c1 alpha <g, d>``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g)``.
    x : ndarray, any shape
        Current point.
    f : float
        ``f(x)``.
    g : ndarray, shape of ``x``
        Gradient at ``x``.
    d : ndarray, shape of ``x``
        Search direction.
    alpha0 : float
        First trial step.
    c1 : float
        Sufficient-decrease constant.
    max_backtracks : int
        Number of halvings allowed.

    Returns
    -------
    alpha : float
        The accepted step, ``0.0`` when none is accepted.

    Raises
    ------
    ValueError
        If ``g`` or ``d`` does not have the shape of ``x``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    x, g, d = np.asarray(x, dtype=float), np.asarray(g, dtype=float), np.asarray(d, dtype=float)
    if g.shape != x.shape or d.shape != x.shape:
        raise ValueError("armijo: g and d must have the shape of x")
    slope = float(np.vdot(g, d))
    alpha = float(alpha0)
    for _ in range(max_backtracks + 1):
        if fun(x + alpha * d)[0] <= f + c1 * alpha * slope:
            return alpha
        alpha = alpha / 2
    return 0.0


def steepest_descent(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    maxiter: int = 100,
    tol: float = 1e-6,
) -> tuple[np.ndarray, dict]:
    """Steepest descent ``x_{k+1} = x_k - alpha_k g_k`` with :func:`armijo` from ``alpha0 = 1``.

    Stops when ``||g_k|| <= tol ||g_0||``, after ``maxiter`` iterations, or when the line
    search fails (returns 0).

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g)``.
    x0 : ndarray, any shape
        Starting point (not modified).
    maxiter : int
        Maximum number of iterations.
    tol : float
        Relative tolerance on the gradient norm.

    Returns
    -------
    x : ndarray, shape of ``x0``
        Last iterate.
    hist : dict
        ``hist["f"]``, ``hist["gradnorm"]`` (and ``hist["alpha"]``): one entry per iterate,
        index 0 being ``x0``; ``hist["f"]`` is non-increasing.
    """
    x = np.array(x0, dtype=float)
    f, g = fun(x)
    g0norm = np.linalg.norm(g)
    hist = {"f": [float(f)], "gradnorm": [float(g0norm)], "alpha": []}
    for _ in range(maxiter):
        if np.linalg.norm(g) <= tol * g0norm:
            break
        d = -g
        alpha = armijo(fun, x, f, g, d, alpha0=1.0)
        if alpha == 0.0:
            break
        x = x + alpha * d
        f, g = fun(x)
        hist["f"].append(float(f))
        hist["gradnorm"].append(float(np.linalg.norm(g)))
        hist["alpha"].append(alpha)
    return x, hist


def cg(
    matvec: Callable[[np.ndarray], np.ndarray],
    b: np.ndarray,
    tol: float = 1e-10,
    maxiter: int | None = None,
    x0: np.ndarray | None = None,
) -> tuple[np.ndarray, dict]:
    """Conjugate gradients for ``A x = b``, ``A`` symmetric positive (semi)definite.

    ``x_{k+1} = x_k + alpha_k p_k``, ``alpha_k = <r_k, r_k> / <p_k, A p_k>``,
    ``p_{k+1} = r_{k+1} + (<r_{k+1}, r_{k+1}> / <r_k, r_k>) p_k``.

    Parameters
    ----------
    matvec : callable
        ``matvec(v) -> A v`` for arrays of the shape of ``b``.
    b : ndarray, any shape
        Right-hand side (inner products are sums over all entries).
    tol : float
        Stops when ``||b - A x|| <= tol ||b||``.
    maxiter : int, optional
        Maximum number of iterations, default ``10 * b.size``.
    x0 : ndarray, shape of ``b``, optional
        Starting point, default 0.

    Returns
    -------
    x : ndarray, shape of ``b``
    hist : dict
        ``hist["resnorm"]``: ``||b - A x_k||`` (by the recurrence), index 0 at ``x0``.
        Iteration also stops on non-positive curvature ``<p, A p> <= 0``.

    Raises
    ------
    ValueError
        If ``x0`` does not have the shape of ``b``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    b = np.asarray(b, dtype=float)
    if maxiter is None:
        maxiter = 10 * b.size
    if x0 is None:
        x = np.zeros_like(b)
        r = b.copy()
    else:
        x = np.array(x0, dtype=float)
        if x.shape != b.shape:
            raise ValueError("cg: x0 must have the shape of b")
        r = b - matvec(x)
    bnorm = np.linalg.norm(b)
    p = r.copy()
    rr = float(np.vdot(r, r))
    hist = {"resnorm": [np.sqrt(rr)]}
    for _ in range(maxiter):
        if np.sqrt(rr) <= tol * bnorm:
            break
        q = matvec(p)
        pq = float(np.vdot(p, q))
        if pq <= 0:
            break
        alpha = rr / pq
        x = x + alpha * p
        r = r - alpha * q
        rr_new = float(np.vdot(r, r))
        p = r + (rr_new / rr) * p
        rr = rr_new
        hist["resnorm"].append(np.sqrt(rr))
    return x, hist


def newton_cg(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    hessvec: Callable[[np.ndarray, np.ndarray], np.ndarray],
    x0: np.ndarray,
    maxiter: int = 20,
    tol: float = 1e-8,
    cg_tol: float = 1e-1,
    cg_maxiter: int = 50,
) -> tuple[np.ndarray, dict]:
    """Inexact (matrix-free) Newton's method: ``H(x_k) d = -g_k`` by :func:`cg`, then Armijo.

    ``d`` comes from ``cg`` (from 0, relative tolerance ``cg_tol``, at most ``cg_maxiter``
    steps) on ``v -> hessvec(x_k, v)``; it is replaced by ``-g_k`` when ``<g_k, d> >= 0``;
    ``x_{k+1} = x_k + alpha d`` with :func:`armijo` from ``alpha0 = 1``.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (f, g)``.
    hessvec : callable
        ``hessvec(x, v) -> H(x) v``.
    x0 : ndarray, any shape
        Starting point (not modified).
    maxiter : int
        Maximum number of Newton iterations.
    tol : float
        Stops when ``||g_k|| <= tol ||g_0||`` (or when the line search fails).
    cg_tol, cg_maxiter : float, int
        Relative tolerance and iteration limit of the inner CG.

    Returns
    -------
    x : ndarray, shape of ``x0``
    hist : dict
        ``hist["f"]``, ``hist["gradnorm"]`` (and ``hist["cg_iters"]``, ``hist["alpha"]``):
        one entry per iterate, index 0 being ``x0``.
    """
    x = np.array(x0, dtype=float)
    f, g = fun(x)
    g0norm = np.linalg.norm(g)
    hist = {"f": [float(f)], "gradnorm": [float(g0norm)], "cg_iters": [], "alpha": []}
    for _ in range(maxiter):
        if np.linalg.norm(g) <= tol * g0norm:
            break
        d, h = cg(partial(hessvec, x), -g, tol=cg_tol, maxiter=cg_maxiter)
        if np.vdot(g, d) >= 0:
            d = -g
        alpha = armijo(fun, x, f, g, d, alpha0=1.0)
        if alpha == 0.0:
            break
        x = x + alpha * d
        f, g = fun(x)
        hist["f"].append(float(f))
        hist["gradnorm"].append(float(np.linalg.norm(g)))
        hist["cg_iters"].append(len(h["resnorm"]) - 1)
        hist["alpha"].append(alpha)
    return x, hist


def predict(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Predicted classes: the row index of the largest score, ``argmax_i (W Y)[i, j]``.

    Parameters
    ----------
    W : ndarray, shape (n_c, n_f)
    Y : ndarray, shape (n_f, n)

    Returns
    -------
    labels : ndarray of int, shape (n,)

    Raises
    ------
    ValueError
        If ``W`` does not match ``Y``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    W, Y = np.asarray(W, dtype=float), np.asarray(Y, dtype=float)
    if W.shape[1] != Y.shape[0]:
        raise ValueError("predict: W does not match Y")
    return np.argmax(W @ Y, axis=0)


def accuracy(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> float:
    """Fraction of correctly classified columns, ``mean_j [predict(W, Y)_j = argmax_i C[i, j]]``.

    Parameters
    ----------
    W : ndarray, shape (n_c, n_f)
    Y : ndarray, shape (n_f, n)
    C : ndarray, shape (n_c, n)
        Labels (one-hot or soft columns).

    Returns
    -------
    acc : float in [0, 1]

    Raises
    ------
    ValueError
        If the shapes of ``W``, ``Y`` and ``C`` do not match.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    C = np.asarray(C, dtype=float)
    labels = predict(W, Y)
    if C.shape != (np.shape(W)[0], labels.size):
        raise ValueError("accuracy: shapes of W, Y and C do not match")
    return float(np.mean(labels == np.argmax(C, axis=0)))
