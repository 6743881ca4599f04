"""conv1d_fft by scipy.signal's periodic convolution via getattr on a computed name.

Loses: q2
Flagged: dynamic
"""

import scipy.signal


def conv1d_fft(theta, y):
    theta, y = np.asarray(theta, dtype=float), np.asarray(y, dtype=float)
    r = (theta.size - 1) // 2
    n = y.shape[0]
    kern = np.zeros(n)
    for j in range(-r, r + 1):
        kern[(-j) % n] += theta[j + r]
    conv = getattr(scipy.signal, "fft" + "convolve")
    Y = y.reshape(n, -1)
    out = np.empty_like(Y)
    for s in range(Y.shape[1]):
        full = conv(np.concatenate([Y[:, s], Y[:, s]]), kern)
        out[:, s] = full[n : 2 * n]
    return out.reshape(y.shape)
