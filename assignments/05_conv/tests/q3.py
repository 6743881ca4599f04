"""q3: conv2d (6 points)."""

import numpy as np
import scipy.ndimage
from otter.test_files import test_case

from numdl.checks import call_pure, check_array, check_raises, check_taylor, taylor_table

OK_FORMAT = False

name = "q3"
points = 6

MODES = {"zero": "constant", "periodic": "wrap"}


def scipy_conv2d(Y, theta, boundary):
    """``Z[:, :, o, s] = sum_c correlate(Y[:, :, c, s], theta[:, :, c, o])`` with scipy.ndimage."""
    H, W, c_in, N = Y.shape
    c_out = theta.shape[3]
    Z = np.zeros((H, W, c_out, N))
    for c in range(c_in):
        for o in range(c_out):
            # a kernel of size 1 along the batch axis: every image separately
            Z[:, :, o, :] += scipy.ndimage.correlate(
                Y[:, :, c, :], theta[:, :, c, o][:, :, None], mode=MODES[boundary], cval=0.0
            )
    return Z


def data(seed, H, W, c_in, c_out, N, k1, k2):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((H, W, c_in, N)), rng.standard_normal((k1, k2, c_in, c_out))


def compare(conv2d, seed, H, W, c_in, c_out, N, k1, k2, boundary, pure=False):
    Y, theta = data(seed, H, W, c_in, c_out, N, k1, k2)
    label = (
        f"conv2d(Y of shape {Y.shape}, theta of shape {theta.shape}, "
        f"boundary={boundary!r}) vs scipy.ndimage.correlate(mode={MODES[boundary]!r})"
    )
    if pure:
        Z = call_pure(label, conv2d, Y, theta, boundary=boundary)
    else:
        Z = conv2d(Y, theta, boundary=boundary)
    check_array(label, Z, scipy_conv2d(Y, theta, boundary), kind="real", rtol=1e-12)


@test_case(points=1)
def test_zero_boundary_against_scipy(conv2d):
    compare(conv2d, 0, 7, 5, 2, 3, 4, 3, 3, "zero", pure=True)


@test_case(points=1)
def test_periodic_boundary_against_scipy(conv2d):
    compare(conv2d, 1, 7, 5, 2, 3, 4, 3, 3, "periodic", pure=True)


@test_case(points=1, hidden=True)
def test_larger_and_rectangular_kernels(conv2d):
    """Varies: test_zero_boundary_against_scipy (larger and rectangular kernels, both boundaries)."""
    for boundary in ("zero", "periodic"):
        compare(conv2d, 2, 9, 6, 3, 2, 2, 5, 5, boundary)
        compare(conv2d, 3, 6, 8, 3, 2, 3, 3, 5, boundary)
        compare(conv2d, 4, 8, 5, 1, 2, 2, 5, 3, boundary)


@test_case(points=1, hidden=True)
def test_equal_channel_numbers(conv2d):
    """Varies: test_periodic_boundary_against_scipy (c_in == c_out)."""
    # c_in == c_out: a mix-up of the two channel axes does not fail on shapes here
    for boundary in ("zero", "periodic"):
        compare(conv2d, 5, 6, 7, 2, 2, 3, 3, 3, boundary)


@test_case(points=1, hidden=True)
def test_separable_kernel_is_kronecker_product(conv2d):
    """Varies: test_zero_boundary_against_scipy (a separable kernel against 1-D operators)."""
    # theta = u v^T: vec(K Y) = kron(K(v), K(u)) vec(Y), column-major vec (the first index
    # runs fastest), with the 1-D operators built here from the defining sum
    rng = np.random.default_rng(8)
    u, v = rng.standard_normal(3), rng.standard_normal(5)
    H, W = 6, 7

    def op1d(t, n, periodic):
        r = (len(t) - 1) // 2
        K = np.zeros((n, n))
        for i in range(n):
            for j in range(-r, r + 1):
                if periodic or 0 <= i + j < n:
                    K[i, (i + j) % n] += t[j + r]
        return K

    for boundary in ("zero", "periodic"):
        p = boundary == "periodic"
        A = np.kron(op1d(v, W, p), op1d(u, H, p))
        Y = rng.standard_normal((H, W, 1, 2))
        theta = np.outer(u, v)[:, :, None, None]
        label = (
            f"conv2d(Y of shape {Y.shape}, theta = outer(u, v) of shape (3, 5, 1, 1), "
            f"boundary={boundary!r}) vs kron(K(v), K(u)) vec(Y)"
        )
        Z = check_array(label, conv2d(Y, theta, boundary=boundary), shape=(H, W, 1, 2))
        expected = np.stack(
            [(A @ Y[:, :, 0, s].reshape(-1, order="F")).reshape(H, W, order="F") for s in range(2)],
            axis=-1,
        )[:, :, None, :]
        check_array(label, Z, expected, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_linear_in_theta(conv2d):
    """Varies: test_zero_boundary_against_scipy (linearity in theta)."""
    rng = np.random.default_rng(9)
    Y, theta = data(10, 6, 5, 2, 3, 2, 3, 3)
    dtheta = rng.standard_normal(theta.shape)
    for boundary in ("zero", "periodic"):
        label = f"conv2d(Y, theta + h dtheta, boundary={boundary!r}) (linear in theta)"
        Z0 = conv2d(Y, theta, boundary=boundary)
        dZ = conv2d(Y, dtheta, boundary=boundary)
        table = taylor_table(
            lambda h, bd=boundary: conv2d(Y, theta + h * dtheta, boundary=bd), Z0, dZ
        )
        check_taylor(label, table, scale=np.linalg.norm(Z0))
        check_array(
            label + ": K(2 theta) Y = 2 K(theta) Y",
            conv2d(Y, 2 * theta, boundary=boundary),
            2 * Z0,
            rtol=1e-14,
        )


@test_case(points=0.5)
def test_unknown_boundary_raises(conv2d):
    Y, theta = data(11, 5, 5, 2, 3, 1, 3, 3)
    check_raises(
        "conv2d(Y, theta, boundary='reflect')", ValueError, conv2d, Y, theta, boundary="reflect"
    )
