"""q5: varpro_lsq_loss, variable projection for the least-squares loss (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import sigmoid, tanh
from numdl.checks import (
    call_pure,
    check,
    check_array,
    check_scalar,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q5"
points = 5


def problem(n_c, m, n_f, n, seed):
    rng = np.random.default_rng(seed)
    K, b, Y = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_f, n))
    C = np.zeros((n_c, n))
    C[rng.integers(n_c, size=n), np.arange(n)] = 1.0
    return K, b, Y, C


def layer(K, b, Y, f):
    return f(K @ Y + b[:, None])


def unpack(out, K, b, n_c, label):
    check(isinstance(out, tuple) and len(out) == 3 and isinstance(out[1], tuple | list) and len(out[1]) == 2,
          label, "must return (E, (gK, gb), W)")
    E = check_scalar(label + ", E", out[0])
    gK = check_array(label + ", gK", out[1][0], shape=K.shape)
    gb = check_array(label + ", gb", out[1][1], shape=b.shape)
    W = check_array(label + ", W", out[2], shape=(n_c, K.shape[0]))
    return E, gK, gb, W


def check_optimal_w(E, W, Z, C, lam, label):
    """W solves the normal equations W (Z Z^T + lam I) = C Z^T and E is the objective at W."""
    lhs = W @ (Z @ Z.T + lam * np.eye(Z.shape[0]))
    rhs = C @ Z.T
    res = np.linalg.norm(lhs - rhs) / (np.linalg.norm(rhs) + np.linalg.norm(lhs))
    check(res <= 1e-10, label, f"W does not solve the normal equations W (Z Z^T + lam I) = C Z^T: relative residual {res:.3e} > 1e-10")
    expected = 0.5 * np.sum((W @ Z - C) ** 2) + 0.5 * lam * np.sum(W**2)
    check_scalar(label + ", E = 1/2||W Z - C||^2 + lam/2||W||^2 at the returned W", E, expected, rtol=1e-10)


def taylor(varpro_lsq_loss, K, b, Y, C, act, lam, which, label, seed=0, first=None):
    """Taylor test of E(K + h dK, b + h db); ``first`` is an earlier (E, gK, gb) at (K, b)."""
    rng = np.random.default_rng(seed)
    dK = rng.standard_normal(K.shape) if "K" in which else np.zeros(K.shape)
    db = rng.standard_normal(b.shape) if "b" in which else np.zeros(b.shape)
    if first is None:
        first = unpack(varpro_lsq_loss(K, b, Y, C, act=act, lam=lam), K, b, C.shape[0], label)[:3]
    E0, gK, gb = first
    F = lambda h: varpro_lsq_loss(K + h * dK, b + h * db, Y, C, act=act, lam=lam)[0]
    check_taylor(label + " (Taylor test of the reduced gradient)",
                 taylor_table(F, E0, np.vdot(gK, dK) + np.vdot(gb, db), h0=0.5), scale=abs(E0))


@test_case(points=1)
def test_w_is_optimal(varpro_lsq_loss):
    K, b, Y, C = problem(3, 6, 2, 30, 0)
    label = "varpro_lsq_loss(K, b, Y, C, act=tanh, lam=0.01) with n_c=3, m=6, n_f=2, n=30"
    out = call_pure(label, varpro_lsq_loss, K, b, Y, C, act=tanh, lam=0.01)
    E, _, _, W = unpack(out, K, b, 3, label)
    check_optimal_w(E, W, layer(K, b, Y, np.tanh), C, 0.01, label)


@test_case(points=1)
def test_reduced_gradient_taylor(varpro_lsq_loss):
    K, b, Y, C = problem(3, 6, 2, 30, 1)
    taylor(varpro_lsq_loss, K, b, Y, C, tanh, 0.01, "Kb",
           "varpro_lsq_loss in (K, b) jointly, act=tanh, lam=0.01, n_c=3, m=6, n_f=2, n=30")


@test_case(points=0.5)
def test_lam_zero_small(varpro_lsq_loss):
    K, b, Y, C = problem(2, 3, 2, 12, 7)
    label = "varpro_lsq_loss(..., act=tanh, lam=0) with m=3 < n=12 (W = C pinv(Z))"
    E, _, _, W = unpack(call_pure(label, varpro_lsq_loss, K, b, Y, C, act=tanh, lam=0.0), K, b, 2, label)
    Z = layer(K, b, Y, np.tanh)
    check_array(label + ", W = C pinv(Z)", W, C @ np.linalg.pinv(Z), rtol=1e-8)
    check_optimal_w(E, W, Z, C, 0.0, label)
