"""FFT everywhere: 2-D convolutions, transposes and kernel gradients by fft2 (zero boundary by
zero padding, then a periodic convolution on the padded grid), 1-D matrices as the FFT
convolution of a unit vector (periodic on the grid padded by r for the zero boundary),
eigenvalues by the explicit DFT sum. Until the "from scratch" rule the 1-D matrices came from
scipy.linalg.toeplitz / circulant (now the shortcut ``fft_toeplitz``)."""

import numpy as np


def conv1d_matrix(theta, n, boundary="zero"):
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 1 or theta.size % 2 == 0:
        raise ValueError(f"theta must be a 1-D stencil of odd length (k,), got shape {theta.shape}")
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    r = (theta.size - 1) // 2
    N = n if boundary == "periodic" else n + 2 * r
    lam = circulant_eigenvalues(theta, N)
    # the first column of the periodic K on N points, K e_0 = F^{-1} diag(lam) F e_0, then
    # K[i, j] = c[(i - j) mod N] (circulant)
    c = np.real(np.fft.ifft(lam))
    i = np.arange(N)
    K = c[(i[:, None] - i[None, :]) % N]
    if boundary == "periodic":
        return K
    return K[r : r + n, r : r + n].copy()


def circulant_eigenvalues(theta, n):
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 1 or theta.size % 2 == 0:
        raise ValueError(f"theta must be a 1-D stencil of odd length (k,), got shape {theta.shape}")
    r = (theta.size - 1) // 2
    k = np.arange(n)
    # lambda_k = sum_i c_i exp(-2 pi i k i / n) with c_{(-j) mod n} = theta_{j+r}
    return sum(theta[j + r] * np.exp(2j * np.pi * j * k / n) for j in range(-r, r + 1)).astype(
        np.complex128
    )


def _fft_kernel(theta, P, Q):
    """fft2 of the first "column" image: Kimg[(-j1) mod P, (-j2) mod Q] = theta[j1+r1, j2+r2]."""
    k1, k2 = theta.shape[:2]
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    Kimg = np.zeros((P, Q) + theta.shape[2:])
    for a in range(k1):
        for b in range(k2):
            Kimg[(r1 - a) % P, (r2 - b) % Q] += theta[a, b]
    return np.fft.fft2(Kimg, axes=(0, 1))


def _grid(Y, r1, r2, boundary):
    if boundary == "zero":
        return np.pad(Y, ((r1, r1), (r2, r2), (0, 0), (0, 0)))
    return Y


def _crop(X, H, W, r1, r2, boundary):
    return X[r1 : r1 + H, r2 : r2 + W] if boundary == "zero" else X


def _validate(Y, theta, boundary, channel_axis):
    Y = np.asarray(Y, dtype=float)
    theta = np.asarray(theta, dtype=float)
    if Y.ndim != 4:
        raise ValueError(f"Y must be a 4-D image batch (H, W, c, N), got shape {Y.shape}")
    if theta.ndim != 4 or theta.shape[0] % 2 == 0 or theta.shape[1] % 2 == 0:
        raise ValueError(f"theta must be (k1, k2, c_in, c_out) with odd k1, k2, got {theta.shape}")
    if theta.shape[channel_axis] != Y.shape[2]:
        raise ValueError(f"theta of shape {theta.shape} does not match the channels of {Y.shape}")
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    return Y, theta


def conv2d(Y, theta, boundary="zero"):
    Y, theta = _validate(Y, theta, boundary, 2)
    H, W = Y.shape[:2]
    r1, r2 = (theta.shape[0] - 1) // 2, (theta.shape[1] - 1) // 2
    Yg = _grid(Y, r1, r2, boundary)
    Khat = _fft_kernel(theta, *Yg.shape[:2])
    Zhat = np.einsum("pqco,pqcn->pqon", Khat, np.fft.fft2(Yg, axes=(0, 1)))
    return _crop(np.real(np.fft.ifft2(Zhat, axes=(0, 1))), H, W, r1, r2, boundary).copy()


def conv2d_transpose(Z, theta, boundary="zero"):
    Z, theta = _validate(Z, theta, boundary, 3)
    H, W = Z.shape[:2]
    r1, r2 = (theta.shape[0] - 1) // 2, (theta.shape[1] - 1) // 2
    Zg = _grid(Z, r1, r2, boundary)  # the adjoint of cropping is zero padding
    Khat = _fft_kernel(theta, *Zg.shape[:2])
    Yhat = np.einsum("pqco,pqon->pqcn", Khat.conj(), np.fft.fft2(Zg, axes=(0, 1)))
    return _crop(np.real(np.fft.ifft2(Yhat, axes=(0, 1))), H, W, r1, r2, boundary).copy()


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
    Yg, Zg = _grid(Y, r1, r2, boundary), _grid(Z, r1, r2, boundary)
    P, Q = Yg.shape[:2]
    # R[j] = sum_i Y[i + j] Z[i]: cross-correlation, fft(Y) * conj(fft(Z))
    Rhat = np.einsum(
        "pqcn,pqon->pqco", np.fft.fft2(Yg, axes=(0, 1)), np.fft.fft2(Zg, axes=(0, 1)).conj()
    )
    R = np.real(np.fft.ifft2(Rhat, axes=(0, 1)))
    i1 = (np.arange(k1) - r1) % P
    i2 = (np.arange(k2) - r2) % Q
    return R[i1][:, i2].copy()
