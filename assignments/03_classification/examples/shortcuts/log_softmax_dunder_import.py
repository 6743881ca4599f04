"""softmax as exp(scipy.special.log_softmax), the module reached by __import__.

Loses: q1 q3
Flagged: dynamic
"""


def softmax(S):
    special = __import__("scipy.special", fromlist=["log_softmax"])
    return np.exp(special.log_softmax(np.asarray(S, dtype=float), axis=0))
