"""q10: galerkin_coarsen and galerkin_prolong, moving 3-point stencils between grids (4 points)."""

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


def periodic(theta, n):
    """Trusted brute force: the periodic matrix of (K y)_i = sum_j theta[j + 1] y_{i + j}."""
    K = np.zeros((n, n))
    for i in range(n):
        for j in (-1, 0, 1):
            K[i, (i + j) % n] += theta[j + 1]
    return K


def transfer(n_c):
    """The contract's P (n_f, n_c) and R (n_c, n_f) on periodic grids with n_f = 2 n_c."""
    n_f = 2 * n_c
    P, R = np.zeros((n_f, n_c)), np.zeros((n_c, n_f))
    for i in range(n_c):
        for off, w in ((-1, 0.25), (0, 0.75), (1, 0.75), (2, 0.25)):
            P[(2 * i + off) % n_f, i] += w
        R[i, 2 * i] = R[i, 2 * i + 1] = 0.5
    return P, R


@test_case(points=0.5, hidden=True)
def test_galerkin_operator_from_explicit_matrices(galerkin_coarsen):
    """Varies: test_coarsen_stored_stencils (random stencils, several periodic grids)."""
    rng = np.random.default_rng(0)
    for n_c in (3, 4, 7, 10):
        P, R = transfer(n_c)
        theta = rng.standard_normal(3)
        label = f"galerkin_coarsen(theta) for theta = {np.round(theta, 3)}, against R K_f P with n_c = {n_c}"
        theta_c = stencil(galerkin_coarsen, theta, label)
        check_array(label + ": K_c(theta_c) = R K_f(theta) P", periodic(theta_c, n_c),
                    R @ periodic(theta, 2 * n_c) @ P, rtol=1e-12, atol=1e-14)


@test_case(points=0.5, hidden=True)
def test_prolong_random_stencils(galerkin_coarsen, galerkin_prolong):
    """Varies: test_prolong_after_coarsen_is_identity (random coarse stencils, both orders)."""
    rng = np.random.default_rng(1)
    for k in range(4):
        theta_c = rng.standard_normal(3) * 10.0 ** (k - 1)
        label = f"galerkin_coarsen(galerkin_prolong(theta_c)) for theta_c = {theta_c}"
        theta = stencil(galerkin_prolong, theta_c, f"galerkin_prolong({theta_c})")
        P, R = transfer(5)
        check_array(label + " (R K_f P = K_c(theta_c) on n_c = 5)", R @ periodic(theta, 10) @ P,
                    periodic(theta_c, 5), rtol=1e-12, atol=1e-14 * 10.0 ** k)
        check_array(label, stencil(galerkin_coarsen, theta, label), theta_c, rtol=1e-12, atol=1e-14 * 10.0**k)
