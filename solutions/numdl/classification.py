"""Module 03: linear classification.

Softmax classifiers, their derivatives, derivative checks and the optimizers of the course
(steepest descent with Armijo line search, CG, inexact Newton-CG). Examples are columns.
"""

from __future__ import annotations

import numpy as np

__all__ = ["softmax", "softmax_loss"]


def softmax(S: np.ndarray) -> np.ndarray:
    """Column-wise softmax ``P[:, j] = exp(S[:, j]) / sum(exp(S[:, j]))``.

    Parameters
    ----------
    S : ndarray, shape (n_c, n)
        Scores.

    Returns
    -------
    P : ndarray, shape (n_c, n)
        Columns are probability vectors; finite for any finite ``S`` (columns are shifted by
        their maxima before exponentiating).
    """
    # BEGIN SOLUTION
    S = np.asarray(S, dtype=float)
    if S.ndim != 2:
        raise ValueError(f"S must be 2-D (n_c, n), got shape {S.shape}")
    E = np.exp(S - S.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)
    # END SOLUTION


def softmax_loss(W: np.ndarray, Y: np.ndarray, C: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy loss of a linear softmax classifier and its gradient.

    ``E = -(1/n) sum_j c_j^T log softmax(W y_j)``, ``dW = (1/n) (P - C) Y^T``.

    Parameters
    ----------
    W : ndarray, shape (n_c, n_f)
        Weights (no bias row is added: append a row of ones to ``Y`` for a bias).
    Y : ndarray, shape (n_f, n)
        Features, one example per column.
    C : ndarray, shape (n_c, n)
        Labels, columns summing to one.

    Returns
    -------
    E : float
    dW : ndarray, shape (n_c, n_f)
    """
    # BEGIN SOLUTION
    W, Y, C = (np.asarray(a, dtype=float) for a in (W, Y, C))
    if Y.ndim != 2 or W.ndim != 2 or W.shape[1] != Y.shape[0]:
        raise ValueError(f"W must be (n_c, n_f) with n_f = Y.shape[0]; got W {W.shape}, Y {Y.shape}")
    if C.shape != (W.shape[0], Y.shape[1]):
        raise ValueError(f"C must have shape (n_c, n) = {(W.shape[0], Y.shape[1])}, got {C.shape}")
    n = Y.shape[1]
    S = W @ Y
    S = S - S.max(axis=0, keepdims=True)
    logsum = np.log(np.exp(S).sum(axis=0, keepdims=True))
    logP = S - logsum
    E = -float(np.sum(C * logP)) / n
    dW = (np.exp(logP) - C) @ Y.T / n
    return E, dW
    # END SOLUTION
