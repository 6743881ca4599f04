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


def explicit_forward(params, Y, f):
    """Y_{j+1} = f(K_j Y_j + b_j 1^T) with f a plain numpy function."""
    for K, b in params:
        Y = f(K @ Y + np.outer(b, np.ones(Y.shape[1])))
    return Y


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
    check_array(label, Z, explicit_forward(params, Y, np.tanh), rtol=1e-12)
