"""Forward pass caches only the states and backward recomputes the activation derivatives;
the loss uses its own log-sum-exp; antisymmetric edits the diagonal in place; leapfrog in
velocity form V_{j+1} = V_j - h^2 K^T act(K Y_j + b), Y_{j+1} = Y_j + V_{j+1}."""

import numpy as np
from scipy.special import logsumexp

from numdl.activations import tanh


def _check_params(params, n_f):
    params = [(np.asarray(K, dtype=float), np.asarray(b, dtype=float)) for K, b in params]
    for j, (K, b) in enumerate(params):
        if K.shape != (n_f, n_f) or b.shape != (n_f,):
            raise ValueError(f"params[{j}]: expected K_j ({n_f}, {n_f}) and b_j ({n_f},), "
                             f"got {K.shape} and {b.shape}")
    return params


def resnet_forward(params, Y0, h, act=tanh):
    Y0 = np.asarray(Y0, dtype=float)
    if Y0.ndim != 2:
        raise ValueError(f"Y0 must be (n_f, n), got shape {Y0.shape}")
    params = _check_params(params, Y0.shape[0])
    states = [Y0.copy()]
    for K, b in params:
        states.append(states[-1] + h * act(K @ states[-1] + b[:, None])[0])
    return states[-1].copy(), (states, act)


def resnet_backward(params, cache, dYN, h):
    states, act = cache
    params = _check_params(params, states[0].shape[0])
    G = np.array(dYN, dtype=float)
    if G.shape != states[-1].shape:
        raise ValueError(f"dYN must have shape {states[-1].shape}, got {G.shape}")
    grads = []
    for (K, b), Y in zip(params[::-1], states[-2::-1]):
        _, dA = act(K @ Y + b[:, None])
        D = h * dA * G
        grads.append((D @ Y.T, D @ np.ones(Y.shape[1])))
        G = G + K.T @ D
    return grads[::-1], G


def resnet_loss(params, W, Y0, C, h, act=tanh, lam=0.0):
    W, C = np.asarray(W, dtype=float), np.asarray(C, dtype=float)
    YN, cache = resnet_forward(params, Y0, h, act)
    n = YN.shape[1]
    S = W @ YN
    logP = S - logsumexp(S, axis=0, keepdims=True)
    R = (np.exp(logP) - C) / n
    E = -np.sum(C * logP) / n
    grads, _ = resnet_backward(params, cache, W.T @ R, h)
    E += lam / 2 * (sum(np.vdot(K, K) for K, _ in params) + np.vdot(W, W))
    grads = [(gK + lam * np.asarray(K), gb) for (gK, gb), (K, _) in zip(grads, params)]
    return float(E), grads, R @ YN.T + lam * W


def antisymmetric(Wk, gamma=1e-4):
    Wk = np.asarray(Wk, dtype=float)
    if Wk.ndim != 2 or Wk.shape[0] != Wk.shape[1]:
        raise ValueError(f"Wk must be square, got shape {Wk.shape}")
    K = Wk - Wk.T
    K[np.diag_indices_from(K)] -= gamma
    return K


def leapfrog_forward(params, Y0, Y1, h, act=tanh):
    Y0, Y1 = np.asarray(Y0, dtype=float), np.asarray(Y1, dtype=float)
    if Y0.ndim != 2 or Y1.shape != Y0.shape:
        raise ValueError(f"Y0 and Y1 must both be (n_f, n), got {Y0.shape} and {Y1.shape}")
    Y_prev, Y = Y0.copy(), Y1.copy()
    V = Y - Y_prev
    for K, b in _check_params(params, Y0.shape[0]):
        V = V - h**2 * K.T @ act(K @ Y + b[:, None])[0]
        Y_prev, Y = Y, Y + V
    return Y_prev, Y


def leapfrog_reverse(params, Y_Nm1, Y_N, h, act=tanh):
    Y_Nm1, Y_N = np.asarray(Y_Nm1, dtype=float), np.asarray(Y_N, dtype=float)
    if Y_N.ndim != 2 or Y_Nm1.shape != Y_N.shape:
        raise ValueError(f"Y_Nm1 and Y_N must both be (n_f, n), got {Y_Nm1.shape}, {Y_N.shape}")
    Y_next, Y = Y_N.copy(), Y_Nm1.copy()
    V = Y_next - Y
    for K, b in reversed(_check_params(params, Y_N.shape[0])):
        V = V + h**2 * K.T @ act(K @ Y + b[:, None])[0]
        Y_next, Y = Y, Y - V
    return Y, Y_next
