"""conv1d_matrix by scipy.linalg.toeplitz and scipy.linalg.circulant.

Loses: q1
"""

import scipy.linalg as _sla


def conv1d_matrix(theta, n, boundary="zero"):
    theta = np.asarray(theta, dtype=float)
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    r = (theta.size - 1) // 2
    if boundary == "periodic":
        c = np.zeros(n)
        for j in range(-r, r + 1):
            c[(-j) % n] += theta[j + r]
        return _sla.circulant(c)
    col, row = np.zeros(n), np.zeros(n)
    m = min(r + 1, n)
    col[:m] = theta[r::-1][:m]
    row[:m] = theta[r:][:m]
    return _sla.toeplitz(col, row)
