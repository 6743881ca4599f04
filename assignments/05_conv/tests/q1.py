"""q1: conv1d_matrix (4 points)."""

import numpy as np
import scipy.linalg
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q1"
points = 4


def defining_sum(theta, y, boundary):
    """``(K y)_i = sum_{j=-r..r} theta[j + r] y[i + j]``, zero or periodic boundary, by loops."""
    n, r = len(y), (len(theta) - 1) // 2
    z = np.zeros(n)
    for i in range(n):
        for j in range(-r, r + 1):
            if boundary == "periodic":
                z[i] += theta[j + r] * y[(i + j) % n]
            elif 0 <= i + j < n:
                z[i] += theta[j + r] * y[i + j]
    return z


def dense_by_defining_sum(theta, n, boundary):
    return np.column_stack([defining_sum(theta, e, boundary) for e in np.eye(n)])


# fmt: off
#: K(theta) of the public cases, written out from the defining sum
DENSE = {
    ('zero', 3, 6): np.array([[2.0, 3.0, 0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 3.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0, 3.0, 0.0], [0.0, 0.0, 0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 0.0, 0.0, 1.0, 2.0]]),
    ('zero', 5, 7): np.array([[2.0, 0.25, -3.0, 0.0, 0.0, 0.0, 0.0], [-1.0, 2.0, 0.25, -3.0, 0.0, 0.0, 0.0], [0.5, -1.0, 2.0, 0.25, -3.0, 0.0, 0.0], [0.0, 0.5, -1.0, 2.0, 0.25, -3.0, 0.0], [0.0, 0.0, 0.5, -1.0, 2.0, 0.25, -3.0], [0.0, 0.0, 0.0, 0.5, -1.0, 2.0, 0.25], [0.0, 0.0, 0.0, 0.0, 0.5, -1.0, 2.0]]),
    ('periodic', 3, 6): np.array([[2.0, 3.0, 0.0, 0.0, 0.0, 1.0], [1.0, 2.0, 3.0, 0.0, 0.0, 0.0], [0.0, 1.0, 2.0, 3.0, 0.0, 0.0], [0.0, 0.0, 1.0, 2.0, 3.0, 0.0], [0.0, 0.0, 0.0, 1.0, 2.0, 3.0], [3.0, 0.0, 0.0, 0.0, 1.0, 2.0]]),
    ('periodic', 5, 8): np.array([[2.0, 0.25, -3.0, 0.0, 0.0, 0.0, 0.5, -1.0], [-1.0, 2.0, 0.25, -3.0, 0.0, 0.0, 0.0, 0.5], [0.5, -1.0, 2.0, 0.25, -3.0, 0.0, 0.0, 0.0], [0.0, 0.5, -1.0, 2.0, 0.25, -3.0, 0.0, 0.0], [0.0, 0.0, 0.5, -1.0, 2.0, 0.25, -3.0, 0.0], [0.0, 0.0, 0.0, 0.5, -1.0, 2.0, 0.25, -3.0], [-3.0, 0.0, 0.0, 0.0, 0.5, -1.0, 2.0, 0.25], [0.25, -3.0, 0.0, 0.0, 0.0, 0.5, -1.0, 2.0]]),
}
# fmt: on


@test_case(points=1)
def test_zero_boundary_against_defining_sum(conv1d_matrix):
    for theta, n in [(np.array([1.0, 2.0, 3.0]), 6), (np.array([0.5, -1.0, 2.0, 0.25, -3.0]), 7)]:
        label = f"conv1d_matrix(theta={theta.tolist()}, n={n}, boundary='zero')"
        K = call_pure(label, conv1d_matrix, theta, n, boundary="zero")
        check_array(label, K, DENSE["zero", theta.size, n], rtol=1e-14)


@test_case(points=1)
def test_periodic_boundary_against_defining_sum(conv1d_matrix):
    for theta, n in [(np.array([1.0, 2.0, 3.0]), 6), (np.array([0.5, -1.0, 2.0, 0.25, -3.0]), 8)]:
        label = f"conv1d_matrix(theta={theta.tolist()}, n={n}, boundary='periodic')"
        K = conv1d_matrix(theta, n, boundary="periodic")
        check_array(label, K, DENSE["periodic", theta.size, n], rtol=1e-14)


@test_case(points=0.5, hidden=True)
def test_cross_correlation_not_convolution(conv1d_matrix):
    """Varies: test_zero_boundary_against_defining_sum (a shift stencil, both boundaries)."""
    # theta = (0, 0, 1): (K y)_i = y_{i+1}, a shift to the left; ones on the superdiagonal
    label = "conv1d_matrix(theta=[0, 0, 1], n=5) (cross-correlation: (K y)_i = y_{i+1})"
    K = conv1d_matrix(np.array([0.0, 0.0, 1.0]), 5)
    check_array(label, K, np.eye(5, k=1), rtol=0, atol=1e-15)
    label = "conv1d_matrix(theta=[0, 0, 1], n=5, boundary='periodic')"
    K = conv1d_matrix(np.array([0.0, 0.0, 1.0]), 5, boundary="periodic")
    check_array(label, K, np.roll(np.eye(5), 1, axis=1), rtol=0, atol=1e-15)


@test_case(points=1, hidden=True)
def test_toeplitz_and_circulant_structure(conv1d_matrix):
    """Varies: test_periodic_boundary_against_defining_sum (a 5-point stencil, Toeplitz and circulant structure)."""
    theta = np.random.default_rng(3).standard_normal(5)
    n = 9
    col = np.zeros(n)
    row = np.zeros(n)
    col[:3] = theta[2::-1]  # K[i, 0] = theta[r - i]
    row[:3] = theta[2:]  # K[0, j] = theta[r + j]
    label = f"conv1d_matrix(theta of length 5, n={n}, boundary='zero') (Toeplitz)"
    check_array(label, conv1d_matrix(theta, n), scipy.linalg.toeplitz(col, row), rtol=1e-14)
    label = f"conv1d_matrix(theta of length 5, n={n}, boundary='periodic') (circulant)"
    K = check_array(label, conv1d_matrix(theta, n, boundary="periodic"), shape=(n, n))
    for i in range(1, n):
        err = np.abs(K[i] - np.roll(K[i - 1], 1)).max()
        check(
            err <= 1e-14 * np.abs(theta).sum(),
            label,
            f"row {i} is not the cyclic shift of row {i - 1} by one place (max difference {err:.2e})",
        )
    c = np.zeros(n)
    c[[0, 1, 2, n - 2, n - 1]] = theta[[2, 1, 0, 4, 3]]
    check_array(label, K, scipy.linalg.circulant(c), rtol=1e-14)


@test_case(points=0.5)
def test_unknown_boundary_raises(conv1d_matrix):
    check_raises(
        "conv1d_matrix([1, 2, 3], 5, boundary='reflect')",
        ValueError,
        conv1d_matrix,
        np.array([1.0, 2.0, 3.0]),
        5,
        boundary="reflect",
    )
