"""Blind alternative A: written from API.md and the student template alone.

Routes: Gaussian initialization scaled per scheme, forward loop storing every layer's input and
activation derivative, backpropagation loop in reverse, softmax gradient in Z chained into it,
plain minibatch Adam loop with a global step counter.

Module 06: deep networks (multilayer perceptrons). Examples are the **columns** of ``Y``.
"""

from collections.abc import Callable, Sequence

import numpy as np

from numdl.activations import tanh
from numdl.classification import softmax, softmax_loss
from numdl.utils import as_rng

__all__ = ["init_params", "mlp_forward", "mlp_backward", "mlp_loss", "adam"]


def init_params(
    sizes: Sequence[int], scheme: str = "glorot", rng=None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """``K_j ~ N(0, s_j^2)``, ``b_j = 0``; ``s_j^2 = 2/(fan_in + fan_out)`` (``"glorot"``),
    ``2/fan_in`` (``"he"``) or ``1`` (``"normal"``). Raises ``ValueError`` for an unknown
    scheme, fewer than two sizes or a non-positive size."""
    if scheme not in ("glorot", "he", "normal"):
        raise ValueError(f"init_params: unknown scheme {scheme!r}")
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"init_params: need at least two positive sizes, got {sizes}")
    gen = as_rng(rng)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if scheme == "glorot":
            var = 2.0 / (fan_in + fan_out)
        elif scheme == "he":
            var = 2.0 / fan_in
        else:
            var = 1.0
        K = np.sqrt(var) * gen.standard_normal((fan_out, fan_in))
        params.append((K, np.zeros(fan_out)))
    return params


def mlp_forward(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    Y: np.ndarray,
    act: Callable = tanh,
) -> tuple[np.ndarray, object]:
    """``Y_{j+1} = act(K_j Y_j + b_j 1^T)`` for every layer (the last included); ``Z = Y_N``.

    The cache holds every layer input ``Y_j`` and ``act'(K_j Y_j + b_j 1^T)``.
    """
    Yj = np.asarray(Y, dtype=float)
    inputs, derivs = [], []
    for K, b in params:
        K = np.asarray(K, dtype=float)
        b = np.asarray(b, dtype=float)
        if K.shape[1] != Yj.shape[0] or b.shape != (K.shape[0],):
            raise ValueError(f"mlp_forward: K {K.shape}, b {b.shape} do not fit input {Yj.shape}")
        inputs.append(Yj)
        A, dA = act(K @ Yj + b[:, None])
        derivs.append(np.array(dA, dtype=float))
        Yj = np.array(A, dtype=float)
    return Yj, {"inputs": inputs, "derivs": derivs}


def mlp_backward(
    params: Sequence[tuple[np.ndarray, np.ndarray]], cache, dZ: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Backpropagation: ``G_j = act'_j * dY_{j+1}``, ``gK_j = G_j Y_j^T``, ``gb_j = G_j 1``,
    ``dY_j = K_j^T G_j``; returns ``(grads, gY)`` with ``gY = dY_0``."""
    inputs, derivs = cache["inputs"], cache["derivs"]
    dY = np.asarray(dZ, dtype=float)
    grads = [None] * len(params)
    for j in range(len(params) - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        G = derivs[j] * dY
        grads[j] = (G @ inputs[j].T, G.sum(axis=1))
        dY = K.T @ G
    return grads, dY


def mlp_loss(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    W: np.ndarray,
    Y: np.ndarray,
    C: np.ndarray,
    act: Callable = tanh,
    lam: float = 0.0,
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """``E = softmax_loss(W, Z, C) + lam/2 (sum_j ||K_j||^2 + ||W||^2)``; returns
    ``(E, grads, gW)`` (biases not regularized)."""
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    Z, cache = mlp_forward(params, Y, act=act)
    if W.ndim != 2 or W.shape[1] != Z.shape[0] or C.shape != (W.shape[0], Z.shape[1]):
        raise ValueError(f"mlp_loss: W {W.shape} or C {C.shape} do not fit Z {Z.shape}")
    E, dW = softmax_loss(W, Z, C)
    dZ = W.T @ (softmax(W @ Z) - C) / Z.shape[1]
    grads, _ = mlp_backward(params, cache, dZ)
    reg = sum(float(np.sum(np.asarray(K, dtype=float) ** 2)) for K, _ in params)
    E = float(E) + 0.5 * lam * (reg + float(np.sum(W**2)))
    grads = [(gK + lam * np.asarray(K, dtype=float), gb) for (gK, gb), (K, _) in zip(grads, params)]
    return E, grads, dW + lam * W


def adam(
    fun: Callable,
    x0: np.ndarray,
    n: int,
    batch_size: int = 32,
    epochs: int = 10,
    lr=1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
    rng=None,
) -> tuple[np.ndarray, dict]:
    """Minibatch Adam with bias correction, global step counter ``t`` from 1, the epoch/batch/lr
    conventions of ``sgd``; ``hist["loss"]`` the per-epoch mean of the minibatch values."""
    n = int(n)
    batch_size = int(batch_size)
    epochs = int(epochs)
    if n < 1 or batch_size < 1:
        raise ValueError("adam: n and batch_size must be >= 1")
    if np.ndim(lr) > 0:
        lrs = [float(v) for v in np.asarray(lr, dtype=float).ravel()]
        if len(lrs) != epochs:
            raise ValueError(f"adam: lr holds {len(lrs)} values for {epochs} epochs")
    else:
        lrs = [float(lr)] * epochs
    gen = as_rng(rng)
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t = 0
    hist = {"loss": []}
    for e in range(epochs):
        perm = gen.permutation(n)
        fs = []
        for s in range(0, n, batch_size):
            idx = perm[s : s + batch_size]
            f, g = fun(x.copy(), idx)
            g = np.asarray(g, dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"adam: gradient shape {g.shape} differs from x0 {x.shape}")
            fs.append(float(f))
            t += 1
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            x = x - lrs[e] * m_hat / (np.sqrt(v_hat) + eps)
        hist["loss"].append(float(np.mean(fs)))
    return x, hist
