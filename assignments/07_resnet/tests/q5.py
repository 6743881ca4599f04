"""q5: max_stable_step (5 points)."""

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


def stable_matrix(seed, n):
    """K = -(S S^T + 0.2 I) + (A - A^T): every eigenvalue has a negative real part."""
    rng = np.random.default_rng(seed)
    S, A = rng.standard_normal((n, n)), rng.standard_normal((n, n))
    return -(S @ S.T / n + 0.2 * np.eye(n)) + (A - A.T)


def euler_growth(K, h, steps, seed):
    """||y_steps|| / ||y_0|| for forward Euler y_{k+1} = y_k + h K y_k (trusted test code)."""
    y = np.random.default_rng(seed).standard_normal(K.shape[0])
    y0 = np.linalg.norm(y)
    for _ in range(steps):
        y = y + h * (K @ y)
    return np.linalg.norm(y) / y0


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


@test_case(points=1, hidden=True)
def test_special_cases(max_stable_step):
    """Varies: test_test_equation_closed_forms (zero matrices, skew-symmetric and positive real parts)."""
    A = np.random.default_rng(50).standard_normal((4, 4))
    h = check_scalar("max_stable_step(A - A^T) (purely imaginary eigenvalues)",
                     max_stable_step(A - A.T))
    check(h == 0.0, "max_stable_step(A - A^T)", f"expected 0.0 (unstable for every h > 0), got {h}")
    for K, what in ((np.diag([-1.0, 0.5]), "diag(-1, 0.5)"),
                    (np.array([[0.1, -1.0], [1.0, 0.1]]), "[[0.1, -1], [1, 0.1]]")):
        h = check_scalar(f"max_stable_step({what}) (an eigenvalue with positive real part)",
                         max_stable_step(K))
        check(h == 0.0, f"max_stable_step({what})", f"expected 0.0, got {h}")
    for K, what in ((np.zeros((3, 3)), "zeros((3, 3))"), (np.array([[0.0, 1.0], [0.0, 0.0]]),
                                                          "[[0, 1], [0, 0]] (nilpotent)")):
        h = max_stable_step(K)
        check(isinstance(h, float | np.floating) and h == np.inf, f"max_stable_step({what})",
              f"every eigenvalue is zero, expected inf, got {h!r}")
    check_scalar("max_stable_step([[-4]])", max_stable_step(np.array([[-4.0]])), 0.5, rtol=1e-12)
    check_raises("max_stable_step(K) with K of shape (2, 3)", ValueError, max_stable_step,
                 np.ones((2, 3)))


@test_case(points=2, hidden=True)
def test_euler_bounded_below_and_growing_above(max_stable_step):
    """Varies: test_course_circulant_example (forward Euler below and above the step)."""
    for seed, n in ((51, 4), (52, 6)):
        K = stable_matrix(seed, n)
        label = f"max_stable_step(K), K of shape ({n}, {n}) with eigenvalues in the left half plane"
        h = check_scalar(label, max_stable_step(K))
        check(h > 0, label, f"expected a positive step, got {h}")
        rho = [np.max(np.abs(np.linalg.eigvals(np.eye(n) + s * h * K))) for s in (0.999, 1.001)]
        check(rho[0] <= 1 and rho[1] > 1, label,
              f"the spectral radius of I + h K must be <= 1 just below the returned h = {h:.6g} "
              f"and > 1 just above; got {rho[0]:.12f} at 0.999 h and {rho[1]:.12f} at 1.001 h")
        below, above = euler_growth(K, 0.95 * h, 3000, seed), euler_growth(K, 1.05 * h, 3000, seed)
        check(below < 10 and above > 1e3, label,
              f"forward Euler on y' = K y over 3000 steps: ||y_k||/||y_0|| should stay bounded "
              f"at 0.95 h and grow at 1.05 h (h = {h:.6g}); got {below:.3g} and {above:.3g}")
