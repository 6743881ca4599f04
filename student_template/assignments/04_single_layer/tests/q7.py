"""q7: input_gradient, the loss as a function of the input (adversarial examples) (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, sigmoid, smooth_relu, tanh
from numdl.checks import call_pure, check, check_array, check_scalar, check_taylor, taylor_table

OK_FORMAT = False

name = "q7"
points = 4


def problem(n_c, m, n_f, n, seed, soft=False):
    rng = np.random.default_rng(seed)
    K, b, W = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_c, m))
    Y = rng.standard_normal((n_f, n))
    if soft:
        C = rng.uniform(size=(n_c, n))
        C /= C.sum(axis=0)
    else:
        C = np.zeros((n_c, n))
        C[rng.integers(n_c, size=n), np.arange(n)] = 1.0
    return K, b, W, Y, C


def unpack(out, shape, label):
    check(isinstance(out, tuple) and len(out) == 2, label, "must return a pair (E, gY)")
    return check_scalar(label + ", E", out[0]), check_array(label + ", gY", out[1], shape=shape)


def taylor(input_gradient, K, b, W, Y, C, act, lam, label, seed=0):
    """E1 = |E(Y + h dY) - E(Y) - h <gY, dY>| = O(h^2) for a random direction dY."""
    dY = np.random.default_rng(seed).standard_normal(Y.shape)
    E0, gY = unpack(input_gradient(K, b, W, Y, C, act=act, lam=lam), Y.shape, label)
    F = lambda h: input_gradient(K, b, W, Y + h * dY, C, act=act, lam=lam)[0]
    check_taylor(label + " (Taylor test in Y)", taylor_table(F, E0, np.vdot(gY, dY)), scale=abs(E0))


@test_case(points=1)
def test_taylor_in_Y_with_penalty(input_gradient):
    K, b, W, Y, C = problem(3, 5, 4, 6, 0)
    taylor(input_gradient, K, b, W, Y, C, tanh, 0.1,
           "input_gradient(K, b, W, Y, C, act=tanh, lam=0.1) with n_c=3, m=5, n_f=4, n=6")


@test_case(points=1)
def test_stored_value_and_gradient(input_gradient):
    rng = np.random.default_rng(70)
    K, b, W, Y = (rng.standard_normal((4, 2)), rng.standard_normal(4), rng.standard_normal((3, 4)),
                  rng.standard_normal((2, 3)))
    C = np.zeros((3, 3))
    C[[2, 0, 1], np.arange(3)] = 1.0
    label = "input_gradient(K, b, W, Y, C, act=tanh, lam=0.5) with n_c=3, m=4, n_f=2, n=3 (seed 70)"
    E, gY = unpack(call_pure(label, input_gradient, K, b, W, Y, C, act=tanh, lam=0.5), Y.shape, label)
    # E = softmax_loss(W, tanh(K Y + b 1^T), C) + lam/2 ||Y||_F^2, gY checked by central differences
    check_scalar(label + ", E = softmax_loss(W, Z, C) + lam/2 ||Y||_F^2", E, 3.1219850414667123, rtol=1e-12)
    expected = np.array([[0.4198990660634144, 0.41109228241312, 0.4934862177434485],
                         [0.3071992909162592, -0.8697161152774565, -0.32596030012887856]])
    check_array(label + ", gY", gY, expected, rtol=1e-12)
