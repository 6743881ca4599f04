"""Blind alternative B: written from API.md and the student template alone.

Routes: init by rng.normal with the scheme's standard deviation, forward cache holding
only the input (and act), backward re-running the forward pass to recover the layer inputs,
weight gradients by einsum over examples, loss gradient dZ = W^T (softmax(W Z) - C)/n, Adam
with an explicit batch loop and the stated recursion.

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
    """``K_j ~ N(0, s_j^2)`` entrywise, ``b_j = 0``; ``s_j^2`` is ``2/(fan_in + fan_out)``
    (``"glorot"``), ``2/fan_in`` (``"he"``) or ``1`` (``"normal"``)."""
    if scheme not in ("glorot", "he", "normal"):
        raise ValueError(f"init_params: unknown scheme {scheme!r}")
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"init_params: need at least two positive sizes, got {sizes}")
    rng = as_rng(rng)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if scheme == "glorot":
            var = 2.0 / (fan_in + fan_out)
        elif scheme == "he":
            var = 2.0 / fan_in
        else:
            var = 1.0
        K = rng.normal(0.0, np.sqrt(var), size=(fan_out, fan_in))
        params.append((K, np.zeros(fan_out)))
    return params


def _alt2_check_chain(params, Y):
    m = Y.shape[0]
    for j, (K, b) in enumerate(params):
        K = np.asarray(K)
        b = np.asarray(b)
        if K.ndim != 2 or K.shape[1] != m or b.shape != (K.shape[0],):
            raise ValueError(f"layer {j}: K {K.shape}, b {b.shape} do not chain from width {m}")
        m = K.shape[0]


def mlp_forward(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    Y: np.ndarray,
    act: Callable = tanh,
) -> tuple[np.ndarray, object]:
    """``Y_{j+1} = act(K_j Y_j + b_j 1^T)`` for every layer (the last included); ``Z = Y_N``.

    The cache holds only a copy of ``Y`` and ``act``; :func:`mlp_backward` recomputes the rest.
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"mlp_forward: Y must be 2-D, got {Y.shape}")
    _alt2_check_chain(params, Y)
    X = Y
    for K, b in params:
        X, _ = act(np.asarray(K, dtype=float) @ X + np.asarray(b, dtype=float)[:, None])
        X = np.asarray(X, dtype=float)
    return X, (Y.copy(), act)


def mlp_backward(
    params: Sequence[tuple[np.ndarray, np.ndarray]], cache: object, dZ: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Backpropagation; the layer inputs and ``act'`` are recomputed by a fresh forward pass."""
    Y, act = cache
    inputs, derivs = [], []
    X = Y
    for K, b in params:
        inputs.append(X)
        A, dA = act(np.asarray(K, dtype=float) @ X + np.asarray(b, dtype=float)[:, None])
        derivs.append(np.asarray(dA, dtype=float))
        X = np.asarray(A, dtype=float)
    G = np.asarray(dZ, dtype=float)
    if G.shape != X.shape:
        raise ValueError(f"mlp_backward: dZ has shape {G.shape}, Z has {X.shape}")
    grads = [None] * len(params)
    ones = np.ones(Y.shape[1])
    for j in range(len(params) - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        S = derivs[j] * G
        grads[j] = (np.einsum("ik,jk->ij", S, inputs[j]), S @ ones)
        G = K.T @ S
    return grads, G


def mlp_loss(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    W: np.ndarray,
    Y: np.ndarray,
    C: np.ndarray,
    act: Callable = tanh,
    lam: float = 0.0,
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """``E = softmax_loss(W, Z, C) + lam/2 (sum_j ||K_j||^2 + ||W||^2)`` and its gradients."""
    W = np.asarray(W, dtype=float)
    C = np.asarray(C, dtype=float)
    Z, cache = mlp_forward(params, Y, act)
    if W.ndim != 2 or W.shape[1] != Z.shape[0] or C.shape != (W.shape[0], Z.shape[1]):
        raise ValueError(f"mlp_loss: W {W.shape}, C {C.shape} do not fit Z {Z.shape}")
    E, gW = softmax_loss(W, Z, C)
    n = Z.shape[1]
    dZ = W.T @ (softmax(W @ Z) - C) / n
    grads, _ = mlp_backward(params, cache, dZ)
    reg = float(np.sum(W * W))
    out = []
    for (K, _), (gK, gb) in zip(params, grads):
        K = np.asarray(K, dtype=float)
        reg += float(np.sum(K * K))
        out.append((gK + lam * K, gb))
    return float(E) + 0.5 * lam * reg, out, gW + lam * W


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
    """Minibatch Adam, the epoch/batch/``lr``/``hist`` conventions of ``sgd``; global ``t`` from 1;
    ``x = x - lr_e m_hat / (sqrt(v_hat) + eps)``; ``hist["loss"]`` the per-epoch plain mean of
    the minibatch values."""
    rng = as_rng(rng)
    n = int(n)
    batch_size = int(batch_size)
    epochs = int(epochs)
    if n < 1 or batch_size < 1:
        raise ValueError("adam: n and batch_size must be >= 1")
    if np.ndim(lr) == 0:
        lrs = [float(lr)] * epochs
    else:
        lrs = [float(v) for v in lr]
        if len(lrs) != epochs:
            raise ValueError(f"adam: lr has {len(lrs)} entries, expected {epochs}")
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t = 0
    hist = {"loss": []}
    for e in range(epochs):
        perm = rng.permutation(n)
        fs = []
        for start in range(0, n, batch_size):
            idx = perm[start : start + batch_size].astype(int)
            f, g = fun(x, idx)
            g = np.asarray(g, dtype=float)
            if g.shape != x.shape:
                raise ValueError(f"adam: gradient of shape {g.shape}, x has {x.shape}")
            fs.append(float(f))
            t += 1
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            x = x - lrs[e] * m_hat / (np.sqrt(v_hat) + eps)
        hist["loss"].append(float(np.mean(fs)))
    return x, hist
