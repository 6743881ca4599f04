"""norm_layer with the statistics group by group and norm_layer_vjp by an assembled Jacobian.

Each group (a channel, or a channel of one image) is flattened to a vector ``y`` of length
``m``; ``z = (y - mean(y)) / sigma`` and its Jacobian is the symmetric matrix
``J = (I - e e^T / m - z z^T / m) / sigma``, built explicitly and applied to the group of
``dZ``. The cache keeps the input, the kind and ``eps`` (a different opaque object).
"""

import numpy as np


def _groups(shape, kind):
    """Index tuples selecting each group of an (H, W, c, N) array."""
    H, W, c, N = shape
    if kind == "batch":
        return [(slice(None), slice(None), ch, slice(None)) for ch in range(c)]
    return [(slice(None), slice(None), ch, s) for ch in range(c) for s in range(N)]


def norm_layer(Y, kind="batch", eps=1e-5):
    if kind not in ("batch", "instance"):
        raise ValueError(f"unknown kind {kind!r}")
    Y = np.array(Y, dtype=float)
    Z = np.empty_like(Y)
    for g in _groups(Y.shape, kind):
        y = Y[g]
        d = y - y.sum() / y.size
        Z[g] = d / np.sqrt(np.dot(d.ravel(), d.ravel()) / y.size + eps)
    return Z, (Y, kind, eps, Z)


def norm_layer_vjp(cache, dZ):
    Y, kind, eps, Z = cache
    dZ = np.asarray(dZ, dtype=float)
    gY = np.empty_like(Y)
    for g in _groups(Y.shape, kind):
        y, z = Y[g].ravel(), Z[g].ravel()
        m = y.size
        sigma = np.sqrt(np.var(y) + eps)
        J = (np.eye(m) - np.ones((m, m)) / m - np.outer(z, z) / m) / sigma
        gY[g] = (J.T @ dZ[g].ravel()).reshape(Y[g].shape)
    return gY
