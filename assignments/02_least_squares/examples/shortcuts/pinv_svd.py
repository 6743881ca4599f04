"""lstsq_svd by numpy.linalg.pinv when lam = 0 and no rank is given (the reference otherwise).

Loses: q2 q6 q7
"""

_reference_lstsq_svd = lstsq_svd


def lstsq_svd(A, B, lam=0.0, rank=None):
    if lam == 0 and rank is None:
        A = np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=float)
        return np.linalg.pinv(A) @ np.asarray(B, dtype=float)
    return _reference_lstsq_svd(A, B, lam=lam, rank=rank)
