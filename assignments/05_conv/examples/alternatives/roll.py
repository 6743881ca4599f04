"""Direct shifts with np.roll / slicing instead of padding, the transpose as the correlation
with the flipped kernel and swapped channels, pooling by strided slices, and the FFT matvec
with the real FFT (rfft/irfft)."""

import numpy as np


def _shift(Y, j1, j2, boundary):
    """S[i1, i2] = Y[i1 + j1, i2 + j2] (0 outside for the zero boundary)."""
    if boundary == "periodic":
        return np.roll(Y, (-j1, -j2), axis=(0, 1))
    H, W = Y.shape[:2]
    S = np.zeros_like(Y)
    S[max(0, -j1) : min(H, H - j1), max(0, -j2) : min(W, W - j2)] = Y[
        max(0, j1) : min(H, H + j1), max(0, j2) : min(W, W + j2)
    ]
    return S


def conv2d(Y, theta, boundary="zero"):
    Y = np.asarray(Y, dtype=float)
    theta = np.asarray(theta, dtype=float)
    if Y.ndim != 4:
        raise ValueError(f"Y must be (H, W, c_in, N), got shape {Y.shape}")
    if (
        theta.ndim != 4
        or theta.shape[2] != Y.shape[2]
        or theta.shape[0] % 2 == 0
        or (theta.shape[1] % 2 == 0)
    ):
        raise ValueError(f"theta must be (k1, k2, c_in={Y.shape[2]}, c_out), got {theta.shape}")
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    k1, k2, _, c_out = theta.shape
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    Z = np.zeros(Y.shape[:2] + (c_out, Y.shape[3]))
    for a in range(k1):
        for b in range(k2):
            Z += np.einsum("hwcn,co->hwon", _shift(Y, a - r1, b - r2, boundary), theta[a, b])
    return Z


def conv2d_transpose(Z, theta, boundary="zero"):
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 4:
        raise ValueError(f"theta must be (k1, k2, c_in, c_out), got shape {theta.shape}")
    return conv2d(Z, theta[::-1, ::-1].transpose(0, 1, 3, 2), boundary)


def conv2d_kernel_grad(Y, Z, kernel_shape, boundary="zero"):
    Y = np.asarray(Y, dtype=float)
    Z = np.asarray(Z, dtype=float)
    k1, k2, c_in, c_out = (int(k) for k in kernel_shape)
    if Y.ndim != 4 or Y.shape[2] != c_in or k1 % 2 == 0 or k2 % 2 == 0:
        raise ValueError(f"kernel_shape {kernel_shape} does not fit Y of shape {Y.shape}")
    if Z.shape != Y.shape[:2] + (c_out, Y.shape[3]):
        raise ValueError(f"Z must have shape {Y.shape[:2] + (c_out, Y.shape[3])}, got {Z.shape}")
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    G = np.zeros((k1, k2, c_in, c_out))
    for a in range(k1):
        for b in range(k2):
            G[a, b] = np.einsum("hwcn,hwon->co", _shift(Y, a - r1, b - r2, boundary), Z)
    return G


def conv1d_fft(theta, y):
    theta = np.asarray(theta, dtype=float)
    y = np.asarray(y, dtype=float)
    if theta.ndim != 1 or theta.size % 2 == 0:
        raise ValueError(f"theta must be a 1-D stencil of odd length, got shape {theta.shape}")
    if y.ndim not in (1, 2):
        raise ValueError(f"y must have shape (n,) or (n, N), got shape {y.shape}")
    n = y.shape[0]
    r = (theta.size - 1) // 2
    c = np.zeros(n)  # first column of K: c[(-j) mod n] = theta[j + r]
    for j in range(-r, r + 1):
        c[(-j) % n] += theta[j + r]
    lam = np.fft.rfft(c)
    if y.ndim == 2:
        lam = lam[:, None]
    return np.fft.irfft(lam * np.fft.rfft(y, axis=0), n=n, axis=0)


def avg_pool2d(Y, s):
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 4 or Y.shape[0] % s or Y.shape[1] % s:
        raise ValueError(f"Y must be (H, W, c, N) with H, W divisible by {s}, got {Y.shape}")
    return sum(Y[a::s, b::s] for a in range(s) for b in range(s)) / s**2


def avg_pool2d_transpose(Z, s):
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 4:
        raise ValueError(f"Z must be (H', W', c, N), got shape {Z.shape}")
    Y = np.zeros((s * Z.shape[0], s * Z.shape[1]) + Z.shape[2:])
    for a in range(s):
        for b in range(s):
            Y[a::s, b::s] = Z / s**2
    return Y
