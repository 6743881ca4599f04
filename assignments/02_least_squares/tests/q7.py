"""q7: select_lambda (4 points)."""

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


@test_case(points=1, hidden=True)
def test_ties_pick_the_first(select_lambda):
    """Varies: test_validation_not_training_error (repeated values in lambdas tie exactly)."""
    # a tie is exact only for the same lam twice: the same fit, the same error
    Yt, Ct, Yv, Cv = noisy_regression(61, 10, 3, 14, 40, 1.5)
    lambdas = [20.0, 1.0, 5.0, 1.0, 20.0]
    label = "select_lambda(...) with lambdas = [20, 1, 5, 1, 20] (the best value twice)"
    out = select_lambda(Yt, Ct, Yv, Cv, lambdas)
    stored = np.array([0.8289183914183542, 0.5254781027464334, 0.6102262120037133,
                       0.7540130811517183])  # of lambdas [0, 1, 5, 20], as in the public case
    check_selection(label, out, lambdas, stored[[3, 1, 2, 1, 3]])
    errors = np.asarray(out[1])
    check(errors[1] == errors[3] and errors[0] == errors[4], label,
          f"the same lam must give the same error, got {errors.tolist()}")


@test_case(points=1, hidden=True)
def test_blank_features_many_classes(select_lambda):
    """Varies: test_errors_and_best_on_noisy_regression (digits-like data, 10 classes)."""
    def brute_force_errors(Yt, Ct, Yv, Cv, lambdas):
        """Fit [W b] by the normal equations with diag(1, ..., 1, 0) regularization, then the
        relative validation misfit."""
        A = np.vstack([Yt, np.ones((1, Yt.shape[1]))]).T
        D = np.diag(np.r_[np.ones(Yt.shape[0]), 0.0])
        errs = []
        for lam in lambdas:
            Wb = np.linalg.solve(A.T @ A + lam * D, A.T @ Ct.T).T
            R = Wb[:, :-1] @ Yv + Wb[:, -1:] - Cv
            errs.append(np.linalg.norm(R) / np.linalg.norm(Cv))
        return np.array(errs)

    # digits-like: 64 features of which 10 are zero in every example, 10 classes, one-hot
    # targets, more features than half the training examples
    rng = np.random.default_rng(63)
    W = rng.standard_normal((10, 64))
    W[:, :10] = 0.0
    def sample(n):
        Y = rng.random((64, n))
        Y[:10] = 0.0
        S = W @ Y + 3.0 * rng.standard_normal((10, n))
        return Y, np.eye(10)[:, np.argmax(S, axis=0)]
    (Yt, Ct), (Yv, Cv) = sample(80), sample(200)
    lambdas = [1e-3, 1e-1, 1.0, 10.0, 100.0]
    label = "select_lambda(...) with 64 features (10 always zero), 10 classes, 80 + 200 examples"
    check_selection(label, call_pure(label, select_lambda, Yt, Ct, Yv, Cv, lambdas), lambdas,
                    brute_force_errors(Yt, Ct, Yv, Cv, lambdas))
