"""q2: softmax_loss (6 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.special
from otter.test_files import test_case

from numdl.checks import (
    call_pure,
    check,
    check_array,
    check_scalar,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q2"
points = 6


def brute_loss(W, Y, C):
    """-(1/n) sum_j c_j^T log softmax(W y_j), one column at a time with scipy's logsumexp."""
    n = Y.shape[1]
    total = 0.0
    for j in range(n):
        s = W @ Y[:, j]
        total -= C[:, j] @ (s - scipy.special.logsumexp(s))
    return total / n


def data(seed, n_c, n_f, n, soft=False):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n_c, n_f))
    Y = rng.standard_normal((n_f, n))
    if soft:
        C = scipy.special.softmax(rng.standard_normal((n_c, n)), axis=0)
    else:
        C = np.eye(n_c)[:, rng.integers(0, n_c, n)]
    return W, Y, C


@test_case(points=1)
def test_value_against_brute_force(softmax_loss):
    W, Y, C = data(0, 3, 5, 11)
    label = "softmax_loss(W, Y, C), W (3, 5), Y (5, 11), one-hot C (3, 11)"
    E, dW = call_pure(label, softmax_loss, W, Y, C)
    check_scalar(label + ", E", E, brute_loss(W, Y, C), rtol=1e-12)
    check_array(label + ", dW", dW, shape=(3, 5))


@test_case(points=1)
def test_gradient_taylor(softmax_loss):
    W, Y, C = data(1, 4, 3, 20)
    V = np.random.default_rng(11).standard_normal(W.shape)
    label = "softmax_loss(W, Y, C), W (4, 3), Y (3, 20): Taylor test of dW in a random direction V"
    E0, dW = softmax_loss(W, Y, C)
    check_array(label + ", dW", dW, shape=W.shape)
    F = lambda h: brute_loss(W + h * V, Y, C)  # trusted function values
    table = taylor_table(F, E0, np.vdot(dW, V), n_steps=12)
    check_taylor(label, table, scale=abs(E0), order=2)
    # E0 = |E(W + hV) - E(W)| itself must be O(h) (a sanity check of the direction)
    table0 = taylor_table(F, E0, 0.0, n_steps=12)
    check_taylor(label + " (E0 = O(h))", table0, scale=abs(E0), order=1)


@test_case(points=1)
def test_course_invariants(softmax_loss):
    W, Y, C = data(2, 3, 4, 9)
    base = "softmax_loss(W, Y, C), W (3, 4), Y (4, 9)"
    E, dW = softmax_loss(W, Y, C)
    E = check_scalar(base + ": E must be a scalar", E)
    perm = np.random.default_rng(3).permutation(9)
    Ep, dWp = softmax_loss(W, Y[:, perm], C[:, perm])
    check_scalar(base + " with the columns of Y and C permuted (E)", Ep, E, rtol=1e-12)
    check_array(base + " with the columns of Y and C permuted (dW)", dWp, dW, rtol=1e-12)
    y, c = Y[:, :1], C[:, :1]
    E1, dW1 = softmax_loss(W, y, c)
    E5, dW5 = softmax_loss(W, np.tile(y, 5), np.tile(c, 5))
    check_scalar(
        "softmax_loss(W, y 1^T, c 1^T) vs softmax_loss(W, y, c) (5 copies), E", E5, E1, rtol=1e-12
    )
    check_array(
        "softmax_loss(W, y 1^T, c 1^T) vs softmax_loss(W, y, c) (5 copies), dW",
        dW5,
        dW1,
        rtol=1e-12,
    )
