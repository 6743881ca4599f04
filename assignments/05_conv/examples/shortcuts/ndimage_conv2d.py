"""conv2d by scipy.ndimage.correlate, one 2-D correlation per channel pair.

Loses: q3 q4 q8
"""

import scipy.ndimage


def conv2d(Y, theta, boundary="zero"):
    Y, theta = np.asarray(Y, dtype=float), np.asarray(theta, dtype=float)
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    mode = "constant" if boundary == "zero" else "wrap"
    H, W, c_in, N = Y.shape
    c_out = theta.shape[3]
    Z = np.zeros((H, W, c_out, N))
    for s in range(N):
        for o in range(c_out):
            for c in range(c_in):
                kernel = theta[:, :, c, o]
                Z[:, :, o, s] += scipy.ndimage.correlate(Y[:, :, c, s], kernel, mode=mode)
    return Z
