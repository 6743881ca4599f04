"""q1: resnet_forward (5 points)."""

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


# fmt: off
#: Y_N of test_against_explicit_recursion (its seeded params and Y0), computed once
YN_DEPTH_THREE = np.array([
    0.058858619997526423, 1.6886077389293495, 1.7454099289834062, -0.6325514903098356,
    -0.9967238474718234, 0.08949444601177167, -1.0695304215167676, 0.35274564950935283,
    0.984267720856806, -2.4851472041215312, -0.35241725419494313, -1.7719315180496547,
    -0.519584849614042, 0.09044214110196763, 0.7648458430551267, -1.0146789045421896,
    0.654149364930837, 1.0185926233108005, -0.05708094522584381, 0.8151112595538251,
    0.24138030814206168, 1.3242656573306362, 1.4994492625383902, 0.3253793789296784,
    1.0874588831748087, -0.2388837564090054, -0.17033438882371546, 1.0927788142281427,
]).reshape((4, 7), order="F")
# fmt: on


@test_case(points=1)
def test_against_explicit_recursion(resnet_forward):
    rng = np.random.default_rng(0)
    params, Y0 = random_params(rng, 4, 3), rng.standard_normal((4, 7))
    label = "resnet_forward(params, Y0, h=0.3), depth 3, Y0 of shape (4, 7), tanh"
    YN, _ = call_pure(label, resnet_forward, params, Y0, 0.3)
    check_array(label, YN, YN_DEPTH_THREE, rtol=1e-12)


@test_case(points=1)
def test_zero_weights_give_the_identity_map(resnet_forward):
    rng = np.random.default_rng(1)
    Y0 = rng.standard_normal((3, 6))
    params = [(np.zeros((3, 3)), np.zeros(3)) for _ in range(5)]
    for h in (0.1, 1.0, 7.5):
        label = f"resnet_forward with all K_j = 0, b_j = 0 (depth 5, h={h}), Y0 of shape (3, 6)"
        YN, _ = resnet_forward(params, Y0, h)
        check_array(label, YN, Y0, rtol=0.0, atol=0.0)


@test_case(points=2, hidden=True)
def test_other_activations_depths_and_shapes(resnet_forward):
    """Varies: test_against_explicit_recursion (other activations, depths and shapes)."""
    rng = np.random.default_rng(2)
    cases = [(relu, lambda x: np.maximum(x, 0), 2, 1, 6, 0.5),
             (sigmoid, lambda x: 1 / (1 + np.exp(-x)), 5, 9, 1, 2.0),
             (tanh, np.tanh, 1, 4, 8, 0.05)]
    for act, f, n_f, n, depth, h in cases:
        params, Y0 = random_params(rng, n_f, depth), rng.standard_normal((n_f, n))
        label = (f"resnet_forward(params, Y0, h={h}, act={act.__name__}), depth {depth}, "
                 f"Y0 of shape ({n_f}, {n})")
        YN, _ = resnet_forward(params, Y0, h, act=act)
        check_array(label, YN, explicit_recursion(params, Y0, h, f), rtol=1e-12)
    # identity activation: Y_{j+1} = (I + h K_j) Y_j + h b_j 1^T, a product of matrices
    n_f, n, h = 3, 4, 0.2
    params, Y0 = random_params(rng, n_f, 4), rng.standard_normal((n_f, n))
    expected = Y0.copy()
    for K, b in params:
        expected = (np.eye(n_f) + h * K) @ expected + h * np.outer(b, np.ones(n))
    label = "resnet_forward(params, Y0, h=0.2, act=identity), depth 4: (I + h K_j) Y_j + h b_j 1^T"
    check_array(label, resnet_forward(params, Y0, h, act=identity)[0], expected, rtol=1e-12)


@test_case(points=1, hidden=True)
def test_forward_euler_converges_with_order_one(resnet_forward):
    """Fixed final time T = 1, N = T/h identical layers: the error to the ODE halves with h.

    Varies: test_against_explicit_recursion (refined steps of the same recursion: order one).
    """
    rng = np.random.default_rng(3)
    n_f, n = 3, 4
    K, b = rng.standard_normal((n_f, n_f)), 0.5 * rng.standard_normal(n_f)
    Y0 = rng.standard_normal((n_f, n))
    # linear ODE dY/dt = K Y (identity activation, b = 0): Y(1) = expm(K) Y0
    exact_lin = scipy.linalg.expm(K) @ Y0
    # nonlinear ODE dY/dt = tanh(K Y + b 1^T), solved to tight tolerance by scipy
    def rhs(_, y):
        return np.tanh(K @ y.reshape(n_f, n, order="F") + b[:, None]).reshape(-1, order="F")
    sol = solve_ivp(rhs, (0.0, 1.0), Y0.reshape(-1, order="F"), method="DOP853",
                    rtol=1e-12, atol=1e-12)
    exact_tanh = sol.y[:, -1].reshape(n_f, n, order="F")
    for act, bb, exact, what in ((identity, np.zeros(n_f), exact_lin, "dY/dt = K Y"),
                                 (tanh, b, exact_tanh, "dY/dt = tanh(K Y + b 1^T)")):
        errors = []
        for N in (40, 80, 160, 320):
            YN, _ = resnet_forward([(K, bb)] * N, Y0, 1.0 / N, act=act)
            errors.append(np.linalg.norm(YN - exact))
        ratios = np.array(errors[:-1]) / np.array(errors[1:])
        label = f"resnet_forward with N = 40, 80, 160, 320 layers and h = 1/N on {what}"
        check(np.all((ratios > 1.8) & (ratios < 2.2)), label,
              f"forward Euler is first order, the error should halve when h halves; errors "
              f"{np.array(errors)}, ratios {ratios} (expected about 2)")


