"""q4: check_derivative (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_shape

OK_FORMAT = False

name = "q4"
points = 4


def quadratic(A, b):
    """f(x) = 1/2 <x, A x> - <b, x> (A symmetric), g = A x - b."""
    return lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b)


def cosines(x):
    """f(X) = sum cos(X) + sum X^3 / 3 for a matrix X; g = -sin(X) + X^2."""
    return np.sum(np.cos(x)) + np.sum(x**3) / 3, -np.sin(x) + x**2


def logsumexp_fun(x):
    """f(x) = log sum exp(x), g = softmax(x) (numpy only: check_derivative calls it)."""
    m = np.max(x)
    e = np.exp(x - m)
    return m + np.log(np.sum(e)), e / np.sum(e)


def run(check_derivative, label, fun, x, **kw):
    out = check_derivative(fun, x, **kw)
    check(isinstance(out, tuple) and len(out) == 2, label, "expected a pair (table, ok)")
    table, ok = out
    check(isinstance(ok, bool | np.bool_), label, f"ok must be a bool, got {type(ok).__name__}")
    return table, bool(ok)


@test_case(points=1)
def test_table_rows(check_derivative):
    rng = np.random.default_rng(0)
    x, dx = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    M = rng.standard_normal((3, 3))
    A, B = M @ M.T + np.eye(3), rng.standard_normal((3, 4))
    fun = lambda X: (0.5 * np.vdot(X, A @ X) - np.vdot(B, X), A @ X - B)
    label = "check_derivative(fun, X, dX, n_steps=10, h0=0.5), f(X) = 1/2 <X, A X> - <B, X>, X (3, 4)"
    table, ok = call_pure(label, check_derivative, fun, x, dx, n_steps=10, h0=0.5)
    check_shape(label + ", table", table, (10, 3))
    # closed form for a quadratic: f(X + h dX) - f(X) = h <g, dX> + h^2/2 <dX, A dX>
    h = 0.5 * 2.0 ** -np.arange(10)
    slope, curv = np.vdot(fun(x)[1], dx), np.vdot(dx, A @ dx)
    expected = np.column_stack([h, np.abs(h * slope + h**2 / 2 * curv), h**2 / 2 * abs(curv)])
    for j, what in enumerate(("h", "E0", "E1")):
        check_array(f"{label}, column {j} ({what})", table[:, j], expected[:, j], rtol=1e-8)
    check(bool(ok), label, "the gradient is correct but ok is False")


@test_case(points=1)
def test_ok_for_correct_not_for_sign_error(check_derivative):
    rng = np.random.default_rng(1)
    M = rng.standard_normal((6, 6))
    A, b = M @ M.T + np.eye(6), rng.standard_normal(6)
    x = rng.standard_normal(6)
    f = quadratic(A, b)
    _, ok = run(
        check_derivative,
        "check_derivative(f, x, rng=0), correct gradient of 1/2 x^T A x - b^T x",
        f,
        x,
        rng=0,
    )
    check(ok, "check_derivative on a correct quadratic gradient", "returned ok = False")
    _, ok = run(
        check_derivative,
        "check_derivative(f, x, rng=0), f = log sum exp(x)",
        logsumexp_fun,
        x,
        rng=0,
    )
    check(ok, "check_derivative on the correct gradient of log sum exp", "returned ok = False")
    wrong = lambda x: (f(x)[0], -f(x)[1])
    dx = f(x)[1]  # along the true gradient: a clear-cut case for any implementation
    label = "check_derivative(f, x, dx) where g = -(A x - b) (sign error), dx = A x - b"
    _, ok = run(check_derivative, label, wrong, x, dx=dx)
    check(not ok, label, "returned ok = True for a wrong gradient")
    # a gradient 10% too large: E1 shrinks like h^2 for large h, like h only for small h
    scaled = lambda x: (f(x)[0], 1.1 * f(x)[1])
    label = "check_derivative(f, x, dx) where g = 1.1 (A x - b) (10% too large), dx = A x - b"
    _, ok = run(check_derivative, label, scaled, x, dx=dx)
    check(not ok, label, "returned ok = True for a wrong gradient (look at the last ratios)")


@test_case(points=1, hidden=True)
def test_not_ok_for_wrong_factors(check_derivative):
    """Varies: test_ok_for_correct_not_for_sign_error (other wrong factors and functions, dx given)."""
    x = np.random.default_rng(2).standard_normal((2, 5))
    for what, factor in (("a missing factor (g / 2)", 0.5), ("a gradient scaled by 1.1", 1.1)):
        wrong = lambda x, c=factor: (cosines(x)[0], c * cosines(x)[1])
        label = f"check_derivative(f, X, dX) for X (2, 5) with {what}, dX = the true gradient"
        _, ok = run(check_derivative, label, wrong, x, dx=cosines(x)[1])
        check(not ok, label, "returned ok = True for a wrong gradient")
    _, ok = run(
        check_derivative,
        "check_derivative(f, X, rng=3), correct gradient, X (2, 5)",
        cosines,
        x,
        rng=3,
    )
    check(ok, "check_derivative(f, X, rng=3) with the correct gradient", "returned ok = False")


@test_case(points=1, hidden=True)
def test_round_off_region_and_random_direction(check_derivative):
    """Varies: test_ok_for_correct_not_for_sign_error (round-off floor, seeded dx)."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal(8)
    big = lambda x: (1e3 + 50 * np.sum(np.cos(x)), -50 * np.sin(x))  # |f| ~ 1e3
    label = "check_derivative(f, x, n_steps=30, rng=5), correct gradient, |f| about 1e3 (E1 reaches round-off)"
    table, ok = run(check_derivative, label, big, x, n_steps=30, rng=5)
    check_shape(label + ", table", table, (30, 3))
    check(ok, label, "returned ok = False; ignore ratios where E1 is below 100 eps max(|f(x)|, 1)")
    a = rng.standard_normal(8)
    label = "check_derivative(f, x, rng=6) for a linear f(x) = <a, x> + 2 (E1 is round-off only)"
    _, ok = run(check_derivative, label, lambda x: (a @ x + 2.0, a.copy()), x, rng=6)
    check(ok, label, "returned ok = False")
    label = "check_derivative(f, x, n_steps=6, h0=2.0, rng=7) without dx"
    t1, _ = run(check_derivative, label, logsumexp_fun, x, n_steps=6, h0=2.0, rng=7)
    t2, _ = run(
        check_derivative,
        label + " (second call, same seed)",
        logsumexp_fun,
        x,
        n_steps=6,
        h0=2.0,
        rng=np.random.default_rng(7),
    )
    check_shape(label, t1, (6, 3))
    check_array(
        label + ", first column h = 2 * 2^-k", t1[:, 0], 2.0 * 2.0 ** -np.arange(6), rtol=1e-15
    )
    check_array(label + ": the same seed must give the same table", t2, t1, rtol=1e-14)
