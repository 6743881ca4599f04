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


# fmt: off
#: Y_T of test_rk4_controls_piecewise_constant (its seeded params and Y0), computed once
YT_THREE_CONTROLS = np.array([
    -0.29337716942481634, 1.0911035790000647, -0.5327889916577729, -2.803544009725306,
    -0.19328068198895743, -1.8437237311479877, -0.03838300422205939, 0.049008731183891444,
    1.1359556939415134, -0.14567678528155154,
]).reshape((2, 5), order="F")
# fmt: on


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
                YT_THREE_CONTROLS, rtol=1e-13)


@test_case(points=0.5)
def test_unknown_method_raises(node_forward):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_forward(params, Y0, T=1.0, method='midpoint')"
    check_raises(label, ValueError, node_forward, params, np.ones((2, 3)), 1.0, method="midpoint")
