"""q2: resnet_backward (6 points)."""

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


@test_case(points=1.5, hidden=True)
def test_taylor_other_depths_steps_and_activations(resnet_forward, resnet_backward):
    """Varies: test_taylor_in_every_parameter_and_the_input (other depths, steps and activations)."""
    rng = np.random.default_rng(13)
    for n_f, n, depth, h, act in ((5, 1, 1, 1.0, sigmoid), (2, 9, 6, 0.1, smooth_relu),
                                  (4, 3, 8, 0.25, tanh)):
        params, Y0 = random_params(rng, n_f, depth), rng.standard_normal((n_f, n))
        label = (f"resnet_backward, depth {depth}, h={h}, {act.__name__}, "
                 f"Y0 of shape ({n_f}, {n})")
        seed = 14 + depth
        taylor_each_argument(resnet_forward, resnet_backward, params, Y0, h, act, seed, label)


@test_case(points=1.5, hidden=True)
def test_linear_network_closed_form(resnet_forward, resnet_backward):
    """act = identity: Y_N = M_{0} Y0 + sum_j h M_{j+1} b_j 1^T with M_j = prod_{i >= j} (I + h K_i).

    Varies: test_taylor_in_every_parameter_and_the_input (a linear network, in closed form).
    """
    rng = np.random.default_rng(20)
    n_f, n, depth, h = 3, 4, 5, 0.3
    params, Y0 = random_params(rng, n_f, depth), rng.standard_normal((n_f, n))
    dYN = rng.standard_normal((n_f, n))
    _, cache = resnet_forward(params, Y0, h, act=identity)
    grads, gY0 = resnet_backward(params, cache, dYN, h)
    label = f"resnet_backward, act=identity, depth {depth}, h={h}, Y0 of shape ({n_f}, {n})"
    check_grads_shapes(label, grads, gY0, params, Y0)
    M = [np.eye(n_f)]  # M[k] = prod over the last k layers
    for K, _ in reversed(params):
        M.append(M[-1] @ (np.eye(n_f) + h * K))
    check_array(f"{label}: gY0 = M^T dYN with M = (I + h K_N-1)...(I + h K_0)", gY0,
                M[depth].T @ dYN, rtol=1e-12)
    Y = Y0.copy()
    for j, (K, b) in enumerate(params):
        after = M[depth - 1 - j]  # product of the layers after layer j
        check_array(f"{label}: gb_{j} = h (product of later layers)^T dYN 1", grads[j][1],
                    h * after.T @ dYN.sum(axis=1), rtol=1e-12)
        check_array(f"{label}: gK_{j} = h (product of later layers)^T dYN Y_j^T", grads[j][0],
                    h * after.T @ dYN @ Y.T, rtol=1e-12)
        Y = Y + h * (K @ Y + b[:, None])
