"""q1: softmax (3 points)."""

import numpy as np
import scipy.special
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q1"
points = 3


@test_case(points=1)
def test_rectangular_against_scipy(softmax):
    S = np.random.default_rng(0).standard_normal((4, 7))
    label = "softmax(S), S of shape (4, 7) (4 classes, 7 examples)"
    P = call_pure(label, softmax, S)
    check_array(label, P, scipy.special.softmax(S, axis=0), rtol=1e-12)
    check_array(label + ", column sums", P.sum(axis=0), np.ones(7), rtol=1e-12)


@test_case(points=1)
def test_large_scores_stay_finite(softmax):
    # the course's stability test: scores scaled by 1e4 must not overflow
    S = 1e4 * np.random.default_rng(1).standard_normal((3, 6))
    label = (
        "softmax(1e4 * S), S of shape (3, 6) standard normal (stability: shift by column maxima)"
    )
    check_array(label, softmax(S), scipy.special.softmax(S, axis=0), rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_invariant_to_a_constant_per_column(softmax):
    """Varies: test_large_scores_stay_finite (a different large shift per column)."""
    rng = np.random.default_rng(2)
    S = rng.standard_normal((5, 4))
    shift = np.array([0.0, -2000.0, 800.0, -50.0])  # very different per column
    label = "softmax(S + 1 c^T), S (5, 4), c = (0, -2000, 800, -50) (adding a constant to a column)"
    check_array(label, softmax(S + shift[None, :]), scipy.special.softmax(S, axis=0), rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_one_class_and_zeros(softmax):
    """Varies: test_rectangular_against_scipy (one class; equal scores)."""
    S = np.array([[3.0, -700.0, 1e5]])
    check_array(
        "softmax(S) with a single class, S of shape (1, 3)", softmax(S), np.ones((1, 3)), rtol=1e-15
    )
    P = softmax(np.zeros((2, 3)))
    check(np.allclose(P, 0.5), "softmax(zeros((2, 3)))", f"expected all entries 0.5, got {P}")
