"""q5: conv2d_kernel_grad (4 points)."""

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


@test_case(points=1, hidden=True)
def test_larger_and_rectangular_kernels(conv2d_kernel_grad):
    """Varies: test_zero_boundary (larger and rectangular kernels, both boundaries)."""
    for boundary in ("zero", "periodic"):
        compare(conv2d_kernel_grad, 2, 9, 6, 3, 2, 2, 5, 5, boundary)
        compare(conv2d_kernel_grad, 3, 6, 9, 3, 2, 3, 3, 5, boundary)
        compare(conv2d_kernel_grad, 4, 8, 5, 2, 2, 2, 5, 3, boundary)


@test_case(points=0.5, hidden=True)
def test_sums_over_the_batch(conv2d_kernel_grad):
    """Varies: test_periodic_boundary (a batch as the sum of its images)."""
    # the gradient of a batch is the sum of the gradients of its images
    rng = np.random.default_rng(5)
    Y = rng.standard_normal((6, 5, 2, 3))
    Z = rng.standard_normal((6, 5, 3, 3))
    shape = (3, 3, 2, 3)
    for boundary in ("zero", "periodic"):
        label = f"conv2d_kernel_grad(Y with N=3 images, Z, {shape}, boundary={boundary!r})"
        G = check_array(label, conv2d_kernel_grad(Y, Z, shape, boundary=boundary), shape=shape)
        parts = sum(
            brute_force_grad(Y[..., s : s + 1], Z[..., s : s + 1], shape, boundary)
            for s in range(3)
        )
        check_array(label + " vs the sum of the per-image gradients", G, parts, rtol=1e-12)


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
