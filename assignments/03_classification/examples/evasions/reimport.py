"""Re-import: drop scipy.special from sys.modules and import it afresh, then call softmax.

Achieves: nothing. The fresh scipy.special takes softmax from scipy.special._logsumexp, which
holds the wrapper too: caught at run time (and flagged).
Loses: q1 q3
Flagged: dynamic
"""

import importlib as _il
import sys as _sys


def softmax(S):
    _sys.modules.pop("scipy.special", None)
    special = _il.import_module("scipy.special")
    return special.softmax(np.asarray(S, dtype=float), axis=0)
