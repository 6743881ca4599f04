"""q4: node_gradient_otd (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import tanh
from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q4"
points = 4


def sin_act(X):
    return np.sin(X), np.cos(X)


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


def relative_differences(node_gradient_otd, params, Y0, T, dYT, act, method, levels, dtos):
    """||OTD - DTO|| / ||DTO|| on grids refined by the factors in `levels`, DTO given."""
    diffs = []
    for s, dto in zip(levels, dtos):
        otd, label = otd_gradient(node_gradient_otd, params, Y0, T, dYT, act, method, s)
        diffs.append(np.linalg.norm(otd - dto) / np.linalg.norm(dto))
    return np.array(diffs)


def differences(node_gradient_otd, params, Y0, T, dYT, act, f, method, levels):
    """The same, with the exact DTO gradients computed here (complex steps)."""
    dtos = [dto_gradient(params, Y0, T, dYT, method, f, s) for s in levels]
    return relative_differences(node_gradient_otd, params, Y0, T, dYT, act, method, levels, dtos)


# fmt: off
#: The exact (DTO) gradients, packed [vec K_0; b_0; ...; vec Y0], of the public cases' seeded
#: problems on the refined grids (controls repeated 1, 2, 4, 8 times), computed once by complex steps
DTO_EULER = [
    np.array([
        -0.3390190201461426, -0.3448524644570472, -0.6017726921118457, -0.08606419390819257,
        0.5704183913065217, 0.14236923032621704, -0.03162651213971921, -0.03326176414594251,
        0.031229367525441015, 0.05695867903683313, 0.07190660281003, -0.13090109922451296,
        0.5571507445745865, 1.18044977317052, -0.06321003535094628, 1.3673860149004975,
        -0.4893609757545874, 0.34807976953490155,
    ]).reshape((18,), order="F"),
    np.array([
        -0.398831322071385, -0.34463761715644936, -0.5554123228479024, -0.08640962303251928,
        0.5675089931125438, 0.09564458887422563, -0.03514768573106336, -0.026050006576186432,
        0.03950064291487551, 0.04038582250060786, 0.06492878323559557, -0.11787421167675957,
        0.5456614773015117, 1.1464622633312112, -0.06628913305665857, 1.363458049433964,
        -0.5104240675130185, 0.3454606887613663,
    ]).reshape((18,), order="F"),
    np.array([
        -0.4285053720295325, -0.34724740734206677, -0.530511977860674, -0.08604992861120903,
        0.5644760144473402, 0.07219613610672562, -0.03639050053516455, -0.022445387359332648,
        0.041989354584611, 0.033880774171429075, 0.06093609559041093, -0.11165564478628306,
        0.5400789673891042, 1.1287295852133503, -0.06795489188125656, 1.3615370089199808,
        -0.5209613804729064, 0.3442094615019811,
    ]).reshape((18,), order="F"),
    np.array([
        -0.4432161133664968, -0.34929192976187834, -0.5176561630268884, -0.08569042836188724,
        0.5626085390962041, 0.060541587808897096, -0.036876036160952474, -0.020678063663688913,
        0.042925317345648875, 0.030993679046957726, 0.0588639071526765, -0.10867466437564147,
        0.5373332455940104, 1.1198403066608498, -0.06881848110160438, 1.3605882149502109,
        -0.5261114257535668, 0.3435977130087764,
    ]).reshape((18,), order="F"),
]
DTO_RK4 = [
    np.array([
        0.03839712452503239, -0.07554799771816735, -0.004882346141228694, -0.07876996526566762,
        -0.045345342009310945, 0.6434554939407754, 0.03895767846212636, -0.1909585619543828,
        0.057647616289338816, 0.09087935947290622, -0.33417990916559864, 0.6916285580187235,
        -0.7748968864667745, 0.08940037170918462, 0.2830765750764393, -0.35531524642701473,
        0.7589717443681697, 0.7549809298543698,
    ]).reshape((18,), order="F"),
]
# fmt: on


@test_case(points=1)
def test_euler_differs_from_dto_and_converges_at_first_order(node_gradient_otd):
    rng = np.random.default_rng(0)
    params, Y0, dYT = random_params(rng, 2, 2), rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    call_pure("node_gradient_otd(params, Y0, T=1, dYT, method='euler')", node_gradient_otd, params,
              Y0, 1.0, dYT, method="euler")
    d = relative_differences(node_gradient_otd, params, Y0, 1.0, dYT, tanh, "euler", (1, 2, 4, 8),
                             DTO_EULER)
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
    d = relative_differences(node_gradient_otd, params, Y0, 1.0, dYT, tanh, "rk4", (1,), DTO_RK4)[0]
    label = "node_gradient_otd(params, Y0, T=1, dYT) (RK4), nt = 2, Y0 of shape (2, 3)"
    check(d > 1e-7, label, f"at nt = 2 OTD must differ from the DTO gradient (relative difference "
          f"{d:.2e} <= 1e-7): the continuous adjoint discretized is not the discrete adjoint")
    check(d < 0.05, label, f"OTD should approximate the DTO gradient already at nt = 2 (relative "
          f"difference {d:.2e} >= 0.05)")


@test_case(points=0.5, hidden=True)
def test_rk4_converges_to_dto(node_gradient_otd):
    """Varies: test_rk4_differs_from_dto_at_coarse_nt (convergence to DTO under refinement)."""
    rng = np.random.default_rng(2)
    params = random_params(rng, 3, 2, scale=0.7)
    Y0, dYT = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    d = differences(node_gradient_otd, params, Y0, 1.0, dYT, sin_act, np.sin, "rk4", (1, 2, 4))
    label = "node_gradient_otd(..., act=sin) (RK4), nt = 2, 4, 8 (controls repeated), Y0 of shape (3, 4)"
    ratios = d[:-1] / d[1:]
    check(d[0] > 1e-7 and np.all(ratios > 3.0), label,
          f"||OTD - DTO|| / ||DTO|| should shrink at least like h^2 (ratio > 3 when h halves; about 16 "
          f"with cubic Hermite states); differences {d}, ratios {ratios}")


@test_case(points=1, hidden=True)
def test_euler_other_shapes(node_gradient_otd):
    """Varies: test_euler_differs_from_dto_and_converges_at_first_order (other shapes)."""
    rng = np.random.default_rng(3)
    params, Y0, dYT = random_params(rng, 3, 3), rng.standard_normal((3, 2)), rng.standard_normal((3, 2))
    d = differences(node_gradient_otd, params, Y0, 0.6, dYT, sin_act, np.sin, "euler", (2, 4, 8))
    label = "node_gradient_otd(..., act=sin, method='euler'), nt = 6, 12, 24, Y0 of shape (3, 2)"
    ratios = d[:-1] / d[1:]
    check(np.all((ratios > 1.5) & (ratios < 3.0)) and d[-1] < 0.05, label,
          f"||OTD - DTO|| / ||DTO|| should shrink by about 2 when h halves; differences {d}, ratios {ratios}")


@test_case(points=0.5)
def test_unknown_method_raises(node_gradient_otd):
    params = [(np.zeros((2, 2)), np.zeros(2))]
    label = "node_gradient_otd(params, Y0, T=1.0, dYT, method='adaptive')"
    check_raises(label, ValueError, node_gradient_otd, params, np.ones((2, 3)), 1.0, np.ones((2, 3)), method="adaptive")
