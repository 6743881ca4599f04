"""Save scipy.special.softmax under another name at import time, call the saved one later.

Achieves: nothing. The wrappers are installed before the submission is imported, so the saved
reference is the wrapper: caught at run time (a static forbidden flag, not a dynamic one).
Loses: q1 q3
"""

from scipy.special import softmax as _saved_softmax


def softmax(S):
    return _saved_softmax(np.asarray(S, dtype=float), axis=0)
