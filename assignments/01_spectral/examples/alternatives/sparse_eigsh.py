"""Sparse graphs and ARPACK: kNN graphs as scipy.sparse, eigsh for the embedding, flipped signs."""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def squared_distances(Y):
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"Y must be 2-D (n_f, n), got shape {Y.shape}")
    diff = Y[:, :, None] - Y[:, None, :]
    return np.einsum("fij,fij->ij", diff, diff)


def similarity_graph(Y, sigma=1.0, kind="full", n_neighbors=10, eps=None):
    if kind not in ("full", "knn", "mutual", "eps"):
        raise ValueError(f"unknown kind {kind!r}")
    if kind == "eps" and eps is None:
        raise ValueError("kind='eps' requires eps")
    D = squared_distances(Y)
    n = D.shape[0]
    rows, cols = np.nonzero(~np.eye(n, dtype=bool))
    if kind == "eps":
        keep = D[rows, cols] <= eps**2
    elif kind == "full":
        keep = np.ones(rows.size, bool)
    else:
        kk = min(n_neighbors, n - 1)
        rank = np.argsort(np.argsort(D + np.diag(np.full(n, np.inf)), axis=1), axis=1)
        near = rank < kk
        keep = (near | near.T)[rows, cols] if kind == "knn" else (near & near.T)[rows, cols]
    rows, cols = rows[keep], cols[keep]
    return sp.csr_array((np.exp(-D[rows, cols] / sigma), (rows, cols)), shape=(n, n))


def spectral_embedding(L, k):
    n = L.shape[0]
    if not 1 <= k <= n:
        raise ValueError(f"k must be in 1..{n}")
    if k >= n - 1:
        A = L.toarray() if sp.issparse(L) else np.asarray(L, float)
        lam, V = np.linalg.eigh(0.5 * (A + A.T))
        return lam[:k], -V[:, :k].T
    lam, V = spla.eigsh(sp.csc_matrix(L), k=k, sigma=-1e-3, which="LM", v0=np.ones(n), tol=1e-12)
    order = np.argsort(lam)
    return lam[order], -V[:, order].T
