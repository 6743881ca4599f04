"""Blind alternative A: Cholesky normal equations, thin SVD, stacked QR, textbook CGLS.

Routes: Blind alternative A: Cholesky (scipy cho_factor) on the normal equations, thin SVD with
filter factors, reduced QR of the stacked matrix for generalized Tikhonov, textbook steepest
descent and CGLS recurrences, centred-data SVD fit for the linear model. Written from API.md and
the student template only (not the tests, the reference or the mutants); copied unchanged.

Module 02: linear least squares, with examples as **columns** (``Y`` ``(n_f, n)``).
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp

__all__ = [
    "lstsq_normal",
    "lstsq_svd",
    "gen_tikhonov",
    "steepest_descent_lsq",
    "cgls",
    "fit_linear_model",
    "select_lambda",
]


def _alt1_check_AB(name, A, B):
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name}: A must be 2-D, got shape {A.shape}")
    if B.ndim not in (1, 2) or B.shape[0] != A.shape[0]:
        raise ValueError(f"{name}: B must have {A.shape[0]} rows, got shape {B.shape}")
    return A, B


def lstsq_normal(A: np.ndarray, B: np.ndarray, lam: float = 0.0) -> np.ndarray:
    """Regularized least squares through the normal equations (Cholesky).

    ``X = (A^T A + lam I)^{-1} A^T B``; ``X`` has as many dimensions as ``B``.
    Raises ``ValueError`` for bad shapes or ``lam < 0``.
    """
    A, B = _alt1_check_AB("lstsq_normal", A, B)
    if lam < 0:
        raise ValueError(f"lstsq_normal: lam must be >= 0, got {lam}")
    n = A.shape[1]
    M = A.T @ A + lam * np.eye(n)
    factor = scipy.linalg.cho_factor(M, lower=True)
    return scipy.linalg.cho_solve(factor, A.T @ B)


def lstsq_svd(
    A: np.ndarray, B: np.ndarray, lam: float = 0.0, rank: int | None = None
) -> np.ndarray:
    """(Truncated, filtered) least squares through the thin SVD ``A = U diag(s) V^T``.

    ``X = V diag(phi) U^T B`` with ``phi_i = s_i / (s_i^2 + lam)`` for the leading ``rank``
    singular values, 0 for the others; with ``lam == 0``, ``s_i <= max(m, n) eps s_1`` count as
    zero (minimum-norm solution). Raises ``ValueError`` for bad shapes, ``lam < 0``, ``rank < 1``.
    """
    A, B = _alt1_check_AB("lstsq_svd", A, B)
    if lam < 0:
        raise ValueError(f"lstsq_svd: lam must be >= 0, got {lam}")
    if rank is not None and rank < 1:
        raise ValueError(f"lstsq_svd: rank must be >= 1, got {rank}")
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    phi = np.zeros_like(s)
    if lam == 0:
        cut = max(m, n) * np.finfo(float).eps * (s[0] if s.size else 0.0)
        keep = s > cut
        phi[keep] = 1.0 / s[keep]
    else:
        phi = s / (s**2 + lam)
    if rank is not None:
        phi[min(int(rank), s.size) :] = 0.0
    coef = U.T @ B
    coef = phi * coef if B.ndim == 1 else phi[:, None] * coef
    return Vt.T @ coef


def gen_tikhonov(A: np.ndarray, B: np.ndarray, lam: float, G) -> np.ndarray:
    """Generalized Tikhonov regularization without squaring the condition number.

    Least-squares solution of the stacked system ``[A; sqrt(lam) G] X = [B; 0]`` by a reduced
    QR factorization and a triangular solve. Raises ``ValueError`` for bad shapes or ``lam <= 0``.
    """
    A, B = _alt1_check_AB("gen_tikhonov", A, B)
    if not lam > 0:
        raise ValueError(f"gen_tikhonov: lam must be > 0, got {lam}")
    Gd = G.toarray() if sp.issparse(G) else np.asarray(G, dtype=float)
    if Gd.ndim != 2 or Gd.shape[1] != A.shape[1]:
        raise ValueError(f"gen_tikhonov: G must have {A.shape[1]} columns, got shape {Gd.shape}")
    M = np.vstack([A, np.sqrt(lam) * Gd])
    zeros = np.zeros((Gd.shape[0],) + B.shape[1:])
    rhs = np.concatenate([B, zeros], axis=0)
    Q, R = np.linalg.qr(M, mode="reduced")
    return scipy.linalg.solve_triangular(R, Q.T @ rhs, lower=False)


def _alt1_vec(v):
    return np.asarray(v, dtype=float).ravel()


def steepest_descent_lsq(
    A, b: np.ndarray, x0: np.ndarray | None = None, maxiter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, dict]:
    """Steepest descent with exact line search for ``min 1/2||A x - b||^2``.

    ``x_{k+1} = x_k + alpha_k A^T r_k``, ``alpha_k = ||A^T r_k||^2 / ||A A^T r_k||^2``; stops when
    ``||A^T (b - A x_k)|| <= tol ||A^T b||`` or after ``maxiter`` steps. The residual is
    recomputed from ``x`` at every step. ``hist["resnorm"]``, ``hist["normal_resnorm"]``.
    """
    b = _alt1_vec(b)
    n = A.shape[1]
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float).ravel()
    atb_norm = np.linalg.norm(_alt1_vec(A.T @ b))
    r = b - _alt1_vec(A @ x)
    g = _alt1_vec(A.T @ r)
    hist = {"resnorm": [float(np.linalg.norm(r))], "normal_resnorm": [float(np.linalg.norm(g))]}
    for _ in range(int(maxiter)):
        gn = np.linalg.norm(g)
        if gn <= tol * atb_norm:
            break
        Ag = _alt1_vec(A @ g)
        den = np.dot(Ag, Ag)
        if den == 0:
            break
        x = x + (gn**2 / den) * g
        r = b - _alt1_vec(A @ x)
        g = _alt1_vec(A.T @ r)
        hist["resnorm"].append(float(np.linalg.norm(r)))
        hist["normal_resnorm"].append(float(np.linalg.norm(g)))
    return x, hist


def cgls(
    A,
    b: np.ndarray,
    lam: float = 0.0,
    x0: np.ndarray | None = None,
    maxiter: int | None = None,
    tol: float = 1e-10,
) -> tuple[np.ndarray, dict]:
    """Conjugate gradients for (damped) least squares (CGLS), products with ``A``, ``A^T`` only.

    Stops when ``||A^T (b - A x_k) - lam x_k|| <= tol ||A^T b||`` or after ``maxiter``
    (default ``n``) iterations. Histories ``resnorm``, ``xnorm``, ``normal_resnorm`` from the
    recurrences, index 0 being ``x0``.
    """
    b = _alt1_vec(b)
    n = A.shape[1]
    maxiter = n if maxiter is None else int(maxiter)
    AT = A.T
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float).ravel()
    atb_norm = np.linalg.norm(_alt1_vec(AT @ b))
    r = b - _alt1_vec(A @ x)
    s = _alt1_vec(AT @ r) - lam * x
    p = s.copy()
    gamma = np.dot(s, s)
    hist = {
        "resnorm": [float(np.linalg.norm(r))],
        "xnorm": [float(np.linalg.norm(x))],
        "normal_resnorm": [float(np.sqrt(gamma))],
    }
    for _ in range(maxiter):
        if np.sqrt(gamma) <= tol * atb_norm:
            break
        q = _alt1_vec(A @ p)
        delta = np.dot(q, q) + lam * np.dot(p, p)
        if delta <= 0:
            break
        alpha = gamma / delta
        x = x + alpha * p
        r = r - alpha * q
        s = _alt1_vec(AT @ r) - lam * x
        gamma_new = np.dot(s, s)
        p = s + (gamma_new / gamma) * p
        gamma = gamma_new
        hist["resnorm"].append(float(np.linalg.norm(r)))
        hist["xnorm"].append(float(np.linalg.norm(x)))
        hist["normal_resnorm"].append(float(np.sqrt(gamma)))
    return x, hist


def fit_linear_model(
    Y: np.ndarray, C: np.ndarray, lam: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Fit ``W Y + b 1^T ~ C`` with an unregularized bias.

    Centre ``Y`` and ``C`` by their column means, solve ``Yc^T W^T ~ Cc^T`` by :func:`lstsq_svd`
    (ridge ``lam``; minimum norm when not unique), then ``b = cbar - W ybar``.
    """
    Y = np.asarray(Y, dtype=float)
    C = np.asarray(C, dtype=float)
    ybar = Y.mean(axis=1)
    cbar = C.mean(axis=1)
    Yc = Y - ybar[:, None]
    Cc = C - cbar[:, None]
    W = lstsq_svd(Yc.T, Cc.T, lam).T
    b = cbar - W @ ybar
    return W, b


def select_lambda(
    Y_train: np.ndarray,
    C_train: np.ndarray,
    Y_val: np.ndarray,
    C_val: np.ndarray,
    lambdas,
) -> tuple[float, np.ndarray]:
    """Choose the regularization parameter by the relative validation misfit.

    ``errors[i] = ||W Y_val + b 1^T - C_val||_F / ||C_val||_F`` for the fit with ``lambdas[i]``;
    ``best`` is the first ``lam`` of smallest error.
    """
    lambdas = np.asarray(lambdas, dtype=float).ravel()
    C_val = np.asarray(C_val, dtype=float)
    Y_val = np.asarray(Y_val, dtype=float)
    cn = np.linalg.norm(C_val)
    errors = np.empty(lambdas.size)
    for i, lam in enumerate(lambdas):
        W, b = fit_linear_model(Y_train, C_train, lam)
        errors[i] = np.linalg.norm(W @ Y_val + b[:, None] - C_val) / cn
    best = float(lambdas[int(np.argmin(errors))])
    return best, errors
