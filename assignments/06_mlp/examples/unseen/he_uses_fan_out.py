"""init_params: the He scheme uses variance 2/fan_out (sizes[j+1]) instead of 2/fan_in.

Module 06: deep networks (multilayer perceptrons).

A network of ``N`` layers ``Y_{j+1} = act(K_j Y_j + b_j 1^T)``, ``j = 0..N-1``, its
initialization, backpropagation, the softmax loss on its output, and the Adam optimizer.
Examples are the **columns** of ``Y`` ``(n_f, n)``; ``params`` is a list of pairs
``(K_j, b_j)`` with ``K_j`` of shape ``(sizes[j+1], sizes[j])`` and ``b_j`` of shape
``(sizes[j+1],)``.

From scratch: in this module do not call scipy.optimize; in no module call sklearn, torch,
jax, tensorflow, autograd (a module's name stands for everything in it). A question whose
functions call one of them scores 0. Everything else of numpy and scipy is allowed
(factorizations and solves, the FFT, scipy.sparse, the other scipy.special functions,
numpy.lib.stride_tricks). See numdl/rules.py and the README.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from numdl.activations import tanh
from numdl.classification import softmax_loss
from numdl.utils import as_rng

__all__ = ["init_params", "mlp_forward", "mlp_backward", "mlp_loss", "adam"]


def init_params(
    sizes: Sequence[int], scheme: str = "glorot", rng=None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Random initial parameters of a network with layer widths ``sizes``.

    ``K_j ~ N(0, s_j^2)`` entrywise, ``b_j = 0``, with ``s_j^2 = 2 / (fan_in + fan_out)``
    (Glorot), ``2 / fan_in`` (He) or ``1`` (standard normal), ``fan_in = sizes[j]``,
    ``fan_out = sizes[j+1]``.

    Parameters
    ----------
    sizes : sequence of int, length N + 1
        Widths ``[n_f, m_1, ..., m_N]`` (positive integers, at least two entries).
    scheme : {"glorot", "he", "normal"}
        The variance of the entries of ``K_j``.
    rng : None, int or numpy.random.Generator
        The random source.

    Returns
    -------
    params : list of N pairs (K_j, b_j)
        ``K_j`` of shape ``(sizes[j+1], sizes[j])``, ``b_j`` zeros of shape ``(sizes[j+1],)``.

    Raises
    ------
    ValueError
        For an unknown ``scheme``, fewer than two sizes or a non-positive size.
    """
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ValueError(f"init_params: need at least two positive sizes, got {sizes}")
    if scheme not in ("glorot", "he", "normal"):
        raise ValueError(f"init_params: unknown scheme {scheme!r}")
    rng = as_rng(rng)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        if scheme == "glorot":
            var = 2.0 / (fan_in + fan_out)
        elif scheme == "he":
            var = 2.0 / fan_out
        else:
            var = 1.0
        K = np.sqrt(var) * rng.standard_normal((fan_out, fan_in))
        b = np.zeros(fan_out)
        params.append((K, b))
    return params


def mlp_forward(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    Y: np.ndarray,
    act: Callable = tanh,
) -> tuple[np.ndarray, object]:
    """Forward propagation through the network.

    ``Y_0 = Y``, ``Y_{j+1} = act(K_j Y_j + b_j 1^T)`` for ``j = 0..N-1`` (the last layer
    included), ``Z = Y_N``.

    Parameters
    ----------
    params : list of N pairs (K_j, b_j)
        ``K_j`` of shape ``(m_{j+1}, m_j)``, ``b_j`` of shape ``(m_{j+1},)``, ``m_0 = n_f``.
    Y : ndarray, shape (n_f, n)
        Input features, one example per column.
    act : callable
        ``act(X) -> (A, dA)``, the activation and its elementwise derivative.

    Returns
    -------
    Z : ndarray, shape (m_N, n)
        The output of the last layer.
    cache : object
        Opaque; pass it to :func:`mlp_backward`.

    Raises
    ------
    ValueError
        If ``Y`` does not have ``m_0`` rows or the shapes in ``params`` do not chain.
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"mlp_forward: Y must be 2-D, got shape {Y.shape}")
    Yj = Y
    layers = []
    for j, (K, b) in enumerate(params):
        K = np.asarray(K, dtype=float)
        b = np.asarray(b, dtype=float)
        if K.ndim != 2 or K.shape[1] != Yj.shape[0] or b.shape != (K.shape[0],):
            raise ValueError(f"mlp_forward: layer {j} shapes do not chain")
        A, dA = act(K @ Yj + b[:, None])
        layers.append((Yj, dA))
        Yj = A
    return Yj, {"layers": layers, "act": act, "shape": Yj.shape}


def mlp_backward(
    params: Sequence[tuple[np.ndarray, np.ndarray]], cache: object, dZ: np.ndarray
) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Backpropagation: the transposed Jacobians of ``Z = mlp_forward(params, Y)[0]`` on ``dZ``.

    From the last layer down, starting with ``dY_N = dZ``:
    ``G_j = act'(K_j Y_j + b_j 1^T) * dY_{j+1}`` (elementwise), ``gK_j = G_j Y_j^T``,
    ``gb_j = G_j 1``, ``dY_j = K_j^T G_j``; finally ``gY = dY_0``.

    Parameters
    ----------
    params : list of N pairs (K_j, b_j)
        The parameters given to :func:`mlp_forward`.
    cache : object
        The cache returned by :func:`mlp_forward`.
    dZ : ndarray, shape (m_N, n)
        The direction in the output space (e.g. the gradient of a loss with respect to ``Z``).

    Returns
    -------
    grads : list of N pairs (gK_j, gb_j)
        ``gK_j`` of the shape of ``K_j``, ``gb_j`` of the shape of ``b_j``.
    gY : ndarray, shape (n_f, n)
        The gradient with respect to the input ``Y``.

    Raises
    ------
    ValueError
        If ``dZ`` does not have the shape of ``Z``.
    """
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != tuple(cache["shape"]):
        raise ValueError(f"mlp_backward: dZ must have shape {cache['shape']}, got {dZ.shape}")
    layers = cache["layers"]
    N = len(params)
    grads = [None] * N
    dY = dZ
    for j in range(N - 1, -1, -1):
        K = np.asarray(params[j][0], dtype=float)
        Yj, dA = layers[j]
        G = dA * dY
        gK = G @ Yj.T
        gb = G.sum(axis=1)
        dY = K.T @ G
        grads[j] = (gK, gb)
    return grads, dY


def mlp_loss(
    params: Sequence[tuple[np.ndarray, np.ndarray]],
    W: np.ndarray,
    Y: np.ndarray,
    C: np.ndarray,
    act: Callable = tanh,
    lam: float = 0.0,
) -> tuple[float, list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Softmax cross-entropy of a linear classifier on the network's output, and its gradient.

    ``E = softmax_loss(W, Z, C) + lam/2 (sum_j ||K_j||_F^2 + ||W||_F^2)``, ``Z`` from
    :func:`mlp_forward` (the biases are not regularized).

    Parameters
    ----------
    params : list of N pairs (K_j, b_j)
        Network parameters, ``K_j`` of shape ``(m_{j+1}, m_j)``.
    W : ndarray, shape (n_c, m_N)
        Classifier weights.
    Y : ndarray, shape (n_f, n)
        Features, one example per column.
    C : ndarray, shape (n_c, n)
        Labels, columns summing to one.
    act : callable
        ``act(X) -> (A, dA)``.
    lam : float
        Weight-decay parameter, ``>= 0``.

    Returns
    -------
    E : float
    grads : list of N pairs (gK_j, gb_j)
        Gradients with respect to ``K_j`` and ``b_j``.
    gW : ndarray, shape (n_c, m_N)
        Gradient with respect to ``W``.

    Raises
    ------
    ValueError
        If the shapes of ``W``, ``Y``, ``C`` or ``params`` do not match.
    """
    W = np.asarray(W, dtype=float)
    Y = np.asarray(Y, dtype=float)
    C = np.asarray(C, dtype=float)
    if W.ndim != 2 or C.ndim != 2 or Y.ndim != 2 or C.shape != (W.shape[0], Y.shape[1]):
        raise ValueError("mlp_loss: shapes of W, Y, C do not match")
    Z, cache = mlp_forward(params, Y, act)
    if Z.shape[0] != W.shape[1]:
        raise ValueError("mlp_loss: W does not match the network output")
    E, gW = softmax_loss(W, Z, C)
    S = W @ Z
    S = S - S.max(axis=0, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=0, keepdims=True)
    dZ = W.T @ (P - C) / Y.shape[1]
    grads, _ = mlp_backward(params, cache, dZ)
    E = float(E)
    if lam != 0.0:
        E += 0.5 * lam * (sum(float(np.sum(np.asarray(K, dtype=float) ** 2)) for K, _ in params) + float(np.sum(W**2)))
        grads = [(gK + lam * np.asarray(K, dtype=float), gb) for (gK, gb), (K, _) in zip(grads, params)]
        gW = gW + lam * W
    return E, grads, gW


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
    """Minibatch Adam (Kingma & Ba) with bias-corrected moment estimates.

    Per batch, with a global step counter ``t = 1, 2, ...``: ``m = beta1 m + (1-beta1) g``,
    ``v = beta2 v + (1-beta2) g^2``, ``x = x - lr_e m_hat / (sqrt(v_hat) + eps)`` with
    ``m_hat = m / (1 - beta1^t)``, ``v_hat = v / (1 - beta2^t)``.

    Parameters
    ----------
    fun : callable
        ``fun(x, idx) -> (f, g)``: the objective on the examples ``idx`` (an int array) and its
        gradient, of the shape of ``x``.
    x0 : ndarray, any shape
        Starting point (not modified).
    n : int
        Number of examples; every epoch visits a fresh permutation of ``range(n)`` once, in
        batches of ``batch_size`` (the last may be smaller).
    batch_size : int
        Batch size.
    epochs : int
        Number of epochs.
    lr : float or array of shape (epochs,)
        Learning rate ``lr_e``: one value, or one per epoch.
    beta1, beta2 : float
        Decay rates of the first and second moment estimates (``m``, ``v`` start at 0 and carry
        over epochs).
    eps : float
        Added to ``sqrt(v_hat)`` in the denominator.
    rng : None, int or numpy.random.Generator
        Source of the permutations.

    Returns
    -------
    x : ndarray, shape of x0
        The final iterate.
    hist : dict
        ``hist["loss"]``: per epoch, the mean of the minibatch values ``f`` (each taken before
        its update).

    Raises
    ------
    ValueError
        If ``lr`` is an array whose length is not ``epochs``, or ``n``/``batch_size`` < 1.
    """
    x = np.array(x0, dtype=float, copy=True)
    n, batch_size, epochs = int(n), int(batch_size), int(epochs)
    if n < 1 or batch_size < 1:
        raise ValueError("adam: n and batch_size must be at least 1")
    if np.ndim(lr) == 0:
        lrs = np.full(epochs, float(lr))
    else:
        lrs = np.asarray(lr, dtype=float)
        if lrs.shape != (epochs,):
            raise ValueError(f"adam: lr must hold {epochs} values, got shape {lrs.shape}")
    rng = as_rng(rng)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t = 0
    hist = {"loss": []}
    for e in range(epochs):
        perm = rng.permutation(n)
        fs = []
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            f, g = fun(x, idx)
            g = np.asarray(g, dtype=float)
            fs.append(float(f))
            t += 1
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            x = x - lrs[e] * m_hat / (np.sqrt(v_hat) + eps)
        hist["loss"].append(float(np.mean(fs)))
    return x, hist
