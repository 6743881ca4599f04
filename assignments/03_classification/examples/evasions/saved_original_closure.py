"""Restore the original from the wrapper's closure (the saved reference inside it).

Achieves: evades the run-time check (the wrapper keeps the original in its closure; there
is no ``__wrapped__``). Only flagged: `__closure__`.
Loses:
Flagged: dynamic
"""

import scipy.special as _special


def _unwrapped(f):
    for cell in f.__closure__ or ():
        inner = cell.cell_contents
        if callable(inner) and getattr(inner, "__name__", "") == f.__name__:
            return inner
    return f


_reference_softmax = softmax  # validates the input as the reference does


def softmax(S):
    _reference_softmax(S)
    return _unwrapped(_special.softmax)(np.asarray(S, dtype=float), axis=0)
