"""Backpropagation from cached pre-activations, with the layer recursion written recursively.

``mlp_forward`` keeps the inputs ``Y_j`` and the pre-activations ``A_j = K_j Y_j + b_j 1^T``
(the bias added with ``np.outer``) and the activation itself; ``mlp_backward`` evaluates
``act'(A_j)`` again, and recurses from the first layer; ``mlp_loss`` gets ``dE/dZ`` from scipy's
softmax and adds the weight decay through a flat parameter vector.
"""

import numpy as np
from scipy.special import softmax as _sp_softmax

from numdl.activations import tanh
from numdl.classification import softmax_loss


def mlp_forward(params, Y, act=tanh):
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2 or (params and Y.shape[0] != np.shape(params[0][0])[1]):
        raise ValueError(f"Y has the wrong shape {Y.shape}")
    inputs, pre = [], []
    Z = Y
    for j, (K, b) in enumerate(params):
        if np.shape(K)[1] != Z.shape[0] or np.shape(b) != (np.shape(K)[0],):
            raise ValueError(f"params[{j}] has inconsistent shapes")
        inputs.append(Z)
        pre.append(K @ Z + np.outer(b, np.ones(Z.shape[1])))
        Z = act(pre[-1])[0]
    return Z, (inputs, pre, act)


def mlp_backward(params, cache, dZ):
    inputs, pre, act = cache

    def back(j, V):
        # returns the gradients of layers j.. and dY_j for the output direction V
        if j == len(params):
            return [], V
        rest, U = back(j + 1, V)
        G = act(pre[j])[1] * U
        return [(G @ inputs[j].T, G @ np.ones(G.shape[1]))] + rest, params[j][0].T @ G

    grads, gY = back(0, np.asarray(dZ, dtype=float))
    return grads, gY


def mlp_loss(params, W, Y, C, act=tanh, lam=0.0):
    Z, cache = mlp_forward(params, Y, act)
    W = np.asarray(W, dtype=float)
    if W.ndim != 2 or W.shape[1] != Z.shape[0]:
        raise ValueError(f"W must have {Z.shape[0]} columns, got shape {W.shape}")
    E, gW = softmax_loss(W, Z, C)
    dZ = W.T @ (_sp_softmax(W @ Z, axis=0) - C) / Z.shape[1]
    grads, _ = mlp_backward(params, cache, dZ)
    weights = np.concatenate([np.ravel(K) for K, _ in params] + [W.ravel()])
    E = E + lam / 2 * weights @ weights
    grads = [(gK + lam * np.asarray(K), gb) for (gK, gb), (K, _) in zip(grads, params)]
    return E, grads, gW + lam * W
