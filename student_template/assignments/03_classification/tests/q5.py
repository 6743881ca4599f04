"""q5: armijo and steepest_descent (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q5"
points = 5


def spd(seed, n, cond):
    """A symmetric positive definite matrix with eigenvalues from 1 to cond."""
    Q = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))[0]
    return Q @ np.diag(np.geomspace(1.0, cond, n)) @ Q.T


def matrix_quadratic(A, B):
    """f(X) = 1/2 <X, A X> - <B, X> for matrices X (n, k), g = A X - B."""
    return lambda X: (0.5 * np.vdot(X, A @ X) - np.vdot(B, X), A @ X - B)


@test_case(points=1)
def test_armijo_first_accepted_step(armijo):
    A, B = spd(0, 4, 50.0), np.random.default_rng(1).standard_normal((4, 3))
    fun = matrix_quadratic(A, B)
    X = np.random.default_rng(2).standard_normal((4, 3))
    f, g = fun(X)
    Wd = np.random.default_rng(3).uniform(0.05, 0.5, X.shape)  # a scaled descent direction
    cases = [(1.0, 1e-4, "-g", -g), (8.0, 1e-4, "-g", -g), (1.0, 0.45, "-g", -g),
             (1.0, 0.45, "d = -Wd * g (entrywise weights in [0.05, 0.5])", -Wd * g)]
    for alpha0, c1, dname, d in cases:
        label = f"armijo(fun, X, f, g, {dname}, alpha0={alpha0:g}, c1={c1:g}) on a quadratic in X (4, 3)"
        alpha = call_pure(label, armijo, fun, X, f, g, d, alpha0=alpha0, c1=c1)
        # closed form along d: sufficient decrease iff alpha <= 2 (1 - c1) (-<g, d>) / <d, A d>
        ratio = alpha0 / (2 * (1 - c1) * -np.vdot(g, d) / np.vdot(d, A @ d))
        k = max(0, int(np.ceil(np.log2(ratio))))
        check(abs(np.log2(ratio) - round(np.log2(ratio))) > 1e-6, label, "test set-up: a tie")
        expected = alpha0 * 2.0**-k
        check_scalar(label, alpha, expected, rtol=1e-15)
        check(
            fun(X + alpha * d)[0] <= f + c1 * alpha * np.vdot(g, d), label, "no sufficient decrease"
        )
    label = "armijo(fun, X, f, g, +g, max_backtracks=3) along an ascent direction"
    check_scalar(label, armijo(fun, X, f, g, g, max_backtracks=3), 0.0, atol=0)


@test_case(points=1.5)
def test_steepest_descent_converges(steepest_descent):
    A, B = spd(3, 5, 10.0), np.random.default_rng(4).standard_normal((5, 2))
    fun = matrix_quadratic(A, B)
    X0 = np.zeros((5, 2))
    label = "steepest_descent(fun, X0, maxiter=500, tol=1e-6) on 1/2 <X, A X> - <B, X>, X (5, 2), cond(A) = 10"
    X, hist = call_pure(label, steepest_descent, fun, X0, maxiter=500, tol=1e-6)
    X = check_array(label + ", x", X, shape=(5, 2))
    f, g = hist["f"], hist["gradnorm"]
    check(
        len(f) == len(g) >= 2,
        label,
        f"hist['f'] and hist['gradnorm'] must have one entry per iterate (lengths {len(f)}, {len(g)})",
    )
    g0 = np.linalg.norm(B)
    check_scalar(label + ", hist['f'][0] (at X0)", f[0], 0.0, atol=1e-15)
    check_scalar(label + ", hist['gradnorm'][0] (at X0)", g[0], g0, rtol=1e-12)
    check_scalar(label + ", hist['f'][-1] (at the returned x)", f[-1], fun(X)[0], rtol=1e-12)
    check(
        np.all(np.diff(f) <= 0),
        label,
        f"hist['f'] must be non-increasing, got {np.round(f[:8], 6)} ...",
    )
    gn = np.linalg.norm(fun(X)[1])
    check(gn <= 1e-6 * g0, label, f"||g(x)|| = {gn:.3e} > tol ||g0|| = {1e-6 * g0:.3e}")
    check_array(label + ", x vs the solution of A X = B", X, np.linalg.solve(A, B), rtol=1e-5)
