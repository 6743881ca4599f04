"""conv_layer_vjp: backpropagates dZ directly, forgetting the activation derivative (dS = dZ instead of act'(S) * dZ).

Convolutions as parametric linear operators ``K(theta)``: 1-D Toeplitz (zero boundary) and
circulant (periodic boundary) matrices and their diagonalization by the FFT, 2-D multi-channel
convolutions of image batches with their transposes, average pooling, the 2-D Laplacian as a
smoothness regularizer, and a convolutional layer with its backpropagation.

"Convolution" is the centered cross-correlation of deep-learning codes,

    (K(theta) y)_i = sum_{j=-r..r} theta_{j+r} y_{i+j},      r = (len(theta) - 1) // 2,

with zero (outside values 0) or periodic (indices modulo the size) boundary. Image batches have
shape ``(H, W, c, N)``: height, width, channels, examples (examples last, like the columns of
``Y`` in the other modules); kernels have shape ``(k1, k2, c_in, c_out)``.

From scratch: in this module do not call scipy.ndimage, scipy.signal, numpy.convolve,
numpy.correlate, scipy.linalg.toeplitz, scipy.linalg.circulant,
scipy.linalg.convolution_matrix; in no module call sklearn, torch, jax, tensorflow,
autograd (a module's name stands for everything in it). A question whose functions call
one of them scores 0. Everything else of numpy and scipy is allowed (factorizations and
solves, the FFT, scipy.sparse, the other scipy.special functions,
numpy.lib.stride_tricks). See numdl/rules.py and the README.
"""

from __future__ import annotations

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


def _pad(X: np.ndarray, r1: int, r2: int, boundary: str) -> np.ndarray:
    """Pad the first two axes of ``X`` by ``r1``, ``r2`` with zeros or periodically."""
    if boundary == "zero":
        mode = "constant"
    elif boundary == "periodic":
        mode = "wrap"
    else:
        raise ValueError(f"unknown boundary {boundary!r}")
    return np.pad(X, ((r1, r1), (r2, r2), (0, 0), (0, 0)), mode=mode)


def conv1d_matrix(theta: np.ndarray, n: int, boundary: str = "zero") -> np.ndarray:
    """Dense matrix of the 1-D convolution (cross-correlation) with the stencil ``theta``.

    ``(K y)_i = sum_{j=-r..r} theta[j + r] y_{i+j}``: Toeplitz for the zero boundary
    (``y_i = 0`` outside ``0..n-1``), circulant for the periodic boundary (indices mod ``n``).

    Parameters
    ----------
    theta : ndarray, shape (k,)
        Stencil of odd length ``k = 2 r + 1``.
    n : int
        Size of the signal.
    boundary : {"zero", "periodic"}

    Returns
    -------
    K : ndarray, shape (n, n)
        ``K[i, i + j] = theta[j + r]`` (column index modulo ``n`` when periodic).
    """
    theta = np.asarray(theta, dtype=float)
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")
    k = theta.size
    r = (k - 1) // 2
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(-r, r + 1):
            col = i + j
            if boundary == "periodic":
                K[i, col % n] += theta[j + r]
            elif 0 <= col < n:
                K[i, col] += theta[j + r]
    return K


def conv1d_fft(theta: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Periodic 1-D convolution ``K(theta) y`` through the FFT.

    ``K = F^* diag(lambda) F`` with ``lambda = fft(K e_1)``, so
    ``K y = ifft(lambda * fft(y))``.

    Parameters
    ----------
    theta : ndarray, shape (k,)
        Stencil of odd length.
    y : ndarray, shape (n,) or (n, N)
        A signal, or ``N`` signals as columns.

    Returns
    -------
    z : ndarray, shape of ``y``
        Real, ``z = K(theta) y`` with the periodic boundary.
    """
    y = np.asarray(y, dtype=float)
    n = y.shape[0]
    lam = circulant_eigenvalues(theta, n)
    if y.ndim == 1:
        return np.real(np.fft.ifft(lam * np.fft.fft(y)))
    return np.real(np.fft.ifft(lam[:, None] * np.fft.fft(y, axis=0), axis=0))


def circulant_eigenvalues(theta: np.ndarray, n: int) -> np.ndarray:
    """Eigenvalues of the periodic ``K(theta)`` ``(n, n)``: the FFT of its first column.

    ``lambda = fft(K e_1)`` where ``(K e_1)[(-j) mod n] = theta[j + r]``.

    Parameters
    ----------
    theta : ndarray, shape (k,)
        Stencil of odd length.
    n : int
        Size of the signal.

    Returns
    -------
    lam : ndarray, shape (n,), complex128
        ``K = F^* diag(lam) F`` with ``F`` the unitary DFT matrix.
    """
    theta = np.asarray(theta, dtype=float)
    r = (theta.size - 1) // 2
    c = np.zeros(n)
    for j in range(-r, r + 1):
        c[(-j) % n] += theta[j + r]
    return np.fft.fft(c).astype(np.complex128)


def conv2d(Y: np.ndarray, theta: np.ndarray, boundary: str = "zero") -> np.ndarray:
    """Multi-channel 2-D convolution (cross-correlation) of a batch of images.

    ``Z[i1, i2, o, s] = sum_{c, j1, j2} theta[j1 + r1, j2 + r2, c, o] Y[i1 + j1, i2 + j2, c, s]``
    over ``|j1| <= r1``, ``|j2| <= r2``, i.e.
    ``Z[:, :, o, s] = sum_c K(theta[:, :, c, o]) Y[:, :, c, s]``.

    Parameters
    ----------
    Y : ndarray, shape (H, W, c_in, N)
        Batch of ``N`` images with ``c_in`` channels.
    theta : ndarray, shape (k1, k2, c_in, c_out)
        Kernels, ``k1`` and ``k2`` odd (possibly different), ``r1 = (k1-1)//2``, ``r2 = (k2-1)//2``.
    boundary : {"zero", "periodic"}
        Outside values 0, or indices modulo ``H`` and ``W``.

    Returns
    -------
    Z : ndarray, shape (H, W, c_out, N)
    """
    Y = np.asarray(Y, dtype=float)
    theta = np.asarray(theta, dtype=float)
    H, W, c_in, N = Y.shape
    k1, k2, _, c_out = theta.shape
    Yp = _pad(Y, (k1 - 1) // 2, (k2 - 1) // 2, boundary)
    Z = np.zeros((H, W, c_out, N))
    for a in range(k1):
        for b in range(k2):
            Z += np.einsum("hwcn,co->hwon", Yp[a:a + H, b:b + W], theta[a, b])
    return Z


def conv2d_transpose(Z: np.ndarray, theta: np.ndarray, boundary: str = "zero") -> np.ndarray:
    """The transpose (adjoint) of :func:`conv2d` with respect to the images.

    ``<conv2d(Y, theta), Z> = <Y, conv2d_transpose(Z, theta)>`` for all ``Y``; for both
    boundaries this is the correlation with the flipped kernel and swapped channels.

    Parameters
    ----------
    Z : ndarray, shape (H, W, c_out, N)
    theta : ndarray, shape (k1, k2, c_in, c_out)
    boundary : {"zero", "periodic"}

    Returns
    -------
    Y : ndarray, shape (H, W, c_in, N)
    """
    Z = np.asarray(Z, dtype=float)
    theta = np.asarray(theta, dtype=float)
    H, W, c_out, N = Z.shape
    k1, k2, c_in, _ = theta.shape
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    Zp = _pad(Z, r1, r2, boundary)
    Y = np.zeros((H, W, c_in, N))
    for a in range(k1):
        for b in range(k2):
            # (K^T Z)_i = sum_j theta[j + r] Z[i - j], j = a - r
            a0, b0 = 2 * r1 - a, 2 * r2 - b
            Y += np.einsum("hwon,co->hwcn", Zp[a0:a0 + H, b0:b0 + W], theta[a, b])
    return Y


def conv2d_kernel_grad(
    Y: np.ndarray, Z: np.ndarray, kernel_shape: tuple[int, int, int, int], boundary: str = "zero"
) -> np.ndarray:
    """The transpose of :func:`conv2d` with respect to the kernel.

    ``G[a, b, c, o] = sum_{i1, i2, s} Y[i1 + a - r1, i2 + b - r2, c, s] Z[i1, i2, o, s]``, so that
    ``<conv2d(Y, theta), Z> = <theta, G>`` for all ``theta``.

    Parameters
    ----------
    Y : ndarray, shape (H, W, c_in, N)
    Z : ndarray, shape (H, W, c_out, N)
    kernel_shape : tuple (k1, k2, c_in, c_out)
    boundary : {"zero", "periodic"}

    Returns
    -------
    G : ndarray, shape kernel_shape
    """
    Y = np.asarray(Y, dtype=float)
    Z = np.asarray(Z, dtype=float)
    k1, k2, c_in, c_out = kernel_shape
    H, W = Y.shape[:2]
    Yp = _pad(Y, (k1 - 1) // 2, (k2 - 1) // 2, boundary)
    G = np.zeros((k1, k2, c_in, c_out))
    for a in range(k1):
        for b in range(k2):
            G[a, b] = np.einsum("hwcn,hwon->co", Yp[a:a + H, b:b + W], Z)
    return G


def avg_pool2d(Y: np.ndarray, s: int) -> np.ndarray:
    """Average pooling over non-overlapping ``s x s`` blocks.

    ``P[i1, i2, c, n] = (1/s^2) sum_{a, b < s} Y[s i1 + a, s i2 + b, c, n]``.

    Parameters
    ----------
    Y : ndarray, shape (H, W, c, N)
        ``H`` and ``W`` divisible by ``s``.
    s : int
        Block size (and stride).

    Returns
    -------
    P : ndarray, shape (H/s, W/s, c, N)
    """
    Y = np.asarray(Y, dtype=float)
    H, W, c, N = Y.shape
    return Y.reshape(H // s, s, W // s, s, c, N).mean(axis=(1, 3))


def avg_pool2d_transpose(Z: np.ndarray, s: int) -> np.ndarray:
    """The transpose (adjoint) of :func:`avg_pool2d`.

    ``Y[i1, i2, c, n] = (1/s^2) Z[i1 // s, i2 // s, c, n]``.

    Parameters
    ----------
    Z : ndarray, shape (H', W', c, N)
    s : int

    Returns
    -------
    Y : ndarray, shape (s H', s W', c, N)
    """
    Z = np.asarray(Z, dtype=float)
    return np.repeat(np.repeat(Z, s, axis=0), s, axis=1) / s**2


def laplacian_2d(n1: int, n2: int, h1: float = 1.0, h2: float = 1.0) -> sp.spmatrix:
    """The 5-point negative Laplacian on an ``n1 x n2`` grid of interior nodes.

    ``L = kron(I_{n2}, L1) + kron(L2, I_{n1})`` with ``Lk = tridiag(-1, 2, -1) / hk^2`` of size
    ``nk`` (zero Dirichlet boundary); unknowns ordered column-major (the first index runs fastest).

    Parameters
    ----------
    n1, n2 : int
        Numbers of interior nodes in the two directions.
    h1, h2 : float
        Grid spacings.

    Returns
    -------
    L : scipy.sparse matrix, shape (n1 n2, n1 n2)
        Symmetric positive definite.
    """
    def lap1(n, h):
        e = np.ones(n)
        return sp.diags([-e[:-1], 2 * e, -e[:-1]], [-1, 0, 1], format="csr") / h**2

    I1 = sp.identity(n1, format="csr")
    I2 = sp.identity(n2, format="csr")
    return (sp.kron(I2, lap1(n1, h1)) + sp.kron(lap1(n2, h2), I1)).tocsr()


def conv_layer(
    theta: np.ndarray, b: np.ndarray, Y: np.ndarray, act=tanh, boundary: str = "zero"
) -> tuple[np.ndarray, tuple]:
    """A convolutional layer ``Z = act(conv2d(Y, theta) + b)``, bias per output channel.

    Parameters
    ----------
    theta : ndarray, shape (k1, k2, c_in, c_out)
    b : ndarray, shape (c_out,)
    Y : ndarray, shape (H, W, c_in, N)
    act : callable
        ``act(X) -> (A, dA)``.
    boundary : {"zero", "periodic"}

    Returns
    -------
    Z : ndarray, shape (H, W, c_out, N)
    cache : tuple
        Opaque, for :func:`conv_layer_vjp`.
    """
    b = np.asarray(b, dtype=float)
    S = conv2d(Y, theta, boundary=boundary) + b[None, None, :, None]
    Z, dA = act(S)
    cache = (np.array(theta, dtype=float), np.array(Y, dtype=float), dA, boundary)
    return Z, cache


def conv_layer_vjp(cache: tuple, dZ: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through :func:`conv_layer`: the transposed Jacobians applied to ``dZ``.

    With ``dS = act'(S) * dZ``: ``g_theta = conv2d_kernel_grad(Y, dS)``,
    ``g_b = sum_{i1, i2, n} dS[i1, i2, :, n]``, ``g_Y = conv2d_transpose(dS, theta)``.

    Parameters
    ----------
    cache : tuple
        From :func:`conv_layer`.
    dZ : ndarray, shape (H, W, c_out, N)

    Returns
    -------
    g_theta : ndarray, shape (k1, k2, c_in, c_out)
    g_b : ndarray, shape (c_out,)
    g_Y : ndarray, shape (H, W, c_in, N)
    """
    theta, Y, dA, boundary = cache
    dS = dZ
    g_theta = conv2d_kernel_grad(Y, dS, theta.shape, boundary=boundary)
    g_b = dS.sum(axis=(0, 1, 3))
    g_Y = conv2d_transpose(dS, theta, boundary=boundary)
    return g_theta, g_b, g_Y


def norm_layer(Y: np.ndarray, kind: str = "batch", eps: float = 1e-5):
    """Batch or instance normalization of an image batch (no learnable scale or shift).

    ``Z = (Y - mu) / sqrt(s2 + eps)`` with ``mu`` and ``s2`` the mean and the biased variance
    (divided by the count) per channel over the pixels and the batch (``kind="batch"``, axes
    ``(0, 1, 3)``) or per channel and image over the pixels (``kind="instance"``, axes
    ``(0, 1)``).

    Parameters
    ----------
    Y : ndarray, shape (H, W, c, N)
        Images.
    kind : {"batch", "instance"}
        Which statistics normalize.
    eps : float
        Added to the variance.

    Returns
    -------
    Z : ndarray, shape (H, W, c, N)
    cache : object
        Whatever :func:`norm_layer_vjp` needs (opaque).

    Raises
    ------
    ValueError
        For an unknown ``kind`` or ``Y`` that is not 4-D.
    """
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 4:
        raise ValueError("Y must be 4-D (H, W, c, N)")
    if kind == "batch":
        axes = (0, 1, 3)
    elif kind == "instance":
        axes = (0, 1)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    mu = Y.mean(axis=axes, keepdims=True)
    D = Y - mu
    s2 = (D**2).mean(axis=axes, keepdims=True)
    inv = 1.0 / np.sqrt(s2 + eps)
    Z = D * inv
    return Z, (Z, inv, axes)


def norm_layer_vjp(cache: tuple, dZ: np.ndarray) -> np.ndarray:
    """Transposed Jacobian of :func:`norm_layer` applied to ``dZ``.

    Both ``mu`` and ``s2`` depend on ``Y``; the gradient differentiates through them. The
    Jacobian is symmetric (so this is also the Jacobian applied to ``dZ``).

    Parameters
    ----------
    cache : object
        From :func:`norm_layer`.
    dZ : ndarray, shape (H, W, c, N)

    Returns
    -------
    gY : ndarray, shape (H, W, c, N)

    Raises
    ------
    ValueError
        If ``dZ`` does not have the shape of ``Z``.
    """
    Z, inv, axes = cache
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != Z.shape:
        raise ValueError(f"dZ has shape {dZ.shape}, expected {Z.shape}")
    m1 = dZ.mean(axis=axes, keepdims=True)
    m2 = (dZ * Z).mean(axis=axes, keepdims=True)
    return inv * (dZ - m1 - Z * m2)


def galerkin_coarsen(theta: np.ndarray) -> np.ndarray:
    """The Galerkin coarse-grid stencil of a 3-point periodic stencil: ``K_c(theta_c) = R K_f P``.

    On periodic 1-D grids with ``n_f = 2 n_c`` points, coarse node ``i`` is the cell of fine
    nodes ``2i, 2i+1``; ``P`` ``(n_f, n_c)`` puts the weights ``1/4, 3/4, 3/4, 1/4`` from coarse
    node ``i`` on fine nodes ``2i-1, 2i, 2i+1, 2i+2`` (modulo ``n_f``), ``R`` ``(n_c, n_f)``
    averages fine nodes ``2i``, ``2i+1``. ``R K_f(theta) P`` is again a 3-point periodic stencil,
    the same for every ``n_c >= 3``.

    Parameters
    ----------
    theta : ndarray, shape (3,)
        The fine-grid stencil, ``(K_f y)_i = theta[0] y_{i-1} + theta[1] y_i + theta[2] y_{i+1}``.

    Returns
    -------
    theta_c : ndarray, shape (3,)
        The coarse-grid stencil.

    Raises
    ------
    ValueError
        If ``theta`` does not have shape ``(3,)``.
    """
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (3,):
        raise ValueError("theta must have shape (3,)")
    n_c = 4
    n_f = 2 * n_c
    P = np.zeros((n_f, n_c))
    R = np.zeros((n_c, n_f))
    for i in range(n_c):
        for off, w in zip((-1, 0, 1, 2), (0.25, 0.75, 0.75, 0.25)):
            P[(2 * i + off) % n_f, i] += w
        R[i, 2 * i] = 0.5
        R[i, 2 * i + 1] = 0.5
    Kc = R @ conv1d_matrix(theta, n_f, boundary="periodic") @ P
    i = 1
    return np.array([Kc[i, i - 1], Kc[i, i], Kc[i, i + 1]])


def galerkin_prolong(theta_c: np.ndarray) -> np.ndarray:
    """The fine-grid stencil whose Galerkin coarsening is ``theta_c`` (it is unique).

    ``galerkin_coarsen`` is linear and invertible on 3-point stencils; this solves
    ``galerkin_coarsen(theta) = theta_c``, i.e. moves a stencil learned on a coarse grid to the
    fine grid.

    Parameters
    ----------
    theta_c : ndarray, shape (3,)
        A coarse-grid stencil.

    Returns
    -------
    theta : ndarray, shape (3,)

    Raises
    ------
    ValueError
        If ``theta_c`` does not have shape ``(3,)``.
    """
    theta_c = np.asarray(theta_c, dtype=float)
    if theta_c.shape != (3,):
        raise ValueError("theta_c must have shape (3,)")
    M = np.column_stack([galerkin_coarsen(e) for e in np.eye(3)])
    return np.linalg.solve(M, theta_c)
