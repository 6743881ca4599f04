"""Small helpers in the course notation (column-major ``vec``)."""

from __future__ import annotations

import numpy as np

__all__ = ["vec", "mat", "add_bias_row", "as_rng"]


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
