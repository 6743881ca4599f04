"""q4: mlp_loss (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case
from scipy.special import logsumexp

from numdl.activations import sigmoid, smooth_relu, tanh
from numdl.checks import (
    call_pure,
    check,
    check_array,
    check_scalar,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q4"
points = 5


def random_problem(sizes, n_c, n, rng, soft=False):
    params = [(rng.standard_normal((m, k)) / np.sqrt(k), 0.5 * rng.standard_normal(m))
              for k, m in zip(sizes[:-1], sizes[1:])]
    W = rng.standard_normal((n_c, sizes[-1]))
    Y = rng.standard_normal((sizes[0], n))
    if soft:
        C = rng.uniform(size=(n_c, n))
        C /= C.sum(axis=0)
    else:
        C = np.zeros((n_c, n))
        C[rng.integers(0, n_c, n), np.arange(n)] = 1.0
    return params, W, Y, C


def check_output(label, out, params, W):
    check(isinstance(out, tuple) and len(out) == 3, label, "must return a tuple (E, grads, gW)")
    E, grads, gW = out
    check(isinstance(grads, list | tuple) and len(grads) == len(params), label,
          f"grads must be a list of {len(params)} pairs (gK_j, gb_j)")
    for j, ((gK, gb), (K, b)) in enumerate(zip(grads, params)):
        check_array(f"{label}: gK_{j}", gK, shape=K.shape)
        check_array(f"{label}: gb_{j}", gb, shape=b.shape)
    check_array(f"{label}: gW", gW, shape=W.shape)
    return check_scalar(f"{label}: E", E), grads, gW


def taylor_every_block(mlp_loss, sizes, n_c, n, act, lam, seed, soft=False):
    rng = np.random.default_rng(seed)
    params, W, Y, C = random_problem(sizes, n_c, n, rng, soft)
    base = f"mlp_loss(params, W, Y, C, act={act.__name__}, lam={lam}), sizes {sizes}, n_c = {n_c}, n = {n}"
    E0, grads, gW = check_output(base, call_pure(base, mlp_loss, params, W, Y, C, act, lam), params, W)
    for j in range(len(params)):
        for k, what in ((0, f"K_{j}"), (1, f"b_{j}")):
            d = rng.standard_normal(params[j][k].shape)

            def F(h, j=j, k=k, d=d):
                p = [list(pair) for pair in params]
                p[j][k] = p[j][k] + h * d
                return mlp_loss([tuple(q) for q in p], W, Y, C, act, lam)[0]

            table = taylor_table(F, E0, np.vdot(grads[j][k], d))
            check_taylor(f"{base}: derivative in the direction of {what}", table, scale=abs(E0))
    dW = rng.standard_normal(W.shape)
    table = taylor_table(lambda h: mlp_loss(params, W + h * dW, Y, C, act, lam)[0], E0, np.vdot(gW, dW))
    check_taylor(f"{base}: derivative in the direction of W", table, scale=abs(E0))


# fmt: off
#: E of the public cases (their seeded problems), computed once from the definition
E_DEPTH_ONE = np.float64(2.142890497984997)
E_DEPTH_TWO = {0.0: np.float64(2.144017003216697), 0.3: np.float64(4.578836644141103)}
# fmt: on


# fmt: off
#: (gW, gK, gb) of test_depth_one_agrees_with_a_single_layer (its seeded problem), computed once
GRADS_DEPTH_ONE = (
    np.array([
        0.03696056267123125, 0.02639607860123447, -0.18091821694716612, 0.04868479170650296,
        0.10624955589246576, -0.09225121732132649, -0.03703884112483595,
        -0.0009634937557208428, -0.00663222050136579, -0.007915712381693946,
        0.0019438075297662574, -0.1749717439819345, -0.02615494160590978, -0.1785453278431317,
        0.11075526899426774, 0.21580553037205552, 0.03927149959960658, -0.22866440746886402,
        0.17782279005802512, 0.2947456750961283,
    ]).reshape((4, 5), order="F"),
    np.array([
        0.027515639608848452, -0.08307268773970924, 0.031987298856774475, -0.14723611828163144,
        -0.19692927122842463, 0.040794402421852456, 0.39004169801361405, -0.06366092897482256,
        -0.12394107761273193, 0.007098754804788613, 0.2139458464730347, 0.13252166354266467,
        -0.19276285559508516, -0.18006626674659698, -0.06511121148109797,
    ]).reshape((5, 3), order="F"),
    np.array([
        0.032423963352648806, -0.21796986208671035, -0.05032468251760777, -0.0708544517217355,
        -0.0161498544410603,
    ]).reshape((5,), order="F"),
)
# fmt: on


@test_case(points=1)
def test_depth_one_agrees_with_a_single_layer(mlp_loss):
    """Depth 1: E = softmax_loss(W, tanh(K Y + b 1^T), C) + lam/2 (||K||^2 + ||W||^2)."""
    rng = np.random.default_rng(0)
    (params, W, Y, C), lam = random_problem([3, 5], 4, 9, rng), 0.1
    label = "mlp_loss([(K, b)], W, Y, C, lam=0.1), K (5, 3), W (4, 5), n = 9"
    E, grads, gW = check_output(label, call_pure(label, mlp_loss, params, W, Y, C, tanh, lam), params, W)
    check_scalar(f"{label}: E", E, E_DEPTH_ONE, rtol=1e-12)
    check_array(f"{label}: gW = (P - C) Z^T / n + lam W", gW, GRADS_DEPTH_ONE[0], rtol=1e-10)
    check_array(f"{label}: gK = (act' * W^T (P - C) / n) Y^T + lam K", grads[0][0], GRADS_DEPTH_ONE[1], rtol=1e-10)
    check_array(f"{label}: gb = (act' * W^T (P - C) / n) 1 (no weight decay on b)", grads[0][1], GRADS_DEPTH_ONE[2], rtol=1e-10)


@test_case(points=0.5)
def test_value_depth_two(mlp_loss):
    rng = np.random.default_rng(1)
    params, W, Y, C = random_problem([4, 6, 5], 3, 10, rng)
    for lam in (0.0, 0.3):
        label = f"mlp_loss(params, W, Y, C, lam={lam}), sizes [4, 6, 5], n_c = 3, n = 10"
        E, _, _ = check_output(label, mlp_loss(params, W, Y, C, tanh, lam), params, W)
        check_scalar(f"{label}: E", E, E_DEPTH_TWO[lam], rtol=1e-12)


@test_case(points=1)
def test_taylor_depth_three(mlp_loss):
    taylor_every_block(mlp_loss, [3, 6, 5, 4], 3, 8, tanh, 0.05, seed=2)
