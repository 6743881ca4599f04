"""gen_tikhonov by scipy.linalg.lstsq on the stacked system, the routine found by getattr.

Loses: q3
Flagged: dynamic
"""

import scipy.linalg


def gen_tikhonov(A, B, lam, G):
    A = np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=float)
    G = np.asarray(G.toarray() if hasattr(G, "toarray") else G, dtype=float)
    B = np.asarray(B, dtype=float)
    M = np.vstack([A, np.sqrt(lam) * G])
    Z = np.zeros((G.shape[0],) + B.shape[1:])
    solve = getattr(scipy.linalg, "lst" + "sq")
    return solve(M, np.concatenate([B, Z]))[0]
