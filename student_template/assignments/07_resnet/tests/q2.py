"""q2: resnet_backward (6 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, sigmoid, smooth_relu, tanh
from numdl.checks import call_pure, check, check_array, check_shape, check_taylor, taylor_table

OK_FORMAT = False

name = "q2"
points = 6


def random_params(rng, n_f, depth, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f))
            for _ in range(depth)]


def forward(params, Y0, h, act):
    """The trusted forward map Y_{j+1} = Y_j + h act(K_j Y_j + b_j 1^T)."""
    Y = Y0
    for K, b in params:
        Y = Y + h * act(K @ Y + b[:, None])[0]
    return Y


def check_grads_shapes(label, grads, gY0, params, Y0):
    check(isinstance(grads, list | tuple) and len(grads) == len(params), label,
          f"grads must be a list of {len(params)} pairs (gK_j, gb_j), got "
          f"{type(grads).__name__} of length {len(grads) if hasattr(grads, '__len__') else '?'}")
    for j, ((K, b), pair) in enumerate(zip(params, grads)):
        check(len(pair) == 2, label, f"grads[{j}] must be a pair (gK_{j}, gb_{j})")
        check_shape(f"{label}, gK_{j}", pair[0], K.shape)
        check_shape(f"{label}, gb_{j}", pair[1], b.shape)
    check_shape(f"{label}, gY0", gY0, Y0.shape)


def taylor_each_argument(student_forward, student_backward, params, Y0, h, act, seed, label):
    """Taylor test of F(x) = <Y_N(x), Q> in every K_j, every b_j and Y0 separately."""
    rng = np.random.default_rng(seed)
    Q = rng.standard_normal(Y0.shape)
    _, cache = student_forward(params, Y0, h, act=act)
    grads, gY0 = student_backward(params, cache, Q, h)
    check_grads_shapes(label, grads, gY0, params, Y0)
    F0 = float(np.vdot(forward(params, Y0, h, act), Q))
    targets = [(f"K_{j}", j, 0) for j in range(len(params))]
    targets += [(f"b_{j}", j, 1) for j in range(len(params))] + [("Y0", None, None)]
    for what, j, k in targets:
        if j is None:
            d, g = rng.standard_normal(Y0.shape), gY0
            def F(t, d=d):
                return np.vdot(forward(params, Y0 + t * d, h, act), Q)
        else:
            d, g = rng.standard_normal(params[j][k].shape), grads[j][k]
            def F(t, d=d, j=j, k=k):
                p = [list(pair) for pair in params]
                p[j][k] = p[j][k] + t * d
                return np.vdot(forward(p, Y0, h, act), Q)
        table = taylor_table(F, F0, float(np.vdot(g, d)), n_steps=14)
        check_taylor(f"{label}: gradient with respect to {what}", table, abs(F0))


@test_case(points=2)
def test_taylor_in_every_parameter_and_the_input(resnet_forward, resnet_backward):
    rng = np.random.default_rng(10)
    params, Y0 = random_params(rng, 3, 3), rng.standard_normal((3, 5))
    label = "resnet_backward, depth 3, h=0.5, tanh, Y0 of shape (3, 5)"
    taylor_each_argument(resnet_forward, resnet_backward, params, Y0, 0.5, tanh, 11, label)


@test_case(points=1)
def test_inputs_not_modified(resnet_forward, resnet_backward):
    rng = np.random.default_rng(12)
    params, Y0 = random_params(rng, 2, 2), rng.standard_normal((2, 6))
    dYN = rng.standard_normal((2, 6))
    _, cache = resnet_forward(params, Y0, 0.3)
    label = "resnet_backward(params, cache, dYN, h=0.3), depth 2, Y0 of shape (2, 6)"
    grads, gY0 = call_pure(label, resnet_backward, params, cache, dYN, 0.3)
    check_grads_shapes(label, grads, gY0, params, Y0)
    grads2, gY02 = resnet_backward(params, cache, dYN, 0.3)
    check_array(f"{label}, called a second time with the same cache", gY02, gY0, rtol=1e-14)
