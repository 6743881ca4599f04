"""q3: softmax_hessvec (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.special
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_taylor, taylor_table

OK_FORMAT = False

name = "q3"
points = 4


def loss(W, Y, C):
    """Trusted loss, one column at a time; W may be complex (for complex-step derivatives)."""
    total = 0.0
    for j in range(Y.shape[1]):
        s = W @ Y[:, j]
        m = np.max(s.real)
        total += m + np.log(np.sum(np.exp(s - m))) - C[:, j] @ s
    return total / Y.shape[1]


def gradient(W, Y, C, t=1e-30):
    """Trusted gradient by the complex step: dE/dW_ik = Im E(W + i t e_ik) / t (no cancellation)."""
    G = np.zeros(W.shape)
    for idx in np.ndindex(*W.shape):
        Wc = W.astype(complex)
        Wc[idx] += 1j * t
        G[idx] = loss(Wc, Y, C).imag / t
    return G


def data(seed, n_c, n_f, n, scale=1.0):
    rng = np.random.default_rng(seed)
    W = scale * rng.standard_normal((n_c, n_f))
    Y = rng.standard_normal((n_f, n))
    C = np.eye(n_c)[:, rng.integers(0, n_c, n)]
    return W, Y, C, rng


@test_case(points=1)
def test_gradient_taylor(softmax_hessvec):
    W, Y, C, rng = data(0, 3, 4, 10)
    V = rng.standard_normal(W.shape)
    label = "softmax_hessvec(W, Y, V), W (3, 4), Y (4, 10): Taylor test ||dW(W + hV) - dW(W) - h HV|| = O(h^2)"
    HV = call_pure(label, softmax_hessvec, W, Y, V)
    HV = check_array(label, HV, shape=W.shape)
    g0 = gradient(W, Y, C)
    table = taylor_table(lambda h: gradient(W + h * V, Y, C), g0, HV, n_steps=12)
    check_taylor(label, table, scale=np.linalg.norm(g0), order=2)


@test_case(points=1)
def test_symmetric_positive_semidefinite(softmax_hessvec):
    W, Y, _, rng = data(1, 4, 3, 15)
    label = "softmax_hessvec(W, Y, .), W (4, 3), Y (3, 15)"
    for trial in range(3):
        U, V = rng.standard_normal(W.shape), rng.standard_normal(W.shape)
        HU, HV = softmax_hessvec(W, Y, U), softmax_hessvec(W, Y, V)
        a, b = np.vdot(U, HV), np.vdot(V, HU)
        scale = np.linalg.norm(U) * np.linalg.norm(HV) + np.linalg.norm(V) * np.linalg.norm(HU)
        check(
            abs(a - b) <= 1e-12 * scale,
            label,
            f"not symmetric: <U, H V> = {a:.15e} but <V, H U> = {b:.15e} (trial {trial})",
        )
        check(
            np.vdot(V, HV) >= -1e-14 * np.linalg.norm(V) * np.linalg.norm(HV),
            label,
            f"not positive semidefinite: <V, H V> = {np.vdot(V, HV):.3e} < 0 (trial {trial})",
        )
