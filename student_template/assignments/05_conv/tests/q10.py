"""q10: galerkin_coarsen and galerkin_prolong, moving 3-point stencils between grids (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check_array

OK_FORMAT = False

name = "q10"
points = 4


def stencil(func, theta, label):
    return check_array(label, call_pure(label, func, np.asarray(theta, dtype=float)), shape=(3,))


@test_case(points=1)
def test_course_example_coarse_to_fine(galerkin_coarsen, galerkin_prolong):
    # the course's demo: the stencil (-67, 129, -59) learned on the coarse grid, moved to the fine
    # grid (values multiplied out by hand from R K_f P)
    theta = stencil(galerkin_prolong, [-67.0, 129.0, -59.0], "galerkin_prolong([-67, 129, -59])")
    check_array("galerkin_prolong([-67, 129, -59])", theta, np.array([-261.5, 510.0, -245.5]), rtol=1e-12)
    back = stencil(galerkin_coarsen, [-261.5, 510.0, -245.5], "galerkin_coarsen([-261.5, 510, -245.5])")
    check_array("galerkin_coarsen([-261.5, 510, -245.5])", back, np.array([-67.0, 129.0, -59.0]), rtol=1e-12)


@test_case(points=1)
def test_coarsen_stored_stencils(galerkin_coarsen):
    # R K_f P by hand: the Laplacian stencil becomes the Laplacian of spacing 2h (a quarter), and
    # the one-sided stencils show the orientation (theta[0] weighs y_{i-1})
    for theta, expected in (([1, -2, 1], [0.25, -0.5, 0.25]), ([1, 0, 0], [0.5, 0.5, 0.0]),
                            ([0, 0, 1], [0.0, 0.5, 0.5]), ([0, 1, 0], [0.125, 0.75, 0.125])):
        label = f"galerkin_coarsen({theta})"
        check_array(label, stencil(galerkin_coarsen, theta, label), np.array(expected), rtol=1e-12, atol=1e-15)


@test_case(points=1)
def test_prolong_after_coarsen_is_identity(galerkin_coarsen, galerkin_prolong):
    theta = np.array([0.3, -1.7, 2.2])
    label = "galerkin_prolong(galerkin_coarsen(theta)) for theta = (0.3, -1.7, 2.2)"
    check_array(label, stencil(galerkin_prolong, galerkin_coarsen(theta), label), theta, rtol=1e-12, atol=1e-14)
