"""q6: leapfrog_forward and leapfrog_reverse (6 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import sigmoid, smooth_relu
from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q6"
points = 6


def problem(seed, n_f, n, depth, scale=1.0):
    """Non-symmetric K_j (so that K_j and K_j^T differ), two nearby starting states."""
    rng = np.random.default_rng(seed)
    params = [(scale * rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f))
              for _ in range(depth)]
    Y0 = rng.standard_normal((n_f, n))
    return params, Y0, Y0 + 0.1 * rng.standard_normal((n_f, n))


def explicit_states(params, Y0, Y1, h, f):
    """All states Y_0..Y_N with Y_{j+1} = 2 Y_j - Y_{j-1} - h^2 K^T f(K Y_j + b), step j using
    params[j-1], one column at a time (trusted test code)."""
    Ys = [Y0, Y1]
    for j in range(1, len(params) + 1):
        K, b = params[j - 1]
        Yj, Yjm1 = Ys[j], Ys[j - 1]
        Ys.append(np.column_stack([2 * Yj[:, i] - Yjm1[:, i] - h**2 * K.T @ f(K @ Yj[:, i] + b)
                                   for i in range(Yj.shape[1])]))
    return Ys


def check_pair(label, out, expected, rtol):
    check(isinstance(out, tuple | list) and len(out) == 2, label, "must return a pair of arrays")
    for k, (a, e) in enumerate(zip(out, expected)):
        check_array(f"{label}, output {k}", a, e, rtol=rtol)


@test_case(points=1.5)
def test_forward_against_explicit_recursion(leapfrog_forward):
    params, Y0, Y1 = problem(60, 3, 5, 4)
    h = 0.2
    label = "leapfrog_forward(params, Y0, Y1, h=0.2), 4 layers (N = 5), Y0 of shape (3, 5), tanh"
    Ys = explicit_states(params, Y0, Y1, h, np.tanh)
    out = call_pure(label, leapfrog_forward, params, Y0, Y1, h)
    check_pair(f"{label}: (Y_4, Y_5)", out, (Ys[4], Ys[5]), rtol=1e-12)


@test_case(points=1)
def test_reversibility_over_many_layers(leapfrog_forward, leapfrog_reverse):
    params, Y0, Y1 = problem(61, 4, 6, 300, scale=0.5)
    h = 0.1
    YNm1, YN = leapfrog_forward(params, Y0, Y1, h)
    label = "leapfrog_reverse(params, *leapfrog_forward(params, Y0, Y1, h=0.1)), 300 layers"
    Z0, Z1 = call_pure(label, leapfrog_reverse, params, YNm1, YN, h)
    check_array(f"{label}: recovers Y0", Z0, Y0, rtol=1e-9)
    check_array(f"{label}: recovers Y1", Z1, Y1, rtol=1e-9)
