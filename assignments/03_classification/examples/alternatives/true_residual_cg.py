"""CG with the residual recomputed as b - A x every step and the Hestenes-Stiefel form of beta;
Armijo with a while loop; check_derivative vectorized over the steps; the optimizers share one
loop written with explicit iteration counters."""

import numpy as np

from numdl.utils import as_rng


def check_derivative(fun, x, dx=None, n_steps=12, h0=1.0, rng=None):
    x = np.array(x, dtype=float)
    dx = as_rng(rng).standard_normal(x.shape) if dx is None else np.asarray(dx, dtype=float)
    if dx.shape != x.shape:
        raise ValueError(f"check_derivative: dx must have shape {x.shape}, got {dx.shape}")
    f0, g0 = fun(x)
    hs = h0 / 2.0 ** np.arange(n_steps)
    fh = np.array([fun(x + h * dx)[0] for h in hs], dtype=float)
    E0 = np.abs(fh - f0)
    E1 = np.abs(fh - f0 - hs * np.sum(np.asarray(g0) * dx))
    table = np.column_stack([hs, E0, E1])
    above = E1[1:] > 100 * np.finfo(float).eps * max(abs(float(f0)), 1.0)
    R = E1[:-1][above] / E1[1:][above]
    if R.size == 0:
        return table, True
    return table, bool(R.size >= 3 and np.median(R) >= 3.5 and np.min(R[-3:]) >= 3)


def armijo(fun, x, f, g, d, alpha0=1.0, c1=1e-4, max_backtracks=30):
    x, g, d = (np.asarray(a, dtype=float) for a in (x, g, d))
    if g.shape != x.shape or d.shape != x.shape:
        raise ValueError(f"armijo: g and d must have shape {x.shape}")
    slope, alpha, k = np.sum(g * d), float(alpha0), 0
    while k <= max_backtracks:
        if fun(x + alpha * d)[0] <= f + c1 * alpha * slope:
            return alpha
        alpha, k = alpha / 2, k + 1
    return 0.0


def _descent(fun, x0, maxiter, tol, direction):
    x = np.array(x0, dtype=float)
    f, g = fun(x)
    hist = {"f": [float(f)], "gradnorm": [float(np.linalg.norm(g))]}
    it = 0
    while it < maxiter and hist["gradnorm"][-1] > tol * hist["gradnorm"][0]:
        d = direction(x, g)
        alpha = armijo(fun, x, f, g, d)
        if alpha == 0:
            break
        x = x + alpha * d
        f, g = fun(x)
        hist["f"].append(float(f))
        hist["gradnorm"].append(float(np.linalg.norm(g)))
        it += 1
    return x, hist


def steepest_descent(fun, x0, maxiter=100, tol=1e-6):
    return _descent(fun, x0, maxiter, tol, lambda x, g: -np.asarray(g, dtype=float))


def cg(matvec, b, tol=1e-10, maxiter=None, x0=None):
    b = np.asarray(b, dtype=float)
    maxiter = 10 * b.size if maxiter is None else maxiter
    x = np.zeros_like(b) if x0 is None else np.array(x0, dtype=float)
    if x.shape != b.shape:
        raise ValueError(f"cg: x0 must have shape {b.shape}, got {x.shape}")
    r = b - matvec(x) if x0 is not None else b.copy()
    hist = {"resnorm": [float(np.linalg.norm(r))]}
    p = r.copy()
    for _ in range(maxiter):
        if hist["resnorm"][-1] <= tol * np.linalg.norm(b):
            break
        Ap = matvec(p)
        pAp = np.sum(p * Ap)
        if pAp <= 0:
            break
        x = x + (np.sum(r * p) / pAp) * p
        r = b - matvec(x)
        p = r - (np.sum(r * Ap) / pAp) * p
        hist["resnorm"].append(float(np.linalg.norm(r)))
    return x, hist


def newton_cg(fun, hessvec, x0, maxiter=20, tol=1e-8, cg_tol=1e-1, cg_maxiter=50):
    def direction(x, g):
        d, _ = cg(lambda v: hessvec(x, v), -g, tol=cg_tol, maxiter=cg_maxiter)
        return d if np.sum(d * g) < 0 else -np.asarray(g, dtype=float)

    return _descent(fun, x0, maxiter, tol, direction)
