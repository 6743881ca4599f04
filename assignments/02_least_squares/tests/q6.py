"""q6: fit_linear_model (4 points)."""

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


@test_case(points=0.5, hidden=True)
def test_rank_deficient_features(fit_linear_model):
    """Varies: test_unregularized_against_numpy (constant and repeated rows: any minimizer)."""
    # a constant feature (like the blank border pixels of the digits) and a duplicated one:
    # lam = 0 has many minimizers; any returned (W, b) must satisfy the optimality conditions
    Y, C = data(52, 4, 25, 3)
    Y[1] = 0.0
    Y[3] = Y[2]
    label = "fit_linear_model(Y, C) with a zero row and two equal rows in Y (4, 25)"
    W, b = check_fit(label, call_pure(label, fit_linear_model, Y, C), 3, 4)
    R = W @ Y + b[:, None] - C
    scale = np.linalg.norm(C) * np.linalg.norm(np.vstack([Y, np.ones(25)]))
    check_scalar(label + ": ||R [Y; 1^T]^T|| (the normal equations)",
                 np.linalg.norm(R @ np.vstack([Y, np.ones(25)]).T), 0.0, atol=1e-10 * scale)


@test_case(points=0.5, hidden=True)
def test_one_class_wide_features(fit_linear_model):
    """Varies: test_bias_is_not_regularized (one class, n_f > n, lam > 0)."""
    Y, C = data(53, 12, 8, 1)  # n_f > n, lam > 0
    lam = 0.2
    label = "fit_linear_model(Y, C, lam=0.2), Y of shape (12, 8), C of shape (1, 8)"
    W, b = check_fit(label, fit_linear_model(Y, C, lam), 1, 12)
    # brute force: ([Y; 1^T][Y; 1^T]^T + lam diag(1, ..., 1, 0)) [W b]^T = [Y; 1^T] C^T
    A = np.vstack([Y, np.ones((1, Y.shape[1]))]).T
    D = np.diag(np.r_[np.ones(Y.shape[0]), 0.0])
    Wb = np.linalg.solve(A.T @ A + lam * D, A.T @ C.T).T
    check_array(label + ": W", W, Wb[:, :-1], rtol=1e-8)
    check_array(label + ": b", b, Wb[:, -1], rtol=1e-8)
