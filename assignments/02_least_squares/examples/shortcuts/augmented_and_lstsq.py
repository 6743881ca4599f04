"""Formerly a correct alternative: gen_tikhonov by scipy.linalg.lstsq, fit_linear_model by
numpy.linalg.lstsq.

Normal equations by LU, gen_tikhonov by an SVD-based solver, the bias as an augmented row.

Differs from the reference: ``lstsq_normal`` uses ``np.linalg.solve`` (LU) on the normal
equations; ``gen_tikhonov`` calls ``scipy.linalg.lstsq`` (SVD, gelsd) on the stacked system;
``fit_linear_model`` works with ``A = [Y^T 1]`` and ``G = [I 0]`` (for ``lam = 0`` the
minimum-norm ``[W b]``, another minimizer than the reference's when ``Y`` is rank deficient);
``select_lambda`` factors the centred training data once and reuses its SVD for every lambda.

Loses: q3 q6
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp


def _rhs(B, m):
    B = np.asarray(B, dtype=float)
    if B.ndim not in (1, 2) or B.shape[0] != m:
        raise ValueError(f"B must have shape ({m},) or ({m}, k), got {B.shape}")
    return B


def _mat(name, A):
    A = np.asarray(A.toarray() if sp.issparse(A) else A, dtype=float)
    if A.ndim != 2:
        raise ValueError(f"{name} must be 2-D (m, n), got shape {A.shape}")
    return A


def lstsq_normal(A, B, lam=0.0):
    A = _mat("A", A)
    B = _rhs(B, A.shape[0])
    if lam < 0:
        raise ValueError("lam must be >= 0")
    return np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ B)


def gen_tikhonov(A, B, lam, G):
    A = _mat("A", A)
    B = _rhs(B, A.shape[0])
    G = _mat("G", G)
    if G.shape[1] != A.shape[1]:
        raise ValueError(f"G must have shape (p, {A.shape[1]}), got {G.shape}")
    if not lam > 0:
        raise ValueError("lam must be > 0")
    M = np.vstack([A, np.sqrt(lam) * G])
    Z = np.zeros((G.shape[0],) + B.shape[1:])
    return scipy.linalg.lstsq(M, np.concatenate([B, Z]))[0]


def fit_linear_model(Y, C, lam=0.0):
    Y, C = np.asarray(Y, dtype=float), np.asarray(C, dtype=float)
    if Y.ndim != 2 or C.ndim != 2 or C.shape[1] != Y.shape[1]:
        raise ValueError(f"Y (n_f, n) and C (n_c, n) must match, got {Y.shape} and {C.shape}")
    n_f, n = Y.shape
    A = np.hstack([Y.T, np.ones((n, 1))])
    if lam > 0:
        G = np.hstack([np.eye(n_f), np.zeros((n_f, 1))])
        Wb = gen_tikhonov(A, C.T, lam, G).T
    else:
        Wb = np.linalg.lstsq(A, C.T, rcond=None)[0].T
    return Wb[:, :n_f], Wb[:, n_f]


def select_lambda(Y_train, C_train, Y_val, C_val, lambdas):
    Yt, Ct = np.asarray(Y_train, dtype=float), np.asarray(C_train, dtype=float)
    Yv, Cv = np.asarray(Y_val, dtype=float), np.asarray(C_val, dtype=float)
    if Yt.ndim != 2 or Ct.ndim != 2 or Ct.shape[1] != Yt.shape[1]:
        raise ValueError("Y_train (n_f, n) and C_train (n_c, n) must match")
    ybar, cbar = Yt.mean(axis=1), Ct.mean(axis=1)
    U, s, Vt = np.linalg.svd((Yt - ybar[:, None]).T, full_matrices=False)
    UtC = U.T @ (Ct - cbar[:, None]).T
    cutoff = max(Yt.shape) * np.finfo(float).eps * s[0]
    lambdas = [float(v) for v in np.ravel(lambdas)]
    errors = []
    for lam in lambdas:
        if lam > 0:
            phi = s / (s**2 + lam)
        else:
            phi = np.where(s > cutoff, 1.0 / np.where(s > cutoff, s, 1.0), 0.0)
        W = (Vt.T @ (phi[:, None] * UtC)).T
        R = W @ Yv + (cbar - W @ ybar)[:, None] - Cv
        errors.append(np.linalg.norm(R) / np.linalg.norm(Cv))
    errors = np.array(errors)
    return lambdas[int(np.argmin(errors))], errors
