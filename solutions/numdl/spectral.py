"""Module 01: spectral clustering.

Graphs from point clouds, graph Laplacians, their spectra, k-means and spectral clustering,
and semi-supervised labelling. Points are the **columns** of ``Y`` ``(n_f, n)``.
"""

from __future__ import annotations

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

# BEGIN SOLUTION


def _as_points(name: str, Y) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(
            f"{name} must be a 2-D array (n_f, n) with points as columns, got shape {Y.shape}"
        )
    return Y


def _as_square(name: str, A):
    if sp.issparse(A):
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"{name} must be square (n, n), got shape {A.shape}")
        return A
    A = np.asarray(A, dtype=float)
    if A.ndim != 2 or A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be square (n, n), got shape {A.shape}")
    return A


def _sq_dist_to(Y: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """``(k, n)`` squared distances between the columns of ``centers`` and of ``Y``."""
    D = np.sum(centers**2, axis=0)[:, None] - 2.0 * centers.T @ Y + np.sum(Y**2, axis=0)[None, :]
    return np.maximum(D, 0.0)


# END SOLUTION


def squared_distances(Y: np.ndarray) -> np.ndarray:
    """Pairwise squared distances of the columns of ``Y``.

    ``D[i, j] = ||y_i - y_j||^2``.

    Parameters
    ----------
    Y : ndarray, shape (n_f, n)
        Points as columns.

    Returns
    -------
    D : ndarray, shape (n, n)
        Symmetric, exactly zero on the diagonal, never negative.

    Raises
    ------
    ValueError
        If ``Y`` is not 2-D.
        The reference's own argument checks: inputs outside the preconditions are not graded.
    """
    # BEGIN SOLUTION
    Y = _as_points("Y", Y)
    sq = np.sum(Y**2, axis=0)
    D = sq[:, None] + sq[None, :] - 2.0 * (Y.T @ Y)
    D = np.maximum(0.5 * (D + D.T), 0.0)
    np.fill_diagonal(D, 0.0)
    return D
    # END SOLUTION


def similarity_graph(
    Y: np.ndarray,
    sigma: float = 1.0,
    kind: str = "full",
    n_neighbors: int = 10,
    eps: float | None = None,
) -> np.ndarray:
    """Weighted similarity graph of the columns of ``Y``.

    Every edge ``(i, j)`` has weight ``exp(-||y_i - y_j||^2 / sigma)``.

    Parameters
    ----------
    Y : ndarray, shape (n_f, n)
        Points as columns.
    sigma : float
        Width of the Gaussian weights, ``> 0``.
    kind : {"full", "knn", "mutual", "eps"}
        ``"full"``: all pairs ``i != j``; ``"knn"``: edge if ``j`` is among the
        ``n_neighbors`` nearest points of ``i`` **or** ``i`` among those of ``j``;
        ``"mutual"``: ... **and** ...; ``"eps"``: edge if ``||y_i - y_j|| <= eps``.
        A point is not its own neighbour; ``n_neighbors >= n`` means all other points.
    n_neighbors : int
        Number of neighbours for ``"knn"`` and ``"mutual"``.
    eps : float, optional
        Radius for ``"eps"`` (required there).

    Returns
    -------
    Wg : ndarray, shape (n, n)
        Symmetric, non-negative, zero diagonal.

    Raises
    ------
    ValueError
        For an unknown ``kind`` (graded). The reference also rejects ``sigma <= 0`` and
        ``kind="eps"`` without ``eps``: inputs outside the preconditions are not graded.
    """
    # BEGIN SOLUTION
    Y = _as_points("Y", Y)
    if kind not in ("full", "knn", "mutual", "eps"):
        raise ValueError(f"kind must be 'full', 'knn', 'mutual' or 'eps', got {kind!r}")
    if not sigma > 0:
        raise ValueError(f"sigma must be positive, got {sigma}")
    D = squared_distances(Y)
    n = D.shape[0]
    Wg = np.exp(-D / sigma)
    np.fill_diagonal(Wg, 0.0)
    if kind == "full":
        return Wg
    if kind == "eps":
        if eps is None:
            raise ValueError("kind='eps' requires eps")
        mask = D <= eps**2
    else:
        if n_neighbors < 1:
            raise ValueError(f"n_neighbors must be at least 1, got {n_neighbors}")
        kk = min(int(n_neighbors), n - 1)
        Dn = D.copy()
        np.fill_diagonal(Dn, np.inf)
        nearest = np.argsort(Dn, axis=1, kind="stable")[:, :kk]
        A = np.zeros((n, n), dtype=bool)
        A[np.repeat(np.arange(n), kk), nearest.ravel()] = True
        mask = (A | A.T) if kind == "knn" else (A & A.T)
    Wg = np.where(mask, Wg, 0.0)
    np.fill_diagonal(Wg, 0.0)
    return Wg
    # END SOLUTION


def graph_laplacian(Wg, normalized: bool = False):
    """Graph Laplacian of a weighted graph.

    ``L = D - Wg`` with ``D = diag(Wg 1)``; normalized: ``L = I - D^{-1/2} Wg D^{-1/2}``, where
    an isolated vertex has ``D^{-1/2} = 0`` (so ``L_ii = 1``).

    Parameters
    ----------
    Wg : ndarray or scipy.sparse, shape (n, n)
        Symmetric non-negative weights with zero diagonal.
    normalized : bool
        Return the symmetric normalized Laplacian.

    Returns
    -------
    L : ndarray or scipy.sparse, shape (n, n)
        Sparse when ``Wg`` is sparse (same flavour: matrix or array), dense otherwise.
    """
    # BEGIN SOLUTION
    Wg = _as_square("Wg", Wg)
    n = Wg.shape[0]
    if sp.issparse(Wg):
        Wc = sp.csr_matrix(Wg, dtype=float)
        d = np.asarray(Wc.sum(axis=1)).ravel()
        if normalized:
            s = np.divide(1.0, np.sqrt(d), out=np.zeros(n), where=d > 0)
            L = sp.identity(n, format="csr") - sp.diags(s) @ Wc @ sp.diags(s)
        else:
            L = sp.diags(d) - Wc
        L = sp.csr_matrix(L)
        return sp.csr_array(L) if isinstance(Wg, sp.sparray) else L
    d = Wg.sum(axis=1)
    if normalized:
        s = np.divide(1.0, np.sqrt(d), out=np.zeros(n), where=d > 0)
        return np.eye(n) - s[:, None] * Wg * s[None, :]
    return np.diag(d) - Wg
    # END SOLUTION


def spectral_embedding(L, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` smallest eigenpairs of a symmetric Laplacian.

    ``L U^T = U^T diag(lam)`` and ``U U^T = I``.

    Parameters
    ----------
    L : ndarray or scipy.sparse, shape (n, n)
        Symmetric positive semidefinite.
    k : int
        Number of eigenpairs, ``1 <= k <= n``.

    Returns
    -------
    lam : ndarray, shape (k,)
        Eigenvalues in ascending order.
    U : ndarray, shape (k, n)
        Orthonormal eigenvectors as rows (signs and bases of repeated eigenvalues are free).
    """
    # BEGIN SOLUTION
    L = _as_square("L", L)
    n = L.shape[0]
    if not 1 <= k <= n:
        raise ValueError(f"k must satisfy 1 <= k <= n = {n}, got {k}")
    if sp.issparse(L) and n > 1000 and k < n // 10:
        Ls = sp.csc_matrix(L, dtype=float)
        lam, V = spla.eigsh(Ls, k=k, sigma=-1e-6, which="LM", v0=np.ones(n))
        order = np.argsort(lam)
        return lam[order], V[:, order].T
    A = L.toarray() if sp.issparse(L) else L
    A = 0.5 * (A + A.T)
    lam, V = scipy.linalg.eigh(A, subset_by_index=[0, k - 1])
    return lam, V.T
    # END SOLUTION


def kmeans(
    Y: np.ndarray, k: int, max_iter: int = 100, rng=None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Lloyd's k-means with k-means++ seeding on the columns of ``Y``.

    Minimizes ``sum_i ||y_i - c_{label_i}||^2``.

    Parameters
    ----------
    Y : ndarray, shape (n_f, n)
        Points as columns.
    k : int
        Number of clusters, ``1 <= k <= n``.
    max_iter : int
        Maximum number of Lloyd iterations (update centers, reassign).
    rng : None, int or numpy.random.Generator
        Randomness of the seeding.

    Returns
    -------
    labels : ndarray of int, shape (n,)
        Cluster of every point, in ``0..k-1``.
    centers : ndarray, shape (n_f, k)
        Cluster centers as columns.
    hist : dict
        ``hist["objective"]``: the objective after the seeding assignment, then one entry per
        iteration; non-increasing; the last entry belongs to the returned labels and centers.
        Stops when no label changes or after ``max_iter`` iterations; an empty cluster keeps its
        previous center.
    """
    # BEGIN SOLUTION
    Y = _as_points("Y", Y)
    n_f, n = Y.shape
    if not 1 <= k <= n:
        raise ValueError(f"k must satisfy 1 <= k <= n = {n}, got {k}")
    gen = as_rng(rng)
    # k-means++ seeding
    centers = np.empty((n_f, k))
    centers[:, 0] = Y[:, gen.integers(n)]
    dmin = _sq_dist_to(Y, centers[:, :1])[0]
    for j in range(1, k):
        total = dmin.sum()
        p = dmin / total if total > 0 else np.full(n, 1.0 / n)
        centers[:, j] = Y[:, gen.choice(n, p=p)]
        dmin = np.minimum(dmin, _sq_dist_to(Y, centers[:, j : j + 1])[0])
    D = _sq_dist_to(Y, centers)
    labels = np.argmin(D, axis=0)
    hist = {"objective": [float(D[labels, np.arange(n)].sum())]}
    for _ in range(max_iter):
        for j in range(k):
            members = labels == j
            if members.any():
                centers[:, j] = Y[:, members].mean(axis=1)
        D = _sq_dist_to(Y, centers)
        new = np.argmin(D, axis=0)
        hist["objective"].append(float(D[new, np.arange(n)].sum()))
        changed = np.any(new != labels)
        labels = new
        if not changed:
            break
    return labels.astype(int), centers, hist
    # END SOLUTION


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
    """Spectral clustering of the columns of ``Y`` into ``k`` clusters.

    Graph (:func:`similarity_graph`), Laplacian, the embedding ``U`` ``(k, n)`` of its ``k``
    smallest eigenvalues; with ``normalized=True`` each column of ``U`` is scaled to unit
    length (Ng, Jordan, Weiss); then :func:`kmeans` on the columns of ``U``, ``n_init`` times,
    keeping the run with the lowest final objective.

    Parameters
    ----------
    Y : ndarray, shape (n_f, n)
    k : int
    sigma, kind, n_neighbors, eps
        As in :func:`similarity_graph`.
    normalized : bool
        Use the normalized Laplacian and row-normalized embedding.
    n_init : int
        Number of k-means runs.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    labels : ndarray of int, shape (n,)
    """
    # BEGIN SOLUTION
    gen = as_rng(rng)
    Wg = similarity_graph(Y, sigma=sigma, kind=kind, n_neighbors=n_neighbors, eps=eps)
    L = graph_laplacian(sp.csr_matrix(Wg), normalized=normalized)
    _, U = spectral_embedding(L, k)
    if normalized:
        norms = np.linalg.norm(U, axis=0)
        U = U / np.where(norms > 0, norms, 1.0)
    best, best_obj = None, np.inf
    for _ in range(max(1, n_init)):
        labels, _, hist = kmeans(U, k, rng=gen)
        if hist["objective"][-1] < best_obj:
            best, best_obj = labels, hist["objective"][-1]
    return best
    # END SOLUTION


def semi_supervised(L, idx: np.ndarray, c: np.ndarray, alpha: float) -> np.ndarray:
    """Semi-supervised labelling on a graph.

    Minimizes ``1/2 sum_j (f[idx[j]] - c[j])^2 + alpha/2 f^T L f``, i.e. solves
    ``(P^T P + alpha L) f = P^T c`` for the selector ``P`` of ``idx``.

    Parameters
    ----------
    L : ndarray or scipy.sparse, shape (n, n)
        Graph Laplacian.
    idx : ndarray of int, shape (p,)
        Indices of the labelled vertices.
    c : ndarray, shape (p,)
        Their values.
    alpha : float
        Regularization weight, ``> 0``.

    Returns
    -------
    f : ndarray, shape (n,)
    """
    # BEGIN SOLUTION
    L = _as_square("L", L)
    n = L.shape[0]
    idx = np.asarray(idx, dtype=int).ravel()
    c = np.asarray(c, dtype=float).ravel()
    if idx.shape != c.shape:
        raise ValueError(f"c must have len(idx) = {idx.size} entries, got shape {c.shape}")
    PtP = np.bincount(idx, minlength=n).astype(float)
    Ptc = np.bincount(idx, weights=c, minlength=n)
    if sp.issparse(L):
        A = sp.csc_matrix(sp.diags(PtP) + alpha * sp.csc_matrix(L))
        return np.asarray(spla.spsolve(A, Ptc), dtype=float).ravel()
    return np.linalg.solve(np.diag(PtP) + alpha * L, Ptc)
    # END SOLUTION
