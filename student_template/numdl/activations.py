"""Activation functions ``act(X) -> (A, dA)``: the activation and its elementwise derivative.

Every function here accepts an array of any shape and returns two arrays of that shape.
"""

from __future__ import annotations

import numpy as np

__all__ = ["tanh", "relu", "smooth_relu", "sigmoid", "identity"]


def tanh(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A = tanh(X)``, ``dA = 1 - tanh(X)^2``."""
    A = np.tanh(X)
    return A, 1.0 - A**2


def relu(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A = max(X, 0)``, ``dA = 1[X > 0]``."""
    X = np.asarray(X, dtype=float)
    return np.maximum(X, 0.0), (X > 0).astype(float)


def smooth_relu(X: np.ndarray, eps: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Smoothed ReLU: ``0`` for ``x <= 0``, ``x^2/(2 eps)`` on ``(0, eps)``, ``x - eps/2`` beyond.

    It is continuously differentiable, so Taylor tests see the expected order.
    """
    X = np.asarray(X, dtype=float)
    quad = (X > 0) & (X < eps)
    lin = X >= eps
    A = np.where(lin, X - eps / 2, np.where(quad, X**2 / (2 * eps), 0.0))
    dA = np.where(lin, 1.0, np.where(quad, X / eps, 0.0))
    return A, dA


def sigmoid(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A = 1 / (1 + exp(-X))``, ``dA = A (1 - A)`` (computed without overflow)."""
    X = np.asarray(X, dtype=float)
    A = np.empty_like(X)
    pos = X >= 0
    A[pos] = 1.0 / (1.0 + np.exp(-X[pos]))
    ex = np.exp(X[~pos])
    A[~pos] = ex / (1.0 + ex)
    return A, A * (1.0 - A)


def identity(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A = X``, ``dA = 1``."""
    X = np.asarray(X, dtype=float)
    return X.copy(), np.ones_like(X)
