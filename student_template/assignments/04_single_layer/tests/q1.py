"""q1: single_layer, the forward map (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, relu, sigmoid, smooth_relu, tanh
from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q1"
points = 3


def direct(K, b, Y, f):
    """The layer by its definition, column by column: z_j = f(K y_j + b)."""
    return np.column_stack([f(K @ Y[:, j] + b) for j in range(Y.shape[1])])


def data(m, n_f, n, seed):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_f, n))


@test_case(points=1)
def test_tanh_rectangular_against_direct_formula(single_layer):
    K, b, Y = data(4, 3, 7, 0)
    label = "single_layer(K, b, Y) with K (4, 3), b (4,), Y (3, 7), act=tanh"
    out = call_pure(label, single_layer, K, b, Y, act=tanh)
    check(isinstance(out, tuple) and len(out) == 2, label, "must return a pair (Z, cache)")
    check_array(label + ", output Z", out[0], direct(K, b, Y, np.tanh), rtol=1e-12)


@test_case(points=0.5)
def test_other_activations(single_layer):
    K, b, Y = data(5, 2, 9, 1)
    formulas = {
        "relu": (relu, lambda s: np.maximum(s, 0.0)),
        "sigmoid": (sigmoid, lambda s: 1.0 / (1.0 + np.exp(-s))),
        "identity": (identity, lambda s: s),
        "smooth_relu": (smooth_relu, lambda s: np.where(s >= 0.1, s - 0.05, np.where(s > 0, s**2 / 0.2, 0.0))),
    }
    for act_name, (act, f) in formulas.items():
        label = f"single_layer(K, b, Y) with K (5, 2), Y (2, 9), act={act_name}"
        check_array(label + ", output Z", single_layer(K, b, Y, act=act)[0], direct(K, b, Y, f), rtol=1e-12)
