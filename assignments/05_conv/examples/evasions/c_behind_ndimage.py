"""conv2d by the compiled correlate of scipy.ndimage._nd_image (behind scipy.ndimage.correlate).

Achieves: nothing. A forbidden package is wrapped with its compiled submodules: caught at run
time (and flagged).
Loses: q3 q4 q8
Flagged: dynamic
"""

import scipy.ndimage._nd_image as _ndi


def conv2d(Y, theta, boundary="zero"):
    Y, theta = np.asarray(Y, dtype=float), np.asarray(theta, dtype=float)
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    mode = 4 if boundary == "zero" else 6  # NI_EXTEND_CONSTANT, NI_EXTEND_WRAP (grid-wrap)
    H, W, c_in, N = Y.shape
    c_out = theta.shape[3]
    Z = np.zeros((H, W, c_out, N))
    for s in range(N):
        for o in range(c_out):
            for c in range(c_in):
                out = np.zeros((H, W))
                kernel = np.ascontiguousarray(theta[:, :, c, o])
                _ndi.correlate(Y[:, :, c, s], kernel, out, mode, 0.0, (0, 0))
                Z[:, :, o, s] += out
    return Z
