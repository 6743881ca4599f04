"""k-means written with explicit loops over clusters, returning reversed label numbers, and a
semi-supervised solver through the normal form of the selector matrix P."""

import numpy as np

from numdl.utils import as_rng


def kmeans(Y, k, max_iter=100, rng=None):
    Y = np.asarray(Y, dtype=float)
    n = Y.shape[1]
    if Y.ndim != 2 or not 1 <= k <= n:
        raise ValueError(f"need 2-D Y and 1 <= k <= n, got Y {Y.shape}, k={k}")
    gen = as_rng(rng)

    def dist(C):
        return np.stack([np.sum((Y - C[:, [j]]) ** 2, axis=0) for j in range(C.shape[1])])

    C = Y[:, [gen.integers(n)]]
    while C.shape[1] < k:
        d = dist(C).min(axis=0)
        p = d / d.sum() if d.sum() > 0 else None
        C = np.hstack([C, Y[:, [gen.choice(n, p=p)]]])
    D = dist(C)
    lab = D.argmin(axis=0)
    obj = [float(D.min(axis=0).sum())]
    for _ in range(max_iter):
        for j in range(k):
            if np.any(lab == j):
                C[:, j] = Y[:, lab == j].mean(axis=1)
        D = dist(C)
        new = D.argmin(axis=0)
        obj.append(float(D.min(axis=0).sum()))
        done = np.array_equal(new, lab)
        lab = new
        if done:
            break
    return (k - 1 - lab).astype(int), C[:, ::-1].copy(), {"objective": obj}


def semi_supervised(L, idx, c, alpha):
    idx = np.asarray(idx, int)
    c = np.asarray(c, float)
    if idx.shape != c.shape:
        raise ValueError("c must have len(idx) entries")
    n = L.shape[0]
    P = np.zeros((idx.size, n))
    P[np.arange(idx.size), idx] = 1.0
    A = L.toarray() if hasattr(L, "toarray") else np.asarray(L, float)
    return np.linalg.lstsq(P.T @ P + alpha * A, P.T @ c, rcond=None)[0]
