"""q3: node_gradient_dto (5 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import identity, tanh
from numdl.checks import (
    call_pure,
    check,
    check_adjoint,
    check_array,
    check_raises,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q3"
points = 5


def sin_act(X):
    return np.sin(X), np.cos(X)


def random_params(rng, n_f, nt, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), scale * rng.standard_normal(n_f))
            for _ in range(nt)]


def forward(params, Y0, T, method, f):
    """The discrete neural ODE written out (complex-safe): step j uses (K_j, b_j) in every stage."""
    h = T / len(params)
    Y = Y0
    for K, b in params:
        k1 = f(K @ Y + b[:, None])
        if method == "euler":
            Y = Y + h * k1
            continue
        k2 = f(K @ (Y + h / 2 * k1) + b[:, None])
        k3 = f(K @ (Y + h / 2 * k2) + b[:, None])
        k4 = f(K @ (Y + h * k3) + b[:, None])
        Y = Y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return Y


def pack(params, Y0):
    return np.concatenate([np.concatenate([K.ravel(), b]) for K, b in params] + [Y0.ravel()])


def unpack(x, n_f, nt, n):
    params, i = [], 0
    for _ in range(nt):
        params.append((x[i:i + n_f * n_f].reshape(n_f, n_f), x[i + n_f * n_f:i + n_f * n_f + n_f]))
        i += n_f * n_f + n_f
    return params, x[i:].reshape(n_f, n)


def complex_step_gradient(params, Y0, T, dYT, method, f):
    """The exact gradient of <Y_T, dYT> for the discrete map, one complex-step derivative per entry."""
    n_f, n = Y0.shape
    x = pack(params, Y0).astype(complex)
    g = np.empty(x.size)
    for i in range(x.size):
        xi = x.copy()
        xi[i] += 1e-30j
        p, Y = unpack(xi, n_f, len(params), n)
        g[i] = np.sum(forward(p, Y, T, method, f) * dYT).imag / 1e-30
    return g


def check_result(label, out, params, Y0):
    check(isinstance(out, (tuple, list)) and len(out) == 2, label, "expected a pair (grads, gY0)")
    grads, gY0 = out
    check(len(grads) == len(params), label, f"expected {len(params)} pairs (gK_j, gb_j), got {len(grads)}")
    for j, ((gK, gb), (K, b)) in enumerate(zip(grads, params)):
        check_array(f"{label}: gK_{j}", gK, shape=K.shape)
        check_array(f"{label}: gb_{j}", gb, shape=b.shape)
    check_array(f"{label}: gY0", gY0, shape=Y0.shape)
    return grads, gY0


def taylor_checks(label, node_gradient_dto, params, Y0, T, method, act, f, rng, h0=1.0):
    """Taylor tests of <Y_T, dYT> (our own forward map) along K only, b only, Y0 only, and all."""
    dYT = rng.standard_normal(Y0.shape)
    grads, gY0 = check_result(label, node_gradient_dto(params, Y0, T, dYT, act=act, method=method),
                              params, Y0)
    F0 = np.sum(forward(params, Y0, T, method, f) * dYT)
    dK = [rng.standard_normal(K.shape) for K, _ in params]
    db = [rng.standard_normal(b.shape) for _, b in params]
    dY = rng.standard_normal(Y0.shape)
    for what, (uK, ub, uY) in {"the K_j": (1, 0, 0), "the b_j": (0, 1, 0), "Y0": (0, 0, 1),
                               "all controls and Y0": (1, 1, 1)}.items():
        def F(h, uK=uK, ub=ub, uY=uY):
            p = [(K + h * uK * a, b + h * ub * c) for (K, b), a, c in zip(params, dK, db)]
            return np.sum(forward(p, Y0 + h * uY * dY, T, method, f) * dYT)

        dF = sum(uK * np.sum(g * a) + ub * np.sum(gb * c) for (g, gb), a, c in zip(grads, dK, db))
        dF += uY * np.sum(gY0 * dY)
        table = taylor_table(F, F0, dF, n_steps=14, h0=h0)
        check_taylor(f"{label}, perturbing {what}", table, scale=abs(F0))


@test_case(points=1)
def test_taylor_euler(node_gradient_dto):
    rng = np.random.default_rng(0)
    params, Y0 = random_params(rng, 3, 3), rng.standard_normal((3, 6))
    label = "node_gradient_dto(params, Y0, T=1.2, dYT, method='euler'), nt = 3, Y0 of shape (3, 6)"
    call_pure(label, node_gradient_dto, params, Y0, 1.2, rng.standard_normal((3, 6)), method="euler")
    taylor_checks(label, node_gradient_dto, params, Y0, 1.2, "euler", tanh, np.tanh, rng)


@test_case(points=1)
def test_taylor_rk4(node_gradient_dto):
    rng = np.random.default_rng(1)
    params, Y0 = random_params(rng, 2, 2), rng.standard_normal((2, 5))
    label = "node_gradient_dto(params, Y0, T=1.0, dYT), RK4, nt = 2, Y0 of shape (2, 5)"
    call_pure(label, node_gradient_dto, params, Y0, 1.0, rng.standard_normal((2, 5)))
    taylor_checks(label, node_gradient_dto, params, Y0, 1.0, "rk4", tanh, np.tanh, rng)


@test_case(points=1, hidden=True)
def test_exact_gradient_complex_step(node_gradient_dto):
    """Varies: test_taylor_rk4 (the exact gradient by complex steps)."""
    rng = np.random.default_rng(2)
    for method, n_f, n, nt, T in (("rk4", 3, 4, 5, 1.7), ("euler", 2, 3, 4, 0.8)):
        params, Y0, dYT = random_params(rng, n_f, nt), rng.standard_normal((n_f, n)), rng.standard_normal((n_f, n))
        label = (f"node_gradient_dto(params, Y0, T={T}, dYT, act=sin, method={method!r}), nt = {nt}, "
                 f"Y0 of shape ({n_f}, {n}), against complex-step derivatives of the discrete map")
        grads, gY0 = check_result(label, node_gradient_dto(params, Y0, T, dYT, act=sin_act, method=method),
                                  params, Y0)
        expected = complex_step_gradient(params, Y0, T, dYT, method, np.sin)
        check_array(label, pack(grads, gY0), expected, rtol=1e-11)


@test_case(points=0.5, hidden=True)
def test_fine_rk4_nt30(node_gradient_dto):
    """Varies: test_taylor_rk4 (a fine grid, nt = 30)."""
    # the course's figure: RK4 with nt = 30 passes the derivative check down to round-off
    rng = np.random.default_rng(3)
    params, Y0 = random_params(rng, 2, 30, scale=0.8), rng.standard_normal((2, 8))
    label = "node_gradient_dto(params, Y0, T=3.0, dYT), RK4, nt = 30, Y0 of shape (2, 8)"
    taylor_checks(label, node_gradient_dto, params, Y0, 3.0, "rk4", tanh, np.tanh, rng)
    dYT = rng.standard_normal(Y0.shape)
    grads, gY0 = check_result(label, node_gradient_dto(params, Y0, 3.0, dYT), params, Y0)
    expected = complex_step_gradient(params, Y0, 3.0, dYT, "rk4", np.tanh)
    check_array(label + ", against complex-step derivatives of the discrete map", pack(grads, gY0),
                expected, rtol=1e-11)


@test_case(points=1, hidden=True)
def test_adjoint_linear_case(node_gradient_dto):
    """Varies: test_taylor_euler (a linear case in closed form)."""
    # identity activation: Y0 -> Y_T is affine, so gY0 is exactly the transpose applied to dYT
    rng = np.random.default_rng(4)
    params, Y0 = random_params(rng, 3, 4), rng.standard_normal((3, 2))
    dY, dYT = rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    for method in ("rk4", "euler"):
        JdY = forward(params, Y0 + dY, 2.0, method, lambda X: X) - forward(params, Y0, 2.0, method, lambda X: X)
        _, gY0 = node_gradient_dto(params, Y0, 2.0, dYT, act=identity, method=method)
        check_adjoint(f"node_gradient_dto(..., act=identity, method={method!r}), gY0 vs J dY0",
                      JdY, dYT, dY, gY0, rtol=1e-12)


@test_case(points=0.5)
def test_unknown_method_raises(node_gradient_dto):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_gradient_dto(params, Y0, T=1.0, dYT, method='leapfrog')"
    check_raises(label, ValueError, node_gradient_dto, params, np.ones((2, 3)), 1.0, np.ones((2, 3)), method="leapfrog")
