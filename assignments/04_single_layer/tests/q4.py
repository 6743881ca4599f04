"""q4: nn_loss, loss and gradient of a single-layer softmax classifier (4 points)."""

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


@test_case(points=0.5, hidden=True)
def test_taylor_joint_without_weight_decay(nn_loss):
    """Varies: test_taylor_joint_with_weight_decay (lam = 0)."""
    K, b, W, Y, C = problem(4, 7, 3, 25, 2)
    taylor(nn_loss, K, b, W, Y, C, sigmoid, 0.0, "KbW",
           "nn_loss in (K, b, W) jointly, act=sigmoid, lam=0, n_c=4, m=7, n_f=3, n=25", seed=1)


@test_case(points=0.5, hidden=True)
def test_taylor_each_block(nn_loss):
    """Varies: test_taylor_joint_with_weight_decay (each block K, b, W alone)."""
    K, b, W, Y, C = problem(2, 6, 4, 10, 3)
    for which in "KbW":
        taylor(nn_loss, K, b, W, Y, C, smooth_relu, 0.3, which,
               f"nn_loss in {which} only, act=smooth_relu, lam=0.3, n_c=2, m=6, n_f=4, n=10", seed=2)


@test_case(points=0.5, hidden=True)
def test_identity_is_a_linear_classifier(nn_loss):
    """Varies: test_value_against_formula (the identity activation)."""
    K, b, W, Y, C = problem(3, 4, 2, 15, 4)
    lam = 0.2
    label = "nn_loss(..., act=identity, lam=0.2) (then W Z = [W K, W b] [Y; 1^T], a linear classifier)"
    E, (gK, gb, gW) = unpack(nn_loss(K, b, W, Y, C, act=identity, lam=lam), (K.shape, b.shape, W.shape), label)
    S = W @ K @ Y + (W @ b)[:, None]
    P = np.exp(S - S.max(axis=0))
    P /= P.sum(axis=0)
    G = (P - C) / Y.shape[1]
    check_scalar(label + ", E", E, cross_entropy(S, C) + lam / 2 * (np.sum(K**2) + np.sum(W**2)), rtol=1e-12)
    check_array(label + ", gK = W^T (P - C) Y^T / n + lam K", gK, W.T @ G @ Y.T + lam * K, rtol=1e-10)
    check_array(label + ", gb = W^T (P - C) 1 / n", gb, W.T @ G.sum(axis=1), rtol=1e-10)
    check_array(label + ", gW = (P - C) Z^T / n + lam W", gW, G @ (K @ Y + b[:, None]).T + lam * W, rtol=1e-10)


@test_case(points=0.5, hidden=True)
def test_soft_labels_and_large_scores(nn_loss):
    """Varies: test_value_against_formula (soft labels, large scores)."""
    K, b, W, Y, C = problem(5, 3, 6, 9, 5, soft=True)
    W = 200.0 * W  # scores of order 1e2-1e3: exp overflows without the shift
    label = "nn_loss with soft labels C and large weights W (scores ~ 1e3), act=tanh, lam=0"
    E, grads = unpack(nn_loss(K, b, W, Y, C, act=tanh, lam=0.0), (K.shape, b.shape, W.shape), label)
    check_scalar(label + ", E", E, cross_entropy(W @ np.tanh(K @ Y + b[:, None]), C), rtol=1e-10)
    taylor(nn_loss, K, b, W / 200.0, Y, C, tanh, 0.0, "KbW", "nn_loss with soft labels C, act=tanh, lam=0", seed=3)
