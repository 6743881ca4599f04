"""Blind alternative A: written from API.md and the student template alone.

Routes: dense Toeplitz/circulant matrices by diagonal loops, FFT eigenvalues of the first
column, 2-D convolution by padding (np.pad constant/wrap) and a loop over stencil offsets with
einsum over channels, transposes as flipped-kernel correlations, pooling by reshape, Laplacian
by scipy.sparse kron, normalization by broadcasting, Galerkin stencils by assembling dense R K
P (and a 3x3 solve for the inverse map).

Module 05: convolutional networks. "Convolution" is the centered cross-correlation
``(K(theta) y)_i = sum_{j=-r..r} theta_{j+r} y_{i+j}``; image batches are ``(H, W, c, N)`` and
kernels ``(k1, k2, c_in, c_out)``.
"""

import numpy as np
import scipy.sparse as sp

from numdl.activations import tanh

__all__ = [
    "conv1d_matrix",
    "conv1d_fft",
    "circulant_eigenvalues",
    "conv2d",
    "conv2d_transpose",
    "conv2d_kernel_grad",
    "avg_pool2d",
    "avg_pool2d_transpose",
    "laplacian_2d",
    "conv_layer",
    "conv_layer_vjp",
    "norm_layer",
    "norm_layer_vjp",
    "galerkin_coarsen",
    "galerkin_prolong",
]


def _alt1_check_boundary(boundary):
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r} (expected 'zero' or 'periodic')")


def conv1d_matrix(theta: np.ndarray, n: int, boundary: str = "zero") -> np.ndarray:
    """Dense ``K`` ``(n, n)`` with ``K[i, i + j] = theta[j + r]`` (column index modulo ``n``
    when periodic; entries that wrap onto the same position add up)."""
    _alt1_check_boundary(boundary)
    theta = np.asarray(theta, dtype=float).ravel()
    n = int(n)
    r = (theta.size - 1) // 2
    K = np.zeros((n, n))
    rows = np.arange(n)
    for j in range(-r, r + 1):
        cols = rows + j
        if boundary == "zero":
            ok = (cols >= 0) & (cols < n)
            K[rows[ok], cols[ok]] += theta[j + r]
        else:
            np.add.at(K, (rows, cols % n), theta[j + r])
    return K


def circulant_eigenvalues(theta: np.ndarray, n: int) -> np.ndarray:
    """Eigenvalues of the periodic ``K(theta)``: ``fft`` of its first column
    (``(K e_1)[(-j) mod n] = theta[j + r]``), ``complex128`` ``(n,)``."""
    theta = np.asarray(theta, dtype=float).ravel()
    n = int(n)
    r = (theta.size - 1) // 2
    col = np.zeros(n)
    for j in range(-r, r + 1):
        col[(-j) % n] += theta[j + r]
    return np.fft.fft(col).astype(np.complex128)


def conv1d_fft(theta: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Periodic ``K(theta) y = ifft(lambda * fft(y))`` (real part), ``y`` ``(n,)`` or ``(n, N)``."""
    y = np.asarray(y, dtype=float)
    lam = circulant_eigenvalues(theta, y.shape[0])
    if y.ndim == 2:
        lam = lam[:, None]
    return np.real(np.fft.ifft(lam * np.fft.fft(y, axis=0), axis=0))


def _alt1_pad(Y, r1, r2, boundary):
    widths = ((r1, r1), (r2, r2)) + ((0, 0),) * (Y.ndim - 2)
    if boundary == "zero":
        return np.pad(Y, widths, mode="constant")
    return np.pad(Y, widths, mode="wrap")


def conv2d(Y: np.ndarray, theta: np.ndarray, boundary: str = "zero") -> np.ndarray:
    """``Z[i1, i2, o, s] = sum_{c, j1, j2} theta[j1 + r1, j2 + r2, c, o] Y[i1 + j1, i2 + j2, c, s]``
    with zero or periodic boundary; ``(H, W, c_in, N) -> (H, W, c_out, N)``."""
    _alt1_check_boundary(boundary)
    Y = np.asarray(Y, dtype=float)
    theta = np.asarray(theta, dtype=float)
    H, W = Y.shape[:2]
    k1, k2 = theta.shape[:2]
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    Yp = _alt1_pad(Y, r1, r2, boundary)
    Z = np.zeros((H, W, theta.shape[3], Y.shape[3]))
    for a in range(k1):
        for b in range(k2):
            Z += np.einsum("hwcn,co->hwon", Yp[a : a + H, b : b + W], theta[a, b], optimize=True)
    return Z


def conv2d_transpose(Z: np.ndarray, theta: np.ndarray, boundary: str = "zero") -> np.ndarray:
    """Adjoint of :func:`conv2d` in the images: correlation with the flipped kernel and swapped
    channels, same boundary."""
    _alt1_check_boundary(boundary)
    theta = np.asarray(theta, dtype=float)
    flipped = np.ascontiguousarray(theta[::-1, ::-1].transpose(0, 1, 3, 2))
    return conv2d(Z, flipped, boundary=boundary)


def conv2d_kernel_grad(
    Y: np.ndarray, Z: np.ndarray, kernel_shape: tuple[int, int, int, int], boundary: str = "zero"
) -> np.ndarray:
    """``G[a, b, c, o] = sum_{i1, i2, s} Y[i1 + a - r1, i2 + b - r2, c, s] Z[i1, i2, o, s]``
    (boundary as in :func:`conv2d`), so that ``<conv2d(Y, theta), Z> = <theta, G>``."""
    _alt1_check_boundary(boundary)
    Y = np.asarray(Y, dtype=float)
    Z = np.asarray(Z, dtype=float)
    k1, k2, c_in, c_out = (int(v) for v in kernel_shape)
    H, W = Y.shape[:2]
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    Yp = _alt1_pad(Y, r1, r2, boundary)
    G = np.zeros((k1, k2, c_in, c_out))
    for a in range(k1):
        for b in range(k2):
            G[a, b] = np.einsum("hwcn,hwon->co", Yp[a : a + H, b : b + W], Z, optimize=True)
    return G


def avg_pool2d(Y: np.ndarray, s: int) -> np.ndarray:
    """Means over non-overlapping ``s x s`` blocks: ``(H, W, c, N) -> (H/s, W/s, c, N)``."""
    Y = np.asarray(Y, dtype=float)
    s = int(s)
    H, W, c, N = Y.shape
    return Y.reshape(H // s, s, W // s, s, c, N).mean(axis=(1, 3))


def avg_pool2d_transpose(Z: np.ndarray, s: int) -> np.ndarray:
    """Adjoint of :func:`avg_pool2d`: ``Y[i1, i2] = Z[i1 // s, i2 // s] / s^2``."""
    Z = np.asarray(Z, dtype=float)
    s = int(s)
    return np.repeat(np.repeat(Z, s, axis=0), s, axis=1) / s**2


def laplacian_2d(n1: int, n2: int, h1: float = 1.0, h2: float = 1.0) -> sp.spmatrix:
    """``kron(I_{n2}, L1) + kron(L2, I_{n1})``, ``Lk = tridiag(-1, 2, -1) / hk^2`` (CSR matrix)."""

    def lap1(n, h):
        e = np.ones(n)
        return sp.diags([-e[:-1], 2 * e, -e[:-1]], [-1, 0, 1], shape=(n, n)) / h**2

    n1, n2 = int(n1), int(n2)
    L = sp.kron(sp.identity(n2), lap1(n1, h1)) + sp.kron(lap1(n2, h2), sp.identity(n1))
    return sp.csr_matrix(L)


def conv_layer(
    theta: np.ndarray, b: np.ndarray, Y: np.ndarray, act=tanh, boundary: str = "zero"
) -> tuple[np.ndarray, tuple]:
    """``Z = act(conv2d(Y, theta) + b[None, None, :, None])``; returns ``(Z, cache)``."""
    theta = np.asarray(theta, dtype=float)
    b = np.asarray(b, dtype=float)
    Y = np.asarray(Y, dtype=float)
    S = conv2d(Y, theta, boundary=boundary) + b[None, None, :, None]
    A, dA = act(S)
    cache = (theta.copy(), Y.copy(), np.array(dA, dtype=float), boundary)
    return np.array(A, dtype=float), cache


def conv_layer_vjp(cache: tuple, dZ: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """With ``dS = act'(S) * dZ``: ``(conv2d_kernel_grad(Y, dS), sum of dS per channel,
    conv2d_transpose(dS, theta))``."""
    theta, Y, dA, boundary = cache
    dS = dA * np.asarray(dZ, dtype=float)
    g_theta = conv2d_kernel_grad(Y, dS, theta.shape, boundary=boundary)
    g_b = dS.sum(axis=(0, 1, 3))
    g_Y = conv2d_transpose(dS, theta, boundary=boundary)
    return g_theta, g_b, g_Y


def _alt1_norm_axes(kind):
    if kind == "batch":
        return (0, 1, 3)
    if kind == "instance":
        return (0, 1)
    raise ValueError(f"norm_layer: unknown kind {kind!r} (expected 'batch' or 'instance')")


def norm_layer(Y: np.ndarray, kind: str = "batch", eps: float = 1e-5):
    """``Z = (Y - mu) / sqrt(s2 + eps)``, mean and biased variance per channel over pixels and
    batch (``"batch"``, axes ``(0, 1, 3)``) or per channel and image (``"instance"``, axes
    ``(0, 1)``); no scale or shift. Returns ``(Z, cache)``."""
    axes = _alt1_norm_axes(kind)
    Y = np.asarray(Y, dtype=float)
    mu = Y.mean(axis=axes, keepdims=True)
    s2 = ((Y - mu) ** 2).mean(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(s2 + eps)
    Z = (Y - mu) * inv
    return Z, (Z.copy(), inv, axes)


def norm_layer_vjp(cache, dZ: np.ndarray) -> np.ndarray:
    """Transposed Jacobian of :func:`norm_layer`:
    ``gY = inv * (dZ - mean(dZ) - Z * mean(dZ * Z))`` (means over the normalized axes)."""
    Z, inv, axes = cache
    dZ = np.asarray(dZ, dtype=float)
    m1 = dZ.mean(axis=axes, keepdims=True)
    m2 = (dZ * Z).mean(axis=axes, keepdims=True)
    return inv * (dZ - m1 - Z * m2)


def _alt1_galerkin_ops(n_c):
    n_f = 2 * n_c
    P = np.zeros((n_f, n_c))
    R = np.zeros((n_c, n_f))
    for i in range(n_c):
        for off, w in zip((-1, 0, 1, 2), (0.25, 0.75, 0.75, 0.25)):
            P[(2 * i + off) % n_f, i] += w
        R[i, 2 * i] = 0.5
        R[i, 2 * i + 1] = 0.5
    return P, R


def galerkin_coarsen(theta: np.ndarray) -> np.ndarray:
    """``theta_c`` ``(3,)`` with ``K_c(theta_c) = R K_f(theta) P`` (periodic, ``n_f = 2 n_c``).

    Assembled with dense matrices on ``n_c = 8`` (the result does not depend on ``n_c``) and read
    off row 0: ``theta_c[j + 1] = (R K_f P)[0, j mod n_c]``.
    """
    theta = np.asarray(theta, dtype=float).ravel()
    if theta.size != 3:
        raise ValueError(f"galerkin_coarsen: theta must have 3 entries, got {theta.size}")
    n_c = 8
    P, R = _alt1_galerkin_ops(n_c)
    Kc = R @ conv1d_matrix(theta, 2 * n_c, boundary="periodic") @ P
    i = 3
    return np.array([Kc[i, (i - 1) % n_c], Kc[i, i], Kc[i, (i + 1) % n_c]])


def galerkin_prolong(theta_c: np.ndarray) -> np.ndarray:
    """The unique 3-point ``theta`` whose Galerkin coarsening is ``theta_c``: the coarsening is
    linear, ``theta_c = M theta``; ``M`` is assembled column by column and solved."""
    theta_c = np.asarray(theta_c, dtype=float).ravel()
    M = np.column_stack([galerkin_coarsen(e) for e in np.eye(3)])
    return np.linalg.solve(M, theta_c)
