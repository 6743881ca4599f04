"""q5: cgls (8 points)."""

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q5"
points = 8


def sparse_problem(seed, m, n, density):
    rng = np.random.default_rng(seed)
    A = sp.random(m, n, density=density, random_state=rng, format="csr")
    A = sp.csr_matrix(A + sp.eye(m, n))  # full column rank
    return A, rng.standard_normal(m)


def as_operator(A):
    """A LinearOperator that only knows matvec and rmatvec (no matrix inside)."""
    return spla.LinearOperator(A.shape, matvec=lambda v: A @ v, rmatvec=lambda w: A.T @ w,
                               dtype=float)


def hist_arrays(label, hist, keys=("resnorm", "xnorm", "normal_resnorm")):
    check(isinstance(hist, dict), label, f"hist must be a dict, got {type(hist).__name__}")
    out = []
    for key in keys:
        check(key in hist, label, f"hist is missing the key {key!r}")
        out.append(np.asarray(hist[key], dtype=float))
    sizes = {a.size for a in out}
    check(len(sizes) == 1, label, f"the histories must have equal lengths, got {sorted(sizes)}")
    return out


def krylov_solution(A, b, k):
    """Brute force: x_k = argmin ||A x - b|| over K_k(A^T A, A^T b) (orthonormal basis)."""
    v = A.T @ b
    K = [v]
    for _ in range(k - 1):
        K.append(A.T @ (A @ K[-1]))
    Q = np.linalg.qr(np.column_stack(K))[0]
    return Q @ np.linalg.lstsq(A @ Q, b, rcond=None)[0]


@test_case(points=1)
def test_dense_small_problem_at_most_n_steps(cgls):
    rng = np.random.default_rng(40)
    A, b = rng.standard_normal((30, 8)), rng.standard_normal(30)
    label = "cgls(A, b, tol=1e-9), A of shape (30, 8)"
    x, hist = call_pure(label, cgls, A, b, tol=1e-9)
    check_array(label, x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-8)
    res, xn, nres = hist_arrays(label, hist)
    check(res.size <= 9, label, f"CGLS must stop within n = 8 iterations, history has {res.size} "
          "entries")
    nr = np.linalg.norm(A.T @ (b - A @ x))
    check(nr <= 1e-9 * np.linalg.norm(A.T @ b), label, f"||A^T(b - A x)|| = {nr:.2e} is above "
          "the tolerance")


@test_case(points=1)
def test_monotone_histories(cgls):
    # ill-conditioned: cond(A) = 1e3, 12 steps far from convergence
    rng = np.random.default_rng(41)
    U = np.linalg.qr(rng.standard_normal((60, 40)))[0]
    V = np.linalg.qr(rng.standard_normal((40, 40)))[0]
    A = U @ np.diag(np.logspace(0, -3, 40)) @ V.T
    b = rng.standard_normal(60)
    label = "cgls(A, b, maxiter=12), cond(A) = 1e3, A of shape (60, 40)"
    x, hist = call_pure(label, cgls, A, b, maxiter=12)
    res, xn, nres = hist_arrays(label, hist)
    check(res.size == 13, label, f"expected 13 history entries (x0 and 12 steps), got {res.size}")
    check_scalar(label + ": hist['resnorm'][0]", res[0], np.linalg.norm(b), rtol=1e-12)
    check_scalar(label + ": hist['xnorm'][0]", xn[0], 0.0, atol=1e-300)
    check(np.all(np.diff(res) <= 1e-12 * res[0]), label,
          f"hist['resnorm'] must be non-increasing; largest increase {np.diff(res).max():.2e}")
    check(np.all(np.diff(xn) >= -1e-12 * xn[-1]), label,
          f"hist['xnorm'] must be non-decreasing from x0 = 0; largest decrease {-np.diff(xn).min():.2e}")
    check_scalar(label + ": hist['resnorm'][-1] = ||b - A x||", res[-1],
                 np.linalg.norm(b - A @ x), rtol=1e-9)
    check_scalar(label + ": hist['xnorm'][-1] = ||x||", xn[-1], np.linalg.norm(x), rtol=1e-12)


@test_case(points=1)
def test_dense_sparse_and_linear_operator_agree(cgls):
    A, b = sparse_problem(42, 80, 50, 0.05)
    x_ls = np.linalg.lstsq(A.toarray(), b, rcond=None)[0]
    for kind, Ak in (("a dense array", A.toarray()), ("a scipy.sparse csr matrix", A),
                     ("a LinearOperator (matvec/rmatvec only)", as_operator(A))):
        label = f"cgls(A, b, maxiter=200, tol=1e-12) with A {kind} of shape (80, 50)"
        x, _ = cgls(Ak, b, maxiter=200, tol=1e-12)
        check_array(label, x, x_ls, rtol=1e-9)


@test_case(points=1)
def test_damped_solves_regularized_normal_equations(cgls):
    rng = np.random.default_rng(43)
    A, b = rng.standard_normal((25, 10)), rng.standard_normal(25)
    lam = 0.8
    label = "cgls(A, b, lam=0.8, maxiter=100, tol=1e-12), A of shape (25, 10)"
    x, hist = call_pure(label, cgls, A, b, lam=lam, maxiter=100, tol=1e-12)
    check_array(label, x, np.linalg.solve(A.T @ A + lam * np.eye(10), A.T @ b), rtol=1e-9)
    _, _, nres = hist_arrays(label, hist)
    check_scalar(label + ": hist['normal_resnorm'][-1] = ||A^T(b - A x) - lam x||", nres[-1],
                 np.linalg.norm(A.T @ (b - A @ x) - lam * x),
                 rtol=1e-6, atol=1e-13 * np.linalg.norm(A.T @ b))


@test_case(points=0.5)
def test_x0_first_history_entries(cgls):
    rng = np.random.default_rng(39)
    A, b, x0 = rng.standard_normal((7, 4)), rng.standard_normal(7), rng.standard_normal(4)
    label = "cgls(A, b, x0, maxiter=1), A of shape (7, 4)"
    x, hist = call_pure(label, cgls, A, b, x0=x0, maxiter=1)
    res, xn, nres = hist_arrays(label, hist)
    check(res.size == 2, label, f"expected 2 history entries (x0 and 1 step), got {res.size}")
    check_scalar(label + ": hist['resnorm'][0] = ||b - A x0||", res[0],
                 np.linalg.norm(b - A @ x0), rtol=1e-12)
    check_scalar(label + ": hist['xnorm'][0] = ||x0||", xn[0], np.linalg.norm(x0), rtol=1e-12)
    check_scalar(label + ": hist['normal_resnorm'][0] = ||A^T(b - A x0)||", nres[0],
                 np.linalg.norm(A.T @ (b - A @ x0)), rtol=1e-12)


@test_case(points=1, hidden=True)
def test_history_starts_at_x0(cgls):
    """Varies: test_x0_first_history_entries (lam > 0, two steps)."""
    rng = np.random.default_rng(44)
    A, b, x0 = rng.standard_normal((15, 6)), rng.standard_normal(15), rng.standard_normal(6)
    lam = 0.3
    label = "cgls(A, b, lam=0.3, x0, maxiter=2), A of shape (15, 6)"
    x, hist = call_pure(label, cgls, A, b, lam=lam, x0=x0, maxiter=2)
    res, xn, nres = hist_arrays(label, hist)
    check(res.size == 3, label, f"expected 3 history entries (x0 and 2 steps), got {res.size}")
    check_scalar(label + ": hist['resnorm'][0] = ||b - A x0||", res[0],
                 np.linalg.norm(b - A @ x0), rtol=1e-12)
    check_scalar(label + ": hist['xnorm'][0] = ||x0||", xn[0], np.linalg.norm(x0), rtol=1e-12)
    check_scalar(label + ": hist['normal_resnorm'][0]", nres[0],
                 np.linalg.norm(A.T @ (b - A @ x0) - lam * x0), rtol=1e-12)
    check_scalar(label + ": hist['normal_resnorm'][-1]", nres[-1],
                 np.linalg.norm(A.T @ (b - A @ x) - lam * x), rtol=1e-8)


@test_case(points=1, hidden=True)
def test_iterates_are_krylov_minimizers(cgls):
    """Varies: test_monotone_histories (maxiter = k gives the k-th CGLS iterate)."""
    rng = np.random.default_rng(45)
    A, b = rng.standard_normal((40, 12)), rng.standard_normal(40)
    for k in (1, 3, 5):
        label = f"cgls(A, b, maxiter={k}), A of shape (40, 12)"
        x, hist = cgls(A, b, maxiter=k)
        res, _, _ = hist_arrays(label, hist)
        check(res.size == k + 1, label, f"expected {k + 1} history entries, got {res.size}")
        check_array(label + ": x_k = argmin ||A x - b|| over the Krylov space K_k(A^T A, A^T b)",
                    x, krylov_solution(A, b, k), rtol=1e-8)


@test_case(points=0.5, hidden=True)
def test_stops_at_tolerance(cgls):
    """Varies: test_dense_small_problem_at_most_n_steps (a loose tol: stops at it, not later)."""
    rng = np.random.default_rng(46)
    A = rng.standard_normal((50, 30)) @ np.diag(np.logspace(0, -1, 30))
    b = rng.standard_normal(50)
    tol = 1e-3
    label = "cgls(A, b, tol=1e-3), A of shape (50, 30)"
    x, hist = call_pure(label, cgls, A, b, tol=tol)
    _, _, nres = hist_arrays(label, hist)
    target = tol * np.linalg.norm(A.T @ b)
    nr = np.linalg.norm(A.T @ (b - A @ x))
    check(nr <= 1.01 * target, label, f"||A^T(b - A x)|| = {nr:.3e} exceeds tol ||A^T b|| = "
          f"{target:.3e}")
    k = nres.size - 1
    check(0 < k < 30, label, f"expected to stop before n = 30 iterations, took {k}")
    check(nres[-2] > target, label, f"stopped late: hist['normal_resnorm'][-2] = {nres[-2]:.3e} "
          f"already met the tolerance {target:.3e}")
    x_prev, _ = cgls(A, b, maxiter=k - 1, tol=0.0)
    nr_prev = np.linalg.norm(A.T @ (b - A @ x_prev))
    check(nr_prev > target * 0.99, label, f"stopped late: iterate {k - 1} already had "
          f"||A^T r|| = {nr_prev:.3e} <= {target:.3e}")


@test_case(points=0.5, hidden=True)
def test_minimum_norm_rank_deficient(cgls):
    """Varies: test_dense_small_problem_at_most_n_steps (rank-deficient A, from x0 = 0)."""
    rng = np.random.default_rng(47)
    A = rng.standard_normal((10, 3)) @ rng.standard_normal((3, 7))
    b = rng.standard_normal(10)
    label = "cgls(A, b), A of shape (10, 7) with rank 3 (from x0 = 0: the minimum-norm solution)"
    x, _ = call_pure(label, cgls, A, b)
    check_array(label, x, np.linalg.lstsq(A, b, rcond=None)[0], rtol=1e-7)


@test_case(points=0.5, hidden=True)
def test_damped_linear_operator_with_x0(cgls):
    """Varies: test_damped_solves_regularized_normal_equations (LinearOperator, x0, wide)."""
    A, b = sparse_problem(48, 70, 90, 0.04)  # wide; lam > 0 makes it well posed
    x0 = np.random.default_rng(49).standard_normal(90)
    lam = 0.5
    Ad = A.toarray()
    expected = np.linalg.solve(Ad.T @ Ad + lam * np.eye(90), Ad.T @ b)
    label = "cgls(A, b, lam=0.5, x0, maxiter=300, tol=1e-12), A a LinearOperator of shape (70, 90)"
    x, _ = call_pure(label, cgls, as_operator(A), b, lam=lam, x0=x0, maxiter=300, tol=1e-12)
    check_array(label, x, expected, rtol=1e-9)
