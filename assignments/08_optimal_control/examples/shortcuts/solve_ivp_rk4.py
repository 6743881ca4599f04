"""ode_solve that calls scipy.integrate.solve_ivp for the final state check (the
trajectory from the reference).

Loses: q1
"""

from scipy.integrate import solve_ivp

_reference_ode_solve = ode_solve


def ode_solve(f, y0, t, method="rk4"):
    Y = _reference_ode_solve(f, y0, t, method=method)
    solve_ivp(lambda s, y: -y, (0.0, 1.0), [1.0])
    return Y
