"""q1: squared_distances (3 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q1"
points = 3


@test_case(points=1)
def test_rectangular_against_stored_values(squared_distances):
    Y = np.array([[0, 1, 3, -2, 1], [2, 0, -1, 1, 1], [1, 1, 0, 2, -1]], dtype=float)
    D_expected = [
        [0, 5, 19, 6, 6],
        [5, 0, 6, 11, 5],
        [19, 6, 0, 33, 9],
        [6, 11, 33, 0, 18],
        [6, 5, 9, 18, 0],
    ]
    label = "squared_distances(Y), Y of shape (3, 5) with integer entries"
    D = call_pure(label, squared_distances, Y)
    check_array(label, D, np.array(D_expected, dtype=float), rtol=1e-12)


@test_case(points=1)
def test_invariants(squared_distances):
    rng = np.random.default_rng(1)
    Y = 100.0 + rng.standard_normal((2, 40))  # offset and nearly equal points: cancellation
    Y[:, 20:] = Y[:, :20] + 1e-7 * rng.standard_normal((2, 20))
    label = "squared_distances(Y), Y of shape (2, 40) centred at (100, 100), 20 pairs of points 1e-7 apart"
    D = check_array(label, squared_distances(Y), shape=(40, 40))
    check(np.array_equal(D, D.T), label, "D must be exactly symmetric")
    check(
        np.all(np.diag(D) == 0),
        label,
        f"the diagonal must be exactly 0, max |D_ii| = {np.abs(np.diag(D)).max():.2e}",
    )
    check(np.all(D >= 0), label, f"distances must never be negative, min = {D.min():.2e}")


@test_case(points=1, hidden=True)
def test_random_rectangular_against_brute_force(squared_distances):
    """Varies: test_rectangular_against_stored_values (random data, n_f > n and n_f < n)."""
    for seed, shape in ((2, (50, 4)), (3, (3, 7))):
        Y = np.random.default_rng(seed).standard_normal(shape)
        n = Y.shape[1]
        brute = [[np.sum((Y[:, i] - Y[:, j]) ** 2) for j in range(n)] for i in range(n)]
        label = f"squared_distances(Y), random Y of shape {shape}"
        check_array(label, squared_distances(Y), np.array(brute), rtol=1e-12)
