"""Blind alternative A: shifted log-softmax, closed-form Hessian-vector product, textbook CG.

Routes: Blind alternative A: column-max-shifted softmax and log-softmax by broadcasting, closed-
form gradient and Hessian-vector product, Taylor table in a loop, textbook Armijo backtracking,
steepest descent, CG and inexact Newton-CG. Written from API.md and the student template only
(not the tests, the reference or the mutants); copied unchanged.

Module 03: linear classification. Examples are columns.
"""

from collections.abc import Callable

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


def _alt1_inner(a, b) -> float:
    return float(np.vdot(np.asarray(a), np.asarray(b)).real)


def _alt1_log_softmax(S: np.ndarray) -> np.ndarray:
    Sh = S - S.max(axis=0, keepdims=True)
    return Sh - np.log(np.sum(np.exp(Sh), axis=0, keepdims=True))


def softmax(S: np.ndarray) -> np.ndarray:
    """Column-wise softmax, columns shifted by their maxima (finite for any finite ``S``).

    Raises ``ValueError`` if ``S`` is not 2-D.
    """
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"softmax: S must be 2-D (n_c, n), got shape {S.shape}")
    E = np.exp(S - S.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def _alt1_check_WY(name, W, Y, C=None):
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if W.ndim != 2 or Y.ndim != 2 or W.shape[1] != Y.shape[0]:
        raise ValueError(f"{name}: W {W.shape} does not match Y {Y.shape}")
    if C is not None:
        C = np.asarray(C, dtype=float)
        if C.shape != (W.shape[0], Y.shape[1]):
            raise ValueError(f"{name}: C must have shape {(W.shape[0], Y.shape[1])}, got {C.shape}")
    return W, Y, C


def softmax_loss(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy ``E = -(1/n) sum_j c_j^T log softmax(W y_j)``, ``dW = (1/n)(P - C) Y^T``.

    The log-softmax is computed with shifted scores, so ``E`` and ``dW`` are finite for any
    finite input. Raises ``ValueError`` on mismatched shapes.
    """
    W, Y, C = _alt1_check_WY("softmax_loss", W, Y, C)
    n = Y.shape[1]
    S = W @ Y
    logP = _alt1_log_softmax(S)
    E = -float(np.sum(C * logP)) / n
    P = np.exp(logP)
    dW = (P - C) @ Y.T / n
    return E, dW


def softmax_hessvec(W: np.ndarray, Y: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Hessian of :func:`softmax_loss` in ``W`` applied to ``V``.

    ``H V = (1/n) [P * Z - P * (1 1^T (P * Z))] Y^T``, ``Z = V Y``, ``P = softmax(W Y)``.
    """
    W, Y, _ = _alt1_check_WY("softmax_hessvec", W, Y)
    V = np.asarray(V, dtype=float)
    if V.shape != W.shape:
        raise ValueError(f"softmax_hessvec: V must have shape {W.shape}, got {V.shape}")
    n = Y.shape[1]
    P = softmax(W @ Y)
    PZ = P * (V @ Y)
    return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Y.T / n


def check_derivative(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    dx: np.ndarray | None = None,
    n_steps: int = 12,
    h0: float = 1.0,
    rng=None,
) -> tuple[np.ndarray, bool]:
    """Taylor test of ``fun(x) -> (f, g)`` in the direction ``dx``.

    Rows ``[h, E0, E1]`` for ``h = h0 2^-k``; ``ok`` by the ratio rule of the contract (floor
    ``100 eps max(|f(x)|, 1)``, median ``>= 3.5``, last three ``>= 3``).
    """
    x = np.asarray(x, dtype=float)
    if dx is None:
        dx = as_rng(rng).standard_normal(x.shape)
    else:
        dx = np.asarray(dx, dtype=float)
        if dx.shape != x.shape:
            raise ValueError(f"check_derivative: dx must have shape {x.shape}, got {dx.shape}")
    f0, g0 = fun(x.copy())
    f0 = float(f0)
    slope = _alt1_inner(g0, dx)
    table = np.zeros((int(n_steps), 3))
    for k in range(int(n_steps)):
        h = h0 * 2.0**-k
        fh = float(fun(x + h * dx)[0])
        table[k] = [h, abs(fh - f0), abs(fh - f0 - h * slope)]
    E1 = table[:, 2]
    floor = 100 * np.finfo(float).eps * max(abs(f0), 1.0)
    R = np.array([E1[k] / E1[k + 1] for k in range(len(E1) - 1) if E1[k + 1] > floor])
    if R.size == 0:
        ok = True
    else:
        ok = bool(R.size >= 3 and np.median(R) >= 3.5 and np.all(R[-3:] >= 3))
    return table, bool(ok)


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
    """The first ``alpha = alpha0 2^-k``, ``k = 0..max_backtracks``, with sufficient decrease
    ``f(x + alpha d) <= f + c1 alpha <g, d>``; ``0.0`` when none is accepted."""
    x = np.asarray(x, dtype=float)
    g = np.asarray(g, dtype=float)
    d = np.asarray(d, dtype=float)
    if g.shape != x.shape or d.shape != x.shape:
        raise ValueError("armijo: g and d must have the shape of x")
    slope = _alt1_inner(g, d)
    for k in range(int(max_backtracks) + 1):
        alpha = alpha0 * 2.0**-k
        ft = float(fun(x + alpha * d)[0])
        if ft <= f + c1 * alpha * slope:
            return float(alpha)
    return 0.0


def steepest_descent(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    maxiter: int = 100,
    tol: float = 1e-6,
) -> tuple[np.ndarray, dict]:
    """Steepest descent with :func:`armijo` from ``alpha0 = 1``.

    Stops when ``||g_k|| <= tol ||g_0||``, after ``maxiter`` iterations, or when the line search
    fails. ``hist["f"]``, ``hist["gradnorm"]``, ``hist["alpha"]`` (``alpha[0] = 0`` at ``x0``).
    """
    x = np.array(x0, dtype=float)
    f, g = fun(x.copy())
    f = float(f)
    g = np.asarray(g, dtype=float)
    g0 = np.linalg.norm(g)
    hist = {"f": [f], "gradnorm": [float(g0)], "alpha": [0.0]}
    for _ in range(int(maxiter)):
        if np.linalg.norm(g) <= tol * g0:
            break
        d = -g
        alpha = armijo(fun, x, f, g, d)
        if alpha == 0.0:
            break
        x = x + alpha * d
        f, g = fun(x.copy())
        f = float(f)
        g = np.asarray(g, dtype=float)
        hist["f"].append(f)
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
    """Conjugate gradients for ``A x = b`` (``A`` SPD or SPSD), ``b`` of any shape.

    Stops when ``||r|| <= tol ||b||`` (recurrence residual), on non-positive curvature
    ``<p, A p> <= 0``, or after ``maxiter`` (default ``10 b.size``) iterations.
    """
    b = np.asarray(b, dtype=float)
    maxiter = 10 * b.size if maxiter is None else int(maxiter)
    if x0 is None:
        x = np.zeros_like(b)
        r = b.copy()
    else:
        x = np.array(x0, dtype=float)
        if x.shape != b.shape:
            raise ValueError(f"cg: x0 must have shape {b.shape}, got {x.shape}")
        r = b - np.asarray(matvec(x.copy()), dtype=float)
    bnorm = np.linalg.norm(b)
    p = r.copy()
    rr = _alt1_inner(r, r)
    hist = {"resnorm": [float(np.sqrt(rr))]}
    for _ in range(maxiter):
        if np.sqrt(rr) <= tol * bnorm:
            break
        Ap = np.asarray(matvec(p.copy()), dtype=float)
        pAp = _alt1_inner(p, Ap)
        if pAp <= 0:
            break
        alpha = rr / pAp
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = _alt1_inner(r, r)
        p = r + (rr_new / rr) * p
        rr = rr_new
        hist["resnorm"].append(float(np.sqrt(rr)))
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
    """Inexact Newton: ``d`` from :func:`cg` on ``H(x) d = -g`` (from 0, ``cg_tol``,
    ``cg_maxiter``), replaced by ``-g`` unless ``<g, d> < 0``, then :func:`armijo` from 1.

    ``hist["f"]``, ``hist["gradnorm"]``, ``hist["cg_iters"]``, ``hist["alpha"]`` (index 0 at
    ``x0`` with 0 CG iterations and ``alpha = 0``).
    """
    x = np.array(x0, dtype=float)
    f, g = fun(x.copy())
    f = float(f)
    g = np.asarray(g, dtype=float)
    g0 = np.linalg.norm(g)
    hist = {"f": [f], "gradnorm": [float(g0)], "cg_iters": [0], "alpha": [0.0]}
    for _ in range(int(maxiter)):
        if np.linalg.norm(g) <= tol * g0:
            break
        xk = x.copy()
        d, ch = cg(lambda v, xk=xk: hessvec(xk, v), -g, tol=cg_tol, maxiter=cg_maxiter)
        if not _alt1_inner(g, d) < 0:
            d = -g
        alpha = armijo(fun, x, f, g, d)
        if alpha == 0.0:
            break
        x = x + alpha * d
        f, g = fun(x.copy())
        f = float(f)
        g = np.asarray(g, dtype=float)
        hist["f"].append(f)
        hist["gradnorm"].append(float(np.linalg.norm(g)))
        hist["cg_iters"].append(len(ch["resnorm"]) - 1)
        hist["alpha"].append(alpha)
    return x, hist


def predict(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Row index of the largest score of every column of ``W Y``."""
    W, Y, _ = _alt1_check_WY("predict", W, Y)
    return np.argmax(W @ Y, axis=0).astype(int)


def accuracy(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> float:
    """Fraction of columns where :func:`predict` equals ``argmax_i C[i, j]``."""
    W, Y, C = _alt1_check_WY("accuracy", W, Y, C)
    return float(np.mean(predict(W, Y) == np.argmax(C, axis=0)))
