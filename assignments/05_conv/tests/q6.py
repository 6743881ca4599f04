"""q6: avg_pool2d and avg_pool2d_transpose (3 points)."""

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


@test_case(points=0.5, hidden=True)
def test_other_block_sizes(avg_pool2d, avg_pool2d_transpose):
    rng = np.random.default_rng(2)
    for s, H, W in [(3, 6, 9), (3, 9, 3), (1, 4, 5)]:
        Y = rng.standard_normal((H, W, 3, 2))
        Z = rng.standard_normal((H // s, W // s, 3, 2))
        label = f"avg_pool2d(Y of shape {Y.shape}, s={s})"
        check_array(label, avg_pool2d(Y, s), brute_pool(Y, s), rtol=1e-13)
        label = f"avg_pool2d_transpose(Z of shape {Z.shape}, s={s})"
        PTZ = check_array(label, avg_pool2d_transpose(Z, s), shape=Y.shape)
        check_adjoint(label, brute_pool(Y, s), Z, Y, PTZ, rtol=1e-12)
        # P P^T = I / s^2: the blocks do not overlap
        check_array(
            f"avg_pool2d(avg_pool2d_transpose(Z, s={s}), s={s}) = Z / s^2",
            avg_pool2d(PTZ, s),
            Z / s**2,
            rtol=1e-13,
        )


@test_case(points=0.5, hidden=True)
def test_bad_input(avg_pool2d):
    check_raises(
        "avg_pool2d(Y of shape (5, 6, 1, 1), s=2) (5 not divisible by 2)",
        ValueError,
        avg_pool2d,
        np.ones((5, 6, 1, 1)),
        2,
    )
    check_raises(
        "avg_pool2d(Y of shape (4, 6), s=2) (not 4-D)", ValueError, avg_pool2d, np.ones((4, 6)), 2
    )
