"""q7: select_lambda (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q7"
points = 4


def noisy_regression(seed, n_f, n_c, n_train, n_val, noise):
    rng = np.random.default_rng(seed)
    W, b = rng.standard_normal((n_c, n_f)), rng.standard_normal(n_c)
    def sample(n):
        Y = rng.standard_normal((n_f, n))
        return Y, W @ Y + b[:, None] + noise * rng.standard_normal((n_c, n))
    return (*sample(n_train), *sample(n_val))


def check_selection(label, out, lambdas, expected_errors):
    check(isinstance(out, tuple) and len(out) == 2, label, "expected a tuple (best, errors)")
    best, errors = out
    check_array(label + ": errors", errors, expected_errors, rtol=1e-8)
    check_scalar(label + ": best", best, float(lambdas[int(np.argmin(expected_errors))]),
                 rtol=1e-15)


@test_case(points=1)
def test_errors_and_best_on_noisy_regression(select_lambda):
    Yt, Ct, Yv, Cv = noisy_regression(60, 15, 2, 20, 30, 2.0)
    lambdas = [0.0, 0.1, 1.0, 10.0, 100.0, 1000.0]
    label = "select_lambda(...) on a noisy regression, 15 features, 20 training examples"
    out = call_pure(label, select_lambda, Yt, Ct, Yv, Cv, lambdas)
    # stored: the relative validation misfits of the exact minimizers (an interior lam is best)
    expected = np.array([0.9910102475398264, 0.9300859099276041, 0.7246337958874844,
                         0.6651793550137288, 0.8625820315752182, 0.9837410308638445])
    check_selection(label, out, lambdas, expected)


@test_case(points=1)
def test_validation_not_training_error(select_lambda):
    # training error always prefers lam = 0; the validation error must not
    Yt, Ct, Yv, Cv = noisy_regression(61, 10, 3, 14, 40, 1.5)
    lambdas = np.array([0.0, 1.0, 5.0, 20.0])
    label = "select_lambda(...) with 10 features and 14 training examples"
    # stored: the relative validation misfits of the exact minimizers
    expected = np.array([0.8289183914183542, 0.5254781027464334, 0.6102262120037133,
                         0.7540130811517183])
    check_selection(label, select_lambda(Yt, Ct, Yv, Cv, lambdas), lambdas, expected)
