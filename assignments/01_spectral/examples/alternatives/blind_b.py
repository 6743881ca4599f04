"""Blind alternative B: looped distances, sparse CSR graphs and Laplacian, eigh, spsolve.

Routes: Blind alternative B (alt2): distances by an explicit loop over examples (upper triangle,
mirrored), knn/eps graphs as scipy.sparse CSR, Laplacian through scipy.sparse diagonals,
scipy.linalg.eigh(subset_by_index) for the embedding, k-means with per-cluster distance loops,
semi-supervised system solved by spsolve. Written from API.md and the student template only (not
the tests, the reference or the mutants); copied unchanged.

Module 01: spectral clustering. Points are the **columns** of ``Y`` ``(n_f, n)``.
"""

import numpy as np
import scipy.linalg
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from numdl.utils import as_rng

__all__ = [
    "squared_distances",
    "similarity_graph",
    "graph_laplacian",
    "spectral_embedding",
    "kmeans",
    "spectral_clustering",
    "semi_supervised",
]


def squared_distances(Y: np.ndarray) -> np.ndarray:
    """Pairwise squared distances of the columns of ``Y`` (``D[i, j] = ||y_i - y_j||^2``).

    Route: an explicit loop over examples; row ``i`` gets the sums of squared differences to
    the points ``j > i`` and is mirrored, so ``D`` is exactly symmetric, zero on the diagonal
    and non-negative (no Gram-matrix cancellation).
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"squared_distances: Y must be 2-D, got shape {Y.shape}")
    n = Y.shape[1]
    D = np.zeros((n, n))
    for i in range(n - 1):
        diff = Y[:, i + 1 :] - Y[:, i : i + 1]
        row = np.einsum("ij,ij->j", diff, diff)
        D[i, i + 1 :] = row
        D[i + 1 :, i] = row
    return D


def similarity_graph(
    Y: np.ndarray,
    sigma: float = 1.0,
    kind: str = "full",
    n_neighbors: int = 10,
    eps: float | None = None,
) -> np.ndarray:
    """Weighted similarity graph of the columns of ``Y``, weights ``exp(-||y_i - y_j||^2 / sigma)``.

    ``"full"`` returns a dense array; ``"knn"``, ``"mutual"`` and ``"eps"`` return a
    scipy.sparse CSR matrix (allowed by the contract). ``n_neighbors >= n`` means all others.
    Raises ``ValueError`` for an unknown ``kind``, ``sigma <= 0`` or ``"eps"`` without ``eps``.
    """
    if kind not in ("full", "knn", "mutual", "eps"):
        raise ValueError(f"similarity_graph: unknown kind {kind!r}")
    if not sigma > 0:
        raise ValueError(f"similarity_graph: sigma must be > 0, got {sigma}")
    if kind == "eps" and eps is None:
        raise ValueError("similarity_graph: kind='eps' requires eps")
    D = squared_distances(Y)
    n = D.shape[0]
    if kind == "full":
        Wg = np.exp(-D / sigma)
        np.fill_diagonal(Wg, 0.0)
        return Wg
    if kind == "eps":
        mask = D <= float(eps) ** 2
        np.fill_diagonal(mask, False)
        mask = mask | mask.T
    else:
        k = min(int(n_neighbors), n - 1)
        near = np.zeros((n, n), dtype=bool)
        for i in range(n):
            d = D[i].copy()
            d[i] = np.inf
            if k > 0:
                nb = np.argsort(d, kind="stable")[:k]
                near[i, nb] = True
        mask = (near | near.T) if kind == "knn" else (near & near.T)
    rows, cols = np.nonzero(mask)
    vals = np.exp(-D[rows, cols] / sigma)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n, n))


def _alt2_same_flavour_diag(Wg, d):
    if isinstance(Wg, sp.sparray):
        return sp.diags_array(d, format="csr")
    return sp.diags(d, format="csr")


def graph_laplacian(Wg, normalized: bool = False):
    """Graph Laplacian ``L = D - Wg`` (or ``I - D^{-1/2} Wg D^{-1/2}``, isolated: ``L_ii = 1``).

    Sparse input gives sparse CSR output of the same flavour (matrix or array); dense gives dense.
    """
    if sp.issparse(Wg):
        W = Wg.tocsr().astype(float)
        d = np.asarray(W.sum(axis=1)).ravel()
        if not normalized:
            return (_alt2_same_flavour_diag(Wg, d) - W).tocsr()
        s = np.zeros_like(d)
        pos = d > 0
        s[pos] = 1.0 / np.sqrt(d[pos])
        S = _alt2_same_flavour_diag(Wg, s)
        I = _alt2_same_flavour_diag(Wg, np.ones(d.size))
        return (I - S @ W @ S).tocsr()
    W = np.asarray(Wg, dtype=float)
    n = W.shape[0]
    d = np.array([W[i].sum() for i in range(n)])
    if not normalized:
        L = -W.copy()
        L[np.arange(n), np.arange(n)] += d
        return L
    s = np.zeros_like(d)
    pos = d > 0
    s[pos] = 1.0 / np.sqrt(d[pos])
    L = -(s[:, None] * W * s[None, :])
    L[np.arange(n), np.arange(n)] += 1.0
    return L


def spectral_embedding(L, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` smallest eigenpairs of a Laplacian: ``lam`` ``(k,)`` ascending, ``U`` ``(k, n)``.

    Route: densify and call ``scipy.linalg.eigh`` with ``subset_by_index=[0, k-1]`` on the
    exactly symmetrized matrix.
    """
    Ld = L.toarray() if sp.issparse(L) else np.array(L, dtype=float)
    Ld = 0.5 * (Ld + Ld.T)
    n = Ld.shape[0]
    k = int(k)
    lam, V = scipy.linalg.eigh(Ld, subset_by_index=[0, k - 1])
    order = np.argsort(lam, kind="stable")
    lam = lam[order]
    V = V[:, order]
    return np.asarray(lam, dtype=float), np.ascontiguousarray(V.T).reshape(k, n)


def _alt2_assign(Y, centers):
    """Nearest center (first on ties) and the squared distance, by a loop over centers."""
    n = Y.shape[1]
    k = centers.shape[1]
    best = np.full(n, np.inf)
    labels = np.zeros(n, dtype=int)
    for j in range(k):
        diff = Y - centers[:, j : j + 1]
        dj = np.einsum("ij,ij->j", diff, diff)
        better = dj < best
        best[better] = dj[better]
        labels[better] = j
    return labels, best


def _alt2_objective(Y, labels, centers):
    diff = Y - centers[:, labels]
    return float(np.sum(diff * diff))


def kmeans(
    Y: np.ndarray, k: int, max_iter: int = 100, rng=None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Lloyd's k-means with k-means++ seeding on the columns of ``Y``.

    ``hist["objective"]``: objective after assigning to the seeds, then one entry per
    iteration (update centers, reassign). Stops when no label changes or after ``max_iter``
    iterations; an empty cluster keeps its previous center.
    """
    Y = np.asarray(Y, dtype=float)
    rng = as_rng(rng)
    n_f, n = Y.shape
    k = int(k)
    centers = np.zeros((n_f, k))
    first = int(rng.integers(n))
    centers[:, 0] = Y[:, first]
    diff = Y - centers[:, :1]
    dmin = np.einsum("ij,ij->j", diff, diff)
    for j in range(1, k):
        tot = dmin.sum()
        if tot > 0:
            p = dmin / tot
            idx = int(rng.choice(n, p=p))
        else:
            idx = int(rng.integers(n))
        centers[:, j] = Y[:, idx]
        diff = Y - centers[:, j : j + 1]
        dmin = np.minimum(dmin, np.einsum("ij,ij->j", diff, diff))
    labels, _ = _alt2_assign(Y, centers)
    hist = {"objective": [_alt2_objective(Y, labels, centers)]}
    for _ in range(int(max_iter)):
        new_centers = centers.copy()
        for j in range(k):
            members = labels == j
            if np.any(members):
                new_centers[:, j] = Y[:, members].mean(axis=1)
        centers = new_centers
        new_labels, _ = _alt2_assign(Y, centers)
        changed = not np.array_equal(new_labels, labels)
        labels = new_labels
        hist["objective"].append(_alt2_objective(Y, labels, centers))
        if not changed:
            break
    return labels, centers, hist


def spectral_clustering(
    Y: np.ndarray,
    k: int,
    sigma: float = 1.0,
    kind: str = "knn",
    n_neighbors: int = 10,
    eps: float | None = None,
    normalized: bool = True,
    n_init: int = 10,
    rng=None,
) -> np.ndarray:
    """Spectral clustering of the columns of ``Y`` into ``k`` clusters (graph, Laplacian,
    embedding, unit columns when ``normalized``, best of ``n_init`` k-means runs)."""
    rng = as_rng(rng)
    Wg = similarity_graph(Y, sigma=sigma, kind=kind, n_neighbors=n_neighbors, eps=eps)
    L = graph_laplacian(Wg, normalized=normalized)
    _, U = spectral_embedding(L, k)
    if normalized:
        norms = np.sqrt(np.einsum("ij,ij->j", U, U))
        norms[norms == 0] = 1.0
        U = U / norms[None, :]
    best_labels, best_obj = None, np.inf
    for _ in range(max(1, int(n_init))):
        labels, _, hist = kmeans(U, k, rng=rng)
        obj = hist["objective"][-1]
        if best_labels is None or obj < best_obj:
            best_labels, best_obj = labels, obj
    return best_labels


def semi_supervised(L, idx: np.ndarray, c: np.ndarray, alpha: float) -> np.ndarray:
    """Solve ``(P^T P + alpha L) f = P^T c`` (sparse assembly, ``spsolve``)."""
    idx = np.asarray(idx, dtype=int).ravel()
    c = np.asarray(c, dtype=float).ravel()
    Ls = sp.csc_matrix(L.toarray() if sp.issparse(L) else np.asarray(L, dtype=float))
    n = Ls.shape[0]
    p = idx.size
    P = sp.csr_matrix((np.ones(p), (np.arange(p), idx)), shape=(p, n))
    A = (P.T @ P + float(alpha) * Ls).tocsc()
    rhs = P.T @ c
    f = spla.spsolve(A, rhs)
    return np.asarray(f, dtype=float).reshape(n)
