"""Module 02: linear least squares.

Normal equations, the SVD and its filters, generalized Tikhonov regularization, steepest
descent and CGLS for ``min 1/2||A x - b||^2 (+ lam/2||x||^2)``, and linear models
``W Y + b 1^T ~ C`` fitted to data with examples as **columns** (``Y`` ``(n_f, n)``).
"""

from __future__ import annotations

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

# BEGIN SOLUTION


def _as_dense_matrix(name: str, A) -> np.ndarray:
    """``A`` as a 2-D float array (sparse input is densified)."""
    if sp.issparse(A):
        A = A.toarray()
    A = np.asarray(A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (m, n), got shape {A.shape}")
    return A


def _as_rhs(name: str, B, m: int) -> tuple[np.ndarray, bool]:
    """``B`` as an ``(m, k)`` array, and whether it was a vector ``(m,)``."""
    B = np.asarray(B, dtype=float)
    if B.ndim == 1 and B.shape[0] == m:
        return B[:, None], True
    if B.ndim == 2 and B.shape[0] == m:
        return B, False
    raise ValueError(f"{name} must have shape ({m},) or ({m}, k), got shape {B.shape}")


def _check_lam(lam, strict: bool = False) -> float:
    lam = float(lam)
    if not np.isfinite(lam) or lam < 0 or (strict and lam == 0):
        bound = "> 0" if strict else ">= 0"
        raise ValueError(f"lam must be a finite number {bound}, got {lam}")
    return lam


def _as_operator(name: str, A):
    """``(matvec, rmatvec, m, n)`` for a dense array, a sparse matrix or a LinearOperator."""
    if isinstance(A, spla.LinearOperator):
        if len(A.shape) != 2:
            raise ValueError(f"{name} must be 2-D (m, n), got shape {A.shape}")
        return A.matvec, A.rmatvec, A.shape[0], A.shape[1]
    if not sp.issparse(A):
        A = _as_dense_matrix(name, A)
    elif A.ndim != 2:
        raise ValueError(f"{name} must be 2-D (m, n), got shape {A.shape}")
    else:
        # compressed along the shorter dimension: both products then loop over min(m, n)
        # rows or columns (CSC for a tall A makes A^T a CSR view), converted once
        A = A.tocsc() if A.shape[0] > A.shape[1] else A.tocsr()
    At = A.T  # formed once (a sparse transpose is a new object)
    return (lambda v: A @ v), (lambda w: At @ w), A.shape[0], A.shape[1]


def _as_vector(name: str, v, size: int) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    if v.shape != (size,):
        raise ValueError(f"{name} must have shape ({size},), got shape {v.shape}")
    return v.copy()


def _as_data(Y, C) -> tuple[np.ndarray, np.ndarray]:
    Y = np.asarray(Y, dtype=float)
    C = np.asarray(C, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"Y must be 2-D (n_f, n) with examples as columns, got shape {Y.shape}")
    if C.ndim != 2 or C.shape[1] != Y.shape[1]:
        raise ValueError(f"C must have shape (n_c, {Y.shape[1]}), got shape {C.shape}")
    return Y, C


# END SOLUTION


def lstsq_normal(A: np.ndarray, B: np.ndarray, lam: float = 0.0) -> np.ndarray:
    """Regularized least squares through the normal equations (Cholesky).

    ``X = (A^T A + lam I)^{-1} A^T B`` minimizes ``1/2||A X - B||_F^2 + lam/2||X||_F^2``.

    Parameters
    ----------
    A : ndarray, shape (m, n)
        Full column rank when ``lam == 0``.
    B : ndarray, shape (m,) or (m, k)
        One or several right-hand sides (columns).
    lam : float
        Regularization parameter, ``>= 0``.

    Returns
    -------
    X : ndarray, shape (n,) or (n, k)
        Same number of dimensions as ``B``.

    Raises
    ------
    ValueError
        If ``A`` is not 2-D, ``B`` does not have ``m`` rows, or ``lam < 0``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    # BEGIN SOLUTION
    A = _as_dense_matrix("A", A)
    B2, was_vector = _as_rhs("B", B, A.shape[0])
    lam = _check_lam(lam)
    M = A.T @ A
    M[np.diag_indices_from(M)] += lam
    X = scipy.linalg.cho_solve(scipy.linalg.cho_factor(M), A.T @ B2)
    return X[:, 0] if was_vector else X
    # END SOLUTION


def lstsq_svd(
    A: np.ndarray, B: np.ndarray, lam: float = 0.0, rank: int | None = None
) -> np.ndarray:
    """(Truncated, filtered) least squares through the SVD ``A = U diag(s) V^T``.

    ``X = V diag(phi) U^T B`` with filter factors ``phi_i = s_i / (s_i^2 + lam)`` for the
    leading ``rank`` singular values and ``phi_i = 0`` for the others; with ``lam == 0``,
    singular values ``s_i <= max(m, n) eps s_1`` count as zero (``phi_i = 0``), which gives
    the minimum-norm solution for a rank-deficient ``A``.

    Parameters
    ----------
    A : ndarray, shape (m, n)
    B : ndarray, shape (m,) or (m, k)
    lam : float
        Regularization parameter, ``>= 0``.
    rank : int, optional
        Number of singular triplets kept (truncated SVD), ``>= 1``; capped at ``min(m, n)``.

    Returns
    -------
    X : ndarray, shape (n,) or (n, k)

    Raises
    ------
    ValueError
        For bad shapes, ``lam < 0`` or ``rank < 1``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    # BEGIN SOLUTION
    A = _as_dense_matrix("A", A)
    B2, was_vector = _as_rhs("B", B, A.shape[0])
    lam = _check_lam(lam)
    m, n = A.shape
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    if lam > 0:
        phi = s / (s**2 + lam)
    else:
        cutoff = max(m, n) * np.finfo(float).eps * (s[0] if s.size else 0.0)
        phi = np.divide(1.0, s, out=np.zeros_like(s), where=s > cutoff)
    if rank is not None:
        rank = int(rank)
        if rank < 1:
            raise ValueError(f"rank must be a positive integer, got {rank}")
        phi[min(rank, s.size) :] = 0.0
    X = Vt.T @ (phi[:, None] * (U.T @ B2))
    return X[:, 0] if was_vector else X
    # END SOLUTION


def gen_tikhonov(A: np.ndarray, B: np.ndarray, lam: float, G) -> np.ndarray:
    """Generalized Tikhonov regularization without squaring the condition number.

    ``X`` minimizes ``1/2||A X - B||_F^2 + lam/2||G X||_F^2``, i.e. solves
    ``(A^T A + lam G^T G) X = A^T B``; computed as the least-squares solution of the stacked
    system ``[A; sqrt(lam) G] X = [B; 0]`` by a QR factorization.

    Parameters
    ----------
    A : ndarray, shape (m, n)
    B : ndarray, shape (m,) or (m, k)
    lam : float
        Regularization parameter, ``> 0``.
    G : ndarray or scipy.sparse, shape (p, n)
        Regularization operator; the null spaces of ``A`` and ``G`` meet only in 0.

    Returns
    -------
    X : ndarray, shape (n,) or (n, k)

    Raises
    ------
    ValueError
        For bad shapes or ``lam <= 0``.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    # BEGIN SOLUTION
    A = _as_dense_matrix("A", A)
    B2, was_vector = _as_rhs("B", B, A.shape[0])
    lam = _check_lam(lam, strict=True)
    G = _as_dense_matrix("G", G)
    n = A.shape[1]
    if G.shape[1] != n:
        raise ValueError(f"G must have shape (p, {n}), got shape {G.shape}")
    M = np.vstack([A, np.sqrt(lam) * G])
    R = np.vstack([B2, np.zeros((G.shape[0], B2.shape[1]))])
    Q, Rf = np.linalg.qr(M, mode="reduced")
    X = scipy.linalg.solve_triangular(Rf, Q.T @ R)
    return X[:, 0] if was_vector else X
    # END SOLUTION


def steepest_descent_lsq(
    A, b: np.ndarray, x0: np.ndarray | None = None, maxiter: int = 100, tol: float = 1e-10
) -> tuple[np.ndarray, dict]:
    """Steepest descent with exact line search for ``min 1/2||A x - b||^2``.

    ``x_{k+1} = x_k + alpha_k A^T r_k``, ``r_k = b - A x_k``,
    ``alpha_k = ||A^T r_k||^2 / ||A A^T r_k||^2``.

    Parameters
    ----------
    A : ndarray or scipy.sparse, shape (m, n)
    b : ndarray, shape (m,)
    x0 : ndarray, shape (n,), optional
        Starting point (default 0).
    maxiter : int
        Maximum number of iterations.
    tol : float
        Stops as soon as ``||A^T (b - A x_k)|| <= tol ||A^T b||``.

    Returns
    -------
    x : ndarray, shape (n,)
    hist : dict
        ``hist["resnorm"][k] = ||b - A x_k||``, index 0 being ``x0``; also
        ``hist["normal_resnorm"][k] = ||A^T (b - A x_k)||``.
    """
    # BEGIN SOLUTION
    matvec, rmatvec, m, n = _as_operator("A", A)
    b = _as_vector("b", b, m)
    x = np.zeros(n) if x0 is None else _as_vector("x0", x0, n)
    target = tol * np.linalg.norm(rmatvec(b))
    r = b - matvec(x)
    g = rmatvec(r)
    hist = {"resnorm": [float(np.linalg.norm(r))], "normal_resnorm": [float(np.linalg.norm(g))]}
    for _ in range(int(maxiter)):
        if hist["normal_resnorm"][-1] <= target:
            break
        Ag = matvec(g)
        alpha = (g @ g) / (Ag @ Ag)
        x = x + alpha * g
        r = r - alpha * Ag
        g = rmatvec(r)
        hist["resnorm"].append(float(np.linalg.norm(r)))
        hist["normal_resnorm"].append(float(np.linalg.norm(g)))
    return x, hist
    # END SOLUTION


def cgls(
    A,
    b: np.ndarray,
    lam: float = 0.0,
    x0: np.ndarray | None = None,
    maxiter: int | None = None,
    tol: float = 1e-10,
) -> tuple[np.ndarray, dict]:
    """Conjugate gradients for least squares (CGLS), optionally damped.

    Solves ``min 1/2||A x - b||^2 + lam/2||x||^2``, i.e. ``(A^T A + lam I) x = A^T b``, using
    only products with ``A`` and ``A^T``.

    Parameters
    ----------
    A : ndarray, scipy.sparse or scipy.sparse.linalg.LinearOperator, shape (m, n)
    b : ndarray, shape (m,)
    lam : float
        Damping parameter, ``>= 0``.
    x0 : ndarray, shape (n,), optional
        Starting point (default 0).
    maxiter : int, optional
        Maximum number of iterations (default ``n``).
    tol : float
        Stops as soon as ``||A^T (b - A x_k) - lam x_k|| <= tol ||A^T b||``.

    Returns
    -------
    x : ndarray, shape (n,)
    hist : dict
        One entry per iterate, index 0 being ``x0``: ``"resnorm"`` ``||b - A x_k||``,
        ``"xnorm"`` ``||x_k||``, ``"normal_resnorm"`` ``||A^T (b - A x_k) - lam x_k||``.
    """
    # BEGIN SOLUTION
    matvec, rmatvec, m, n = _as_operator("A", A)
    b = _as_vector("b", b, m)
    lam = _check_lam(lam)
    maxiter = n if maxiter is None else int(maxiter)
    x = np.zeros(n) if x0 is None else _as_vector("x0", x0, n)
    target = tol * np.linalg.norm(rmatvec(b))
    r = b - matvec(x)
    s = rmatvec(r) - lam * x
    p = s.copy()
    gamma = s @ s
    hist = {
        "resnorm": [float(np.sqrt(r @ r))],
        "xnorm": [float(np.sqrt(x @ x))],
        "normal_resnorm": [float(np.sqrt(gamma))],
    }
    for _ in range(maxiter):
        if np.sqrt(gamma) <= target or gamma == 0:
            break
        q = matvec(p)
        delta = q @ q + lam * (p @ p)
        alpha = gamma / delta
        x += alpha * p
        r -= alpha * q
        s = rmatvec(r) - lam * x
        gamma_new = s @ s
        p = s + (gamma_new / gamma) * p
        gamma = gamma_new
        hist["resnorm"].append(float(np.sqrt(r @ r)))
        hist["xnorm"].append(float(np.sqrt(x @ x)))
        hist["normal_resnorm"].append(float(np.sqrt(gamma)))
    return x, hist
    # END SOLUTION


def fit_linear_model(
    Y: np.ndarray, C: np.ndarray, lam: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Fit a linear model with an unregularized bias by least squares.

    ``(W, b)`` minimizes ``1/2||W Y + b 1^T - C||_F^2 + lam/2||W||_F^2``; with centred data
    ``Yc = Y - ybar 1^T``, ``Cc = C - cbar 1^T``: ``W^T = argmin 1/2||Yc^T W^T - Cc^T||^2 +
    lam/2||W^T||^2`` (minimum norm when not unique) and ``b = cbar - W ybar``.

    Parameters
    ----------
    Y : ndarray, shape (n_f, n)
        Features, one example per column.
    C : ndarray, shape (n_c, n)
        Targets, one example per column.
    lam : float
        Regularization parameter for ``W``, ``>= 0``.

    Returns
    -------
    W : ndarray, shape (n_c, n_f)
    b : ndarray, shape (n_c,)
    """
    # BEGIN SOLUTION
    Y, C = _as_data(Y, C)
    lam = _check_lam(lam)
    ybar = Y.mean(axis=1)
    cbar = C.mean(axis=1)
    Wt = lstsq_svd((Y - ybar[:, None]).T, (C - cbar[:, None]).T, lam=lam)
    W = Wt.T
    return W, cbar - W @ ybar
    # END SOLUTION


def select_lambda(
    Y_train: np.ndarray,
    C_train: np.ndarray,
    Y_val: np.ndarray,
    C_val: np.ndarray,
    lambdas,
) -> tuple[float, np.ndarray]:
    """Choose the regularization parameter by validation.

    For each ``lam``: ``(W, b) = fit_linear_model(Y_train, C_train, lam)`` and
    ``errors[i] = ||W Y_val + b 1^T - C_val||_F / ||C_val||_F``.

    Parameters
    ----------
    Y_train : ndarray, shape (n_f, n_train)
    C_train : ndarray, shape (n_c, n_train)
    Y_val : ndarray, shape (n_f, n_val)
    C_val : ndarray, shape (n_c, n_val)
    lambdas : sequence of float, length L
        Candidate values, each ``>= 0``.

    Returns
    -------
    best : float
        The ``lam`` with the smallest validation error (the first one on ties).
    errors : ndarray, shape (L,)
        Relative validation misfits.
    """
    # BEGIN SOLUTION
    Y_train, C_train = _as_data(Y_train, C_train)
    Y_val, C_val = _as_data(Y_val, C_val)
    if Y_val.shape[0] != Y_train.shape[0] or C_val.shape[0] != C_train.shape[0]:
        raise ValueError(
            f"Y_val, C_val must have {Y_train.shape[0]} and {C_train.shape[0]} rows, got "
            f"shapes {Y_val.shape} and {C_val.shape}"
        )
    lambdas = np.asarray(lambdas, dtype=float).ravel()
    if lambdas.size == 0:
        raise ValueError("lambdas must contain at least one value")
    norm_val = np.linalg.norm(C_val)
    errors = np.empty(lambdas.size)
    for i, lam in enumerate(lambdas):
        W, b = fit_linear_model(Y_train, C_train, lam)
        errors[i] = np.linalg.norm(W @ Y_val + b[:, None] - C_val) / norm_val
    return float(lambdas[int(np.argmin(errors))]), errors
    # END SOLUTION
