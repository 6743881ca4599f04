"""max_stable_step as the root of max |1 + h lam| - 1 (non-zero lam) by scipy.optimize.brentq.

Loses: q5
"""

import scipy.optimize

_reference_mss = max_stable_step


def max_stable_step(K):
    h = _reference_mss(K)
    if np.isfinite(h) and h > 0:
        K = np.asarray(K, float)
        lam = np.linalg.eigvals(K)
        lam = lam[np.abs(lam) > 1e-12 * np.linalg.norm(K)]
        g = lambda t: np.max(np.abs(1 + t * lam)) - 1
        h = scipy.optimize.brentq(g, h * 0.5, h * 1.5, xtol=1e-15, rtol=4 * np.finfo(float).eps)
        h = min(h, _reference_mss(K))
    return h
