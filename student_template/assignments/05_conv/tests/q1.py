"""q1: conv1d_matrix (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.linalg
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q1"
points = 4


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
