"""q4: node_gradient_otd (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q4"
points = 4


def tanh_act(X):
    A = np.tanh(X)
    return A, 1 - A**2


def random_params(rng, n_f, nt, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), scale * rng.standard_normal(n_f))
            for _ in range(nt)]


def forward(params, Y0, T, method, f, substeps):
    """The discrete neural ODE written out (complex-safe), each control held for `substeps` steps."""
    h = T / (len(params) * substeps)
    Y = Y0
    for K, b in params:
        for _ in range(substeps):
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


def dto_gradient(params, Y0, T, dYT, method, f, substeps):
    """The exact (DTO) gradient of <Y_T, dYT> for the refined discrete map, by complex steps."""
    n_f, n = Y0.shape
    x = pack(params, Y0).astype(complex)
    g = np.empty(x.size)
    for i in range(x.size):
        xi = x.copy()
        xi[i] += 1e-30j
        p, j = [], 0
        for _ in params:
            p.append((xi[j:j + n_f * n_f].reshape(n_f, n_f), xi[j + n_f * n_f:j + n_f * n_f + n_f]))
            j += n_f * n_f + n_f
        g[i] = np.sum(forward(p, xi[j:].reshape(n_f, n), T, method, f, substeps) * dYT).imag / 1e-30
    return g


def otd_gradient(node_gradient_otd, params, Y0, T, dYT, act, method, substeps):
    """OTD on the refined grid (each control repeated `substeps` times), sub-step gradients summed."""
    fine = [p for p in params for _ in range(substeps)]
    label = (f"node_gradient_otd(params, Y0, T={T}, dYT, method={method!r}) with nt = {len(fine)} "
             f"({len(params)} controls, each repeated {substeps} times)")
    out = node_gradient_otd(fine, Y0, T, dYT, act=act, method=method)
    check(isinstance(out, (tuple, list)) and len(out) == 2, label, "expected a pair (grads, gY0)")
    grads, gY0 = out
    check(len(grads) == len(fine), label, f"expected {len(fine)} pairs (gK_j, gb_j), got {len(grads)}")
    for j, (gK, gb) in enumerate(grads):
        check_array(f"{label}: gK_{j}", gK, shape=fine[j][0].shape)
        check_array(f"{label}: gb_{j}", gb, shape=fine[j][1].shape)
    check_array(f"{label}: gY0", gY0, shape=Y0.shape)
    summed = [(sum(g[0] for g in grads[j * substeps:(j + 1) * substeps]),
               sum(g[1] for g in grads[j * substeps:(j + 1) * substeps])) for j in range(len(params))]
    return pack(summed, gY0), label


def differences(node_gradient_otd, params, Y0, T, dYT, act, f, method, levels):
    """Relative differences ||OTD - DTO|| / ||DTO|| on grids refined by the factors in `levels`."""
    diffs = []
    for s in levels:
        otd, label = otd_gradient(node_gradient_otd, params, Y0, T, dYT, act, method, s)
        dto = dto_gradient(params, Y0, T, dYT, method, f, s)
        diffs.append(np.linalg.norm(otd - dto) / np.linalg.norm(dto))
    return np.array(diffs)


@test_case(points=1)
def test_euler_differs_from_dto_and_converges_at_first_order(node_gradient_otd):
    rng = np.random.default_rng(0)
    params, Y0, dYT = random_params(rng, 2, 2), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    call_pure("node_gradient_otd(params, Y0, T=1, dYT, method='euler')", node_gradient_otd, params,
              Y0, 1.0, dYT, method="euler")
    d = differences(node_gradient_otd, params, Y0, 1.0, dYT, tanh_act, np.tanh, "euler", (1, 2, 4, 8))
    label = "node_gradient_otd(..., method='euler'), nt = 2, 4, 8, 16 (controls repeated)"
    check(d[0] > 1e-3, label, f"at nt = 2 OTD must differ from the DTO gradient (the exact gradient "
          f"of the discrete map), relative difference {d[0]:.2e} <= 1e-3: did you compute DTO?")
    ratios = d[:-1] / d[1:]
    check(np.all((ratios > 1.5) & (ratios < 3.0)), label,
          f"||OTD - DTO|| / ||DTO|| should shrink by about 2 when h halves (first order); "
          f"differences {d}, ratios {ratios}")


@test_case(points=1)
def test_rk4_differs_from_dto_at_coarse_nt(node_gradient_otd):
    rng = np.random.default_rng(1)
    params, Y0, dYT = random_params(rng, 2, 2), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    d = differences(node_gradient_otd, params, Y0, 1.0, dYT, tanh_act, np.tanh, "rk4", (1,))[0]
    label = "node_gradient_otd(params, Y0, T=1, dYT) (RK4), nt = 2, Y0 of shape (2, 3)"
    check(d > 1e-7, label, f"at nt = 2 OTD must differ from the DTO gradient (relative difference "
          f"{d:.2e} <= 1e-7): the continuous adjoint discretized is not the discrete adjoint")
    check(d < 0.05, label, f"OTD should approximate the DTO gradient already at nt = 2 (relative "
          f"difference {d:.2e} >= 0.05)")


@test_case(points=0.5)
def test_unknown_method_raises(node_gradient_otd):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_gradient_otd(params, Y0, T=1.0, dYT, method='adaptive')"
    check_raises(label, ValueError, node_gradient_otd, params, np.ones((2, 3)), 1.0, np.ones((2, 3)), method="adaptive")
