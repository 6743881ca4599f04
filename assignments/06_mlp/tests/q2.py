"""q2: mlp_forward (4 points)."""

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


def _sigmoid(X):
    return 1.0 / (1.0 + np.exp(-X))


def _smooth_relu(X, eps=0.1):
    return np.where(X >= eps, X - eps / 2, np.where(X > 0, X**2 / (2 * eps), 0.0))


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


@test_case(points=1, hidden=True)
def test_several_depths_and_activations(mlp_forward):
    """Varies: test_depth_three_non_square (other depths and activations)."""
    rng = np.random.default_rng(2)
    cases = [([4, 6], relu, lambda X: np.maximum(X, 0)),
             ([2, 8, 8, 8, 3], sigmoid, _sigmoid),
             ([5, 3, 6], smooth_relu, _smooth_relu),
             ([6, 4, 4, 4, 4, 1], tanh, np.tanh)]
    for sizes, act, f in cases:
        params, Y = random_params(sizes, rng), rng.standard_normal((sizes[0], 11))
        label = f"mlp_forward(params, Y, act={act.__name__}), sizes {sizes}, n = 11"
        Z, _ = call_pure(label, mlp_forward, params, Y, act)
        check_array(label, Z, explicit_forward(params, Y, f), rtol=1e-12)


@test_case(points=1, hidden=True)
def test_identity_activation_is_affine(mlp_forward):
    """Varies: test_depth_one_is_a_single_layer (the identity activation)."""
    rng = np.random.default_rng(3)
    (K1, b1), (K2, b2) = random_params([3, 4, 2], rng)
    Y = rng.standard_normal((3, 5))
    label = "mlp_forward([(K1, b1), (K2, b2)], Y, act=identity), sizes [3, 4, 2]"
    Z, _ = mlp_forward([(K1, b1), (K2, b2)], Y, identity)
    expected = K2 @ K1 @ Y + np.outer(K2 @ b1 + b2, np.ones(5))
    check_array(label, Z, expected, rtol=1e-12)


