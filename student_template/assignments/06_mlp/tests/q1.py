"""q1: init_params (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import check, check_array, check_raises

OK_FORMAT = False

name = "q1"
points = 5

# Statistical checks allow 6 standard deviations of each estimate (computed from the number of
# samples N): a correct implementation fails one of them with probability below 1e-8.
SIGMAS = 6.0


def check_structure(label, params, sizes):
    check(isinstance(params, list | tuple), label, f"expected a list of pairs (K_j, b_j), got {type(params).__name__}")
    check(len(params) == len(sizes) - 1, label, f"expected {len(sizes) - 1} pairs (K_j, b_j) for sizes {sizes}, got {len(params)}")
    for j, pair in enumerate(params):
        check(len(pair) == 2, label, f"params[{j}] must be a pair (K_{j}, b_{j})")
        K, b = pair
        check_array(f"{label}: K_{j}", K, shape=(sizes[j + 1], sizes[j]), kind="real")
        check_array(f"{label}: b_{j}", b, np.zeros(sizes[j + 1]), kind="real", rtol=0.0)


def check_normal_entries(label, K, var):
    """Entries of K look like independent N(0, var) samples: mean, variance and kurtosis."""
    x = np.asarray(K, dtype=float).ravel()
    N = x.size
    mean = x.mean()
    tol = SIGMAS * np.sqrt(var / N)
    check(abs(mean) <= tol, label, f"the entries should have mean 0, sample mean {mean:.3e} (tolerance {tol:.3e} for {N} samples)")
    s2 = np.mean(x**2)
    tol = SIGMAS * np.sqrt(2.0 / N)
    check(abs(s2 / var - 1) <= tol, label,
          f"the entries should have variance {var:.6g}, sample variance {s2:.6g} (relative error {abs(s2 / var - 1):.3e} > tolerance {tol:.3e} for {N} samples)")
    kurt = np.mean(x**4) / s2**2
    tol = SIGMAS * np.sqrt(24.0 / N)
    check(abs(kurt - 3) <= tol, label,
          f"the entries should be normal (kurtosis E[x^4]/E[x^2]^2 = 3), sample kurtosis {kurt:.4f} (error {abs(kurt - 3):.3e} > tolerance {tol:.3e}; a uniform distribution gives 1.8)")


@test_case(points=1)
def test_shapes_zero_biases_and_reproducible(init_params):
    sizes = [3, 5, 4, 2]
    for scheme in ("glorot", "he", "normal"):
        label = f"init_params({sizes}, scheme={scheme!r}, rng=0)"
        check_structure(label, init_params(sizes, scheme=scheme, rng=0), sizes)
    label = f"init_params({sizes}) called twice with rng=0"
    p1, p2 = init_params(sizes, rng=0), init_params(sizes, rng=0)
    check(all(np.array_equal(a[0], b[0]) for a, b in zip(p1, p2)), label, "the same seed must give the same parameters")
    label = f"init_params({sizes}) called with two equally seeded Generators"
    p1 = init_params(sizes, rng=np.random.default_rng(5))
    p2 = init_params(sizes, rng=np.random.default_rng(5))
    check(all(np.array_equal(a[0], b[0]) for a, b in zip(p1, p2)), label, "equally seeded Generators must give the same parameters")
    p3 = init_params(sizes, rng=1)
    check(not np.array_equal(p1[0][0], p3[0][0]), f"init_params({sizes}) with rng=5 and rng=1", "different seeds should give different K_0")


@test_case(points=1)
def test_glorot_variance_non_square_layers(init_params):
    sizes = [300, 200, 100]
    for scheme, rule in (("glorot", "2/(fan_in+fan_out)"), ("he", "2/fan_in")):
        params = init_params(sizes, scheme=scheme, rng=1)
        check_structure(f"init_params({sizes}, {scheme!r})", params, sizes)
        for j, (K, _) in enumerate(params):
            var = 2.0 / (sizes[j] + sizes[j + 1]) if scheme == "glorot" else 2.0 / sizes[j]
            check_normal_entries(f"init_params({sizes}, {scheme!r}), K_{j} (fan_in={sizes[j]}, fan_out={sizes[j + 1]}, variance {rule})", K, var)


@test_case(points=1)
def test_initialization_experiment(init_params):
    """The course's experiment: E||K3 K2 K1 y||^2 / E||y||^2 = (n s^2)^3 for three n x n layers."""
    n = 100
    Y = np.random.default_rng(2).standard_normal((n, 50))
    for scheme, expected in (("normal", 1e6), ("glorot", 1.0), ("he", 8.0)):
        ratios = []
        for seed in range(4):
            M = Y
            for K, _ in init_params([n] * 4, scheme=scheme, rng=seed):
                M = K @ M
            ratios.append(np.sum(M**2) / np.sum(Y**2))
        r = float(np.mean(ratios))
        # one network gives a relative spread of about 5%; the mean of 4 about 3%
        check(0.75 * expected <= r <= 1.33 * expected, f"init_params([100, 100, 100, 100], {scheme!r})",
              f"||K3 K2 K1 Y||^2 / ||Y||^2 should be about (n s^2)^3 = {expected:g}, got {r:.4g} (accepted: [{0.75 * expected:.4g}, {1.33 * expected:.4g}])")


@test_case(points=0.5)
def test_unknown_scheme_raises(init_params):
    check_raises("init_params([3, 4], scheme='xavier')", ValueError, init_params, [3, 4], scheme="xavier")
