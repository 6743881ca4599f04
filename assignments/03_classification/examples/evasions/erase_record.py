"""Call scipy.special.softmax, then erase the tripwires' record through sys.modules.

Achieves: evades the run-time check (the record lives in the worker, which runs student
code). Only flagged: `sys.modules` and the course's `numdl.tripwires`.
Loses:
Flagged: dynamic
"""

import sys as _sys

import scipy.special as _special

_reference_softmax = softmax  # validates the input as the reference does


def softmax(S):
    _reference_softmax(S)
    P = _special.softmax(np.asarray(S, dtype=float), axis=0)
    _sys.modules["numdl.tripwires"]._hits.clear()
    return P
