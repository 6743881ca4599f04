"""The conv layer with a minimal cache (inputs and act only): the backward pass recomputes the
pre-activation, and the bias gradient is an einsum."""

import numpy as np

from numdl.activations import tanh


def conv_layer(theta, b, Y, act=tanh, boundary="zero"):
    theta, b, Y = (np.asarray(a, dtype=float) for a in (theta, b, Y))
    if theta.ndim != 4 or b.shape != (theta.shape[3],):
        raise ValueError(f"b must have shape (c_out,) = ({theta.shape[-1]},), got {b.shape}")
    Z, _ = act(conv2d(Y, theta, boundary) + b[None, None, :, None])  # noqa: F821
    return Z, {"theta": theta, "b": b, "Y": Y, "act": act, "boundary": boundary}


def conv_layer_vjp(cache, dZ):
    theta, b, Y, boundary = cache["theta"], cache["b"], cache["Y"], cache["boundary"]
    S = conv2d(Y, theta, boundary) + b[None, None, :, None]  # noqa: F821
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != S.shape:
        raise ValueError(f"dZ must have shape {S.shape}, got {dZ.shape}")
    dS = cache["act"](S)[1] * dZ
    g_b = np.einsum("ijon->o", dS)
    g_theta = conv2d_kernel_grad(Y, dS, theta.shape, boundary)  # noqa: F821
    g_Y = conv2d_transpose(dS, theta, boundary)  # noqa: F821
    return g_theta, g_b, g_Y
