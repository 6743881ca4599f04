"""Explicit triangular solves, numpy's rank rule, recomputed residuals, aslinearoperator.

Differs from the reference: ``lstsq_normal`` factors with ``np.linalg.cholesky`` and does two
triangular solves; ``lstsq_svd`` counts the numerical rank first and works with the leading
triplets only; ``steepest_descent_lsq`` recomputes ``r = b - A x`` at every step;
``cgls`` wraps every input with ``scipy.sparse.linalg.aslinearoperator`` and tests the
stopping rule after each update (Björck's formulation with the residual of the damped
system ``[A; sqrt(lam) I]``).
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def _dense(A):
    A = np.asarray(A.toarray() if sp.issparse(A) else A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"A must be 2-D (m, n), got shape {A.shape}")
    return A


def _rhs(B, m):
    B = np.asarray(B, dtype=float)
    if B.ndim not in (1, 2) or B.shape[0] != m:
        raise ValueError(f"B must have shape ({m},) or ({m}, k), got {B.shape}")
    return B


def lstsq_normal(A, B, lam=0.0):
    A = _dense(A)
    B = _rhs(B, A.shape[0])
    L = np.linalg.cholesky(A.T @ A + float(lam) * np.eye(A.shape[1]))
    Z = scipy.linalg.solve_triangular(L, A.T @ B, lower=True)
    return scipy.linalg.solve_triangular(L.T, Z, lower=False)


def lstsq_svd(A, B, lam=0.0, rank=None):
    A = _dense(A)
    B = _rhs(B, A.shape[0])
    if rank is not None and rank < 1:
        raise ValueError("rank must be >= 1")
    U, s, Vt = scipy.linalg.svd(A, full_matrices=False)
    if lam == 0:
        r = int(np.sum(s > max(A.shape) * np.finfo(float).eps * s[0])) if s.size else 0
    else:
        r = s.size
    if rank is not None:
        r = min(r, int(rank))
    U, s, Vt = U[:, :r], s[:r], Vt[:r]
    return Vt.T @ np.einsum("i,i...->i...", s / (s**2 + lam), U.T @ B)


def steepest_descent_lsq(A, b, x0=None, maxiter=100, tol=1e-10):
    A = A if sp.issparse(A) else _dense(A)
    m, n = A.shape
    b = np.asarray(b, dtype=float)
    if b.shape != (m,):
        raise ValueError(f"b must have shape ({m},)")
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float)
    if x.shape != (n,):
        raise ValueError(f"x0 must have shape ({n},)")
    target = tol * np.linalg.norm(A.T @ b)
    hist = {"resnorm": []}
    for k in range(maxiter + 1):
        r = b - A @ x
        g = A.T @ r
        hist["resnorm"].append(float(np.linalg.norm(r)))
        if k == maxiter or np.linalg.norm(g) <= target:
            break
        Ag = A @ g
        x = x + (g @ g) / (Ag @ Ag) * g
    return x, hist


def cgls(A, b, lam=0.0, x0=None, maxiter=None, tol=1e-10):
    if not (isinstance(A, spla.LinearOperator) or sp.issparse(A)):
        A = _dense(A)
    Op = spla.aslinearoperator(A)
    m, n = Op.shape
    b = np.asarray(b, dtype=float)
    if b.shape != (m,):
        raise ValueError(f"b must have shape ({m},)")
    x = np.zeros(n) if x0 is None else np.array(x0, dtype=float)
    if x.shape != (n,):
        raise ValueError(f"x0 must have shape ({n},)")
    maxiter = n if maxiter is None else maxiter
    target = tol * np.linalg.norm(Op.rmatvec(b))
    r = b - Op.matvec(x)          # residual of the data part
    rl = -np.sqrt(lam) * x        # residual of the regularization part
    s = Op.rmatvec(r) + np.sqrt(lam) * rl
    p, gamma = s.copy(), s @ s
    hist = {"resnorm": [np.linalg.norm(r)], "xnorm": [np.linalg.norm(x)],
            "normal_resnorm": [np.sqrt(gamma)]}
    k = 0
    while k < maxiter and np.sqrt(gamma) > target and gamma > 0:
        q, ql = Op.matvec(p), np.sqrt(lam) * p
        alpha = gamma / (q @ q + ql @ ql)
        x, r, rl = x + alpha * p, r - alpha * q, rl - alpha * ql
        s = Op.rmatvec(r) + np.sqrt(lam) * rl
        gamma, gamma_old = s @ s, gamma
        p = s + gamma / gamma_old * p
        k += 1
        hist["resnorm"].append(np.linalg.norm(r))
        hist["xnorm"].append(np.linalg.norm(x))
        hist["normal_resnorm"].append(np.sqrt(gamma))
    return x, hist
