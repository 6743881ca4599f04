"""q3: resnet_loss (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import sigmoid, tanh
from numdl.checks import (
    call_pure,
    check,
    check_array,
    check_scalar,
    check_shape,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q3"
points = 4


def problem(seed, n_f, n_c, n, depth):
    rng = np.random.default_rng(seed)
    params = [(rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f)) for _ in range(depth)]
    W = rng.standard_normal((n_c, n_f))
    Y0 = rng.standard_normal((n_f, n))
    C = np.zeros((n_c, n))
    C[rng.integers(0, n_c, n), np.arange(n)] = 1.0
    return params, W, Y0, C


def cross_entropy(W, Y, C):
    """-(1/n) sum_j c_j^T log softmax(W y_j), column by column with logsumexp (trusted)."""
    S = W @ Y
    total = 0.0
    for j in range(Y.shape[1]):
        s = S[:, j]
        total -= C[:, j] @ (s - (s.max() + np.log(np.sum(np.exp(s - s.max())))))
    return total / Y.shape[1]


def objective(params, W, Y0, C, h, act, lam):
    Y = Y0
    for K, b in params:
        Y = Y + h * act(K @ Y + b[:, None])[0]
    reg = sum(np.sum(K**2) for K, _ in params) + np.sum(W**2)
    return cross_entropy(W, Y, C) + lam / 2 * reg


def check_outputs(label, out, params, W):
    check(isinstance(out, tuple) and len(out) == 3, label, "must return a triple (E, grads, gW)")
    E, grads, gW = out
    check_scalar(f"{label}, E", E)
    check(len(grads) == len(params), label, f"grads must hold {len(params)} pairs, got {len(grads)}")
    for j, ((K, b), (gK, gb)) in enumerate(zip(params, grads)):
        check_shape(f"{label}, gK_{j}", gK, K.shape)
        check_shape(f"{label}, gb_{j}", gb, b.shape)
    check_shape(f"{label}, gW", gW, W.shape)
    return E, grads, gW


def taylor_checks(resnet_loss, params, W, Y0, C, h, act, lam, seed, label, separately):
    E, grads, gW = check_outputs(label, resnet_loss(params, W, Y0, C, h, act=act, lam=lam),
                                 params, W)
    rng = np.random.default_rng(seed)
    blocks = [(f"K_{j}", j, 0) for j in range(len(params))]
    blocks += [(f"b_{j}", j, 1) for j in range(len(params))] + [("W", None, None)]
    dirs = {}
    for what, j, k in blocks:
        dirs[what] = rng.standard_normal(W.shape if j is None else params[j][k].shape)

    def perturbed(t, chosen):
        p = [list(pair) for pair in params]
        WW = W
        for what, j, k in blocks:
            if what in chosen:
                if j is None:
                    WW = W + t * dirs[what]
                else:
                    p[j][k] = p[j][k] + t * dirs[what]
        return objective(p, WW, Y0, C, h, act, lam)

    def grad_of(what, j, k):
        return gW if j is None else grads[j][k]

    groups = [[b[0]] for b in blocks] if separately else [[b[0] for b in blocks]]
    E0 = objective(params, W, Y0, C, h, act, lam)
    for chosen in groups:
        dF = sum(float(np.vdot(grad_of(*b), dirs[b[0]])) for b in blocks if b[0] in chosen)
        table = taylor_table(lambda t, c=chosen: perturbed(t, c), E0, dF, n_steps=14)
        what = chosen[0] if separately else "all parameters at once (K_j, b_j, W)"
        check_taylor(f"{label}: gradient with respect to {what}", table, abs(E0))


@test_case(points=1)
def test_value_against_cross_entropy(resnet_loss):
    params, W, Y0, C = problem(30, 3, 4, 8, 3)
    label = "resnet_loss(params, W, Y0, C, h=0.4, lam=0), depth 3, n_f=3, n_c=4, n=8"
    E, _, _ = check_outputs(label, call_pure(label, resnet_loss, params, W, Y0, C, 0.4), params, W)
    check_scalar(label, E, objective(params, W, Y0, C, 0.4, tanh, 0.0), rtol=1e-10)


@test_case(points=1)
def test_taylor_all_parameters(resnet_loss):
    params, W, Y0, C = problem(31, 3, 2, 6, 2)
    label = "resnet_loss(params, W, Y0, C, h=0.5, lam=0.1), depth 2, n_f=3, n_c=2, n=6"
    taylor_checks(resnet_loss, params, W, Y0, C, 0.5, tanh, 0.1, 32, label, separately=False)


@test_case(points=1, hidden=True)
def test_taylor_each_parameter(resnet_loss):
    """Varies: test_taylor_all_parameters (each parameter separately)."""
    params, W, Y0, C = problem(33, 4, 5, 7, 4)
    label = "resnet_loss(params, W, Y0, C, h=0.25, sigmoid, lam=0.3), depth 4, n_f=4, n_c=5, n=7"
    taylor_checks(resnet_loss, params, W, Y0, C, 0.25, sigmoid, 0.3, 34, label, separately=True)


@test_case(points=1, hidden=True)
def test_weight_decay_terms(resnet_loss):
    """E(lam) - E(0) = lam/2 (sum ||K_j||^2 + ||W||^2); gK, gW gain lam K, lam W; gb unchanged.

    Varies: test_value_against_cross_entropy (lam > 0).
    """
    params, W, Y0, C = problem(35, 2, 3, 5, 3)
    lam, h = 0.7, 0.3
    label = f"resnet_loss(..., h={h}, lam={lam}) against lam=0, depth 3, n_f=2, n_c=3, n=5"
    E0, g0, gW0 = check_outputs(label, resnet_loss(params, W, Y0, C, h, lam=0.0), params, W)
    E1, g1, gW1 = check_outputs(label, resnet_loss(params, W, Y0, C, h, lam=lam), params, W)
    reg = sum(np.sum(K**2) for K, _ in params) + np.sum(W**2)
    check_scalar(f"{label}: E(lam) - E(0) = lam/2 (sum ||K_j||^2 + ||W||^2)", E1 - E0,
                 lam / 2 * reg, rtol=1e-10)
    check_array(f"{label}: gW(lam) - gW(0) = lam W", gW1 - gW0, lam * W, rtol=1e-10)
    for j, (K, _) in enumerate(params):
        check_array(f"{label}: gK_{j}(lam) - gK_{j}(0) = lam K_{j}", g1[j][0] - g0[j][0], lam * K,
                    rtol=1e-10)
        check_array(f"{label}: gb_{j} does not depend on lam (biases are not regularized)",
                    g1[j][1], g0[j][1], rtol=1e-12, atol=1e-15)
