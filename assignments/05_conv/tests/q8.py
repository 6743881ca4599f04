"""q8: conv_layer and conv_layer_vjp (5 points)."""

import numpy as np
import scipy.ndimage
from otter.test_files import test_case

from numdl.activations import identity, sigmoid, smooth_relu, tanh
from numdl.checks import (
    call_pure,
    check_adjoint,
    check_array,
    check_raises,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q8"
points = 5

MODES = {"zero": "constant", "periodic": "wrap"}


def scipy_conv2d(Y, theta, boundary):
    """``Z[:, :, o, s] = sum_c correlate(Y[:, :, c, s], theta[:, :, c, o])`` with scipy.ndimage."""
    H, W, c_in, N = Y.shape
    c_out = theta.shape[3]
    Z = np.zeros((H, W, c_out, N))
    for c in range(c_in):
        for o in range(c_out):
            Z[:, :, o, :] += scipy.ndimage.correlate(
                Y[:, :, c, :], theta[:, :, c, o][:, :, None], mode=MODES[boundary], cval=0.0
            )
    return Z


def setup(seed, H=6, W=5, c_in=2, c_out=3, N=2, k1=3, k2=3):
    rng = np.random.default_rng(seed)
    theta = 0.5 * rng.standard_normal((k1, k2, c_in, c_out))
    b = rng.standard_normal(c_out)
    Y = rng.standard_normal((H, W, c_in, N))
    R = rng.standard_normal((H, W, c_out, N))
    return rng, theta, b, Y, R


def taylor(conv_layer, conv_layer_vjp, theta, b, Y, R, act, boundary, which, rng):
    """Taylor test of ``f = <conv_layer(...), R>`` along random directions of ``which``."""
    d = {
        "theta": rng.standard_normal(theta.shape) if "theta" in which else 0 * theta,
        "b": rng.standard_normal(b.shape) if "b" in which else 0 * b,
        "Y": rng.standard_normal(Y.shape) if "Y" in which else 0 * Y,
    }
    label = (
        f"conv_layer / conv_layer_vjp (act={act.__name__}, boundary={boundary!r}, theta "
        f"of shape {theta.shape}, Y of shape {Y.shape}), direction in {'+'.join(which)}"
    )
    Z, cache = conv_layer(theta, b, Y, act=act, boundary=boundary)
    check_array(label + ": Z", Z, shape=R.shape)
    grads = conv_layer_vjp(cache, R)
    g_theta = check_array(label + ": g_theta", grads[0], shape=theta.shape)
    g_b = check_array(label + ": g_b", grads[1], shape=b.shape)
    g_Y = check_array(label + ": g_Y", grads[2], shape=Y.shape)
    f0 = float(np.vdot(Z, R))
    df = float(np.vdot(g_theta, d["theta"]) + np.vdot(g_b, d["b"]) + np.vdot(g_Y, d["Y"]))

    def f(h):
        Zh, _ = conv_layer(
            theta + h * d["theta"], b + h * d["b"], Y + h * d["Y"], act=act, boundary=boundary
        )
        return float(np.vdot(Zh, R))

    check_taylor(label, taylor_table(f, f0, df, n_steps=14), scale=abs(f0))


@test_case(points=1)
def test_forward_against_scipy(conv_layer):
    _, theta, b, Y, _ = setup(0)
    label = "conv_layer(theta of shape (3, 3, 2, 3), b of shape (3,), Y of shape (6, 5, 2, 2))"
    Z, _ = call_pure(label, conv_layer, theta, b, Y)
    expected = np.tanh(scipy_conv2d(Y, theta, "zero") + b[None, None, :, None])
    check_array(label, Z, expected, rtol=1e-12)
    label += " with boundary='periodic', act=sigmoid"
    Z, _ = conv_layer(theta, b, Y, act=sigmoid, boundary="periodic")
    S = scipy_conv2d(Y, theta, "periodic") + b[None, None, :, None]
    check_array(label, Z, 1 / (1 + np.exp(-S)), rtol=1e-12)


@test_case(points=1)
def test_taylor_in_theta(conv_layer, conv_layer_vjp):
    rng, theta, b, Y, R = setup(1)
    taylor(conv_layer, conv_layer_vjp, theta, b, Y, R, tanh, "zero", ["theta"], rng)


@test_case(points=1, hidden=True)
def test_taylor_in_b_and_Y(conv_layer, conv_layer_vjp):
    """Varies: test_taylor_in_theta (the Taylor test in b and in Y)."""
    rng, theta, b, Y, R = setup(2, H=7, W=5, c_in=3, c_out=2, N=3, k1=5, k2=3)
    taylor(conv_layer, conv_layer_vjp, theta, b, Y, R, tanh, "periodic", ["b"], rng)
    taylor(conv_layer, conv_layer_vjp, theta, b, Y, R, tanh, "periodic", ["Y"], rng)
    taylor(conv_layer, conv_layer_vjp, theta, b, Y, R, sigmoid, "zero", ["Y"], rng)


@test_case(points=1, hidden=True)
def test_taylor_all_together(conv_layer, conv_layer_vjp):
    """Varies: test_taylor_in_theta (all directions together)."""
    rng, theta, b, Y, R = setup(3, H=5, W=8, c_in=2, c_out=4, N=2, k1=3, k2=5)
    for act, boundary in [(smooth_relu, "zero"), (tanh, "periodic")]:
        taylor(conv_layer, conv_layer_vjp, theta, b, Y, R, act, boundary, ["theta", "b", "Y"], rng)


@test_case(points=1, hidden=True)
def test_identity_activation_exact(conv_layer, conv_layer_vjp):
    """Varies: test_forward_against_scipy (the identity activation, exact)."""
    # with act = identity the layer is affine: g_b sums dZ per output channel, g_Y is K^T dZ
    _, theta, b, Y, R = setup(4, H=6, W=7, c_in=2, c_out=3, N=3)
    for boundary in ("zero", "periodic"):
        label = f"conv_layer_vjp after conv_layer(act=identity, boundary={boundary!r})"
        Z, cache = conv_layer(theta, b, Y, act=identity, boundary=boundary)
        g_theta, g_b, g_Y = call_pure(label, conv_layer_vjp, cache, R)
        check_array(label + ": g_b", g_b, R.sum(axis=(0, 1, 3)), rtol=1e-13)
        check_adjoint(
            label + ": g_Y against the scipy forward map",
            scipy_conv2d(Y, theta, boundary),
            R,
            Y,
            g_Y,
            rtol=1e-12,
        )
        check_adjoint(
            label + ": g_theta against the scipy forward map",
            scipy_conv2d(Y, theta, boundary),
            R,
            theta,
            g_theta,
            rtol=1e-12,
        )
    check_raises(
        "conv_layer(theta with c_out = 3, b of shape (2,), Y)",
        ValueError,
        conv_layer,
        theta,
        b[:2],
        Y,
    )
