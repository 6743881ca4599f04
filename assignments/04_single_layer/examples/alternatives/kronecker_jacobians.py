"""Jacobians as explicit matrices in the column-major vec: J_K = diag(vec act') (Y^T kron I).

The cache is a different opaque object (the inputs and ``act``; ``act'`` is recomputed), the
directional derivative is the matrix-vector product with the assembled Jacobian
``[J_K, J_b, J_Y]`` and the transposed Jacobians are products with its transpose.
"""

import numpy as np

from numdl.activations import tanh
from numdl.utils import mat, vec


def single_layer(K, b, Y, act=tanh):
    K = np.array(K, dtype=float)
    Y = np.array(Y, dtype=float)
    b = np.array(b, dtype=float)
    if K.ndim != 2:
        raise ValueError(f"K must be 2-D (m, n_f), got shape {K.shape}")
    if Y.ndim != 2 or Y.shape[0] != K.shape[1]:
        raise ValueError(f"Y must have shape ({K.shape[1]}, n), got shape {Y.shape}")
    if b.shape != (K.shape[0],):
        raise ValueError(f"b must have shape ({K.shape[0]},), got shape {b.shape}")
    Z, _ = act(K @ Y + np.outer(b, np.ones(Y.shape[1])))
    return Z, (K, b, Y, act)


def _jacobian(cache):
    """``[J_K, J_b, J_Y]`` of shape ``(m n, m n_f + m + n_f n)``."""
    K, b, Y, act = cache
    m, n = K.shape[0], Y.shape[1]
    _, dA = act(K @ Y + np.outer(b, np.ones(n)))
    D = np.diag(vec(dA))
    JK = D @ np.kron(Y.T, np.eye(m))
    Jb = D @ np.kron(np.ones((n, 1)), np.eye(m))
    JY = D @ np.kron(np.eye(n), K)
    return JK, Jb, JY


def single_layer_jvp(cache, dK=None, db=None, dY=None):
    K, b, Y, _ = cache
    JK, Jb, JY = _jacobian(cache)
    out = np.zeros(JK.shape[0])
    parts = ((JK, dK, K.shape, "dK"), (Jb, db, b.shape, "db"), (JY, dY, Y.shape, "dY"))
    for J, d, shape, nm in parts:
        if d is not None:
            d = np.asarray(d, dtype=float)
            if d.shape != shape:
                raise ValueError(f"{nm} must have shape {shape}, got shape {d.shape}")
            out = out + J @ vec(d)
    return mat(out, (K.shape[0], Y.shape[1]))


def single_layer_vjp(cache, dZ):
    K, b, Y, _ = cache
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != (K.shape[0], Y.shape[1]):
        raise ValueError(f"dZ must have shape {(K.shape[0], Y.shape[1])}, got shape {dZ.shape}")
    JK, Jb, JY = _jacobian(cache)
    u = vec(dZ)
    return mat(JK.T @ u, K.shape), Jb.T @ u, mat(JY.T @ u, Y.shape)
