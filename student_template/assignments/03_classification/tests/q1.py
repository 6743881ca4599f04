"""q1: softmax (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
