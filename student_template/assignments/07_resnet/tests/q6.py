"""q6: leapfrog_forward and leapfrog_reverse (6 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
