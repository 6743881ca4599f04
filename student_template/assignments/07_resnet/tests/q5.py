"""q5: max_stable_step (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_raises, check_scalar

OK_FORMAT = False

name = "q5"
points = 5


def circulant(t1, t2):
    """The course's K(theta): rows [-t1 - t2, t1, t2] and their cyclic shifts."""
    row = np.array([-t1 - t2, t1, t2])
    return np.array([np.roll(row, k) for k in range(3)])


@test_case(points=1)
def test_test_equation_closed_forms(max_stable_step):
    K = np.diag([-1.0, -3.0, -0.5])
    label = "max_stable_step(diag(-1, -3, -0.5))"
    check_scalar(label, call_pure(label, max_stable_step, K), 2 / 3, rtol=1e-10)
    K = np.array([[-1.0, -2.0], [2.0, -1.0]])  # eigenvalues -1 +- 2i: h = 2 * 1 / 5
    check_scalar("max_stable_step([[-1, -2], [2, -1]]) (eigenvalues -1 +- 2i)",
                 max_stable_step(K), 0.4, rtol=1e-10)


@test_case(points=1)
def test_course_circulant_example(max_stable_step):
    check_scalar("max_stable_step(K(theta)) for the course's circulant K at theta = (1, 1) "
                 "(eigenvalues 0, -3, -3)", max_stable_step(circulant(1.0, 1.0)), 2 / 3,
                 rtol=1e-10)
    # eigenvalues 0 and -(3/2)(t1 + t2) +- i (sqrt(3)/2)(t1 - t2)
    for t1, t2 in ((0.5, 1.5), (2.0, 0.2)):
        re, im = -1.5 * (t1 + t2), np.sqrt(3) / 2 * (t1 - t2)
        check_scalar(f"max_stable_step(K(theta)) for the circulant K at theta = ({t1}, {t2})",
                     max_stable_step(circulant(t1, t2)), -2 * re / (re**2 + im**2), rtol=1e-10)
