"""Galerkin coarsening from sparse transfer matrices and conv1d_matrix; prolongation by
solving for the fine stencil in the least-squares sense on a larger grid.

``P`` and ``R`` are assembled with ``scipy.sparse`` on ``n_c = 6``, ``K_f`` is
``conv1d_matrix(theta, 12, "periodic")``; the coarse stencil is read off the first column of
``R K_f P`` (``K_c[1, 0] = theta_c[0]``, ``K_c[0, 0] = theta_c[1]``, ``K_c[n_c - 1, 0] =
theta_c[2]``). Prolongation matches ``R K_f(theta) P`` to ``K_c(theta_c)`` entry by entry: a
linear system in ``theta`` with 36 equations, solved by a QR factorization.
"""

import numpy as np
import scipy.sparse as sp

_N_C = 6


def _transfer(n_c):
    n_f = 2 * n_c
    rows, cols, vals = [], [], []
    for i in range(n_c):
        for off, w in ((-1, 0.25), (0, 0.75), (1, 0.75), (2, 0.25)):
            rows.append((2 * i + off) % n_f)
            cols.append(i)
            vals.append(w)
    P = sp.csr_matrix((vals, (rows, cols)), shape=(n_f, n_c))
    R = sp.csr_matrix(
        ([0.5] * n_f, (np.repeat(np.arange(n_c), 2), np.arange(n_f))), shape=(n_c, n_f)
    )
    return P, R


def _galerkin_matrix(theta, n_c):
    P, R = _transfer(n_c)
    K_f = conv1d_matrix(np.asarray(theta, dtype=float), 2 * n_c, "periodic")  # noqa: F821
    return R @ (K_f @ P.toarray())


def galerkin_coarsen(theta):
    K_c = _galerkin_matrix(theta, _N_C)
    return np.array([K_c[1, 0], K_c[0, 0], K_c[_N_C - 1, 0]])


def galerkin_prolong(theta_c):
    A = np.column_stack([_galerkin_matrix(e, _N_C).ravel() for e in np.eye(3)])
    rhs = conv1d_matrix(np.asarray(theta_c, dtype=float), _N_C, "periodic").ravel()  # noqa: F821
    Q, Rq = np.linalg.qr(A)
    return np.linalg.solve(Rq, Q.T @ rhs)
