"""q3: node_gradient_dto (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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


@test_case(points=0.5)
def test_unknown_method_raises(node_gradient_dto):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_gradient_dto(params, Y0, T=1.0, dYT, method='leapfrog')"
    check_raises(label, ValueError, node_gradient_dto, params, np.ones((2, 3)), 1.0, np.ones((2, 3)), method="leapfrog")
