"""q7: newton_cg (5 points)."""

import numpy as np
import scipy.special
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_shape
from numdl.datasets import digits, split

OK_FORMAT = False

name = "q7"
points = 5


def regularized_softmax(Y, C, lam):
    """Trusted objective E(W) + lam/2 ||W||^2 (scipy's logsumexp) with its gradient, and the
    Hessian-vector product through the explicit Hessian in vec(W) (small problems only):
    (1/n) sum_j (y_j y_j^T) kron (diag(p_j) - p_j p_j^T) + lam I, assembled once per W."""
    n = Y.shape[1]
    cache = {}

    def fun(W):
        S = W @ Y
        E = np.mean(scipy.special.logsumexp(S, axis=0) - np.sum(C * S, axis=0))
        return E + 0.5 * lam * np.vdot(W, W), (
            scipy.special.softmax(S, axis=0) - C
        ) @ Y.T / n + lam * W

    def hessvec(W, V):
        key = W.tobytes()
        if key not in cache:
            P = scipy.special.softmax(W @ Y, axis=0)
            H = lam * np.eye(W.size)
            for j in range(n):
                p, y = P[:, j], Y[:, j]
                H += np.kron(np.outer(y, y), np.diag(p) - np.outer(p, p)) / n
            cache[key] = H
        return (cache[key] @ V.reshape(-1, order="F")).reshape(V.shape, order="F")

    return fun, hessvec


def three_classes(seed, n=300):
    rng = np.random.default_rng(seed)
    Y = rng.standard_normal((2, n))
    lab = (Y[0] > 0).astype(int) + (Y[1] > 0.5 * Y[0])
    return np.vstack([Y, np.ones(n)]), np.eye(3)[:, lab]


@test_case(points=2)
def test_converges_fast_on_regularized_softmax(newton_cg):
    Y, C = three_classes(0)
    fun, hessvec = regularized_softmax(Y, C, 1e-2)
    W0 = np.zeros((3, 3))
    label = "newton_cg(fun, hessvec, zeros((3, 3))) on softmax loss + 0.005 ||W||^2 (n = 300, 3 classes, bias row)"
    W, hist = call_pure(label, newton_cg, fun, hessvec, W0)
    W = check_array(label + ", x", W, shape=(3, 3))
    f, g = np.asarray(hist["f"]), np.asarray(hist["gradnorm"])
    check(
        len(f) == len(g) >= 2,
        label,
        f"hist['f'] and hist['gradnorm'] need one entry per iterate (lengths {len(f)}, {len(g)})",
    )
    g0 = np.linalg.norm(fun(W0)[1])
    check(
        abs(g[0] - g0) <= 1e-12 * g0,
        label,
        f"hist['gradnorm'][0] = {g[0]:.6e}, expected ||g(x0)|| = {g0:.6e}",
    )
    check(
        abs(f[-1] - fun(W)[0]) <= 1e-12 * abs(f[-1]),
        label,
        "hist['f'][-1] is not f at the returned x",
    )
    check(np.all(np.diff(f) <= 0), label, f"hist['f'] must be non-increasing: {f}")
    gn = np.linalg.norm(fun(W)[1])
    check(
        gn <= 1e-8 * g0,
        label,
        f"||g(x)|| = {gn:.3e} > 1e-8 ||g0|| = {1e-8 * g0:.3e} after {len(f) - 1} iterations",
    )
    check(
        len(f) - 1 <= 12,
        label,
        f"needed {len(f) - 1} iterations; inexact Newton needs about 8 here",
    )
    # fast local convergence (steepest descent contracts by about 0.9 per step on this problem)
    rate = (g[-1] / g[-4]) ** (1 / 3)
    check(
        rate <= 0.1,
        label,
        f"mean contraction of ||g|| over the last 3 steps is {rate:.3f}, expected <= 0.1",
    )


@test_case(points=1, hidden=True)
def test_falls_back_to_steepest_descent(newton_cg):
    # with a negative definite "Hessian" CG stops at d = 0, which is no descent direction: d = -g
    """Varies: test_converges_fast_on_regularized_softmax (the -g fallback)."""
    Y, C = three_classes(1, n=100)
    fun, _ = regularized_softmax(Y, C, 1e-2)
    W0 = np.random.default_rng(2).standard_normal((3, 3))
    label = "newton_cg(fun, lambda x, v: -v, W0, maxiter=3) (no descent direction from CG: use -g)"
    W, hist = newton_cg(fun, lambda x, v: -v, W0, maxiter=3)

    def armijo_step(fun, x, f, g, d):
        for k in range(31):
            a = 2.0**-k
            if fun(x + a * d)[0] <= f + 1e-4 * a * np.vdot(g, d):
                return a
        return 0.0

    x = W0.copy()
    for _ in range(3):
        f, g = fun(x)
        x = x + armijo_step(fun, x, f, g, -g) * -g
    check_array(label + ", x after 3 steps", W, x, rtol=1e-12)
    check(len(hist["f"]) == 4, label, f"expected 4 history entries, got {len(hist['f'])}")


@test_case(points=1, hidden=True)
def test_respects_budgets_and_tol(newton_cg):
    """Varies: test_converges_fast_on_regularized_softmax (maxiter, cg_maxiter, tol)."""
    rng = np.random.default_rng(3)
    Y = np.vstack([rng.standard_normal((5, 200)), np.ones(200)])
    C = np.eye(4)[:, rng.integers(0, 4, 200)]
    fun, hessvec = regularized_softmax(Y, C, 1e-3)
    calls = []
    counted = lambda x, v: (calls.append(1), hessvec(x, v))[1]
    label = "newton_cg(fun, hessvec, 0, maxiter=3, cg_tol=1e-12, cg_maxiter=2), x of shape (4, 6)"
    _, hist = newton_cg(fun, counted, np.zeros((4, 6)), maxiter=3, cg_tol=1e-12, cg_maxiter=2)
    check(
        len(hist["f"]) == 4,
        label,
        f"expected 4 history entries (x0 and 3 iterates), got {len(hist['f'])}",
    )
    check(
        len(calls) <= 15,
        label,
        f"called hessvec {len(calls)} times; at most 2 CG steps per iteration (each with at most 2 products, plus 1) allowed",
    )
    label = "newton_cg(fun, hessvec, 0, tol=1e-3)"
    _, hist = newton_cg(fun, hessvec, np.zeros((4, 6)), tol=1e-3)
    g = np.asarray(hist["gradnorm"])
    check(
        g[-1] <= 1e-3 * g[0] and np.all(g[:-1] > 1e-3 * g[0]),
        label,
        f"must stop at the first iterate with ||g|| <= tol ||g0||; gradnorms {g}",
    )


@test_case(points=1, hidden=True)
def test_digits_accuracy(newton_cg):
    # scikit-learn's digits, 70/30 split, bias row, lam = 1e-3, small budget
    # (the reference reaches 98.0% test accuracy; linear classifiers get about 95-98% on digits)
    """Varies: test_converges_fast_on_regularized_softmax (the digits)."""
    Y, C = digits()
    (Ytr, Ctr), (Yte, Cte) = split(Y, C, (0.7, 0.3), rng=0)
    Ytr, Yte = np.vstack([Ytr, np.ones(Ytr.shape[1])]), np.vstack([Yte, np.ones(Yte.shape[1])])
    fun, _ = regularized_softmax(Ytr, Ctr, 1e-3)
    n, lam = Ytr.shape[1], 1e-3

    def hessvec(W, V):  # matrix-free: the explicit Hessian would be 650 x 650 per iterate
        P = scipy.special.softmax(W @ Ytr, axis=0)
        PZ = P * (V @ Ytr)
        return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Ytr.T / n + lam * V

    label = (
        "newton_cg(fun, hessvec, zeros((10, 65)), maxiter=5, cg_maxiter=10) on digits (lam = 1e-3)"
    )
    W, _ = newton_cg(fun, hessvec, np.zeros((10, 65)), maxiter=5, cg_maxiter=10)
    W = check_shape(label, W, (10, 65))
    acc = np.mean(np.argmax(W @ Yte, axis=0) == np.argmax(Cte, axis=0))
    check(acc >= 0.95, label, f"test accuracy {acc:.4f} < 0.95")
