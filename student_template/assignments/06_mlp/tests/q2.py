"""q2: mlp_forward (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, relu, sigmoid, smooth_relu, tanh
from numdl.checks import call_pure, check_array

OK_FORMAT = False

name = "q2"
points = 4


def random_params(sizes, rng):
    return [(rng.standard_normal((m, k)) / np.sqrt(k), rng.standard_normal(m))
            for k, m in zip(sizes[:-1], sizes[1:])]


# fmt: off
#: Z of test_depth_three_non_square (its seeded params and Y), computed once by the recursion
Z_DEPTH_THREE = np.array([
    -0.6911770150295762, -0.8567417887182993, -0.669017707918326, -0.844886660841353,
    -0.32942044691872163, -0.6629193870166682, -0.33644364172554453, -0.7073170337115909,
    -0.5952992096651514, -0.8542536282183663, -0.721980241628468, -0.8609121899741611,
    -0.1161274454010497, -0.7045989773652768, -0.5349200807615229, -0.8134813142782065,
    -0.6188409460109602, -0.8412313926201024,
]).reshape((2, 9), order="F")
# fmt: on


@test_case(points=1)
def test_depth_one_is_a_single_layer(mlp_forward):
    rng = np.random.default_rng(0)
    K, b, Y = rng.standard_normal((4, 3)), rng.standard_normal(4), rng.standard_normal((3, 6))
    label = "mlp_forward([(K, b)], Y), K (4, 3), Y (3, 6), act=tanh"
    Z, _ = call_pure(label, mlp_forward, [(K, b)], Y)
    check_array(label, Z, np.tanh(K @ Y + np.outer(b, np.ones(6))), rtol=1e-12)


@test_case(points=1)
def test_depth_three_non_square(mlp_forward):
    sizes = [3, 7, 5, 2]
    rng = np.random.default_rng(1)
    params, Y = random_params(sizes, rng), rng.standard_normal((3, 9))
    label = f"mlp_forward(params, Y), sizes {sizes}, n = 9, act=tanh (the last layer has an activation too)"
    Z, _ = call_pure(label, mlp_forward, params, Y, tanh)
    check_array(label, Z, Z_DEPTH_THREE, rtol=1e-12)
