"""q4: nn_loss, loss and gradient of a single-layer softmax classifier (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, sigmoid, smooth_relu, tanh
from numdl.checks import call_pure, check, check_array, check_scalar, check_taylor, taylor_table

OK_FORMAT = False

name = "q4"
points = 4


def cross_entropy(S, C):
    """-(1/n) sum_j c_j^T log softmax(s_j), by a stable log-sum-exp (trusted)."""
    mx = S.max(axis=0)
    lse = mx + np.log(np.exp(S - mx).sum(axis=0))
    return float(-np.sum(C * (S - lse)) / S.shape[1])


def problem(n_c, m, n_f, n, seed, soft=False):
    rng = np.random.default_rng(seed)
    K, b, W = rng.standard_normal((m, n_f)), rng.standard_normal(m), rng.standard_normal((n_c, m))
    Y = rng.standard_normal((n_f, n))
    if soft:
        C = rng.uniform(size=(n_c, n))
        C /= C.sum(axis=0)
    else:
        C = np.zeros((n_c, n))
        C[rng.integers(n_c, size=n), np.arange(n)] = 1.0
    return K, b, W, Y, C


def unpack(out, shapes, label):
    check(isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], tuple | list) and len(out[1]) == 3,
          label, "must return (E, (gK, gb, gW))")
    E = check_scalar(label + ", E", out[0])
    grads = [check_array(f"{label}, {w}", g, shape=s) for w, g, s in zip(("gK", "gb", "gW"), out[1], shapes)]
    return E, grads


def taylor(nn_loss, K, b, W, Y, C, act, lam, which, label, seed=0):
    rng = np.random.default_rng(seed)
    x = {"K": K, "b": b, "W": W}
    d = {v: (rng.standard_normal(a.shape) if v in which else np.zeros(a.shape)) for v, a in x.items()}
    E0, grads = unpack(nn_loss(K, b, W, Y, C, act=act, lam=lam), (K.shape, b.shape, W.shape), label)
    dE = sum(np.vdot(g, d[v]) for g, v in zip(grads, "KbW"))
    F = lambda h: nn_loss(K + h * d["K"], b + h * d["b"], W + h * d["W"], Y, C, act=act, lam=lam)[0]
    check_taylor(label + " (Taylor test)", taylor_table(F, E0, dE), scale=abs(E0))


@test_case(points=1)
def test_value_against_formula(nn_loss):
    K, b, W, Y, C = problem(3, 5, 2, 12, 0)
    label = "nn_loss(K, b, W, Y, C, act=tanh, lam=0.1) with n_c=3, m=5, n_f=2, n=12"
    out = call_pure(label, nn_loss, K, b, W, Y, C, act=tanh, lam=0.1)
    E, _ = unpack(out, (K.shape, b.shape, W.shape), label)
    expected = cross_entropy(W @ np.tanh(K @ Y + b[:, None]), C) + 0.05 * (np.sum(K**2) + np.sum(W**2))
    check_scalar(label + ", E = softmax_loss(W, Z, C) + lam/2 (||K||^2 + ||W||^2)", E, expected, rtol=1e-12)


@test_case(points=1)
def test_taylor_joint_with_weight_decay(nn_loss):
    K, b, W, Y, C = problem(3, 5, 2, 12, 1)
    taylor(nn_loss, K, b, W, Y, C, tanh, 0.1, "KbW",
           "nn_loss in (K, b, W) jointly, act=tanh, lam=0.1, n_c=3, m=5, n_f=2, n=12")
