"""Blind alternative B: softmax via log-softmax, per-column Hessian form, explicit ratio loop.

Routes: Blind alternative B (alt2): softmax through the log-softmax (shift by column maxima,
column sums as a ones-row matrix product), loss from the log-probabilities, Hessian-vector
product via the per-column form diag(p) - p p^T written as P*Z - P*colsum(P*Z), derivative check
with an explicit ratio loop, CG with recurrence residuals and vdot inner products, Newton-CG
with fallback to -g. Written from API.md and the student template only (not the tests, the
reference or the mutants); copied unchanged.

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


def _alt2_log_softmax(S):
    """Column-wise log-softmax: ``S - m - log(1^T exp(S - m))`` with ``m`` the column maxima."""
    S = np.asarray(S, dtype=float)
    m = S.max(axis=0, keepdims=True)
    Sh = S - m
    colsum = np.ones((1, S.shape[0])) @ np.exp(Sh)
    return Sh - np.log(colsum)


def softmax(S: np.ndarray) -> np.ndarray:
    """Column-wise softmax of ``S`` ``(n_c, n)``, finite for any finite input."""
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"softmax: S must be 2-D, got shape {S.shape}")
    return np.exp(_alt2_log_softmax(S))


def softmax_loss(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> tuple[float, np.ndarray]:
    """``E = -(1/n) sum_j c_j^T log softmax(W y_j)``, ``dW = (1/n)(P - C) Y^T``."""
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    C = np.asarray(C, dtype=float)
    if W.ndim != 2 or Y.ndim != 2 or C.ndim != 2 or W.shape[1] != Y.shape[0] \
            or C.shape != (W.shape[0], Y.shape[1]):
        raise ValueError(f"softmax_loss: shapes do not fit: W {W.shape}, Y {Y.shape}, C {C.shape}")
    n = Y.shape[1]
    logP = _alt2_log_softmax(W @ Y)
    E = -float(np.sum(C * logP)) / n
    dW = ((np.exp(logP) - C) @ Y.T) / n
    return E, dW


def softmax_hessvec(W: np.ndarray, Y: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Hessian of :func:`softmax_loss` at ``W`` applied to ``V`` (``C`` drops out):
    ``(1/n) sum_j (diag(p_j) - p_j p_j^T) V y_j y_j^T``."""
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    V = np.asarray(V, dtype=float)
    if W.ndim != 2 or Y.ndim != 2 or W.shape[1] != Y.shape[0] or V.shape != W.shape:
        raise ValueError(f"softmax_hessvec: shapes do not fit: W {W.shape}, Y {Y.shape}, V {V.shape}")  # noqa: E501
    n = Y.shape[1]
    P = softmax(W @ Y)
    Z = V @ Y
    PZ = P * Z
    T = PZ - P * (np.ones((1, P.shape[0])) @ PZ)
    return (T @ Y.T) / n


def check_derivative(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x: np.ndarray,
    dx: np.ndarray | None = None,
    n_steps: int = 12,
    h0: float = 1.0,
    rng=None,
) -> tuple[np.ndarray, bool]:
    """Taylor test: rows ``[h, E0, E1]`` for ``h = h0 2^-k`` and the verdict ``ok``.

    ``ok``: ratios ``E1[k]/E1[k+1]`` over the ``k`` with ``E1[k+1] > 100 eps max(|f(x)|, 1)``;
    True when there are none, or at least 3 with median >= 3.5 and the last three >= 3.
    """
    x = np.asarray(x, dtype=float)
    if dx is None:
        dx = as_rng(rng).standard_normal(x.shape)
    dx = np.asarray(dx, dtype=float)
    if dx.shape != x.shape:
        raise ValueError(f"check_derivative: dx has shape {dx.shape}, x has shape {x.shape}")
    f0, g0 = fun(x.copy())
    f0 = float(f0)
    slope = float(np.vdot(np.asarray(g0, dtype=float), dx))
    table = np.zeros((int(n_steps), 3))
    for k in range(int(n_steps)):
        h = h0 * 2.0 ** (-k)
        fh = float(fun(x + h * dx)[0])
        table[k] = [h, abs(fh - f0), abs(fh - f0 - h * slope)]
    floor = 100 * np.finfo(float).eps * max(abs(f0), 1.0)
    ratios = []
    for k in range(int(n_steps) - 1):
        if table[k + 1, 2] > floor:
            ratios.append(table[k, 2] / table[k + 1, 2])
    if not ratios:
        ok = True
    elif len(ratios) < 3:
        ok = False
    else:
        ok = bool(np.median(ratios) >= 3.5 and min(ratios[-3:]) >= 3.0)
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
    """The first ``alpha0 2^-k`` (``k = 0..max_backtracks``) with sufficient decrease; 0.0 if none."""  # noqa: E501
    x = np.asarray(x, dtype=float)
    g = np.asarray(g, dtype=float)
    d = np.asarray(d, dtype=float)
    if g.shape != x.shape or d.shape != x.shape:
        raise ValueError("armijo: g and d must have the shape of x")
    gd = float(np.vdot(g, d))
    for k in range(int(max_backtracks) + 1):
        alpha = alpha0 * 2.0 ** (-k)
        ft = float(fun(x + alpha * d)[0])
        if ft <= f + c1 * alpha * gd:
            return float(alpha)
    return 0.0


def steepest_descent(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0: np.ndarray,
    maxiter: int = 100,
    tol: float = 1e-6,
) -> tuple[np.ndarray, dict]:
    """Steepest descent with Armijo from ``alpha0 = 1``; ``hist["f"]``, ``hist["gradnorm"]`` per
    iterate (index 0 at ``x0``), ``hist["alpha"]`` per accepted step."""
    x = np.array(x0, dtype=float)
    f, g = fun(x.copy())
    f = float(f)
    g = np.asarray(g, dtype=float)
    g0n = float(np.linalg.norm(g))
    hist = {"f": [f], "gradnorm": [g0n], "alpha": []}
    for _ in range(int(maxiter)):
        if np.linalg.norm(g) <= tol * g0n:
            break
        alpha = armijo(fun, x, f, g, -g, alpha0=1.0)
        if alpha == 0.0:
            break
        x = x - alpha * g
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
    """Conjugate gradients for ``A x = b`` (``b`` any shape, ``vdot`` inner products).

    Stops when ``||r|| <= tol ||b||`` (recurrence residual) or on ``<p, A p> <= 0``;
    ``maxiter`` defaults to ``10 * b.size``; ``hist["resnorm"]`` index 0 at ``x0``.
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
            raise ValueError(f"cg: x0 has shape {x.shape}, b has shape {b.shape}")
        r = b - np.asarray(matvec(x.copy()), dtype=float)
    bn = float(np.linalg.norm(b))
    rr = float(np.vdot(r, r))
    hist = {"resnorm": [np.sqrt(rr)]}
    p = r.copy()
    for _ in range(int(maxiter)):
        if np.sqrt(rr) <= tol * bn:
            break
        Ap = np.asarray(matvec(p.copy()), dtype=float).reshape(b.shape)
        curv = float(np.vdot(p, Ap))
        if curv <= 0:
            break
        alpha = rr / curv
        x = x + alpha * p
        r = r - alpha * Ap
        rr_new = float(np.vdot(r, r))
        hist["resnorm"].append(np.sqrt(rr_new))
        p = r + (rr_new / rr) * p
        rr = rr_new
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
    """Inexact Newton: ``d`` from :func:`cg` on ``v -> hessvec(x, v)``, ``-g`` when
    ``<g, d> >= 0``, then :func:`armijo` from 1; ``hist["f"]``, ``hist["gradnorm"]`` per iterate."""
    x = np.array(x0, dtype=float)
    f, g = fun(x.copy())
    f = float(f)
    g = np.asarray(g, dtype=float)
    g0n = float(np.linalg.norm(g))
    hist = {"f": [f], "gradnorm": [g0n], "alpha": [], "cg_iters": []}
    for _ in range(int(maxiter)):
        if np.linalg.norm(g) <= tol * g0n:
            break
        xk = x.copy()
        d, h = cg(lambda v: hessvec(xk, v), -g, tol=cg_tol, maxiter=cg_maxiter)  # noqa: B023 - used at once
        hist["cg_iters"].append(len(h["resnorm"]) - 1)
        if not float(np.vdot(g, d)) < 0:
            d = -g
        alpha = armijo(fun, x, f, g, d, alpha0=1.0)
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


def predict(W: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Labels ``(n,)``: the row index of the largest score of ``W Y`` per column."""
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if W.ndim != 2 or Y.ndim != 2 or W.shape[1] != Y.shape[0]:
        raise ValueError(f"predict: W {W.shape} does not fit Y {Y.shape}")
    return np.argmax(W @ Y, axis=0)


def accuracy(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> float:
    """Fraction of columns where :func:`predict` equals the row of the largest entry of ``C``."""
    C = np.asarray(C, dtype=float)
    lab = predict(W, Y)
    if C.ndim != 2 or C.shape[1] != lab.size:
        raise ValueError(f"accuracy: C has shape {C.shape}")
    return float(np.mean(lab == np.argmax(C, axis=0)))
