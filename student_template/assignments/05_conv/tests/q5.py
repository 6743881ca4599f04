"""q5: conv2d_kernel_grad (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.ndimage
from otter.test_files import test_case

from numdl.checks import call_pure, check_adjoint, check_array, check_raises

OK_FORMAT = False

name = "q5"
points = 4

MODES = {"zero": "constant", "periodic": "wrap"}


def scipy_conv2d(Y, theta, boundary):
    """The forward map, ``Z[:, :, o, s] = sum_c correlate(Y[:, :, c, s], theta[:, :, c, o])``."""
    H, W, c_in, N = Y.shape
    c_out = theta.shape[3]
    Z = np.zeros((H, W, c_out, N))
    for c in range(c_in):
        for o in range(c_out):
            Z[:, :, o, :] += scipy.ndimage.correlate(
                Y[:, :, c, :], theta[:, :, c, o][:, :, None], mode=MODES[boundary], cval=0.0
            )
    return Z


def brute_force_grad(Y, Z, kernel_shape, boundary):
    """``G[a, b, c, o] = <K(E_ab) Y[:, :, c, :], Z[:, :, o, :]>`` with ``E_ab`` a unit kernel."""
    k1, k2, c_in, c_out = kernel_shape
    G = np.zeros(kernel_shape)
    for a in range(k1):
        for b in range(k2):
            E = np.zeros((k1, k2, 1))
            E[a, b] = 1.0
            for c in range(c_in):
                S = scipy.ndimage.correlate(Y[:, :, c, :], E, mode=MODES[boundary], cval=0.0)
                for o in range(c_out):
                    G[a, b, c, o] = np.sum(S * Z[:, :, o, :])
    return G


def compare(conv2d_kernel_grad, seed, H, W, c_in, c_out, N, k1, k2, boundary, pure=False):
    rng = np.random.default_rng(seed)
    Y = rng.standard_normal((H, W, c_in, N))
    Z = rng.standard_normal((H, W, c_out, N))
    shape = (k1, k2, c_in, c_out)
    label = (
        f"conv2d_kernel_grad(Y of shape {Y.shape}, Z of shape {Z.shape}, {shape}, "
        f"boundary={boundary!r})"
    )
    if pure:
        G = call_pure(label, conv2d_kernel_grad, Y, Z, shape, boundary=boundary)
    else:
        G = conv2d_kernel_grad(Y, Z, shape, boundary=boundary)
    check_array(label, G, shape=shape, kind="real")
    theta = rng.standard_normal(shape)
    check_adjoint(
        label + ": <conv2d(Y, theta), Z> = <theta, G> (scipy forward map)",
        scipy_conv2d(Y, theta, boundary),
        Z,
        theta,
        G,
        rtol=1e-12,
    )
    check_array(
        label + " vs the brute-force sum", G, brute_force_grad(Y, Z, shape, boundary), rtol=1e-12
    )


@test_case(points=1)
def test_zero_boundary(conv2d_kernel_grad):
    compare(conv2d_kernel_grad, 0, 7, 5, 2, 3, 4, 3, 3, "zero", pure=True)


@test_case(points=1)
def test_periodic_boundary(conv2d_kernel_grad):
    compare(conv2d_kernel_grad, 1, 7, 5, 2, 3, 4, 3, 3, "periodic", pure=True)


@test_case(points=0.5)
def test_unknown_boundary_raises(conv2d_kernel_grad):
    rng = np.random.default_rng(6)
    Y = rng.standard_normal((5, 5, 2, 2))
    Z = rng.standard_normal((5, 5, 3, 2))
    check_raises(
        "conv2d_kernel_grad(Y, Z, (3, 3, 2, 3), boundary='same')",
        ValueError,
        conv2d_kernel_grad,
        Y,
        Z,
        (3, 3, 2, 3),
        boundary="same",
    )
