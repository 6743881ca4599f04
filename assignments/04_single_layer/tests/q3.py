"""q3: single_layer_vjp, the transposed Jacobians (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import sigmoid, smooth_relu, tanh
from numdl.checks import call_pure, check, check_adjoint, check_array, check_taylor, taylor_table

OK_FORMAT = False

name = "q3"
points = 4


def data(m, n_f, n, seed):
    rng = np.random.default_rng(seed)
    K, b, Y = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_f, n))
    dK, db, dY = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_f, n))
    U = rng.standard_normal((m, n))
    return (K, b, Y), (dK, db, dY), U


def vjp_checked(single_layer_vjp, cache, U, shapes, label):
    out = single_layer_vjp(cache, U)
    check(isinstance(out, tuple) and len(out) == 3, label, "must return a triple (gK, gb, gY)")
    for what, g, s in zip(("gK", "gb", "gY"), out, shapes):
        check_array(f"{label}, {what}", g, shape=s)
    return out


def gradient_taylor(single_layer, single_layer_vjp, K, b, Y, act, U, which, label):
    """Taylor test of phi = <single_layer(K, b, Y), U> in the variables ``which``; grad from vjp."""
    rng = np.random.default_rng(99)
    Z0, cache = single_layer(K, b, Y, act=act)
    gK, gb, gY = vjp_checked(single_layer_vjp, cache, U, (K.shape, b.shape, Y.shape), label)
    d = {v: (rng.standard_normal(x.shape) if v in which else np.zeros(x.shape))
         for v, x in (("K", K), ("b", b), ("Y", Y))}
    phi = lambda h: np.vdot(single_layer(K + h * d["K"], b + h * d["b"], Y + h * d["Y"], act=act)[0], U)
    dphi = np.vdot(gK, d["K"]) + np.vdot(gb, d["b"]) + np.vdot(gY, d["Y"])
    check_taylor(label, taylor_table(phi, np.vdot(Z0, U), dphi), scale=abs(np.vdot(Z0, U)) + np.linalg.norm(Z0) * np.linalg.norm(U))


@test_case(points=1)
def test_adjoint_all_variables(single_layer, single_layer_jvp, single_layer_vjp):
    (K, b, Y), (dK, db, dY), U = data(4, 3, 6, 0)
    label = "adjoint test <J (dK, db, dY), U> = <(dK, db, dY), J^T U> with K (4, 3), Y (3, 6), act=tanh"
    _, cache = single_layer(K, b, Y, act=tanh)
    Jv = single_layer_jvp(cache, dK=dK, db=db, dY=dY)
    gK, gb, gY = vjp_checked(single_layer_vjp, cache, U, (K.shape, b.shape, Y.shape), label)
    x = np.concatenate([dK.ravel(), db, dY.ravel()])
    JTu = np.concatenate([gK.ravel(), gb, gY.ravel()])
    check_adjoint(label, Jv, U, x, JTu, rtol=1e-12)


@test_case(points=1)
def test_gradient_taylor_all_variables(single_layer, single_layer_vjp):
    (K, b, Y), _, U = data(3, 5, 8, 1)
    gradient_taylor(single_layer, single_layer_vjp, K, b, Y, tanh, U, "KbY",
                    "single_layer_vjp: Taylor test of <single_layer(K, b, Y), U> in (K, b, Y) with K (3, 5), Y (5, 8), act=tanh")


@test_case(points=0.5, hidden=True)
def test_against_formula(single_layer, single_layer_vjp):
    """Varies: test_adjoint_all_variables (against the explicit formula)."""
    (K, b, Y), _, U = data(6, 2, 11, 2)
    label = "single_layer_vjp(cache, U) with K (6, 2), Y (2, 11), act=sigmoid"
    _, cache = single_layer(K, b, Y, act=sigmoid)
    gK, gb, gY = vjp_checked(single_layer_vjp, cache, U, (K.shape, b.shape, Y.shape), label)
    s = 1.0 / (1.0 + np.exp(-(K @ Y + b[:, None])))
    dS = s * (1 - s) * U
    check_array(label + ", gK = (act' * U) Y^T", gK, dS @ Y.T, rtol=1e-12)
    check_array(label + ", gb = (act' * U) 1", gb, dS.sum(axis=1), rtol=1e-12)
    check_array(label + ", gY = K^T (act' * U)", gY, K.T @ dS, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_adjoint_each_variable(single_layer, single_layer_jvp, single_layer_vjp):
    """Varies: test_adjoint_all_variables (one variable at a time)."""
    (K, b, Y), (dK, db, dY), U = data(7, 4, 3, 3)
    _, cache = single_layer(K, b, Y, act=smooth_relu)
    gK, gb, gY = single_layer_vjp(cache, U)
    base = "adjoint test with K (7, 4), Y (4, 3) (n < n_f < m), act=smooth_relu, in "
    check_adjoint(base + "K only", single_layer_jvp(cache, dK=dK), U, dK, gK, rtol=1e-12)
    check_adjoint(base + "b only", single_layer_jvp(cache, db=db), U, db, gb, rtol=1e-12)
    check_adjoint(base + "Y only", single_layer_jvp(cache, dY=dY), U, dY, gY, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_gradient_taylor_b_and_Y(single_layer, single_layer_vjp):
    """Varies: test_gradient_taylor_all_variables (b and Y separately)."""
    (K, b, Y), _, U = data(5, 3, 4, 4)
    for which in ("b", "Y"):
        gradient_taylor(single_layer, single_layer_vjp, K, b, Y, sigmoid, U, which,
                        f"single_layer_vjp: Taylor test of <single_layer(K, b, Y), U> in {which} only with K (5, 3), Y (3, 4), act=sigmoid")


@test_case(points=0.5, hidden=True)
def test_pure_and_several_calls(single_layer, single_layer_vjp):
    """Varies: test_adjoint_all_variables (inputs unchanged, the cache reused)."""
    (K, b, Y), _, U = data(4, 3, 6, 5)
    _, cache = single_layer(K, b, Y, act=tanh)
    label = "single_layer_vjp(cache, U) called twice on the same cache"
    g1 = call_pure(label, single_layer_vjp, cache, U)
    g2 = call_pure(label, single_layer_vjp, cache, 2.0 * U)
    for what, a, c in zip(("gK", "gb", "gY"), g1, g2):
        check_array(f"{label}: {what}(2 U) must equal 2 {what}(U) (linearity, cache unchanged)", c, 2.0 * a, rtol=1e-13)
