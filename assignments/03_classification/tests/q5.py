"""q5: armijo and steepest_descent (5 points)."""

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


@test_case(points=0.5, hidden=True)
def test_armijo_backtrack_limit(armijo):
    # f(x) = x^2/2 from x = 1 along d = -1: accepted iff alpha <= 2 (1 - c1); from 32 that is k = 5
    """Varies: test_armijo_first_accepted_step (the max_backtracks limit, 0.0)."""
    fun = lambda x: (0.5 * float(x @ x), x.copy())
    x, d = np.ones(1), -np.ones(1)
    a = armijo(fun, x, 0.5, x.copy(), d, alpha0=32.0, max_backtracks=5)
    check_scalar(
        "armijo(f, 1, ..., alpha0=32, max_backtracks=5) for f = x^2/2 (k = 5 is allowed)",
        a,
        1.0,
        rtol=0,
    )
    a = armijo(fun, x, 0.5, x.copy(), d, alpha0=32.0, max_backtracks=4)
    check_scalar(
        "armijo(f, 1, ..., alpha0=32, max_backtracks=4) for f = x^2/2 (no step accepted)",
        a,
        0.0,
        atol=0,
    )
    calls = []
    counted = lambda x: (calls.append(1), fun(x))[1]
    a = armijo(counted, x, 0.5, x.copy(), -d, max_backtracks=7)  # ascent direction
    check_scalar("armijo along an ascent direction, max_backtracks=7", a, 0.0, atol=0)
    check(
        len(calls) <= 9,
        "armijo along an ascent direction, max_backtracks=7",
        f"evaluated fun {len(calls)} times, expected at most 8 (+1)",
    )


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


@test_case(points=1, hidden=True)
def test_steepest_descent_iterates_and_maxiter(steepest_descent):
    """Varies: test_steepest_descent_converges (the iterates and maxiter)."""
    A, B = spd(5, 6, 30.0), np.random.default_rng(6).standard_normal((6, 1))
    fun = matrix_quadratic(A, B)
    X0 = np.random.default_rng(7).standard_normal((6, 1))
    label = "steepest_descent(fun, X0, maxiter=4) on a quadratic, X (6, 1)"
    X, hist = steepest_descent(fun, X0, maxiter=4)

    def first_armijo(fun, x, f, g, d, alpha0=1.0, c1=1e-4, max_backtracks=30):
        """Trusted brute force: the first alpha0 2^-k with sufficient decrease, else 0."""
        for k in range(max_backtracks + 1):
            a = alpha0 * 2.0**-k
            if fun(x + a * d)[0] <= f + c1 * a * np.vdot(g, d):
                return a
        return 0.0

    def replay_steepest_descent(fun, x, steps):
        for _ in range(steps):
            f, g = fun(x)
            x = x - first_armijo(fun, x, f, g, -g) * g
        return x

    check(
        len(hist["f"]) == 5 and len(hist["gradnorm"]) == 5,
        label,
        f"expected 5 history entries (X0 and 4 iterates), got {len(hist['f'])} and {len(hist['gradnorm'])}",
    )
    check_array(
        label + ", x after 4 Armijo steps from alpha0 = 1",
        X,
        replay_steepest_descent(fun, X0, 4),
        rtol=1e-12,
    )


@test_case(points=0.5, hidden=True)
def test_steepest_descent_stops_at_tol(steepest_descent):
    """Varies: test_steepest_descent_converges (a loose tol)."""
    A, B = spd(8, 5, 20.0), np.random.default_rng(9).standard_normal((5, 3))
    fun = matrix_quadratic(A, B)
    label = "steepest_descent(fun, 0, maxiter=1000, tol=1e-2)"
    _, hist = steepest_descent(fun, np.zeros((5, 3)), maxiter=1000, tol=1e-2)
    g = np.array(hist["gradnorm"])
    check(
        g[-1] <= 1e-2 * g[0],
        label,
        f"the last gradnorm {g[-1]:.3e} > tol ||g0|| = {1e-2 * g[0]:.3e}",
    )
    check(
        np.all(g[:-1] > 1e-2 * g[0]),
        label,
        f"did not stop at the first iterate with ||g|| <= tol ||g0|| (ran {len(g) - 1} iterations)",
    )


@test_case(points=0.5, hidden=True)
def test_steepest_descent_stops_when_line_search_fails(steepest_descent):
    """Varies: test_steepest_descent_converges (armijo returns 0: stop)."""
    A, B = spd(10, 3, 5.0), np.ones((3, 1))
    good = matrix_quadratic(A, B)
    # gradient with the wrong sign: -g is an ascent direction
    wrong = lambda X: (good(X)[0], -good(X)[1])
    X0 = np.zeros((3, 1))
    label = (
        "steepest_descent(fun, 0, maxiter=20) where -g is an ascent direction (armijo returns 0)"
    )
    X, hist = steepest_descent(wrong, X0, maxiter=20)
    check(
        len(hist["f"]) == 1,
        label,
        f"expected to stop at once with 1 history entry, got {len(hist['f'])}",
    )
    check_array(label + ", x", X, X0, atol=0)
