"""q2: single_layer_jvp, directional derivatives of the layer (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import sigmoid, smooth_relu, tanh
from numdl.checks import check_array, check_taylor, taylor_table

OK_FORMAT = False

name = "q2"
points = 4


def data(m, n_f, n, seed):
    rng = np.random.default_rng(seed)
    K, b, Y = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_f, n))
    dK, db, dY = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_f, n))
    return (K, b, Y), (dK, db, dY)


def taylor(single_layer, single_layer_jvp, K, b, Y, act, dK, db, dY, label):
    """Taylor test of Z(K + h dK, b + h db, Y + h dY) with the student's jvp (None = zero)."""
    z = lambda D, like: 0.0 if D is None else D
    Z0, cache = single_layer(K, b, Y, act=act)
    dZ = single_layer_jvp(cache, dK=dK, db=db, dY=dY)
    check_array(label + ", dZ", dZ, shape=Z0.shape)
    F = lambda h: single_layer(K + h * z(dK, K), b + h * z(db, b), Y + h * z(dY, Y), act=act)[0]
    check_taylor(label, taylor_table(F, Z0, dZ), scale=np.linalg.norm(Z0))


@test_case(points=1)
def test_taylor_in_K(single_layer, single_layer_jvp):
    (K, b, Y), (dK, _, _) = data(4, 3, 6, 0)
    taylor(single_layer, single_layer_jvp, K, b, Y, tanh, dK, None, None,
           "single_layer_jvp(cache, dK=dK) with K (4, 3), Y (3, 6), act=tanh (Taylor test in K)")


@test_case(points=1)
def test_taylor_all_together_and_formula(single_layer, single_layer_jvp):
    (K, b, Y), (dK, db, dY) = data(5, 2, 7, 1)
    label = "single_layer_jvp(cache, dK, db, dY) with K (5, 2), Y (2, 7), act=sigmoid"
    taylor(single_layer, single_layer_jvp, K, b, Y, sigmoid, dK, db, dY, label + " (Taylor test)")
    _, cache = single_layer(K, b, Y, act=sigmoid)
    s = 1.0 / (1.0 + np.exp(-(K @ Y + b[:, None])))
    expected = s * (1 - s) * (dK @ Y + db[:, None] + K @ dY)
    check_array(label + " against act'(KY + b 1^T) * (dK Y + db 1^T + K dY)",
                single_layer_jvp(cache, dK=dK, db=db, dY=dY), expected, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_taylor_in_b(single_layer, single_layer_jvp):
    """Varies: test_taylor_all_together_and_formula (a direction in b only)."""
    (K, b, Y), (_, db, _) = data(6, 4, 9, 2)
    taylor(single_layer, single_layer_jvp, K, b, Y, smooth_relu, None, db, None,
           "single_layer_jvp(cache, db=db) with K (6, 4), Y (4, 9), act=smooth_relu (Taylor test in b)")


@test_case(points=0.5, hidden=True)
def test_taylor_in_Y(single_layer, single_layer_jvp):
    """Varies: test_taylor_all_together_and_formula (a direction in Y only)."""
    (K, b, Y), (_, _, dY) = data(2, 5, 8, 3)
    taylor(single_layer, single_layer_jvp, K, b, Y, tanh, None, None, dY,
           "single_layer_jvp(cache, dY=dY) with K (2, 5) (m < n_f), Y (5, 8), act=tanh (Taylor test in Y)")


@test_case(points=1, hidden=True)
def test_none_counts_as_zero_and_linearity(single_layer, single_layer_jvp):
    """Varies: test_taylor_in_K (None directions count as zero; linearity)."""
    (K, b, Y), (dK, db, dY) = data(3, 4, 5, 4)
    _, cache = single_layer(K, b, Y, act=tanh)
    label = "single_layer_jvp with K (3, 4), Y (4, 5), act=tanh"
    check_array(label + ", all directions None", single_layer_jvp(cache), np.zeros((3, 5)), atol=0.0)
    zK, zb, zY = np.zeros_like(dK), np.zeros_like(db), np.zeros_like(dY)
    parts = [single_layer_jvp(cache, dK=dK), single_layer_jvp(cache, db=db), single_layer_jvp(cache, dY=dY)]
    check_array(label + ", dK only vs (dK, 0, 0)", parts[0], single_layer_jvp(cache, dK, zb, zY), rtol=1e-13)
    check_array(label + ", db only vs (0, db, 0)", parts[1], single_layer_jvp(cache, zK, db, zY), rtol=1e-13)
    check_array(label + ", dY only vs (0, 0, dY)", parts[2], single_layer_jvp(cache, zK, zb, dY), rtol=1e-13)
    check_array(label + ", (dK, db, dY) vs the sum of the three parts", single_layer_jvp(cache, dK, db, dY), sum(parts), rtol=1e-12)
