"""q4: steepest_descent_lsq (4 points)."""

import numpy as np
import scipy.sparse as sp
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q4"
points = 4


def with_singular_values(seed, m, s):
    """A = U diag(s) V^T of shape (m, len(s)) with random orthonormal U, V."""
    rng = np.random.default_rng(seed)
    n = len(s)
    U = np.linalg.qr(rng.standard_normal((m, n)))[0]
    V = np.linalg.qr(rng.standard_normal((n, n)))[0]
    return U @ np.diag(s) @ V.T, U, V


def check_hist(label, hist, key):
    check(isinstance(hist, dict) and key in hist, label, f"hist must be a dict with key {key!r}")
    return np.asarray(hist[key], dtype=float)


@test_case(points=1)
def test_converges_to_lstsq_monotonically(steepest_descent_lsq):
    rng = np.random.default_rng(30)
    A, _, _ = with_singular_values(30, 15, np.linspace(1.0, 1.5, 4))  # kappa(A^T A) = 2.25
    b = rng.standard_normal(15)
    label = "steepest_descent_lsq(A, b, maxiter=200, tol=1e-12), A of shape (15, 4)"
    x, hist = call_pure(label, steepest_descent_lsq, A, b, maxiter=200, tol=1e-12)
    x_ls = np.linalg.lstsq(A, b, rcond=None)[0]
    check_array(label, x, x_ls, rtol=1e-9)
    res = check_hist(label, hist, "resnorm")
    check(res.size >= 3, label, f"expected several iterations in the history, got {res.size}")
    check_scalar(label + ": hist['resnorm'][0] = ||b|| (x0 = 0)", res[0], np.linalg.norm(b),
                 rtol=1e-12)
    check_scalar(label + ": hist['resnorm'][-1] = ||b - A x||", res[-1],
                 np.linalg.norm(b - A @ x), rtol=1e-10)
    check(np.all(np.diff(res) <= 1e-12 * res[0]), label,
          f"residual norms must not increase; largest increase {np.diff(res).max():.2e}")


@test_case(points=1)
def test_rate_matches_the_bound(steepest_descent_lsq):
    # kappa = cond(A^T A) = 16: bound (kappa - 1)/(kappa + 1) = 15/17 on ||A(x_k - x*)||.
    # With b = A x* and A^T b having equal components on the extreme right singular vectors,
    # steepest descent zigzags at exactly the bound.
    s = np.array([4.0, 3.0, 2.0, 1.0])
    A, U, V = with_singular_values(31, 10, s)
    kappa = (s[0] / s[-1]) ** 2
    bound = (kappa - 1) / (kappa + 1)
    x_star = V @ (np.array([1.0, 0.0, 0.0, 1.0]) / s**2)
    b = A @ x_star
    label = "steepest_descent_lsq(A, b, maxiter=20, tol=0) with cond(A^T A) = 16, b = A x*"
    _, hist = call_pure(label, steepest_descent_lsq, A, b, maxiter=20, tol=0.0)
    res = check_hist(label, hist, "resnorm")
    check(res.size == 21, label, f"expected 21 history entries (x0 and 20 steps), got {res.size}")
    ratios = res[1:] / res[:-1]
    check(np.allclose(ratios, bound, rtol=1e-6), label,
          f"contraction per step should equal (kappa-1)/(kappa+1) = {bound:.6f}; observed "
          f"{ratios.min():.6f} .. {ratios.max():.6f}")


@test_case(points=0.5)
def test_sparse_x0_and_tol(steepest_descent_lsq):
    A, _, _ = with_singular_values(37, 9, np.array([2.0, 1.5, 1.0]))
    rng = np.random.default_rng(38)
    b, x0 = rng.standard_normal(9), rng.standard_normal(3)
    tol = 1e-6
    label = "steepest_descent_lsq(A, b, x0, tol=1e-6) with a scipy.sparse A of shape (9, 3)"
    x, hist = call_pure(label, steepest_descent_lsq, sp.csr_matrix(A), b, x0=x0, tol=tol)
    check_array(label, x, shape=(3,))
    res = check_hist(label, hist, "resnorm")
    check_scalar(label + ": hist['resnorm'][0] = ||b - A x0||", res[0],
                 np.linalg.norm(b - A @ x0), rtol=1e-12)
    nr, target = np.linalg.norm(A.T @ (b - A @ x)), tol * np.linalg.norm(A.T @ b)
    check(nr <= target, label, f"||A^T(b - A x)|| = {nr:.3e} must be <= tol ||A^T b|| = {target:.3e}")
    check(res.size - 1 < 100, label, f"expected to stop at the tolerance, took {res.size - 1}")


@test_case(points=0.5, hidden=True)
def test_rate_bound_random_rhs_and_sparse(steepest_descent_lsq):
    """Varies: test_rate_matches_the_bound (random consistent b, sparse A: the bound holds)."""
    s = np.array([5.0, 2.0, 1.5, 1.0, 0.5])  # kappa = 100
    A, _, _ = with_singular_values(32, 12, s)
    rng = np.random.default_rng(33)
    b = A @ rng.standard_normal(5)
    kappa = (s[0] / s[-1]) ** 2
    bound = (kappa - 1) / (kappa + 1)
    label = "steepest_descent_lsq(A, b, maxiter=30, tol=0) with a sparse A, cond(A^T A) = 100"
    x, hist = call_pure(label, steepest_descent_lsq, sp.csr_matrix(A), b, maxiter=30, tol=0.0)
    check_array(label, x, shape=(5,))
    res = check_hist(label, hist, "resnorm")
    check(res.size == 31, label, f"expected 31 history entries, got {res.size}")
    ratios = res[1:] / res[:-1]
    check(np.all(ratios <= bound * (1 + 1e-9)), label,
          f"contraction {ratios.max():.6f} exceeds the bound (kappa-1)/(kappa+1) = {bound:.6f}")
    x_dense, _ = steepest_descent_lsq(A, b, maxiter=30, tol=0.0)
    check_array(label + " vs the same with a dense A", x, x_dense, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_x0_and_maxiter(steepest_descent_lsq):
    """Varies: test_sparse_x0_and_tol (x0 and maxiter; the iterates step by step)."""
    rng = np.random.default_rng(34)
    A, b, x0 = rng.standard_normal((20, 6)), rng.standard_normal(20), rng.standard_normal(6)
    label = "steepest_descent_lsq(A, b, x0, maxiter=4), A of shape (20, 6)"
    x, hist = call_pure(label, steepest_descent_lsq, A, b, x0=x0, maxiter=4)
    res = check_hist(label, hist, "resnorm")
    check(res.size == 5, label, f"expected 5 history entries (x0 and 4 steps), got {res.size}")
    check_scalar(label + ": hist['resnorm'][0] = ||b - A x0||", res[0],
                 np.linalg.norm(b - A @ x0), rtol=1e-12)
    # brute force: four exact-line-search steps
    xk = x0.copy()
    for _ in range(4):
        g = A.T @ (b - A @ xk)
        xk = xk + (g @ g) / np.linalg.norm(A @ g) ** 2 * g
    check_array(label, x, xk, rtol=1e-10)


@test_case(points=0.5, hidden=True)
def test_stops_at_tolerance(steepest_descent_lsq):
    """Varies: test_sparse_x0_and_tol (stops at the first iterate meeting the rule)."""
    A, _, _ = with_singular_values(35, 14, np.array([3.0, 2.0, 1.0]))
    b = np.random.default_rng(36).standard_normal(14)
    tol = 1e-4
    label = "steepest_descent_lsq(A, b, tol=1e-4), A of shape (14, 3)"
    x, hist = call_pure(label, steepest_descent_lsq, A, b, tol=tol)
    res = check_hist(label, hist, "resnorm")
    k = res.size - 1
    target = tol * np.linalg.norm(A.T @ b)
    nr = np.linalg.norm(A.T @ (b - A @ x))
    check(nr <= target, label, f"||A^T(b - A x)|| = {nr:.3e} must be <= tol ||A^T b|| = {target:.3e}")
    check(0 < k < 100, label, f"expected to stop early, after {k} iterations")
    # the iterate before the last one must not have met the stopping rule
    x_prev, _ = steepest_descent_lsq(A, b, maxiter=k - 1, tol=0.0)
    nr_prev = np.linalg.norm(A.T @ (b - A @ x_prev))
    check(nr_prev > target, label, f"stopped late: iterate {k - 1} already had "
          f"||A^T r|| = {nr_prev:.3e} <= {target:.3e}")
