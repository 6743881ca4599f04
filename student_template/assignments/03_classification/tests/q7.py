"""q7: newton_cg (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
