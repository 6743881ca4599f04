"""norm_layer_vjp by the chain rule through the computational graph Y -> (mu, s2) -> Z.

The reference uses the closed form ``(dZ - mean(dZ) - Z mean(dZ Z)) / sigma``; this one
backpropagates step by step: ``d s2 = -1/2 sum(dZ (Y - mu)) sigma^-3``,
``d mu = -sum(dZ) / sigma - 2 d s2 mean(Y - mu)``, then
``gY = dZ / sigma + 2 d s2 (Y - mu) / m + d mu / m`` with ``m`` the group size. The moments are
computed as sums divided by the count.
"""

import numpy as np


def norm_layer(Y, kind="batch", eps=1e-5):
    axes = {"batch": (0, 1, 3), "instance": (0, 1)}
    if kind not in axes:
        raise ValueError(f"kind must be 'batch' or 'instance', not {kind!r}")
    Y = np.asarray(Y, dtype=float)
    ax = axes[kind]
    m = int(np.prod([Y.shape[a] for a in ax]))
    mu = Y.sum(axis=ax, keepdims=True) / m
    s2 = ((Y - mu) ** 2).sum(axis=ax, keepdims=True) / m
    sigma = np.sqrt(s2 + eps)
    return (Y - mu) / sigma, {"Y": Y, "mu": mu, "sigma": sigma, "axes": ax, "m": m}


def norm_layer_vjp(cache, dZ):
    Y, mu, sigma, ax, m = (cache[k] for k in ("Y", "mu", "sigma", "axes", "m"))
    dZ = np.asarray(dZ, dtype=float)
    d = Y - mu
    ds2 = -0.5 * (dZ * d).sum(axis=ax, keepdims=True) / sigma**3
    dmu = -dZ.sum(axis=ax, keepdims=True) / sigma - 2.0 * ds2 * d.sum(axis=ax, keepdims=True) / m
    return dZ / sigma + 2.0 * ds2 * d / m + dmu / m
