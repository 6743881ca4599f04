"""q6: node_loss (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.optimize
from otter.test_files import test_case

from numdl.activations import tanh
from numdl.checks import (
    call_pure,
    check,
    check_array,
    check_raises,
    check_scalar,
    check_taylor,
    taylor_table,
)
from numdl.datasets import ellipses

OK_FORMAT = False

name = "q6"
points = 4


def random_params(rng, n_f, nt, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), scale * rng.standard_normal(n_f))
            for _ in range(nt)]


def labels_to_onehot(lab, n_c):
    C = np.zeros((n_c, lab.size))
    C[lab, np.arange(lab.size)] = 1.0
    return C


def check_output(label, out, params, W):
    check(isinstance(out, (tuple, list)) and len(out) == 3, label, "expected a triple (E, grads, gW)")
    E, grads, gW = out
    E = check_scalar(label + ": E", E)
    check(len(grads) == len(params), label, f"expected {len(params)} pairs (gK_j, gb_j), got {len(grads)}")
    for j, ((gK, gb), (K, b)) in enumerate(zip(grads, params)):
        check_array(f"{label}: gK_{j}", gK, shape=K.shape)
        check_array(f"{label}: gb_{j}", gb, shape=b.shape)
    check_array(f"{label}: gW", gW, shape=W.shape)
    return E, grads, gW


def taylor_check(label, node_loss, params, W, Y0, C, T, act, method, alpha, rng):
    E0, grads, gW = check_output(label, node_loss(params, W, Y0, C, T, act=act, method=method, alpha=alpha),
                                 params, W)
    dp = random_params(rng, Y0.shape[0], len(params))
    dW = rng.standard_normal(W.shape)
    for what, (uP, uW) in {"the controls": (1, 0), "W": (0, 1), "controls and W": (1, 1)}.items():
        def F(h, uP=uP, uW=uW):
            p = [(K + h * uP * a, b + h * uP * c) for (K, b), (a, c) in zip(params, dp)]
            return node_loss(p, W + h * uW * dW, Y0, C, T, act=act, method=method, alpha=alpha)[0]

        dF = uP * sum(np.sum(g * a) + np.sum(gb * c) for (g, gb), (a, c) in zip(grads, dp)) + uW * np.sum(gW * dW)
        check_taylor(f"{label}, perturbing {what}", taylor_table(F, E0, dF, n_steps=14), scale=abs(E0))


# fmt: off
#: E of test_value_against_formula (its seeded problem), computed once from the formula
E_VALUES = {0.0: np.float64(2.546399240296149), 0.3: np.float64(13.05889397085188)}
# fmt: on


@test_case(points=1)
def test_value_against_formula(node_loss):
    rng = np.random.default_rng(0)
    n_f, n, n_c, nt, T = 3, 8, 4, 3, 1.5
    params, Y0 = random_params(rng, n_f, nt), rng.standard_normal((n_f, n))
    W, C = rng.standard_normal((n_c, n_f)), labels_to_onehot(rng.integers(0, n_c, n), n_c)
    for alpha in (0.0, 0.3):
        label = (f"node_loss(params, W, Y0, C, T=1.5, alpha={alpha}), nt = 3, n_f = 3, n = 8, n_c = 4 "
                 "(cross entropy of W Y_T plus alpha R)")
        E, _, _ = check_output(label, call_pure(label, node_loss, params, W, Y0, C, T, alpha=alpha), params, W)
        check_scalar(label, E, E_VALUES[alpha], rtol=1e-12)


@test_case(points=1)
def test_gradient_taylor_with_smoothness(node_loss):
    rng = np.random.default_rng(1)
    n_f, n, n_c, nt, T = 2, 10, 3, 4, 2.0
    params, Y0 = random_params(rng, n_f, nt), rng.standard_normal((n_f, n))
    W, C = rng.standard_normal((n_c, n_f)), labels_to_onehot(rng.integers(0, n_c, n), n_c)
    label = "node_loss(params, W, Y0, C, T=2.0, alpha=0.5), RK4, nt = 4, n_f = 2, n = 10, n_c = 3"
    taylor_check(label, node_loss, params, W, Y0, C, T, tanh, "rk4", 0.5, rng)
