"""q1: single_layer, the forward map (3 points)."""

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


@test_case(points=0.5, hidden=True)
def test_identity_output_has_rank_at_most_n_f_plus_one(single_layer):
    """Varies: test_other_activations (the identity: rank at most n_f + 1)."""
    K, b, Y = data(10, 3, 20, 2)
    label = "single_layer(K, b, Y, act=identity) with K (10, 3), Y (3, 20)"
    Z = check_array(label, single_layer(K, b, Y, act=identity)[0], shape=(10, 20))
    s = np.linalg.svd(Z, compute_uv=False)
    check(s[4] <= 1e-12 * s[0], label, f"with act=identity, Z = K Y + b 1^T has rank at most n_f + 1 = 4, but singular value 5 is {s[4]:.3e} (largest {s[0]:.3e})")
    check(s[3] >= 1e-6 * s[0], label, f"the bias must add a rank-one term b 1^T: expected rank 4, singular value 4 is {s[3]:.3e}")
    check_array(label + ", Z - K Y (must be b in every column)", Z - K @ Y, np.outer(b, np.ones(20)), rtol=1e-12)


@test_case(points=1, hidden=True)
def test_single_example_and_single_neuron(single_layer):
    """Varies: test_tanh_rectangular_against_direct_formula (n = 1 and m = 1)."""
    rng = np.random.default_rng(3)
    K, b, y = rng.standard_normal((1, 6)), rng.standard_normal(1), rng.standard_normal((6, 1))
    label = "single_layer(K, b, Y) with K (1, 6), b (1,), Y (6, 1) (one neuron, one example)"
    check_array(label, single_layer(K, b, y, act=sigmoid)[0], direct(K, b, y, lambda s: 1 / (1 + np.exp(-s))), rtol=1e-12)
    K2, b2, Y2 = data(3, 4, 8, 4)
    label = "single_layer(K, b, Y) with a large bias (b = 30), act=tanh"
    check_array(label, single_layer(K2, b2 + 30.0, Y2, act=tanh)[0], direct(K2, b2 + 30.0, Y2, np.tanh), rtol=1e-12)
