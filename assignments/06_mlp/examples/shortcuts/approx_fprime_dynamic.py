"""mlp_backward that compares one entry with scipy.optimize.approx_fprime, reached through
sys.modules after importing scipy.stats, which imports scipy.optimize (values from the
reference).

Loses: q3
Flagged: dynamic
"""

import sys

import scipy.stats  # noqa: F401 - allowed, and it imports scipy.optimize

_reference_mlp_backward = mlp_backward


def mlp_backward(*args, **kwargs):
    out = _reference_mlp_backward(*args, **kwargs)
    opt = sys.modules["scipy.optimize"]
    opt.approx_fprime(np.zeros(1), lambda x: float(x[0] ** 2))
    return out
