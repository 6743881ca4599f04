"""Module 05: convolutional networks.

Convolutions as parametric linear operators ``K(theta)``: 1-D Toeplitz (zero boundary) and
circulant (periodic boundary) matrices and their diagonalization by the FFT, 2-D multi-channel
convolutions of image batches with their transposes, average pooling, the 2-D Laplacian as a
smoothness regularizer, and a convolutional layer with its backpropagation.

"Convolution" is the centered cross-correlation of deep-learning codes,

    (K(theta) y)_i = sum_{j=-r..r} theta_{j+r} y_{i+j},      r = (len(theta) - 1) // 2,

with zero (outside values 0) or periodic (indices modulo the size) boundary. Image batches have
shape ``(H, W, c, N)``: height, width, channels, examples (examples last, like the columns of
``Y`` in the other modules); kernels have shape ``(k1, k2, c_in, c_out)``.
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

# BEGIN SOLUTION

_BOUNDARIES = ("zero", "periodic")


def _check_boundary(boundary) -> str:
    if boundary not in _BOUNDARIES:
        raise ValueError(f"boundary must be one of {_BOUNDARIES}, got {boundary!r}")
    return boundary


def _stencil(theta) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 1 or theta.size % 2 == 0:
        raise ValueError(f"theta must be a 1-D stencil of odd length (k,), got shape {theta.shape}")
    return theta


def _images(name: str, Y) -> np.ndarray:
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 4:
        raise ValueError(f"{name} must be a 4-D image batch (H, W, c, N), got shape {Y.shape}")
    return Y


def _kernel(theta, c_in: int | None = None) -> np.ndarray:
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 4 or theta.shape[0] % 2 == 0 or theta.shape[1] % 2 == 0:
        raise ValueError(
            "theta must be a 4-D kernel (k1, k2, c_in, c_out) with odd k1, k2, "
            f"got shape {theta.shape}"
        )
    if c_in is not None and theta.shape[2] != c_in:
        raise ValueError(
            f"theta must have shape (k1, k2, c_in, c_out) with c_in = {c_in} (the channels of "
            f"the images), got shape {theta.shape}"
        )
    return theta


def _pad(Y: np.ndarray, r1: int, r2: int, boundary: str) -> np.ndarray:
    """Extend ``Y`` ``(H, W, ...)`` by ``r1`` rows and ``r2`` columns on each side."""
    if boundary == "zero":
        Yp = np.zeros((Y.shape[0] + 2 * r1, Y.shape[1] + 2 * r2) + Y.shape[2:])
        Yp[r1 : r1 + Y.shape[0], r2 : r2 + Y.shape[1]] = Y
        return Yp
    i1 = np.arange(-r1, Y.shape[0] + r1) % Y.shape[0]
    i2 = np.arange(-r2, Y.shape[1] + r2) % Y.shape[1]
    return Y[i1][:, i2]


# END SOLUTION


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
    # BEGIN SOLUTION
    theta = _stencil(theta)
    _check_boundary(boundary)
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be a positive size, got {n}")
    r = (theta.size - 1) // 2
    K = np.zeros((n, n))
    rows = np.arange(n)
    for j in range(-r, r + 1):
        cols = rows + j
        if boundary == "zero":
            keep = (cols >= 0) & (cols < n)
            K[rows[keep], cols[keep]] += theta[j + r]
        else:
            np.add.at(K, (rows, cols % n), theta[j + r])
    return K
    # END SOLUTION


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
    # BEGIN SOLUTION
    theta = _stencil(theta)
    y = np.asarray(y, dtype=float)
    if y.ndim not in (1, 2):
        raise ValueError(f"y must have shape (n,) or (n, N), got shape {y.shape}")
    lam = circulant_eigenvalues(theta, y.shape[0])
    if y.ndim == 2:
        lam = lam[:, None]
    return np.real(np.fft.ifft(lam * np.fft.fft(y, axis=0), axis=0))
    # END SOLUTION


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
    # BEGIN SOLUTION
    theta = _stencil(theta)
    n = int(n)
    if n < 1:
        raise ValueError(f"n must be a positive size, got {n}")
    r = (theta.size - 1) // 2
    c = np.zeros(n)
    for j in range(-r, r + 1):
        c[(-j) % n] += theta[j + r]
    return np.fft.fft(c).astype(complex)
    # END SOLUTION


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
    # BEGIN SOLUTION
    Y = _images("Y", Y)
    H, W, c_in, N = Y.shape
    theta = _kernel(theta, c_in)
    _check_boundary(boundary)
    k1, k2, _, c_out = theta.shape
    Yp = _pad(Y, (k1 - 1) // 2, (k2 - 1) // 2, boundary)
    Z = np.zeros((H, W, c_out, N))
    for a in range(k1):
        for b in range(k2):
            # for every pixel: (c_out, c_in) @ (c_in, N), broadcast over (H, W)
            Z += np.matmul(theta[a, b].T, Yp[a : a + H, b : b + W])
    return Z
    # END SOLUTION


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
    # BEGIN SOLUTION
    Z = _images("Z", Z)
    H, W, c_out, N = Z.shape
    theta = _kernel(theta)
    if theta.shape[3] != c_out:
        raise ValueError(
            f"theta must have shape (k1, k2, c_in, c_out) with c_out = {c_out} (the channels of "
            f"Z), got shape {theta.shape}"
        )
    _check_boundary(boundary)
    k1, k2, c_in, _ = theta.shape
    r1, r2 = (k1 - 1) // 2, (k2 - 1) // 2
    # scatter into the padded image (the transpose of reading the shifted windows) ...
    G = np.zeros((H + 2 * r1, W + 2 * r2, c_in, N))
    for a in range(k1):
        for b in range(k2):
            # for every pixel: (c_in, c_out) @ (c_out, N), broadcast over (H, W)
            G[a : a + H, b : b + W] += np.matmul(theta[a, b], Z)
    # ... then the transpose of the padding: drop the margins, or fold them back periodically
    if boundary == "periodic":
        G[H : H + r1] += G[:r1]
        G[r1 : 2 * r1] += G[H + r1 :]
        G[:, W : W + r2] += G[:, :r2]
        G[:, r2 : 2 * r2] += G[:, W + r2 :]
    return G[r1 : r1 + H, r2 : r2 + W].copy()
    # END SOLUTION


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
    # BEGIN SOLUTION
    Y = _images("Y", Y)
    Z = _images("Z", Z)
    H, W, c_in, N = Y.shape
    kernel_shape = tuple(int(k) for k in kernel_shape)
    if (
        len(kernel_shape) != 4
        or kernel_shape[0] % 2 == 0
        or kernel_shape[1] % 2 == 0
        or kernel_shape[2] != c_in
    ):
        raise ValueError(
            f"kernel_shape must be (k1, k2, c_in, c_out) with odd k1, k2 and c_in = {c_in}, "
            f"got {kernel_shape}"
        )
    k1, k2, _, c_out = kernel_shape
    if Z.shape != (H, W, c_out, N):
        raise ValueError(f"Z must have shape {(H, W, c_out, N)}, got shape {Z.shape}")
    _check_boundary(boundary)
    Yp = _pad(Y, (k1 - 1) // 2, (k2 - 1) // 2, boundary)
    G = np.zeros(kernel_shape)
    for a in range(k1):
        for b in range(k2):
            # sum over pixels and images of (c_in, N) @ (N, c_out)
            G[a, b] = np.matmul(Yp[a : a + H, b : b + W], Z.swapaxes(2, 3)).sum(axis=(0, 1))
    return G
    # END SOLUTION


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
    # BEGIN SOLUTION
    Y = _images("Y", Y)
    H, W, c, N = Y.shape
    s = int(s)
    if s < 1 or H % s or W % s:
        raise ValueError(
            f"Y must have shape (H, W, c, N) with H and W divisible by s = {s}, got shape {Y.shape}"
        )
    return Y.reshape(H // s, s, W // s, s, c, N).mean(axis=(1, 3))
    # END SOLUTION


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
    # BEGIN SOLUTION
    Z = _images("Z", Z)
    s = int(s)
    if s < 1:
        raise ValueError(f"s must be a positive block size, got {s}")
    return np.repeat(np.repeat(Z, s, axis=0), s, axis=1) / s**2
    # END SOLUTION


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
    # BEGIN SOLUTION
    n1, n2 = int(n1), int(n2)
    if n1 < 1 or n2 < 1:
        raise ValueError(f"n1 and n2 must be positive, got {n1}, {n2}")

    def lap1(n, h):
        return sp.diags([-np.ones(n - 1), 2 * np.ones(n), -np.ones(n - 1)], [-1, 0, 1]) / h**2

    L = sp.kron(sp.identity(n2), lap1(n1, h1)) + sp.kron(lap1(n2, h2), sp.identity(n1))
    return L.tocsr()
    # END SOLUTION


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
    # BEGIN SOLUTION
    Y = _images("Y", Y)
    theta = _kernel(theta, Y.shape[2])
    b = np.asarray(b, dtype=float)
    if b.shape != (theta.shape[3],):
        raise ValueError(f"b must have shape ({theta.shape[3]},) (c_out), got shape {b.shape}")
    S = conv2d(Y, theta, boundary) + b[None, None, :, None]
    Z, dA = act(S)
    return Z, (theta, Y, dA, boundary)
    # END SOLUTION


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
    # BEGIN SOLUTION
    theta, Y, dA, boundary = cache
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != dA.shape:
        raise ValueError(f"dZ must have shape {dA.shape} (H, W, c_out, N), got shape {dZ.shape}")
    dS = dA * dZ
    g_theta = conv2d_kernel_grad(Y, dS, theta.shape, boundary)
    g_b = dS.sum(axis=(0, 1, 3))
    g_Y = conv2d_transpose(dS, theta, boundary)
    return g_theta, g_b, g_Y
    # END SOLUTION


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
    # BEGIN SOLUTION
    axes = {"batch": (0, 1, 3), "instance": (0, 1)}.get(kind) if isinstance(kind, str) else None
    if axes is None:
        raise ValueError(f"kind must be 'batch' or 'instance', got {kind!r}")
    Y = _images("Y", Y)
    Yc = Y - Y.mean(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(np.mean(Yc**2, axis=axes, keepdims=True) + eps)
    Z = Yc * inv_std
    return Z, (Z, inv_std, axes)
    # END SOLUTION


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
    # BEGIN SOLUTION
    # per group, with means over the group: gY = (dZ - mean(dZ) - Z mean(dZ Z)) / sqrt(s2 + eps)
    Z, inv_std, axes = cache
    dZ = np.asarray(dZ, dtype=float)
    if dZ.shape != Z.shape:
        raise ValueError(f"dZ must have shape {Z.shape} (H, W, c, N), got shape {dZ.shape}")
    mean_dZ = dZ.mean(axis=axes, keepdims=True)
    mean_dZZ = (dZ * Z).mean(axis=axes, keepdims=True)
    return inv_std * (dZ - mean_dZ - Z * mean_dZZ)
    # END SOLUTION


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
    # BEGIN SOLUTION
    theta = np.asarray(theta, dtype=float)
    if theta.shape != (3,):
        raise ValueError(f"theta must be a 3-point stencil of shape (3,), got shape {theta.shape}")
    n_c = 4  # any n_c >= 3 gives the same stencil
    n_f = 2 * n_c
    rows = np.arange(n_f)
    K_f = np.zeros((n_f, n_f))
    for j in (-1, 0, 1):
        K_f[rows, (rows + j) % n_f] += theta[j + 1]
    P = np.zeros((n_f, n_c))
    R = np.zeros((n_c, n_f))
    for i in range(n_c):
        for offset, w in zip((-1, 0, 1, 2), (0.25, 0.75, 0.75, 0.25)):
            P[(2 * i + offset) % n_f, i] += w
        R[i, [2 * i, 2 * i + 1]] = 0.5
    K_c = R @ K_f @ P
    return K_c[1, [0, 1, 2]].copy()
    # END SOLUTION


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
    # BEGIN SOLUTION
    theta_c = np.asarray(theta_c, dtype=float)
    if theta_c.shape != (3,):
        raise ValueError(
            f"theta_c must be a 3-point stencil of shape (3,), got shape {theta_c.shape}"
        )
    G = np.column_stack([galerkin_coarsen(e) for e in np.eye(3)])
    return np.linalg.solve(G, theta_c)
    # END SOLUTION
