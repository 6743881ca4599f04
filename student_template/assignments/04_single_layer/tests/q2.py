"""q2: single_layer_jvp, directional derivatives of the layer (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
