"""q6: cg (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
