"""input_gradient through single_layer_vjp, with the score gradient taken from softmax_loss.

The reference forms ``W^T (P - C) / n`` by hand; this one gets the score gradient
``(P - C) / n`` from ``softmax_loss`` itself: with the scores ``S = W Z`` as the weights and
the identity as the data, ``softmax_loss(S, I_n, C)`` returns ``dW = (P - C) I_n / n``. The
penalty is ``lam/2 vdot(Y, Y)``.
"""

import numpy as np

from numdl.activations import tanh
from numdl.classification import softmax_loss


def input_gradient(K, b, W, Y, C, act=tanh, lam=0.0):
    Y = np.asarray(Y, dtype=float)
    Z, cache = single_layer(K, b, Y, act)  # noqa: F821 (the reference's, defined above)
    W = np.asarray(W, dtype=float)
    E, G = softmax_loss(W @ Z, np.eye(Z.shape[1]), np.asarray(C, dtype=float))
    _, _, gY = single_layer_vjp(cache, W.T @ G)  # noqa: F821
    return float(E) + 0.5 * lam * float(np.vdot(Y, Y)), gY + lam * Y
