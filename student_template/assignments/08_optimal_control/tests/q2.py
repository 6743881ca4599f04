"""q2: node_forward (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity
from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q2"
points = 3


def random_params(rng, n_f, nt, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), scale * rng.standard_normal(n_f))
            for _ in range(nt)]


def rk4_with_frozen_controls(params, Y0, T, f):
    """RK4 written out: step j uses (K_j, b_j) in all four stages."""
    h = T / len(params)
    Y = Y0
    for K, b in params:
        k1 = f(K @ Y + b[:, None])
        k2 = f(K @ (Y + h / 2 * k1) + b[:, None])
        k3 = f(K @ (Y + h / 2 * k2) + b[:, None])
        k4 = f(K @ (Y + h * k3) + b[:, None])
        Y = Y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return Y


@test_case(points=0.5)
def test_one_euler_step_is_a_resnet_step(node_forward):
    rng = np.random.default_rng(0)
    K, b, Y0 = rng.standard_normal((3, 3)), rng.standard_normal(3), rng.standard_normal((3, 7))
    label = "node_forward([(K, b)], Y0, T=0.4, method='euler'), Y0 of shape (3, 7)"
    YT, _ = call_pure(label, node_forward, [(K, b)], Y0, 0.4, method="euler")
    check_array(label + " (expected Y0 + T tanh(K Y0 + b 1^T))", YT,
                Y0 + 0.4 * np.tanh(K @ Y0 + b[:, None]), rtol=1e-14)


@test_case(points=1)
def test_rk4_controls_piecewise_constant(node_forward):
    rng = np.random.default_rng(1)
    params, Y0 = random_params(rng, 2, 3), rng.standard_normal((2, 5))
    label = "node_forward(params, Y0, T=0.9) with nt = 3 different controls, RK4 (default), tanh"
    YT, _ = call_pure(label, node_forward, params, Y0, 0.9)
    check_array(label + " (step j uses (K_j, b_j) in all four stages)", YT,
                rk4_with_frozen_controls(params, Y0, 0.9, np.tanh), rtol=1e-13)


@test_case(points=0.5)
def test_unknown_method_raises(node_forward):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_forward(params, Y0, T=1.0, method='midpoint')"
    check_raises(label, ValueError, node_forward, params, np.ones((2, 3)), 1.0, method="midpoint")
