"""q6: cg (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q6"
points = 4


def spd(seed, n, cond):
    """A symmetric positive definite matrix with eigenvalues from 1 to cond."""
    Q = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))[0]
    return Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T


def history(label, hist):
    check(
        isinstance(hist, dict) and "resnorm" in hist,
        label,
        "hist must be a dict with key 'resnorm'",
    )
    return np.asarray(hist["resnorm"], dtype=float)


@test_case(points=1)
def test_solves_spd_system_in_at_most_n_steps(cg):
    n = 12
    A, b = spd(0, n, 20.0), np.random.default_rng(1).standard_normal(n)
    label = f"cg(lambda v: A @ v, b, tol=1e-10), A SPD ({n}, {n}) with cond 20"
    x, hist = call_pure(label, cg, lambda v: A @ v, b, tol=1e-10)
    check_array(label + ", x", x, np.linalg.solve(A, b), rtol=1e-8)
    r = history(label, hist)
    check(len(r) - 1 <= n, label, f"took {len(r) - 1} iterations, expected at most n = {n}")
    check_scalar(
        label + ", hist['resnorm'][0] = ||b|| (x0 = 0)", r[0], np.linalg.norm(b), rtol=1e-12
    )
    check(r[-1] <= 1e-10 * np.linalg.norm(b), label, f"last resnorm {r[-1]:.3e} above tol ||b||")
    true = np.linalg.norm(b - A @ x)
    check(true <= 2e-10 * np.linalg.norm(b), label, f"||b - A x|| = {true:.3e} above 2 tol ||b||")


@test_case(points=1)
def test_matrix_shaped_right_hand_side(cg):
    # the SPD operator X -> A X + X B on (5, 3) matrices; inner products are sums over all entries
    A, B = spd(2, 5, 10.0), spd(3, 3, 4.0)
    Rhs = np.random.default_rng(4).standard_normal((5, 3))
    K = np.kron(np.eye(3), A) + np.kron(B.T, np.eye(5))  # acts on column-major vec
    expected = np.linalg.solve(K, Rhs.reshape(-1, order="F")).reshape((5, 3), order="F")
    label = "cg(lambda X: A @ X + X @ B, R, tol=1e-12), X and R of shape (5, 3)"
    X, hist = cg(lambda X: A @ X + X @ B, Rhs, tol=1e-12)
    check_array(label, X, expected, rtol=1e-10)
    check(
        len(history(label, hist)) - 1 <= 15,
        label,
        f"took {len(hist['resnorm']) - 1} > 15 iterations",
    )


@test_case(points=1, hidden=True)
def test_maxiter_and_x0(cg):
    """Varies: test_solves_spd_system_in_at_most_n_steps (maxiter and x0)."""
    n = 10
    A, b = spd(5, n, 100.0), np.random.default_rng(6).standard_normal(n)
    # 3 steps of CG minimize the A-norm error over span{b, Ab, A^2 b}
    Vk = np.linalg.qr(np.column_stack([b, A @ b, A @ A @ b]))[0]
    x3 = Vk @ np.linalg.solve(Vk.T @ A @ Vk, Vk.T @ b)
    label = "cg(lambda v: A @ v, b, maxiter=3), A SPD (10, 10) with cond 100"
    x, hist = cg(lambda v: A @ v, b, maxiter=3)
    check_array(label + " vs the A-norm-optimal x in span{b, Ab, A^2 b}", x, x3, rtol=1e-8)
    check(
        len(history(label, hist)) == 4,
        label,
        f"expected 4 resnorm entries (x0 and 3 iterates), got {len(hist['resnorm'])}",
    )
    x0 = np.random.default_rng(7).standard_normal(n)
    label = "cg(lambda v: A @ v, b, tol=1e-10, x0=x0), A SPD (10, 10) with cond 100"
    x, hist = call_pure(label, cg, lambda v: A @ v, b, tol=1e-10, x0=x0)
    check_scalar(
        label + ", hist['resnorm'][0] = ||b - A x0||",
        history(label, hist)[0],
        np.linalg.norm(b - A @ x0),
        rtol=1e-12,
    )
    check_array(label + ", x", x, np.linalg.solve(A, b), rtol=1e-7)


@test_case(points=1, hidden=True)
def test_curvature_semidefinite_and_zero_rhs(cg):
    """Varies: test_solves_spd_system_in_at_most_n_steps (semidefinite A, b = 0)."""
    b = np.array([1.0, 2.0, 3.0])
    label = "cg(lambda v: -v, b) (negative curvature at the first step)"
    x, hist = cg(lambda v: -v, b, maxiter=10)
    check_array(label + ": must stop at x0 = 0", x, np.zeros(3), atol=0)
    check(
        len(history(label, hist)) == 1,
        label,
        f"expected 1 resnorm entry, got {len(hist['resnorm'])}",
    )
    d = np.array([0.0, 1.0, 2.0, 3.0])
    label = "cg(lambda v: diag(0, 1, 2, 3) v, (0, 1, 1, 1)) (semidefinite, consistent)"
    x, _ = cg(lambda v: d * v, np.array([0.0, 1.0, 1.0, 1.0]))
    check_array(label, x, np.array([0.0, 1.0, 0.5, 1.0 / 3.0]), rtol=1e-12)
    label = "cg(lambda v: 2 v, zeros((2, 3))) (zero right-hand side)"
    x, _ = cg(lambda v: 2 * v, np.zeros((2, 3)))
    check_array(label, x, np.zeros((2, 3)), atol=0)
