"""input_gradient from the assembled Jacobian of vec(Z) in vec(Y), without the layer's cache.

``vec(K Y) = (I_n kron K) vec(Y)``, so ``J_Y = diag(vec act') (I_n kron K)`` (column-major
vec); the loss and its score gradient by a log-sum-exp written out here; ``gY`` is
``mat(J_Y^T vec(W^T (P - C) / n)) + lam Y``.
"""

import numpy as np

from numdl.activations import tanh
from numdl.utils import mat, vec


def input_gradient(K, b, W, Y, C, act=tanh, lam=0.0):
    K, b, W, Y, C = (np.asarray(a, dtype=float) for a in (K, b, W, Y, C))
    n = Y.shape[1]
    Z, dA = act(K @ Y + b[:, None])
    S = W @ Z
    mx = S.max(axis=0)
    lse = mx + np.log(np.sum(np.exp(S - mx), axis=0))
    E = -np.sum(C * (S - lse)) / n
    dZ = W.T @ (np.exp(S - lse) - C) / n
    J = vec(dA)[:, None] * np.kron(np.eye(n), K)
    gY = mat(J.T @ vec(dZ), Y.shape)
    return float(E) + 0.5 * lam * float(np.sum(Y * Y)), gY + lam * Y
