"""q2: node_forward (3 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity
from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q2"
points = 3


def sin_act(X):
    return np.sin(X), np.cos(X)


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


@test_case(points=0.5, hidden=True)
def test_euler_several_steps_other_activation(node_forward):
    """Varies: test_one_euler_step_is_a_resnet_step (several Euler steps, another activation)."""
    rng = np.random.default_rng(2)
    params, Y0 = random_params(rng, 4, 5), rng.standard_normal((4, 3))
    Y = Y0
    for K, b in params:
        Y = Y + 0.3 * np.sin(K @ Y + b[:, None])
    label = "node_forward(params, Y0, T=1.5, act=sin, method='euler'), nt = 5, Y0 of shape (4, 3)"
    YT, _ = node_forward(params, Y0, 1.5, act=sin_act, method="euler")
    check_array(label, YT, Y, rtol=1e-13)
    label = "node_forward(params, Y0, T=2.0, act=sin, method='rk4'), nt = 5, Y0 of shape (4, 3)"
    YT, _ = node_forward(params, Y0, 2.0, act=sin_act, method="rk4")
    check_array(label, YT, rk4_with_frozen_controls(params, Y0, 2.0, np.sin), rtol=1e-13)


@test_case(points=0.5, hidden=True)
def test_linear_flow(node_forward):
    """Varies: test_rk4_controls_piecewise_constant (a linear flow against its matrix exponential)."""
    # identity activation, constant controls, b = 0: Y(T) = expm(T K) Y0; RK4 converges at order 4
    from scipy.linalg import expm

    rng = np.random.default_rng(3)
    K, Y0 = rng.standard_normal((3, 3)), rng.standard_normal((3, 2))
    exact = expm(1.2 * K) @ Y0
    errs = [np.linalg.norm(node_forward([(K, np.zeros(3))] * nt, Y0, 1.2, act=identity)[0] - exact)
            for nt in (8, 16)]
    check_array("node_forward with act=identity and nt = 16 equal controls vs expm(T K) Y0",
                node_forward([(K, np.zeros(3))] * 16, Y0, 1.2, act=identity)[0], exact, rtol=1e-4)
    check(12 < errs[0] / errs[1] < 20, "node_forward (RK4, act=identity) with nt = 8, 16 equal controls",
          f"the error should shrink by about 16 when nt doubles, errors {errs}")


@test_case(points=0.5)
def test_unknown_method_raises(node_forward):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_forward(params, Y0, T=1.0, method='midpoint')"
    check_raises(label, ValueError, node_forward, params, np.ones((2, 3)), 1.0, method="midpoint")
