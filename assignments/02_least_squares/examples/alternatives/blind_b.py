"""Blind alternative B: cho_solve, scipy SVD, stacked QR, histories from recomputed residuals.

Routes: Blind alternative B (alt2): normal equations by scipy.linalg.cho_factor/cho_solve, SVD
by scipy.linalg.svd with filter factors, generalized Tikhonov by scipy.linalg.qr of the stacked
system plus solve_triangular, residuals recomputed from x in steepest descent and for the CGLS
histories, linear models by centring plus stacked QR (lam > 0) or SVD (lam = 0). Written from
API.md and the student template only (not the tests, the reference or the mutants); copied
unchanged.

Module 02: linear least squares with examples as **columns** (``Y`` ``(n_f, n)``).
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

__all__ = [
    "lstsq_normal",
    "lstsq_svd",
    "gen_tikhonov",
    "steepest_descent_lsq",
    "cgls",
    "fit_linear_model",
    "select_lambda",
]


def _alt2_check_AB(name, A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name}: A must be 2-D, got shape {A.shape}")
    if B.ndim not in (1, 2) or B.shape[0] != A.shape[0]:
        raise ValueError(f"{name}: B must have {A.shape[0]} rows, got shape {B.shape}")
    return A, B


def lstsq_normal(A: np.ndarray, B: np.ndarray, lam: float = 0.0) -> np.ndarray:
    """``X = (A^T A + lam I)^{-1} A^T B`` through a Cholesky factorization (cho_factor).

    ``X`` has the number of dimensions of ``B``. Raises ``ValueError`` for bad shapes, ``lam < 0``.
    """
    A, B = _alt2_check_AB("lstsq_normal", A, B)
    if lam < 0:
        raise ValueError(f"lstsq_normal: lam must be >= 0, got {lam}")
    n = A.shape[1]
    M = A.T @ A
    M = 0.5 * (M + M.T)
    M[np.arange(n), np.arange(n)] += float(lam)
    factor = scipy.linalg.cho_factor(M, lower=False)
    return scipy.linalg.cho_solve(factor, A.T @ B)


def lstsq_svd(
    A: np.ndarray, B: np.ndarray, lam: float = 0.0, rank: int | None = None
) -> np.ndarray:
    """(Truncated, filtered) least squares through the SVD, ``X = V diag(phi) U^T B``.

    ``phi_i = s_i / (s_i^2 + lam)`` for the leading ``rank`` (capped at ``min(m, n)``) singular
    values, 0 for the others; with ``lam == 0``, ``s_i <= max(m, n) eps s_1`` count as zero
    (minimum-norm solution).
    """
    A, B = _alt2_check_AB("lstsq_svd", A, B)
    if lam < 0:
        raise ValueError(f"lstsq_svd: lam must be >= 0, got {lam}")
    if rank is not None and rank < 1:
        raise ValueError(f"lstsq_svd: rank must be >= 1, got {rank}")
    m, n = A.shape
    U, s, Vt = scipy.linalg.svd(A, full_matrices=False, lapack_driver="gesvd")
    p = s.size
    keep = np.ones(p, dtype=bool)
    if rank is not None:
        keep[min(int(rank), p) :] = False
    phi = np.zeros(p)
    if lam == 0:
        smax = s[0] if p else 0.0
        keep &= s > max(m, n) * np.finfo(float).eps * smax
        phi[keep] = 1.0 / s[keep]
    else:
        phi[keep] = s[keep] / (s[keep] ** 2 + float(lam))
    coef = U.T @ B
    if B.ndim == 1:
        return Vt.T @ (phi * coef)
    return Vt.T @ (phi[:, None] * coef)


def gen_tikhonov(A: np.ndarray, B: np.ndarray, lam: float, G) -> np.ndarray:
    """Minimizer of ``1/2||A X - B||^2 + lam/2||G X||^2`` as the least-squares solution of
    ``[A; sqrt(lam) G] X = [B; 0]`` by scipy.linalg.qr (economic) and a triangular solve.
    """
    A, B = _alt2_check_AB("gen_tikhonov", A, B)
    if not lam > 0:
        raise ValueError(f"gen_tikhonov: lam must be > 0, got {lam}")
    Gd = G.toarray() if sp.issparse(G) else np.asarray(G, dtype=float)
    if Gd.ndim != 2 or Gd.shape[1] != A.shape[1]:
        raise ValueError(f"gen_tikhonov: G must have {A.shape[1]} columns, got {Gd.shape}")
    p = Gd.shape[0]
    M = np.vstack([A, np.sqrt(float(lam)) * Gd])
    if B.ndim == 1:
        rhs = np.concatenate([B, np.zeros(p)])
    else:
        rhs = np.vstack([B, np.zeros((p, B.shape[1]))])
    Q, R = scipy.linalg.qr(M, mode="economic")
    return scipy.linalg.solve_triangular(R, Q.T @ rhs, lower=False)


def _alt2_ops(A):
    """Return (matvec, rmatvec, shape) using only A @ v / A.T @ w or matvec / rmatvec."""
    if isinstance(A, spla.LinearOperator):
        return (lambda v: np.asarray(A.matvec(v)).ravel(),
                lambda w: np.asarray(A.rmatvec(w)).ravel(), A.shape)
    if sp.issparse(A):
        At = A.T
        return (lambda v: np.asarray(A @ v).ravel(),
                lambda w: np.asarray(At @ w).ravel(), A.shape)
    Ad = np.asarray(A, dtype=float)
    return (lambda v: Ad @ v), (lambda w: Ad.T @ w), Ad.shape


def steepest_descent_lsq(
    A, b: np.ndarray, x0: np.ndarray | None = None, maxiter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, dict]:
    """Steepest descent with the exact step ``||A^T r||^2 / ||A A^T r||^2`` (min 1/2||Ax-b||^2).

    The residual ``r_k = b - A x_k`` is recomputed from ``x_k`` at every iterate. Stops when
    ``||A^T r_k|| <= tol ||A^T b||`` or after ``maxiter`` iterations. ``hist["resnorm"]`` and
    ``hist["normal_resnorm"]`` have one entry per iterate, index 0 being ``x0``.
    """
    mv, rmv, (m, n) = _alt2_ops(A)
    b = np.asarray(b, dtype=float).ravel()
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float).ravel()
    ref = np.linalg.norm(rmv(b))
    hist = {"resnorm": [], "normal_resnorm": []}
    k = 0
    while True:
        r = b - mv(x)
        s = rmv(r)
        ns = np.linalg.norm(s)
        hist["resnorm"].append(float(np.linalg.norm(r)))
        hist["normal_resnorm"].append(float(ns))
        if ns <= tol * ref or k >= maxiter:
            break
        As = mv(s)
        den = float(np.dot(As, As))
        if den == 0.0:
            break
        x = x + (ns * ns / den) * s
        k += 1
    return x, hist


def cgls(
    A,
    b: np.ndarray,
    lam: float = 0.0,
    x0: np.ndarray | None = None,
    maxiter: int | None = None,
    tol: float = 1e-10,
) -> tuple[np.ndarray, dict]:
    """CGLS for ``min 1/2||A x - b||^2 + lam/2||x||^2`` using only products with ``A``, ``A^T``.

    The iteration uses the usual recurrences; the history values (and the stopping test
    ``||A^T(b - A x_k) - lam x_k|| <= tol ||A^T b||``) are recomputed from ``x_k``.
    ``maxiter`` defaults to ``n``.
    """
    mv, rmv, (m, n) = _alt2_ops(A)
    b = np.asarray(b, dtype=float).ravel()
    lam = float(lam)
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float).ravel()
    if maxiter is None:
        maxiter = n
    ref = np.linalg.norm(rmv(b))
    hist = {"resnorm": [], "xnorm": [], "normal_resnorm": []}

    def record(x):
        rt = b - mv(x)
        st = rmv(rt) - lam * x
        nst = float(np.linalg.norm(st))
        hist["resnorm"].append(float(np.linalg.norm(rt)))
        hist["xnorm"].append(float(np.linalg.norm(x)))
        hist["normal_resnorm"].append(nst)
        return nst

    r = b - mv(x)
    s = rmv(r) - lam * x
    p = s.copy()
    gamma = float(np.dot(s, s))
    nst = record(x)
    k = 0
    while nst > tol * ref and k < maxiter:
        q = mv(p)
        delta = float(np.dot(q, q)) + lam * float(np.dot(p, p))
        if delta <= 0.0:
            break
        alpha = gamma / delta
        x = x + alpha * p
        r = r - alpha * q
        s = rmv(r) - lam * x
        gamma_new = float(np.dot(s, s))
        p = s + (gamma_new / gamma) * p
        gamma = gamma_new
        k += 1
        nst = record(x)
        if gamma == 0.0:
            break
    return x, hist


def fit_linear_model(
    Y: np.ndarray, C: np.ndarray, lam: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """``(W, b)`` minimizing ``1/2||W Y + b 1^T - C||_F^2 + lam/2||W||_F^2`` (bias not regularized).

    Route: centre the data; ``W^T`` from the stacked QR system ``[Yc^T; sqrt(lam) I]`` when
    ``lam > 0`` and from the minimum-norm SVD solution when ``lam == 0``; ``b = cbar - W ybar``.
    """
    Y = np.asarray(Y, dtype=float)
    C = np.asarray(C, dtype=float)
    ybar = Y.mean(axis=1)
    cbar = C.mean(axis=1)
    Yc = Y - ybar[:, None]
    Cc = C - cbar[:, None]
    if lam > 0:
        Wt = gen_tikhonov(Yc.T, Cc.T, lam, np.eye(Y.shape[0]))
    else:
        Wt = lstsq_svd(Yc.T, Cc.T)
    W = np.ascontiguousarray(Wt.T)
    b = cbar - W @ ybar
    return W, b


def select_lambda(
    Y_train: np.ndarray,
    C_train: np.ndarray,
    Y_val: np.ndarray,
    C_val: np.ndarray,
    lambdas,
) -> tuple[float, np.ndarray]:
    """Validation errors ``||W Y_val + b 1^T - C_val||_F / ||C_val||_F`` per ``lam``; the best
    (first on ties) ``lam`` as a float."""
    lambdas = [float(v) for v in np.asarray(lambdas, dtype=float).ravel()]
    C_val = np.asarray(C_val, dtype=float)
    cn = np.linalg.norm(C_val)
    errors = np.zeros(len(lambdas))
    for i, lam in enumerate(lambdas):
        W, b = fit_linear_model(Y_train, C_train, lam)
        errors[i] = np.linalg.norm(W @ np.asarray(Y_val, dtype=float) + b[:, None] - C_val) / cn
    best_i = 0
    for i in range(1, len(lambdas)):
        if errors[i] < errors[best_i]:
            best_i = i
    return float(lambdas[best_i]), errors
