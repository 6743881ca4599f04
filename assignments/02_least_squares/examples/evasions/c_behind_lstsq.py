"""lstsq_normal by the compiled gufunc behind numpy.linalg.lstsq (numpy.linalg._umath_linalg).

Achieves: nothing. The compiled function is listed in numdl.rules.BEHIND and wrapped like the
routine: caught at run time (and flagged as private).
Loses: q1
Flagged: dynamic
"""

from numpy.linalg import _umath_linalg


def lstsq_normal(A, B, lam=0.0):
    A = np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=float)
    B = np.asarray(B, dtype=float)
    n = A.shape[1]
    M = np.vstack([A, np.sqrt(lam) * np.eye(n)])
    B2 = np.concatenate([B, np.zeros((n,) + B.shape[1:])]).reshape(M.shape[0], -1)
    rcond = np.finfo(float).eps * max(M.shape)
    x = _umath_linalg.lstsq(M, B2, rcond, signature="ddd->ddid")[0]
    return x.reshape((n,) + B.shape[1:])
