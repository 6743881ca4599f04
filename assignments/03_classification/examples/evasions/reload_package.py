"""importlib.reload(scipy.special), then call softmax.

Achieves: nothing. Reloading the package re-runs its ``__init__``, which imports the
wrapped softmax again: caught at run time (and flagged).
Loses: q1 q3
Flagged: dynamic
"""

import importlib as _il

import scipy.special as _special


def softmax(S):
    return _il.reload(_special).softmax(np.asarray(S, dtype=float), axis=0)
