"""q1: lstsq_normal (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check_array, check_scalar

OK_FORMAT = False

name = "q1"
points = 4

# Galileo's falling body (course introduction): x = g t^2 / 2 fitted to four measurements.
T_GALILEO = np.array([0.0, 1.0, 2.0, 3.0])
X_GALILEO = np.array([0.0, 4.9, 20.1, 44.1])


def tall_problem(seed, m, n, k=None):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, n))
    B = rng.standard_normal(m if k is None else (m, k))
    return A, B


@test_case(points=1)
def test_one_rhs_against_numpy(lstsq_normal):
    A, b = tall_problem(0, 20, 5)
    label = "lstsq_normal(A, b), A of shape (20, 5), b of shape (20,)"
    x = call_pure(label, lstsq_normal, A, b)
    check_array(label, x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-10)


@test_case(points=1)
def test_galileo(lstsq_normal):
    A = (T_GALILEO**2 / 2)[:, None]
    label = "lstsq_normal(A, x) for Galileo's data, A = t^2/2 of shape (4, 1)"
    g = check_array(label, lstsq_normal(A, X_GALILEO), shape=(1,))
    check_scalar(label + ", rounded to 4 decimals", round(float(g[0]), 4), 9.8408, atol=1e-12)


@test_case(points=0.5)
def test_several_rhs_against_numpy(lstsq_normal):
    A, B = tall_problem(1, 30, 6, 3)
    label = "lstsq_normal(A, B), A of shape (30, 6), B of shape (30, 3)"
    X = call_pure(label, lstsq_normal, A, B)
    check_array(label, X, np.linalg.lstsq(A, B, rcond=None)[0], rtol=1e-10)


@test_case(points=0.5, hidden=True)
def test_lam_several_rhs_wide(lstsq_normal):
    """Varies: test_lam_one_rhs_solves_regularized_normal_equations (wide A, several rhs)."""
    # lam > 0 makes the wide problem well posed: (A^T A + lam I) X = A^T B, i.e. the
    # least-squares solution of the stacked system [A; sqrt(lam) I] X = [B; 0].
    A, B = tall_problem(2, 4, 7, 2)
    lam = 0.3
    label = "lstsq_normal(A, B, lam=0.3), A of shape (4, 7), B of shape (4, 2)"
    X = call_pure(label, lstsq_normal, A, B, lam=lam)
    stacked = np.vstack([A, np.sqrt(lam) * np.eye(7)])
    expected = np.linalg.lstsq(stacked, np.vstack([B, np.zeros((7, 2))]), rcond=None)[0]
    check_array(label, X, expected, rtol=1e-10)


@test_case(points=0.5)
def test_lam_one_rhs_solves_regularized_normal_equations(lstsq_normal):
    A, b = tall_problem(3, 15, 4)
    lam = 2.5
    label = "lstsq_normal(A, b, lam=2.5), A of shape (15, 4)"
    x = check_array(label, lstsq_normal(A, b, lam), shape=(4,))
    check_array(label + ": (A^T A + lam I) x", (A.T @ A + lam * np.eye(4)) @ x, A.T @ b, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_one_column_rhs(lstsq_normal):
    """Varies: test_several_rhs_against_numpy (B of shape (m, 1) keeps its column shape)."""
    A, B = tall_problem(4, 9, 3, 1)
    label = "lstsq_normal(A, B), B of shape (9, 1)"
    check_array(label, lstsq_normal(A, B), np.linalg.lstsq(A, B, rcond=None)[0], rtol=1e-10)
