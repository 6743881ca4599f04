"""Import softmax from the private module that defines it (scipy.special._logsumexp).

Achieves: nothing. Every module that holds the routine gets the wrapper: caught at run time
(and flagged as private).
Loses: q1 q3
Flagged: dynamic
"""

from scipy.special._logsumexp import softmax as _private_softmax


def softmax(S):
    return _private_softmax(np.asarray(S, dtype=float), axis=0)
