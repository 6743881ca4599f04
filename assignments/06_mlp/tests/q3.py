"""q3: mlp_backward (5 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, sigmoid, tanh
from numdl.checks import call_pure, check, check_array, check_taylor, taylor_table

OK_FORMAT = False

name = "q3"
points = 5


def random_params(sizes, rng):
    return [(rng.standard_normal((m, k)) / np.sqrt(k), 0.5 * rng.standard_normal(m))
            for k, m in zip(sizes[:-1], sizes[1:])]


def check_grads(label, grads, params):
    check(isinstance(grads, list | tuple) and len(grads) == len(params), label,
          f"grads must be a list of {len(params)} pairs (gK_j, gb_j), got {type(grads).__name__}"
          + (f" of length {len(grads)}" if isinstance(grads, list | tuple) else ""))
    for j, ((gK, gb), (K, b)) in enumerate(zip(grads, params)):
        check_array(f"{label}: gK_{j}", gK, shape=K.shape)
        check_array(f"{label}: gb_{j}", gb, shape=b.shape)


def taylor_every_block(mlp_forward, mlp_backward, sizes, act, n, seed):
    """Taylor tests of <Z, V> in every K_j, b_j and in Y, gradient from mlp_backward(V)."""
    rng = np.random.default_rng(seed)
    params, Y = random_params(sizes, rng), rng.standard_normal((sizes[0], n))
    V = rng.standard_normal((sizes[-1], n))
    base = f"mlp_backward, sizes {sizes}, n = {n}, act={act.__name__}"
    Z, cache = mlp_forward(params, Y, act)
    grads, gY = call_pure(base, mlp_backward, params, cache, V)
    check_grads(base, grads, params)
    check_array(f"{base}: gY", gY, shape=Y.shape)
    F0 = float(np.vdot(Z, V))
    blocks = [(j, k) for j in range(len(params)) for k in (0, 1)] + [(None, None)]
    for j, k in blocks:
        if j is None:
            dY = rng.standard_normal(Y.shape)
            F = lambda h, dY=dY: np.vdot(mlp_forward(params, Y + h * dY, act)[0], V)  # noqa: E731
            dF, what = np.vdot(gY, dY), "the input Y"
        else:
            d = rng.standard_normal(params[j][k].shape)

            def F(h, j=j, k=k, d=d):
                p = [list(pair) for pair in params]
                p[j][k] = p[j][k] + h * d
                return np.vdot(mlp_forward([tuple(q) for q in p], Y, act)[0], V)

            dF, what = np.vdot(grads[j][k], d), ("K" if k == 0 else "b") + f"_{j}"
        table = taylor_table(F, F0, dF)
        check_taylor(f"{base}: <Z, dZ> in the direction of {what}", table, scale=abs(F0))


@test_case(points=1)
def test_depth_one_explicit_formula(mlp_forward, mlp_backward):
    rng = np.random.default_rng(0)
    K, b, Y, V = (rng.standard_normal(s) for s in ((4, 3), (4,), (3, 6), (4, 6)))
    label = "mlp_backward([(K, b)], cache, dZ), K (4, 3), n = 6, act=tanh"
    _, cache = mlp_forward([(K, b)], Y)
    grads, gY = call_pure(label, mlp_backward, [(K, b)], cache, V)
    check_grads(label, grads, [(K, b)])
    G = (1 - np.tanh(K @ Y + b[:, None]) ** 2) * V
    check_array(f"{label}: gK_0 = (act' * dZ) Y^T", grads[0][0], G @ Y.T, rtol=1e-12)
    check_array(f"{label}: gb_0 = (act' * dZ) 1", grads[0][1], G.sum(axis=1), rtol=1e-12)
    check_array(f"{label}: gY = K^T (act' * dZ)", gY, K.T @ G, rtol=1e-12)


@test_case(points=1)
def test_taylor_depth_two(mlp_forward, mlp_backward):
    taylor_every_block(mlp_forward, mlp_backward, [3, 5, 4], tanh, 7, seed=1)


@test_case(points=2, hidden=True)
def test_taylor_depths_one_to_four(mlp_forward, mlp_backward):
    """Varies: test_taylor_depth_two (depths one to four)."""
    taylor_every_block(mlp_forward, mlp_backward, [4, 3], sigmoid, 5, seed=2)
    taylor_every_block(mlp_forward, mlp_backward, [2, 6, 6, 3], tanh, 8, seed=3)
    taylor_every_block(mlp_forward, mlp_backward, [5, 4, 7, 3, 2], sigmoid, 6, seed=4)


@test_case(points=1, hidden=True)
def test_linear_network_is_the_transpose(mlp_forward, mlp_backward):
    """With act = identity, gY = K_0^T K_1^T K_2^T dZ and gK_j = (K_{j+1}^T ... dZ) Y_j^T.

    Varies: test_depth_one_explicit_formula (a linear network, whose backward map is the transpose).
    """
    rng = np.random.default_rng(5)
    sizes = [3, 6, 4, 2]
    params, Y = random_params(sizes, rng), rng.standard_normal((3, 5))
    V = rng.standard_normal((2, 5))
    label = f"mlp_backward with act=identity, sizes {sizes}, n = 5"
    _, cache = mlp_forward(params, Y, identity)
    grads, gY = mlp_backward(params, cache, V)
    check_grads(label, grads, params)
    (K0, b0), (K1, b1), (K2, _) = params
    check_array(f"{label}: gY", gY, K0.T @ K1.T @ K2.T @ V, rtol=1e-12)
    Y1 = K0 @ Y + b0[:, None]
    Y2 = K1 @ Y1 + b1[:, None]
    check_array(f"{label}: gK_0", grads[0][0], (K1.T @ K2.T @ V) @ Y.T, rtol=1e-12)
    check_array(f"{label}: gK_1", grads[1][0], (K2.T @ V) @ Y1.T, rtol=1e-12)
    check_array(f"{label}: gK_2", grads[2][0], V @ Y2.T, rtol=1e-12)
    check_array(f"{label}: gb_1", grads[1][1], (K2.T @ V).sum(axis=1), rtol=1e-12)
