"""Blind alternative B: written from API.md and the student template alone.

Routes: 1-D matrices from scipy.sparse diagonals (wrapped diagonals for periodic), FFT
products by scipy.fft rfft/irfft, circulant eigenvalues by direct evaluation of the stencil's
symbol, conv2d by im2col (numpy.lib.stride_tricks.sliding_window_view on a padded batch +
einsum), its transpose and kernel gradient by explicit shifted sums, pooling by strided block
sums, the Laplacian by direct COO assembly of the 5-point stencil, norm layer backward
recomputing the statistics, Galerkin stencils read off sparse R K P on a small grid and
inverted through the 3x3 matrix of that linear map.

Module 05: convolutional networks. Image batches are ``(H, W, c, N)``; kernels
``(k1, k2, c_in, c_out)``; "convolution" is the centered cross-correlation with zero or
periodic boundary.
"""

import numpy as np
import scipy.fft
import scipy.sparse as sp
from numpy.lib.stride_tricks import sliding_window_view

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


def _alt2_boundary(boundary):
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r} (expected 'zero' or 'periodic')")
    return boundary


def _alt2_stencil(theta):
    theta = np.asarray(theta, dtype=float).ravel()
    if theta.size % 2 != 1:
        raise ValueError(f"stencil must have odd length, got {theta.size}")
    return theta, (theta.size - 1) // 2


def _alt2_sparse_conv1d(theta, n, boundary):
    theta, r = _alt2_stencil(theta)
    n = int(n)
    K = sp.csr_matrix((n, n))
    for j in range(-r, r + 1):
        t = theta[j + r]
        K = K + sp.diags(np.full(n - abs(j), t), j, shape=(n, n), format="csr")
        if boundary == "periodic" and j != 0:
            wrap = j - n if j > 0 else j + n
            K = K + sp.diags(np.full(abs(j), t), wrap, shape=(n, n), format="csr")
    return K


def conv1d_matrix(theta: np.ndarray, n: int, boundary: str = "zero") -> np.ndarray:
    """Dense ``K`` ``(n, n)`` with ``K[i, i + j] = theta[j + r]`` (column modulo ``n`` when
    periodic).

    Route: sum of scipy.sparse diagonals (and the wrapped diagonals), then densified.
    """
    _alt2_boundary(boundary)
    return _alt2_sparse_conv1d(theta, n, boundary).toarray()


def circulant_eigenvalues(theta: np.ndarray, n: int) -> np.ndarray:
    """Eigenvalues of the periodic ``K(theta)``: ``fft(K e_1)``, evaluated directly as the symbol
    ``lam_k = sum_j theta[j + r] exp(2 pi i k j / n)``."""
    theta, r = _alt2_stencil(theta)
    n = int(n)
    k = np.arange(n)
    lam = np.zeros(n, dtype=complex)
    for j in range(-r, r + 1):
        lam += theta[j + r] * np.exp(2j * np.pi * ((k * j) % n) / n)
    return lam.astype(np.complex128)


def conv1d_fft(theta: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Periodic ``K(theta) y`` through the real FFT (``y`` ``(n,)`` or ``(n, N)``)."""
    theta, r = _alt2_stencil(theta)
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    col = np.zeros(n)
    for j in range(-r, r + 1):
        col[(-j) % n] += theta[j + r]
    lam = scipy.fft.rfft(col)
    Y = scipy.fft.rfft(y, axis=0)
    if y.ndim == 2:
        lam = lam[:, None]
    return np.asarray(scipy.fft.irfft(lam * Y, n=n, axis=0), dtype=float)


def _alt2_pad(Y, r1, r2, boundary):
    mode = "constant" if boundary == "zero" else "wrap"
    return np.pad(Y, ((r1, r1), (r2, r2), (0, 0), (0, 0)), mode=mode)


def conv2d(Y: np.ndarray, theta: np.ndarray, boundary: str = "zero") -> np.ndarray:
    """``Z[i1, i2, o, s] = sum_{c, j1, j2} theta[j1 + r1, j2 + r2, c, o] Y[i1 + j1, i2 + j2, c,
    s]``.

    Route: im2col via sliding_window_view of the padded batch, contracted with einsum.
    """
    _alt2_boundary(boundary)
    Y = np.asarray(Y, dtype=float)
    theta = np.asarray(theta, dtype=float)
    k1, k2, c_in, c_out = theta.shape
    if Y.ndim != 4 or Y.shape[2] != c_in:
        raise ValueError(f"conv2d: Y {Y.shape} does not fit theta {theta.shape}")
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    Yp = _alt2_pad(Y, r1, r2, boundary)
    win = sliding_window_view(Yp, (k1, k2), axis=(0, 1))  # (H, W, c, N, k1, k2)
    return np.einsum("hwcsab,abco->hwos", win, theta, optimize=True)


def _alt2_shift(X, d1, d2, boundary):
    """``S[i1, i2] = X[i1 + d1, i2 + d2]`` with zero or periodic values outside."""
    H, W = X.shape[0], X.shape[1]
    if boundary == "periodic":
        return np.roll(X, shift=(-d1, -d2), axis=(0, 1))
    S = np.zeros_like(X)
    a0, a1 = max(0, -d1), min(H, H - d1)
    b0, b1 = max(0, -d2), min(W, W - d2)
    if a0 < a1 and b0 < b1:
        S[a0:a1, b0:b1] = X[a0 + d1 : a1 + d1, b0 + d2 : b1 + d2]
    return S


def conv2d_transpose(Z: np.ndarray, theta: np.ndarray, boundary: str = "zero") -> np.ndarray:
    """Adjoint of :func:`conv2d` in ``Y``: ``gY[m] = sum_{j, o} theta[j, :, o] Z[m - j, o]``
    (explicit shifted sums over the stencil offsets)."""
    _alt2_boundary(boundary)
    Z = np.asarray(Z, dtype=float)
    theta = np.asarray(theta, dtype=float)
    k1, k2, c_in, c_out = theta.shape
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    H, W, _, N = Z.shape
    G = np.zeros((H, W, c_in, N))
    for a in range(k1):
        for bb in range(k2):
            Zs = _alt2_shift(Z, -(a - r1), -(bb - r2), boundary)
            G += np.einsum("hwos,co->hwcs", Zs, theta[a, bb])
    return G


def conv2d_kernel_grad(Y, Z, kernel_shape, boundary: str = "zero") -> np.ndarray:
    """``G`` of shape ``kernel_shape`` with ``<conv2d(Y, theta), Z> = <theta, G>``:
    ``G[j, c, o] = sum_{i, s} Y[i + j, c, s] Z[i, o, s]`` by shifted sums."""
    _alt2_boundary(boundary)
    Y = np.asarray(Y, dtype=float)
    Z = np.asarray(Z, dtype=float)
    k1, k2, c_in, c_out = (int(v) for v in kernel_shape)
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    G = np.zeros((k1, k2, c_in, c_out))
    for a in range(k1):
        for bb in range(k2):
            Ys = _alt2_shift(Y, a - r1, bb - r2, boundary)
            G[a, bb] = np.einsum("hwcs,hwos->co", Ys, Z)
    return G


def avg_pool2d(Y: np.ndarray, s: int) -> np.ndarray:
    """Means over non-overlapping ``s x s`` blocks (sum of the ``s^2`` strided sub-grids)."""
    Y = np.asarray(Y, dtype=float)
    s = int(s)
    H, W = Y.shape[0], Y.shape[1]
    if H % s or W % s:
        raise ValueError(f"avg_pool2d: ({H}, {W}) not divisible by s = {s}")
    P = np.zeros((H // s, W // s) + Y.shape[2:])
    for a in range(s):
        for bb in range(s):
            P += Y[a::s, bb::s]
    return P / (s * s)


def avg_pool2d_transpose(Z: np.ndarray, s: int) -> np.ndarray:
    """Adjoint of :func:`avg_pool2d`: ``Y[i1, i2] = Z[i1 // s, i2 // s] / s^2``."""
    Z = np.asarray(Z, dtype=float)
    s = int(s)
    Hp, Wp = Z.shape[0], Z.shape[1]
    Y = np.zeros((s * Hp, s * Wp) + Z.shape[2:])
    for a in range(s):
        for bb in range(s):
            Y[a::s, bb::s] = Z / (s * s)
    return Y


def laplacian_2d(n1: int, n2: int, h1: float = 1.0, h2: float = 1.0) -> sp.spmatrix:
    """5-point negative Dirichlet Laplacian, column-major (``p = i1 + n1 i2``), assembled in COO:
    equal to ``kron(I2, L1) + kron(L2, I1)``."""
    n1, n2 = int(n1), int(n2)
    c1, c2 = 1.0 / h1**2, 1.0 / h2**2
    I1, I2 = np.meshgrid(np.arange(n1), np.arange(n2), indexing="ij")
    I1 = I1.ravel(order="F")
    I2 = I2.ravel(order="F")
    p = I1 + n1 * I2
    rows = [p]
    cols = [p]
    vals = [np.full(p.size, 2 * c1 + 2 * c2)]
    for d1, d2, c in ((1, 0, c1), (-1, 0, c1), (0, 1, c2), (0, -1, c2)):
        ok = (I1 + d1 >= 0) & (I1 + d1 < n1) & (I2 + d2 >= 0) & (I2 + d2 < n2)
        rows.append(p[ok])
        cols.append((I1 + d1)[ok] + n1 * (I2 + d2)[ok])
        vals.append(np.full(int(ok.sum()), -c))
    N = n1 * n2
    L = sp.coo_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(N, N)
    )
    return L.tocsr()


def conv_layer(
    theta: np.ndarray, b: np.ndarray, Y: np.ndarray, act=tanh, boundary: str = "zero"
) -> tuple[np.ndarray, tuple]:
    """``Z = act(conv2d(Y, theta) + b[None, None, :, None])``; the cache keeps the inputs only."""
    _alt2_boundary(boundary)
    theta = np.asarray(theta, dtype=float)
    b = np.asarray(b, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if b.shape != (theta.shape[3],):
        raise ValueError(f"conv_layer: b has shape {b.shape}, expected ({theta.shape[3]},)")
    Z, _ = act(conv2d(Y, theta, boundary) + b[None, None, :, None])
    return np.asarray(Z, dtype=float), (theta.copy(), b.copy(), Y.copy(), act, boundary)


def conv_layer_vjp(cache: tuple, dZ: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``dS = act'(S) * dZ`` (``S`` recomputed); ``(kernel_grad(Y, dS), sum of dS,
    transpose(dS))``."""
    theta, b, Y, act, boundary = cache
    S = conv2d(Y, theta, boundary) + b[None, None, :, None]
    _, dA = act(S)
    dS = np.asarray(dA, dtype=float) * np.asarray(dZ, dtype=float)
    g_theta = conv2d_kernel_grad(Y, dS, theta.shape, boundary)
    g_b = np.einsum("hwos->o", dS)
    g_Y = conv2d_transpose(dS, theta, boundary)
    return g_theta, g_b, g_Y


def _alt2_norm_axes(kind):
    if kind == "batch":
        return (0, 1, 3)
    if kind == "instance":
        return (0, 1)
    raise ValueError(f"norm_layer: unknown kind {kind!r} (expected 'batch' or 'instance')")


def norm_layer(Y: np.ndarray, kind: str = "batch", eps: float = 1e-5):
    """``Z = (Y - mu) / sqrt(s2 + eps)`` with the mean and biased variance per channel over
    ``(0, 1, 3)`` (``"batch"``) or per channel and image over ``(0, 1)`` (``"instance"``).
    The cache keeps ``Y``, ``kind`` and ``eps`` only; the backward pass recomputes statistics."""
    axes = _alt2_norm_axes(kind)
    Y = np.asarray(Y, dtype=float)
    mu = Y.mean(axis=axes, keepdims=True)
    D = Y - mu
    s2 = (D * D).mean(axis=axes, keepdims=True)
    Z = D / np.sqrt(s2 + eps)
    return Z, (Y.copy(), kind, float(eps))


def norm_layer_vjp(cache, dZ: np.ndarray) -> np.ndarray:
    """Transposed Jacobian of :func:`norm_layer` applied to ``dZ``:
    ``gY = (dZ - mean(dZ) - Zh mean(dZ Zh)) / sqrt(s2 + eps)`` over the normalization axes
    (``Zh = (Y - mu)/sqrt(s2 + eps)``)."""
    Y, kind, eps = cache
    axes = _alt2_norm_axes(kind)
    dZ = np.asarray(dZ, dtype=float)
    mu = Y.mean(axis=axes, keepdims=True)
    D = Y - mu
    s2 = (D * D).mean(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(s2 + eps)
    Zh = D * inv
    m1 = dZ.mean(axis=axes, keepdims=True)
    m2 = (dZ * Zh).mean(axis=axes, keepdims=True)
    return inv * (dZ - m1 - Zh * m2)


def _alt2_prolongation(n_c):
    n_f = 2 * n_c
    rows, cols, vals = [], [], []
    for i in range(n_c):
        for off, w in ((-1, 0.25), (0, 0.75), (1, 0.75), (2, 0.25)):
            rows.append((2 * i + off) % n_f)
            cols.append(i)
            vals.append(w)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n_f, n_c))


def _alt2_restriction(n_c):
    n_f = 2 * n_c
    rows = np.repeat(np.arange(n_c), 2)
    cols = np.arange(n_f)
    return sp.csr_matrix((np.full(n_f, 0.5), (rows, cols)), shape=(n_c, n_f))


_alt2_NC = 6


def galerkin_coarsen(theta: np.ndarray) -> np.ndarray:
    """``theta_c`` ``(3,)`` with ``K_c(theta_c) = R K_f(theta) P`` (periodic, ``n_f = 2 n_c``).

    Route: assemble the sparse product on a small grid (``n_c = 6``) and read the stencil off
    row 2: ``theta_c[j + 1] = (R K P)[2, 2 + j]``.
    """
    theta = np.asarray(theta, dtype=float).ravel()
    if theta.size != 3:
        raise ValueError(f"galerkin_coarsen: theta must have 3 entries, got {theta.size}")
    n_c = _alt2_NC
    Kf = _alt2_sparse_conv1d(theta, 2 * n_c, "periodic")
    Kc = (_alt2_restriction(n_c) @ Kf @ _alt2_prolongation(n_c)).toarray()
    i = 2
    return np.array([Kc[i, (i + j) % n_c] for j in (-1, 0, 1)])


def galerkin_prolong(theta_c: np.ndarray) -> np.ndarray:
    """The unique ``theta`` ``(3,)`` whose Galerkin coarsening is ``theta_c``: solves
    ``M theta = theta_c`` for the 3x3 matrix ``M`` of the (linear) map :func:`galerkin_coarsen`."""
    theta_c = np.asarray(theta_c, dtype=float).ravel()
    if theta_c.size != 3:
        raise ValueError(f"galerkin_prolong: theta_c must have 3 entries, got {theta_c.size}")
    M = np.column_stack([galerkin_coarsen(e) for e in np.eye(3)])
    return np.linalg.solve(M, theta_c)
