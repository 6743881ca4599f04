"""importlib.reload of the private module that defines softmax, then call the fresh function.

Achieves: evades the run-time check (the reloaded module holds new, unwrapped functions).
Only flagged: `importlib` and the private module `scipy.special._logsumexp`.
Loses:
Flagged: dynamic
"""

import importlib as _il

_reference_softmax = softmax  # validates the input as the reference does


def softmax(S):
    _reference_softmax(S)
    impl = _il.reload(_il.import_module("scipy.special._logsumexp"))
    return impl.softmax(np.asarray(S, dtype=float), axis=0)
