"""q4: antisymmetric (2 points)."""

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


@test_case(points=1, hidden=True)
def test_eigenvalues_and_default_gamma(antisymmetric):
    """Varies: test_symmetric_part_is_minus_gamma (eigenvalues and the default gamma)."""
    rng = np.random.default_rng(41)
    for n, gamma in ((5, 0.5), (6, None)):
        Wk = rng.standard_normal((n, n))
        K = antisymmetric(Wk) if gamma is None else antisymmetric(Wk, gamma)
        g = 1e-4 if gamma is None else gamma
        label = f"antisymmetric(Wk{'' if gamma is None else f', gamma={gamma}'}), Wk ({n}, {n})"
        check_array(f"{label}: K + K^T = -2 gamma I", K + K.T, -2 * g * np.eye(n), rtol=1e-12)
        lam = np.linalg.eigvals(K)
        check(np.allclose(lam.real, -g, rtol=0, atol=1e-10), label,
              f"every eigenvalue must have real part -gamma = {-g}, got real parts {lam.real}")
    check_raises("antisymmetric(Wk) with Wk of shape (3, 4)", ValueError, antisymmetric,
                 np.ones((3, 4)))
