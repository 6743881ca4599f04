"""q1: resnet_forward (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.linalg
from otter.test_files import test_case
from scipy.integrate import solve_ivp

from numdl.activations import identity, relu, sigmoid, tanh
from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q1"
points = 5


def random_params(rng, n_f, depth, scale=1.0):
    return [(scale * rng.standard_normal((n_f, n_f)), rng.standard_normal(n_f))
            for _ in range(depth)]


# fmt: off
#: Y_N of test_against_explicit_recursion (its seeded params and Y0), computed once
YN_DEPTH_THREE = np.array([
    0.058858619997526423, 1.6886077389293495, 1.7454099289834062, -0.6325514903098356,
    -0.9967238474718234, 0.08949444601177167, -1.0695304215167676, 0.35274564950935283,
    0.984267720856806, -2.4851472041215312, -0.35241725419494313, -1.7719315180496547,
    -0.519584849614042, 0.09044214110196763, 0.7648458430551267, -1.0146789045421896,
    0.654149364930837, 1.0185926233108005, -0.05708094522584381, 0.8151112595538251,
    0.24138030814206168, 1.3242656573306362, 1.4994492625383902, 0.3253793789296784,
    1.0874588831748087, -0.2388837564090054, -0.17033438882371546, 1.0927788142281427,
]).reshape((4, 7), order="F")
# fmt: on


@test_case(points=1)
def test_against_explicit_recursion(resnet_forward):
    rng = np.random.default_rng(0)
    params, Y0 = random_params(rng, 4, 3), rng.standard_normal((4, 7))
    label = "resnet_forward(params, Y0, h=0.3), depth 3, Y0 of shape (4, 7), tanh"
    YN, _ = call_pure(label, resnet_forward, params, Y0, 0.3)
    check_array(label, YN, YN_DEPTH_THREE, rtol=1e-12)


@test_case(points=1)
def test_zero_weights_give_the_identity_map(resnet_forward):
    rng = np.random.default_rng(1)
    Y0 = rng.standard_normal((3, 6))
    params = [(np.zeros((3, 3)), np.zeros(3)) for _ in range(5)]
    for h in (0.1, 1.0, 7.5):
        label = f"resnet_forward with all K_j = 0, b_j = 0 (depth 5, h={h}), Y0 of shape (3, 6)"
        YN, _ = resnet_forward(params, Y0, h)
        check_array(label, YN, Y0, rtol=0.0, atol=0.0)
