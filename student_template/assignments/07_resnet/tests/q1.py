"""q1: resnet_forward (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.linalg
from otter.test_files import test_case
from scipy.integrate import solve_ivp

from numdl.activations import identity, relu, sigmoid, tanh
from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q1"
points = 5


def random_params(rng, n_f, depth, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f))
            for _ in range(depth)]


def explicit_recursion(params, Y0, h, f):
    """Y_{j+1} = Y_j + h f(K_j Y_j + b_j), one column at a time (trusted test code)."""
    Y = Y0.copy()
    for K, b in params:
        Y = np.column_stack([Y[:, i] + h * f(K @ Y[:, i] + b) for i in range(Y.shape[1])])
    return Y


@test_case(points=1)
def test_against_explicit_recursion(resnet_forward):
    rng = np.random.default_rng(0)
    params, Y0 = random_params(rng, 4, 3), rng.standard_normal((4, 7))
    label = "resnet_forward(params, Y0, h=0.3), depth 3, Y0 of shape (4, 7), tanh"
    YN, _ = call_pure(label, resnet_forward, params, Y0, 0.3)
    check_array(label, YN, explicit_recursion(params, Y0, 0.3, np.tanh), rtol=1e-12)


@test_case(points=1)
def test_zero_weights_give_the_identity_map(resnet_forward):
    rng = np.random.default_rng(1)
    Y0 = rng.standard_normal((3, 6))
    params = [(np.zeros((3, 3)), np.zeros(3)) for _ in range(5)]
    for h in (0.1, 1.0, 7.5):
        label = f"resnet_forward with all K_j = 0, b_j = 0 (depth 5, h={h}), Y0 of shape (3, 6)"
        YN, _ = resnet_forward(params, Y0, h)
        check_array(label, YN, Y0, rtol=0.0, atol=0.0)
