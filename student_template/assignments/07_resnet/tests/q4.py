"""q4: antisymmetric (2 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q4"
points = 2


@test_case(points=1)
def test_symmetric_part_is_minus_gamma(antisymmetric):
    Wk = np.random.default_rng(40).standard_normal((4, 4))
    label = "antisymmetric(Wk, gamma=0.3), Wk of shape (4, 4)"
    K = call_pure(label, antisymmetric, Wk, gamma=0.3)
    check_array(f"{label}: K + K^T = -2 gamma I", K + K.T, -0.6 * np.eye(4), rtol=1e-14)
    check_array(f"{label}: K - K^T = 2 (Wk - Wk^T)", K - K.T, 2 * (Wk - Wk.T), rtol=1e-14)
