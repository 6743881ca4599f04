"""q6: fit_linear_model (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q6"
points = 4


def check_fit(label, out, n_c, n_f):
    check(isinstance(out, tuple) and len(out) == 2, label, "expected a tuple (W, b)")
    W = check_array(label + ": W", out[0], shape=(n_c, n_f))
    b = check_array(label + ": b", out[1], shape=(n_c,))
    return W, b


def data(seed, n_f, n, n_c):
    rng = np.random.default_rng(seed)
    Y = rng.standard_normal((n_f, n)) + 2.0
    C = rng.standard_normal((n_c, n))
    return Y, C


@test_case(points=1)
def test_unregularized_against_numpy(fit_linear_model):
    Y, C = data(50, 4, 30, 3)
    label = "fit_linear_model(Y, C), Y of shape (4, 30), C of shape (3, 30)"
    W, b = check_fit(label, call_pure(label, fit_linear_model, Y, C), 3, 4)
    A = np.vstack([Y, np.ones((1, 30))]).T
    Wb = np.linalg.lstsq(A, C.T, rcond=None)[0].T
    check_array(label + ": W", W, Wb[:, :4], rtol=1e-10)
    check_array(label + ": b", b, Wb[:, 4], rtol=1e-10)


@test_case(points=1)
def test_galileo_with_bias(fit_linear_model):
    # model x = g u + b with the feature u = t^2/2 and a bias (without the bias, least squares
    # gives the course's g = 9.8408, see q1); closed form for one feature:
    # g = cov(u, x) / var(u) = 9.8102..., b = mean(x) - g mean(u)
    t = np.array([0.0, 1.0, 2.0, 3.0])
    x = np.array([0.0, 4.9, 20.1, 44.1])
    u = t**2 / 2
    g = np.sum((u - u.mean()) * (x - x.mean())) / np.sum((u - u.mean()) ** 2)
    label = "fit_linear_model(Y, C) for Galileo's data with Y = t^2/2 (1, 4), C = x (1, 4)"
    W, b = check_fit(label, fit_linear_model(u[None, :], x[None, :]), 1, 1)
    check_scalar(label + ": slope g", W[0, 0], g, rtol=1e-12)
    check_scalar(label + ": bias", b[0], x.mean() - g * u.mean(), rtol=1e-10)


@test_case(points=1)
def test_bias_is_not_regularized(fit_linear_model):
    Y, C = data(51, 5, 40, 2)
    lam = 3.0
    label = "fit_linear_model(Y, C, lam=3), Y of shape (5, 40), C of shape (2, 40)"
    W, b = check_fit(label, call_pure(label, fit_linear_model, Y, C, lam), 2, 5)
    R = W @ Y + b[:, None] - C
    scale = np.linalg.norm(C) * np.sqrt(40)
    # optimality: the gradient in b is R 1 = 0 (no lam b term), in W it is R Y^T + lam W = 0
    check_scalar(label + ": ||R 1|| (must vanish: the bias is not regularized)", np.linalg.norm(R.sum(axis=1)), 0.0, atol=1e-10 * scale)
    check_scalar(label + ": ||R Y^T + lam W||", np.linalg.norm(R @ Y.T + lam * W), 0.0,
                 atol=1e-10 * scale * np.linalg.norm(Y))
