"""Small helpers in the course notation (column-major ``vec``)."""

from __future__ import annotations

import numpy as np

__all__ = ["vec", "mat", "add_bias_row", "as_rng", "pack", "unpack", "MinibatchObjective"]


def vec(X: np.ndarray) -> np.ndarray:
    """Column-major vectorization, ``vec(X) = X.reshape(-1, order="F")``."""
    return np.asarray(X).reshape(-1, order="F")


def mat(x: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`vec`: ``mat(vec(X), X.shape) == X``."""
    return np.asarray(x).reshape(shape, order="F")


def add_bias_row(Y: np.ndarray) -> np.ndarray:
    """Append a row of ones: ``[Y; 1^T]`` of shape ``(n_f + 1, n)``."""
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 2:
        raise ValueError(f"add_bias_row: Y must be 2-D (n_f, n), got shape {Y.shape}")
    return np.vstack([Y, np.ones((1, Y.shape[1]))])


def as_rng(rng: None | int | np.random.Generator) -> np.random.Generator:
    """Turn ``None``, an int seed or a Generator into a ``numpy.random.Generator``."""
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _leaves(obj):
    if isinstance(obj, list | tuple):
        for o in obj:
            yield from _leaves(o)
    else:
        yield np.asarray(obj)


def pack(arrays) -> np.ndarray:
    """One vector ``[vec(A_0); vec(A_1); ...]`` of the arrays in nested lists/tuples, in order.

    E.g. ``x = pack((params, W))`` for an optimizer, with ``params = [(K_0, b_0), ...]``.
    """
    return np.concatenate([vec(a).astype(float) for a in _leaves(arrays)])


def unpack(x: np.ndarray, like):
    """Inverse of :func:`pack`: the same nesting as ``like``, arrays shaped like its arrays."""
    x = np.asarray(x)
    need = sum(int(np.prod(np.shape(a))) for a in _leaves(like))
    if x.shape != (need,):
        raise ValueError(f"unpack: x must be a vector of {need} entries, got shape {x.shape}")
    pos = 0

    def build(obj):
        nonlocal pos
        if isinstance(obj, list | tuple):
            return type(obj)(build(o) for o in obj)
        shape = np.shape(obj)
        size = int(np.prod(shape))
        pos += size
        return mat(x[pos - size : pos], shape)

    return build(like)


class MinibatchObjective:
    """An optimizer's objective ``fun(x, idx) -> (E, g)`` from a network loss on packed parameters.

    ``fun(x, idx)`` evaluates ``E, *grads = loss(*unpack(x, like), Y[:, idx], C[:, idx],
    **options)`` and returns ``(E, pack(grads))``: ``loss`` takes the parameters nested as in
    ``like`` (e.g. ``like = (params, W)`` for ``mlp_loss(params, W, Y, C)``) and returns the
    loss followed by its gradients, nested the same way.

    Parameters
    ----------
    loss : callable
        ``loss(*parts, Yb, Cb, **options) -> (E, *grads)``.
    like : list or tuple
        Arrays nested as ``loss`` takes them (only their shapes are used).
    Y : ndarray of shape (n_f, n)
        Examples as columns.
    C : ndarray of shape (n_c, n)
        Their one-hot labels.
    **options
        Passed on to ``loss`` (e.g. ``lam``).

    Examples
    --------
    >>> fun = MinibatchObjective(mlp_loss, (params, W), Y, C, lam=1e-4)  # doctest: +SKIP
    >>> x, hist = adam(fun, pack((params, W)), Y.shape[1])  # doctest: +SKIP
    """

    def __init__(self, loss, like, Y, C, **options) -> None:
        self.loss, self.like, self.Y, self.C, self.options = loss, like, Y, C, options

    def __call__(self, x: np.ndarray, idx: np.ndarray):
        E, *grads = self.loss(*unpack(x, self.like), self.Y[:, idx], self.C[:, idx], **self.options)
        return E, pack(grads)
