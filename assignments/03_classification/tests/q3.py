"""q3: softmax_hessvec (4 points)."""

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


@test_case(points=1, hidden=True)
def test_against_explicit_hessian(softmax_hessvec):
    """Varies: test_gradient_taylor (against the explicit Hessian, saturated scores)."""
    def full_hessian(W, Y):
        """The Hessian in vec(W) (column-major): (1/n) sum_j (y_j y_j^T) kron (diag(p_j) - p_j p_j^T)."""
        P = scipy.special.softmax(W @ Y, axis=0)
        n_c, n_f = W.shape
        H = np.zeros((n_c * n_f, n_c * n_f))
        for j in range(Y.shape[1]):
            p, y = P[:, j], Y[:, j]
            H += np.kron(np.outer(y, y), np.diag(p) - np.outer(p, p))
        return H / Y.shape[1]

    W, Y, _, rng = data(2, 4, 3, 7, scale=3.0)
    H = full_hessian(W, Y)
    label = (
        "softmax_hessvec(W, Y, V), W (4, 3) of scale 3, Y (3, 7), vs the explicit Kronecker Hessian"
    )
    for _ in range(2):
        V = rng.standard_normal(W.shape)
        expected = (H @ V.reshape(-1, order="F")).reshape(W.shape, order="F")
        check_array(label, softmax_hessvec(W, Y, V), expected, rtol=1e-10)
    Wbig = 1e3 * W  # saturated softmax: must stay finite
    V = rng.standard_normal(W.shape)
    expected = (full_hessian(Wbig, Y) @ V.reshape(-1, order="F")).reshape(W.shape, order="F")
    check_array(
        "softmax_hessvec(1e3 W, Y, V) (large scores)",
        softmax_hessvec(Wbig, Y, V),
        expected,
        atol=1e-12 * np.linalg.norm(V) * np.linalg.norm(Y) ** 2,
    )


@test_case(points=1, hidden=True)
def test_third_order_taylor_and_null_direction(softmax_hessvec):
    """Varies: test_gradient_taylor (third-order expansion of E, a null direction)."""
    W, Y, C, rng = data(3, 5, 6, 12)
    V = rng.standard_normal(W.shape)
    label = "softmax_hessvec(W, Y, V), W (5, 6), Y (6, 12): E(W + hV) - E - h<dW, V> - h^2/2 <V, HV> = O(h^3)"
    HV = check_array(label, softmax_hessvec(W, Y, V), shape=W.shape)
    E0 = loss(W, Y, C)
    slope = loss(W + 1e-30j * V, Y, C).imag / 1e-30  # <dW, V> by the complex step
    quad = 0.5 * np.vdot(V, HV)
    table = taylor_table(lambda h: loss(W + h * V, Y, C) - h**2 * quad, E0, slope, n_steps=10)
    check_taylor(label, table, scale=abs(E0), order=3)
    # softmax is invariant to adding the same row to all classes, so H (1 v^T) = 0
    N = np.ones((5, 1)) * rng.standard_normal((1, 6))
    check_array(
        "softmax_hessvec(W, Y, 1 v^T) (a direction that leaves softmax unchanged)",
        softmax_hessvec(W, Y, N),
        np.zeros(W.shape),
        atol=1e-13 * np.linalg.norm(N) * np.linalg.norm(Y) ** 2,
    )
