"""q5: time_smoothness (2 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar, check_taylor, taylor_table

OK_FORMAT = False

name = "q5"
points = 2


def random_params(rng, n_f, nt):
    return [(rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f)) for _ in range(nt)]


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
