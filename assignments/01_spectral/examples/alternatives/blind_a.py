"""Blind alternative A: chunked-broadcast distances, argsort masks, dense eigh, Lloyd k-means.

Routes: Blind alternative A: squared distances by chunked broadcasting of differences, dense
graphs by masks on argsort, dense eigh (sparse L: shift-invert eigsh when large), Lloyd k-means
with k-means++ seeding, direct solve for the semi-supervised system. Written from API.md and the
student template only (not the tests, the reference or the mutants); copied unchanged.

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
    """Pairwise squared distances of the columns of ``Y``: ``D[i, j] = ||y_i - y_j||^2``.

    Computed from the differences (no Gram-matrix cancellation), in row blocks to bound memory;
    symmetrized exactly and with an exact zero diagonal.
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"squared_distances: Y must be 2-D (n_f, n), got shape {Y.shape}")
    n_f, n = Y.shape
    D = np.empty((n, n))
    block = max(1, int(4_000_000 // max(1, n_f * n)))
    for s in range(0, n, block):
        diff = Y[:, s : s + block, None] - Y[:, None, :]
        D[s : s + block] = np.einsum("fij,fij->ij", diff, diff)
    D = 0.5 * (D + D.T)
    np.fill_diagonal(D, 0.0)
    return np.maximum(D, 0.0)


def _alt1_knn_mask(D: np.ndarray, k: int) -> np.ndarray:
    """Boolean ``A[i, j]``: ``j`` is among the ``k`` nearest other points of ``i``."""
    n = D.shape[0]
    A = np.zeros((n, n), dtype=bool)
    if k <= 0:
        return A
    if k >= n - 1:
        A[:] = True
        np.fill_diagonal(A, False)
        return A
    Dm = D.copy()
    np.fill_diagonal(Dm, np.inf)
    order = np.argsort(Dm, axis=1, kind="stable")[:, :k]
    A[np.repeat(np.arange(n), k), order.ravel()] = True
    return A


def similarity_graph(
    Y: np.ndarray,
    sigma: float = 1.0,
    kind: str = "full",
    n_neighbors: int = 10,
    eps: float | None = None,
) -> np.ndarray:
    """Weighted similarity graph of the columns of ``Y`` (dense array).

    Every edge ``(i, j)`` has weight ``exp(-||y_i - y_j||^2 / sigma)``; ``kind`` is
    ``"full"``, ``"knn"`` (or), ``"mutual"`` (and) or ``"eps"`` (``||y_i - y_j|| <= eps``).
    ``n_neighbors >= n`` means all other points.

    Raises ``ValueError`` for an unknown ``kind``, ``sigma <= 0``, or ``kind="eps"`` sans ``eps``.
    """
    if kind not in ("full", "knn", "mutual", "eps"):
        raise ValueError(f"similarity_graph: unknown kind {kind!r}")
    if not sigma > 0:
        raise ValueError(f"similarity_graph: sigma must be > 0, got {sigma}")
    if kind == "eps" and eps is None:
        raise ValueError("similarity_graph: kind='eps' requires eps")
    D = squared_distances(Y)
    n = D.shape[0]
    W = np.exp(-D / sigma)
    if kind == "full":
        mask = ~np.eye(n, dtype=bool)
    elif kind == "eps":
        mask = np.sqrt(D) <= eps
        np.fill_diagonal(mask, False)
    else:
        A = _alt1_knn_mask(D, int(n_neighbors))
        mask = (A | A.T) if kind == "knn" else (A & A.T)
    W = np.where(mask, W, 0.0)
    np.fill_diagonal(W, 0.0)
    return W


def graph_laplacian(Wg, normalized: bool = False):
    """Graph Laplacian ``L = D - Wg`` (``D = diag(Wg 1)``), or ``I - D^{-1/2} Wg D^{-1/2}``.

    An isolated vertex has ``D^{-1/2} = 0`` (so ``L_ii = 1`` when normalized). Sparse input gives
    sparse output of the same flavour (matrix or array), dense gives dense.
    """
    if sp.issparse(Wg):
        is_array = isinstance(Wg, sp.sparray)
        Wc = sp.csr_array(Wg, dtype=float) if is_array else sp.csr_matrix(Wg, dtype=float)
        n = Wc.shape[0]
        d = np.asarray(Wc.sum(axis=1)).ravel()
        make_diag = sp.diags_array if is_array else sp.diags
        if not normalized:
            L = make_diag(d, format="csr") - Wc
        else:
            with np.errstate(divide="ignore"):
                dinv = np.where(d > 0, 1.0 / np.sqrt(np.where(d > 0, d, 1.0)), 0.0)
            Dh = make_diag(dinv, format="csr")
            I = make_diag(np.ones(n), format="csr")
            L = I - Dh @ Wc @ Dh
        return L.tocsr()
    W = np.asarray(Wg, dtype=float)
    d = W.sum(axis=1)
    if not normalized:
        return np.diag(d) - W
    dinv = np.where(d > 0, 1.0 / np.sqrt(np.where(d > 0, d, 1.0)), 0.0)
    return np.eye(W.shape[0]) - dinv[:, None] * W * dinv[None, :]


def spectral_embedding(L, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` smallest eigenpairs of a symmetric Laplacian, eigenvectors as rows of ``U``.

    Dense ``eigh`` of the (symmetrized) matrix; a sparse ``L`` is densified unless it is large
    (``n > 3000``), where shift-invert ``eigsh`` slightly left of 0 is used.
    """
    n = L.shape[0]
    k = int(k)
    if sp.issparse(L) and n > 3000 and k < n - 1:
        Ls = sp.csc_matrix(L, dtype=float)
        Ls = 0.5 * (Ls + Ls.T)
        shift = -1e-6 * max(1.0, float(abs(Ls).sum(axis=1).max()))
        lam, V = spla.eigsh(Ls, k=k, sigma=shift, which="LM")
        order = np.argsort(lam)
        lam, V = lam[order], V[:, order]
        V, _ = np.linalg.qr(V)
        return lam, np.ascontiguousarray(V.T)
    Ld = L.toarray() if sp.issparse(L) else np.asarray(L, dtype=float)
    Ld = 0.5 * (Ld + Ld.T)
    lam, V = scipy.linalg.eigh(Ld, subset_by_index=[0, k - 1])
    return np.asarray(lam, dtype=float), np.ascontiguousarray(V.T)


def _alt1_dist_to_centers(Y: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """``d[i, j] = ||y_i - c_j||^2`` ``(n, k)``, one center at a time."""
    n, k = Y.shape[1], centers.shape[1]
    d = np.empty((n, k))
    for j in range(k):
        diff = Y - centers[:, j : j + 1]
        d[:, j] = np.sum(diff * diff, axis=0)
    return d


def kmeans(
    Y: np.ndarray, k: int, max_iter: int = 100, rng=None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """Lloyd's k-means with k-means++ seeding on the columns of ``Y``.

    ``hist["objective"]``: the objective after assigning every point to its nearest seed, then one
    entry per iteration (update centers, reassign). Stops when no label changes or after
    ``max_iter`` iterations; an empty cluster keeps its previous center.
    """
    Y = np.asarray(Y, dtype=float)
    gen = as_rng(rng)
    n_f, n = Y.shape
    k = int(k)
    # k-means++ seeding
    idx = [int(gen.integers(n))]
    dmin = np.sum((Y - Y[:, idx[0] : idx[0] + 1]) ** 2, axis=0)
    for _ in range(1, k):
        tot = dmin.sum()
        if tot > 0:
            p = dmin / tot
            j = int(gen.choice(n, p=p))
        else:
            j = int(gen.integers(n))
        idx.append(j)
        dmin = np.minimum(dmin, np.sum((Y - Y[:, j : j + 1]) ** 2, axis=0))
    centers = Y[:, idx].copy()
    labels = np.argmin(_alt1_dist_to_centers(Y, centers), axis=1)
    hist = {"objective": [float(np.sum((Y - centers[:, labels]) ** 2))]}
    for _ in range(int(max_iter)):
        for j in range(k):
            members = labels == j
            if np.any(members):
                centers[:, j] = Y[:, members].mean(axis=1)
        new = np.argmin(_alt1_dist_to_centers(Y, centers), axis=1)
        changed = not np.array_equal(new, labels)
        labels = new
        hist["objective"].append(float(np.sum((Y - centers[:, labels]) ** 2)))
        if not changed:
            break
    return labels.astype(int), centers, hist


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

    Graph, Laplacian, the embedding ``U`` ``(k, n)`` of its ``k`` smallest eigenvalues; with
    ``normalized=True`` each column of ``U`` is scaled to unit length (zero columns stay zero);
    then :func:`kmeans` on the columns of ``U``, ``n_init`` times, keeping the lowest objective.
    """
    gen = as_rng(rng)
    Wg = similarity_graph(Y, sigma=sigma, kind=kind, n_neighbors=n_neighbors, eps=eps)
    L = graph_laplacian(Wg, normalized=normalized)
    _, U = spectral_embedding(L, k)
    if normalized:
        nrm = np.linalg.norm(U, axis=0)
        U = U / np.where(nrm > 0, nrm, 1.0)[None, :]
    best, best_obj = None, np.inf
    for _ in range(max(1, int(n_init))):
        labels, _, hist = kmeans(U, k, rng=gen)
        obj = hist["objective"][-1]
        if best is None or obj < best_obj:
            best, best_obj = labels, obj
    return best


def semi_supervised(L, idx: np.ndarray, c: np.ndarray, alpha: float) -> np.ndarray:
    """Semi-supervised labelling: solve ``(P^T P + alpha L) f = P^T c``.

    Dense ``L``: ``numpy.linalg.solve``; sparse ``L``: ``spsolve``. Repeated indices in ``idx``
    accumulate (as ``P^T P`` and ``P^T c`` do).
    """
    idx = np.asarray(idx, dtype=int).ravel()
    c = np.asarray(c, dtype=float).ravel()
    n = L.shape[0]
    ptp = np.zeros(n)
    np.add.at(ptp, idx, 1.0)
    rhs = np.zeros(n)
    np.add.at(rhs, idx, c)
    if sp.issparse(L):
        A = sp.csc_matrix(sp.diags(ptp) + alpha * sp.csc_matrix(L, dtype=float))
        return np.asarray(spla.spsolve(A, rhs), dtype=float).ravel()
    A = np.diag(ptp) + alpha * np.asarray(L, dtype=float)
    return np.linalg.solve(A, rhs)
