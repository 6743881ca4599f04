"""lstsq_normal by numpy.linalg.lstsq on the stacked system [A; sqrt(lam) I].

Loses: q1
"""


def lstsq_normal(A, B, lam=0.0):
    A = np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=float)
    B = np.asarray(B, dtype=float)
    n = A.shape[1]
    M = np.vstack([A, np.sqrt(lam) * np.eye(n)])
    Z = np.zeros((n,) + B.shape[1:])
    return np.linalg.lstsq(M, np.concatenate([B, Z]), rcond=None)[0]
