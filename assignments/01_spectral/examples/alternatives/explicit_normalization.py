"""The Laplacian with explicit degree matrices (sparse via scipy.sparse.diags_array, keeping
the input's flavour) and spectral clustering with a dense eigendecomposition (numpy.linalg.eigh)
and NJW normalization of the embedded points."""

import numpy as np
import scipy.sparse as sp


def graph_laplacian(Wg, normalized=False):
    if Wg.ndim != 2 or Wg.shape[0] != Wg.shape[1]:
        raise ValueError(f"Wg must be square, got {Wg.shape}")
    n = Wg.shape[0]
    d = np.asarray(Wg.sum(axis=1), dtype=float).ravel()
    if sp.issparse(Wg):
        W = sp.csr_array(Wg, dtype=float)
        if normalized:
            Dm = sp.diags_array(np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0))
            L = sp.eye_array(n, format="csr") - Dm @ W @ Dm
        else:
            L = sp.diags_array(d) - W
        return sp.csr_array(L) if isinstance(Wg, sp.sparray) else sp.csr_matrix(L)
    W = np.asarray(Wg, dtype=float)
    if normalized:
        Dm = np.diag(np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0))
        return np.eye(n) - Dm @ W @ Dm
    return np.diag(d) - W


def spectral_clustering(
    Y, k, sigma=1.0, kind="knn", n_neighbors=10, eps=None, normalized=True, n_init=10, rng=None
):
    gen = np.random.default_rng(rng) if not isinstance(rng, np.random.Generator) else rng
    Wg = similarity_graph(Y, sigma=sigma, kind=kind, n_neighbors=n_neighbors, eps=eps)  # noqa: F821
    L = graph_laplacian(Wg.toarray() if sp.issparse(Wg) else Wg, normalized=normalized)
    _, V = np.linalg.eigh(0.5 * (L + L.T))
    E = V[:, :k]  # points as rows
    if normalized:
        E = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-300)
    runs = [kmeans(E.T, k, rng=gen) for _ in range(max(1, n_init))]  # noqa: F821
    return min(runs, key=lambda r: r[2]["objective"][-1])[0]
