"""max_stable_step refined by scipy.optimize.minimize_scalar, reached by exec (values from the
reference).

Loses: q5
Flagged: dynamic
"""

_reference_mss_2 = max_stable_step


def max_stable_step(K):
    h = _reference_mss_2(K)
    space = {}
    exec("from scipy.optimize import minimize_scalar as m", space)
    space["m"](lambda t: (t - 1.0) ** 2)
    return h
