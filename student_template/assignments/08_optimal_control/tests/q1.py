"""q1: rk4_step and ode_solve (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q1"
points = 4


def stability_polynomial(Z):
    """RK4 applied to y' = A y gives y_new = R(hA) y with R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24."""
    I = np.eye(Z.shape[0])
    Z2 = Z @ Z
    return I + Z + Z2 / 2 + Z2 @ Z / 6 + Z2 @ Z2 / 24


def error_ratios(ode_solve, f, y0, exact, T, method, nts):
    """Errors at T on uniform grids with nt steps, and the ratios between successive grids."""
    errs = []
    for nt in nts:
        Ys = ode_solve(f, y0, np.linspace(0.0, T, nt + 1), method=method)
        errs.append(np.linalg.norm(np.asarray(Ys)[-1] - exact))
    errs = np.array(errs)
    return errs, errs[:-1] / errs[1:]


@test_case(points=1)
def test_rk4_step_closed_forms(rk4_step):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3))
    Y = rng.standard_normal((3, 2))
    h = 0.3
    label = "rk4_step(f, t=0.7, Y, h=0.3) for f(t, Y) = A Y, Y of shape (3, 2)"
    out = call_pure(label, rk4_step, lambda t, y: A @ y, 0.7, Y, h)
    check_array(label + " (expected R(hA) Y with R(z) = 1 + z + z^2/2 + z^3/6 + z^4/24)",
                out, stability_polynomial(h * A) @ Y, rtol=1e-13)
    # f depending on t only: RK4 is Simpson's rule, exact for cubics
    t, h, y = 0.4, 0.25, np.array([1.0, -2.0])
    label = "rk4_step(f, t=0.4, y, h=0.25) for f(t, y) = (t^3, 3 t^2 - t) (Simpson's rule, exact)"
    out = rk4_step(lambda s, v: np.array([s**3, 3 * s**2 - s]), t, y, h)
    t1 = t + h
    exact = y + np.array([(t1**4 - t**4) / 4, (t1**3 - t**3) - (t1**2 - t**2) / 2])
    check_array(label, out, exact, rtol=1e-14)


@test_case(points=1)
def test_ode_solve_orders_linear_and_logistic(ode_solve):
    lam, T = -1.3, 1.0
    y0 = np.array([1.0, -0.5, 2.0])
    f = lambda t, y: lam * y
    label = "ode_solve(f, y0, t) for y' = -1.3 y, y0 of shape (3,), t = linspace(0, 1, 11)"
    t = np.linspace(0.0, T, 11)
    Ys = call_pure(label, ode_solve, f, y0, t)
    Ys = check_array(label, Ys, shape=(11, 3))
    check_array(label + ", row 0 must be y0", Ys[0], y0, rtol=0.0)
    z = 0.1 * lam
    R = 1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24
    check_array(label + ", RK4 is the default (rows are R(h lam)^k y0)", Ys,
                np.array([R**k * y0 for k in range(11)]), rtol=1e-13)
    # a non-uniform grid: one step of its own size h_k = t[k+1] - t[k] per interval
    t = np.array([0.0, 0.1, 0.35, 0.4, 1.0])
    for method, R in (("euler", lambda z: 1 + z), ("rk4", lambda z: 1 + z + z**2 / 2 + z**3 / 6 + z**4 / 24)):
        label = f"ode_solve(f, y0, t, method={method!r}) for y' = -1.3 y on the non-uniform t = {t.tolist()}"
        Ys = check_array(label, ode_solve(f, y0, t, method=method), shape=(5, 3))
        expected = y0 * np.cumprod(np.concatenate([[1.0], R(lam * np.diff(t))]))[:, None]
        check_array(label + " (row k+1 is R(h_k lam) times row k)", Ys, expected, rtol=1e-13)
    for method, p in (("euler", 1), ("rk4", 4)):
        errs, ratios = error_ratios(ode_solve, f, y0, np.exp(lam * T) * y0, T, method, (10, 20, 40))
        check(np.all((ratios > 0.8 * 2**p) & (ratios < 1.25 * 2**p)),
              f"ode_solve(..., method={method!r}) on y' = -1.3 y",
              f"errors at T should shrink by about {2**p} when h halves (order {p}); errors {errs}, ratios {ratios}")
    # non-linear: the logistic equation y' = y (1 - y), several initial values at once
    y0 = np.array([0.1, 0.5, 2.0])
    exact = 1.0 / (1.0 + np.exp(-2.0) * (1.0 / y0 - 1.0))
    for method, p in (("euler", 1), ("rk4", 4)):
        errs, ratios = error_ratios(ode_solve, lambda t, y: y * (1 - y), y0, exact, 2.0, method, (16, 32, 64))
        check(np.all((ratios > 0.8 * 2**p) & (ratios < 1.25 * 2**p)),
              f"ode_solve(..., method={method!r}) on the logistic equation y' = y(1 - y)",
              f"errors at T should shrink by about {2**p} when h halves (order {p}); errors {errs}, ratios {ratios}")


@test_case(points=0.5)
def test_unknown_method_raises(ode_solve):
    f = lambda t, y: -y
    check_raises("ode_solve(f, y0, t, method='heun')", ValueError, ode_solve, f, np.ones(2),
                 np.linspace(0, 1, 5), method="heun")
    Ys = ode_solve(f, np.ones(2), np.array([0.0]))
    check_array("ode_solve(f, y0, t) with a single time (no step)", Ys, np.ones((1, 2)), rtol=0.0)
