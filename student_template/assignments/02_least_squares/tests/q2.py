"""q2: lstsq_svd (6 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check_array, check_scalar

OK_FORMAT = False

name = "q2"
points = 6

T_GALILEO = np.array([0.0, 1.0, 2.0, 3.0])
X_GALILEO = np.array([0.0, 4.9, 20.1, 44.1])


def rank_deficient(seed, m, n, r, k=None):
    """A random (m, n) matrix of exact rank r and a right-hand side."""
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
    B = rng.standard_normal(m if k is None else (m, k))
    return A, B


@test_case(points=1)
def test_full_rank_several_rhs_against_numpy(lstsq_svd):
    rng = np.random.default_rng(10)
    A, B = rng.standard_normal((25, 6)), rng.standard_normal((25, 3))
    label = "lstsq_svd(A, B), A of shape (25, 6), B of shape (25, 3)"
    X = call_pure(label, lstsq_svd, A, B)
    check_array(label, X, np.linalg.lstsq(A, B, rcond=None)[0], rtol=1e-10)
    a = (T_GALILEO**2 / 2)[:, None]
    g = check_array("lstsq_svd(A, x) for Galileo's data", lstsq_svd(a, X_GALILEO), shape=(1,))
    check_scalar("g from lstsq_svd on Galileo's data, rounded to 4 decimals",
                 round(float(g[0]), 4), 9.8408, atol=1e-12)


@test_case(points=1)
def test_minimum_norm_for_rank_deficient(lstsq_svd):
    A, b = rank_deficient(11, 8, 6, 3)
    label = "lstsq_svd(A, b), A of shape (8, 6) with rank 3"
    x = call_pure(label, lstsq_svd, A, b)
    # numpy's lstsq returns the minimum-norm solution with the same cutoff rule
    check_array(label, x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-9)
    _, _, Vt = np.linalg.svd(A)
    null = Vt[3:].T  # orthonormal basis of the null space of A
    check_scalar(label + ": ||N^T x|| (x must have no null-space component)",
                 np.linalg.norm(null.T @ x), 0.0, atol=1e-10 * np.linalg.norm(x))


@test_case(points=1)
def test_tikhonov_filter(lstsq_svd):
    rng = np.random.default_rng(12)
    A, B = rng.standard_normal((10, 4)), rng.standard_normal((10, 2))
    lam = 0.7
    label = "lstsq_svd(A, B, lam=0.7), A of shape (10, 4), B of shape (10, 2)"
    X = call_pure(label, lstsq_svd, A, B, lam=lam)
    check_array(label, X, np.linalg.solve(A.T @ A + lam * np.eye(4), A.T @ B), rtol=1e-10)


@test_case(points=0.5)
def test_truncated_small(lstsq_svd):
    rng = np.random.default_rng(12)
    A, b = rng.standard_normal((8, 5)), rng.standard_normal(8)
    r = 2
    label = "lstsq_svd(A, b, rank=2), A of shape (8, 5)"
    x = call_pure(label, lstsq_svd, A, b, rank=r)
    U, _, Vt = np.linalg.svd(A, full_matrices=False)
    # A x_r is the projection of b onto the r leading left singular vectors ...
    check_array(label + ": A x", A @ x, U[:, :r] @ (U[:, :r].T @ b), rtol=1e-10)
    # ... and x_r lies in the span of the r leading right singular vectors
    check_scalar(label + ": ||V_rest^T x|| (component outside the leading right singular vectors)",
                 np.linalg.norm(Vt[r:] @ x), 0.0, atol=1e-10 * np.linalg.norm(x))
    # with lam > 0 as well, the truncated SVD is filtered (stored values)
    label = "lstsq_svd(A, b, lam=0.5, rank=2), A of shape (8, 5) (truncated and filtered)"
    x = call_pure(label, lstsq_svd, A, b, lam=0.5, rank=r)
    stored = [0.17119021770553003, -0.05128171025771243, 0.01905415991521595,
              -0.05803403893395412, -0.42083417653881633]
    check_array(label, x, np.array(stored), rtol=1e-10)
