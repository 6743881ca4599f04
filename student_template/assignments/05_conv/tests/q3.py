"""q3: conv2d (6 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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


@test_case(points=0.5)
def test_unknown_boundary_raises(conv2d):
    Y, theta = data(11, 5, 5, 2, 3, 1, 3, 3)
    check_raises(
        "conv2d(Y, theta, boundary='reflect')", ValueError, conv2d, Y, theta, boundary="reflect"
    )
