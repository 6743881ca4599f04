"""q6: leapfrog_forward and leapfrog_reverse (6 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.activations import sigmoid, smooth_relu
from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q6"
points = 6


def problem(seed, n_f, n, depth, scale=1.0):
    """Non-symmetric K_j (so that K_j and K_j^T differ), two nearby starting states."""
    rng = np.random.default_rng(seed)
    params = [(scale * rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f))
              for _ in range(depth)]
    Y0 = rng.standard_normal((n_f, n))
    return params, Y0, Y0 + 0.1 * rng.standard_normal((n_f, n))


def explicit_states(params, Y0, Y1, h, f):
    """All states Y_0..Y_N with Y_{j+1} = 2 Y_j - Y_{j-1} - h^2 K^T f(K Y_j + b), step j using
    params[j-1], one column at a time (trusted test code)."""
    Ys = [Y0, Y1]
    for j in range(1, len(params) + 1):
        K, b = params[j - 1]
        Yj, Yjm1 = Ys[j], Ys[j - 1]
        Ys.append(np.column_stack([2 * Yj[:, i] - Yjm1[:, i] - h**2 * K.T @ f(K @ Yj[:, i] + b)
                                   for i in range(Yj.shape[1])]))
    return Ys


def check_pair(label, out, expected, rtol):
    check(isinstance(out, tuple | list) and len(out) == 2, label, "must return a pair of arrays")
    for k, (a, e) in enumerate(zip(out, expected)):
        check_array(f"{label}, output {k}", a, e, rtol=rtol)


# fmt: off
#: (Y_4, Y_5) of test_forward_against_explicit_recursion (its seeded problem), computed once
Y4_Y5 = (
    np.array([
        -0.460400159871808, -0.5674133480104893, -1.023623527586393, 0.06716690451933763,
        0.4525289630386561, 0.6759338560933531, -0.7062653246665688, 1.6614254534708712,
        -0.7132285554546743, -0.5116251843842213, 0.13110479952806617, -0.0772392417519668,
        0.1379348641409492, -0.5136877776474118, -1.156895418905218,
    ]).reshape((3, 5), order="F"),
    np.array([
        -0.46943664620882286, -0.38160458945814146, -0.5922945767620947, 0.13058275470679725,
        0.11326874313803414, 0.6215418742980109, -0.3445839542712387, 1.2369206455324193,
        -0.8559441068773341, -0.27766254894247505, 0.12914370572698342, -0.1895613793449949,
        0.12600783839138555, -0.4679392924175267, -0.8371368053204377,
    ]).reshape((3, 5), order="F"),
)
# fmt: on


@test_case(points=1.5)
def test_forward_against_explicit_recursion(leapfrog_forward):
    params, Y0, Y1 = problem(60, 3, 5, 4)
    h = 0.2
    label = "leapfrog_forward(params, Y0, Y1, h=0.2), 4 layers (N = 5), Y0 of shape (3, 5), tanh"
    out = call_pure(label, leapfrog_forward, params, Y0, Y1, h)
    check_pair(f"{label}: (Y_4, Y_5)", out, Y4_Y5, rtol=1e-12)


@test_case(points=1)
def test_reversibility_over_many_layers(leapfrog_forward, leapfrog_reverse):
    params, Y0, Y1 = problem(61, 4, 6, 300, scale=0.5)
    h = 0.1
    YNm1, YN = leapfrog_forward(params, Y0, Y1, h)
    label = "leapfrog_reverse(params, *leapfrog_forward(params, Y0, Y1, h=0.1)), 300 layers"
    Z0, Z1 = call_pure(label, leapfrog_reverse, params, YNm1, YN, h)
    check_array(f"{label}: recovers Y0", Z0, Y0, rtol=1e-9)
    check_array(f"{label}: recovers Y1", Z1, Y1, rtol=1e-9)


@test_case(points=1, hidden=True)
def test_step_indexing_one_and_two_layers(leapfrog_forward):
    """Varies: test_forward_against_explicit_recursion (one and two layers: which params each step uses)."""
    params, Y0, Y1 = problem(62, 2, 3, 2)
    h = 0.5
    K0, b0 = params[0]
    Y2 = 2 * Y1 - Y0 - h**2 * K0.T @ np.tanh(K0 @ Y1 + b0[:, None])
    check_pair("leapfrog_forward([(K, b)], Y0, Y1, h=0.5): one layer returns (Y_1, Y_2) with "
               "Y_2 = 2 Y_1 - Y_0 - h^2 K^T tanh(K Y_1 + b 1^T)",
               leapfrog_forward(params[:1], Y0, Y1, h), (Y1, Y2), rtol=1e-13)
    K1, b1 = params[1]
    Y3 = 2 * Y2 - Y1 - h**2 * K1.T @ np.tanh(K1 @ Y2 + b1[:, None])
    check_pair("leapfrog_forward([(K_a, b_a), (K_b, b_b)], Y0, Y1, h=0.5): two layers return "
               "(Y_2, Y_3), step 1 uses params[0] and step 2 uses params[1]",
               leapfrog_forward(params, Y0, Y1, h), (Y2, Y3), rtol=1e-13)
    check_pair("leapfrog_forward([], Y0, Y1, h=0.5): no layer returns (Y0, Y1)",
               leapfrog_forward([], Y0, Y1, h), (Y0, Y1), rtol=0.0)


@test_case(points=1.5, hidden=True)
def test_reverse_against_explicit_backward_recursion(leapfrog_reverse):
    """Arbitrary (Y_{N-1}, Y_N), not produced by the forward pass; sigmoid, h = 0.7.

    Varies: test_reversibility_over_many_layers (the reverse recursion itself).
    """
    rng = np.random.default_rng(63)
    n_f, n, depth, h = 3, 4, 5, 0.7
    params = [(rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f)) for _ in range(depth)]
    YNm1, YN = rng.standard_normal((n_f, n)), rng.standard_normal((n_f, n))
    Ycur, Ynext = YNm1, YN
    for j in range(depth, 0, -1):  # Y_{j-1} = 2 Y_j - Y_{j+1} - h^2 K^T f(K Y_j + b), params[j-1]
        K, b = params[j - 1]
        A = 1 / (1 + np.exp(-(K @ Ycur + b[:, None])))
        Ynext, Ycur = Ycur, 2 * Ycur - Ynext - h**2 * K.T @ A
    label = (f"leapfrog_reverse(params, Y_Nm1, Y_N, h={h}, act=sigmoid), {depth} layers, "
             f"Y of shape ({n_f}, {n})")
    out = call_pure(label, leapfrog_reverse, params, YNm1, YN, h, act=sigmoid)
    check_pair(f"{label}: (Y0, Y1)", out, (Ycur, Ynext), rtol=1e-11)


@test_case(points=1, hidden=True)
def test_other_activation_roundtrip(leapfrog_forward, leapfrog_reverse):
    """Varies: test_reversibility_over_many_layers (another activation)."""
    params, Y0, Y1 = problem(64, 5, 2, 40)
    h = 0.05
    Ys = explicit_states(params, Y0, Y1, h, lambda x: smooth_relu(x)[0])
    label = "leapfrog_forward(params, Y0, Y1, h=0.05, act=smooth_relu), 40 layers, Y (5, 2)"
    out = leapfrog_forward(params, Y0, Y1, h, act=smooth_relu)
    check_pair(f"{label}: (Y_40, Y_41)", out, (Ys[40], Ys[41]), rtol=1e-11)
    back = leapfrog_reverse(params, out[0], out[1], h, act=smooth_relu)
    check_pair(f"leapfrog_reverse of {label}", back, (Y0, Y1), rtol=1e-10)
