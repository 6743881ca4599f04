"""q6: avg_pool2d and avg_pool2d_transpose (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check_adjoint, check_array, check_raises

OK_FORMAT = False

name = "q6"
points = 3


def brute_pool(Y, s):
    H, W, c, N = Y.shape
    P = np.zeros((H // s, W // s, c, N))
    for i in range(H // s):
        for j in range(W // s):
            P[i, j] = Y[s * i : s * i + s, s * j : s * j + s].mean(axis=(0, 1))
    return P


def brute_pool_transpose(Z, s):
    Hp, Wp, c, N = Z.shape
    Y = np.zeros((s * Hp, s * Wp, c, N))
    for i in range(s * Hp):
        for j in range(s * Wp):
            Y[i, j] = Z[i // s, j // s] / s**2
    return Y


@test_case(points=1)
def test_pool_exact_values(avg_pool2d):
    Y = np.arange(4 * 6 * 2 * 3, dtype=float).reshape(4, 6, 2, 3) ** 1.5
    label = "avg_pool2d(Y of shape (4, 6, 2, 3), s=2)"
    P = call_pure(label, avg_pool2d, Y, 2)
    check_array(label, P, brute_pool(Y, 2), rtol=1e-14)


@test_case(points=1)
def test_transpose_adjoint_and_values(avg_pool2d_transpose):
    rng = np.random.default_rng(1)
    Y = rng.standard_normal((4, 6, 2, 3))
    Z = rng.standard_normal((2, 3, 2, 3))
    label = "avg_pool2d_transpose(Z of shape (2, 3, 2, 3), s=2)"
    PTZ = call_pure(label, avg_pool2d_transpose, Z, 2)
    check_array(label, PTZ, shape=Y.shape)
    check_adjoint(
        label + " against the pooling of (4, 6, 2, 3) images",
        brute_pool(Y, 2),
        Z,
        Y,
        PTZ,
        rtol=1e-12,
    )
    check_array(label, PTZ, brute_pool_transpose(Z, 2), rtol=1e-14)
