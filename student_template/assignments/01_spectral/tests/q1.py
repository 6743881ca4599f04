"""q1: squared_distances (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q1"
points = 3


def brute_force(Y):
    n = Y.shape[1]
    return np.array([[np.sum((Y[:, i] - Y[:, j]) ** 2) for j in range(n)] for i in range(n)])


@test_case(points=1)
def test_rectangular_against_brute_force(squared_distances):
    Y = np.random.default_rng(0).standard_normal((3, 7))
    D = call_pure("squared_distances(Y), Y of shape (3, 7)", squared_distances, Y)
    check_array("squared_distances(Y), Y of shape (3, 7)", D, brute_force(Y), rtol=1e-12)


@test_case(points=1)
def test_invariants(squared_distances):
    Y = 5.0 + np.random.default_rng(1).standard_normal((2, 40))  # offset: cancellation
    label = "squared_distances(Y), Y of shape (2, 40) centred at (5, 5)"
    D = check_array(label, squared_distances(Y), shape=(40, 40))
    check(np.array_equal(D, D.T), label, "D must be exactly symmetric")
    check(
        np.all(np.diag(D) == 0),
        label,
        f"the diagonal must be exactly 0, max |D_ii| = {np.abs(np.diag(D)).max():.2e}",
    )
    check(np.all(D >= 0), label, f"distances must never be negative, min = {D.min():.2e}")
