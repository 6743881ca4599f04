"""q5: time_smoothness (2 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar, check_taylor, taylor_table

OK_FORMAT = False

name = "q5"
points = 2


def random_params(rng, n_f, nt):
    return [(rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f)) for _ in range(nt)]


def brute_force(params, T):
    h = T / len(params)
    total = 0.0
    for j in range(len(params) - 1):
        for a, c in zip(params[j + 1], params[j]):
            total += sum((x - y) ** 2 for x, y in zip(np.ravel(a), np.ravel(c)))
    return total / (2 * h)


def check_grads(label, grads, params):
    check(len(grads) == len(params), label, f"expected {len(params)} pairs (gK_j, gb_j), got {len(grads)}")
    for j, ((gK, gb), (K, b)) in enumerate(zip(grads, params)):
        check_array(f"{label}: gK_{j}", gK, shape=K.shape)
        check_array(f"{label}: gb_{j}", gb, shape=b.shape)
    return grads


# fmt: off
#: R of test_value_constant_controls_and_one_step (its seeded params, T = 2), computed once
R_FOUR_CONTROLS = 59.56003104211685
# fmt: on


@test_case(points=1)
def test_value_constant_controls_and_one_step(time_smoothness):
    rng = np.random.default_rng(0)
    params = random_params(rng, 3, 4)
    label = "time_smoothness(params, T=2.0), nt = 4 (h = 0.5), K_j of shape (3, 3)"
    R, grads = call_pure(label, time_smoothness, params, 2.0)
    check_scalar(label, R, R_FOUR_CONTROLS, rtol=1e-12)
    check_grads(label, grads, params)
    const = [params[0]] * 5
    label = "time_smoothness(params, T=1.0) with nt = 5 equal controls"
    R, grads = time_smoothness(const, 1.0)
    check_scalar(label, R, 0.0, atol=0.0)
    for j, (gK, gb) in enumerate(check_grads(label, grads, const)):
        check_array(f"{label}: gK_{j}", gK, np.zeros((3, 3)), atol=0.0)
        check_array(f"{label}: gb_{j}", gb, np.zeros(3), atol=0.0)
    # two controls: R = ||dK||^2 + ||db||^2 over 2h, gradients -(dK, db)/h and +(dK, db)/h
    two = params[:2]
    dK, db = two[1][0] - two[0][0], two[1][1] - two[0][1]
    label = "time_smoothness(params, T=3.0) with nt = 2 (h = 1.5)"
    R, grads = time_smoothness(two, 3.0)
    check_scalar(label, R, (np.sum(dK**2) + np.sum(db**2)) / 3.0, rtol=1e-12)
    check_grads(label, grads, two)
    for j, sign in enumerate((-1, 1)):
        check_array(f"{label}: gK_{j}", grads[j][0], sign * dK / 1.5, rtol=1e-12)
        check_array(f"{label}: gb_{j}", grads[j][1], sign * db / 1.5, rtol=1e-12)
    R, grads = time_smoothness(params[:1], 1.0)
    check_scalar("time_smoothness(params, T=1.0) with nt = 1", R, 0.0, atol=0.0)
    check_grads("time_smoothness(params, T=1.0) with nt = 1", grads, params[:1])


@test_case(points=1, hidden=True)
def test_gradient_and_scaling(time_smoothness):
    """Varies: test_value_constant_controls_and_one_step (the gradient and the 1/h scaling)."""
    rng = np.random.default_rng(1)
    params = random_params(rng, 2, 5)
    label = "time_smoothness(params, T=0.7), nt = 5, K_j of shape (2, 2)"
    R, grads = time_smoothness(params, 0.7)
    check_scalar(label, R, brute_force(params, 0.7), rtol=1e-12)
    grads = check_grads(label, grads, params)
    d = random_params(rng, 2, 5)
    F = lambda t: time_smoothness([(K + t * a, b + t * c) for (K, b), (a, c) in zip(params, d)], 0.7)[0]
    dF = sum(np.sum(gK * a) + np.sum(gb * c) for (gK, gb), (a, c) in zip(grads, d))
    check_taylor(label + ", derivative check", taylor_table(F, R, dF, n_steps=12), scale=abs(R))
    # R is quadratic: (R(x + d) - R(x - d)) / 2 = <grad R, d> exactly
    check_scalar(label + ", central difference of the quadratic R along a random direction",
                 dF, (F(1.0) - F(-1.0)) / 2, rtol=1e-10)
    label = "time_smoothness(params, T) scaling: h = T / nt enters as 1/h"
    R2, _ = time_smoothness(params, 1.4)
    check_scalar(label + " (T = 1.4 vs T = 0.7: R must halve)", R2, R / 2, rtol=1e-12)
