"""q4: conv2d_transpose (4 points)."""

import numpy as np
import scipy.ndimage
from otter.test_files import test_case

from numdl.checks import call_pure, check_adjoint, check_array, check_raises

OK_FORMAT = False

name = "q4"
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


def adjoint_against_scipy(
    conv2d_transpose, seed, H, W, c_in, c_out, N, k1, k2, boundary, pure=False
):
    """``<K Y, Z> = <Y, K^T Z>`` with ``K`` the trusted forward map (scipy)."""
    rng = np.random.default_rng(seed)
    Y = rng.standard_normal((H, W, c_in, N))
    Z = rng.standard_normal((H, W, c_out, N))
    theta = rng.standard_normal((k1, k2, c_in, c_out))
    label = (
        f"conv2d_transpose(Z of shape {Z.shape}, theta of shape {theta.shape}, "
        f"boundary={boundary!r})"
    )
    if pure:
        KTZ = call_pure(label, conv2d_transpose, Z, theta, boundary=boundary)
    else:
        KTZ = conv2d_transpose(Z, theta, boundary=boundary)
    check_array(label, KTZ, shape=Y.shape, kind="real")
    check_adjoint(
        label + " against the forward map of scipy.ndimage.correlate",
        scipy_conv2d(Y, theta, boundary),
        Z,
        Y,
        KTZ,
        rtol=1e-12,
    )


@test_case(points=1)
def test_adjoint_zero_boundary(conv2d_transpose):
    adjoint_against_scipy(conv2d_transpose, 0, 7, 5, 2, 3, 4, 3, 3, "zero", pure=True)


@test_case(points=1)
def test_adjoint_periodic_boundary(conv2d_transpose):
    adjoint_against_scipy(conv2d_transpose, 1, 7, 5, 2, 3, 4, 3, 3, "periodic", pure=True)


@test_case(points=0.5, hidden=True)
def test_adjoint_larger_and_rectangular_kernels(conv2d_transpose):
    """Varies: test_adjoint_zero_boundary (larger and rectangular kernels, both boundaries)."""
    for boundary in ("zero", "periodic"):
        adjoint_against_scipy(conv2d_transpose, 2, 9, 6, 3, 2, 2, 5, 5, boundary)
        adjoint_against_scipy(conv2d_transpose, 3, 6, 9, 3, 2, 3, 3, 5, boundary)
        adjoint_against_scipy(conv2d_transpose, 4, 8, 5, 2, 2, 2, 5, 3, boundary)
        adjoint_against_scipy(conv2d_transpose, 5, 5, 5, 1, 1, 1, 5, 5, boundary)


@test_case(points=0.5, hidden=True)
def test_dense_transpose_single_channel(conv2d_transpose):
    """Varies: test_adjoint_zero_boundary (against the dense matrix of the forward map)."""
    # the dense matrix of the forward map, column by column, and its transpose
    rng = np.random.default_rng(6)
    H, W = 5, 4
    theta = rng.standard_normal((3, 3, 1, 1))
    for boundary in ("zero", "periodic"):
        A = np.column_stack(
            [
                scipy_conv2d(e.reshape(H, W, 1, 1, order="F"), theta, boundary).reshape(
                    -1, order="F"
                )
                for e in np.eye(H * W)
            ]
        )
        z = rng.standard_normal(H * W)
        label = f"conv2d_transpose(Z of shape ({H}, {W}, 1, 1), 3x3 theta, boundary={boundary!r})"
        out = conv2d_transpose(z.reshape(H, W, 1, 1, order="F"), theta, boundary=boundary)
        out = check_array(label, out, shape=(H, W, 1, 1))
        check_array(
            label + " vs A^T vec(Z), A the dense forward matrix",
            out.reshape(-1, order="F"),
            A.T @ z,
            rtol=1e-12,
        )


@test_case(points=0.5, hidden=True)
def test_adjoint_with_own_conv2d(conv2d, conv2d_transpose):
    """Varies: test_adjoint_periodic_boundary (the adjoint test with the student's own conv2d)."""
    rng = np.random.default_rng(7)
    Y = rng.standard_normal((6, 8, 2, 3))
    Z = rng.standard_normal((6, 8, 4, 3))
    theta = rng.standard_normal((5, 3, 2, 4))
    for boundary in ("zero", "periodic"):
        label = f"conv2d / conv2d_transpose (theta of shape (5, 3, 2, 4), boundary={boundary!r})"
        check_adjoint(
            label,
            conv2d(Y, theta, boundary=boundary),
            Z,
            Y,
            conv2d_transpose(Z, theta, boundary=boundary),
            rtol=1e-12,
        )


@test_case(points=0.5)
def test_unknown_boundary_raises(conv2d_transpose):
    Z = np.zeros((4, 4, 1, 1))
    check_raises(
        "conv2d_transpose(Z, theta, boundary='circular')",
        ValueError,
        conv2d_transpose,
        Z,
        np.ones((3, 3, 1, 1)),
        boundary="circular",
    )
