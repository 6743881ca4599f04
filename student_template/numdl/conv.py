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
    raise NotImplementedError("conv.conv1d_matrix: not implemented yet")


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
    raise NotImplementedError("conv.conv1d_fft: not implemented yet")


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
    raise NotImplementedError("conv.circulant_eigenvalues: not implemented yet")


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
    raise NotImplementedError("conv.conv2d: not implemented yet")


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
    raise NotImplementedError("conv.conv2d_transpose: not implemented yet")


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
    raise NotImplementedError("conv.conv2d_kernel_grad: not implemented yet")


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
    raise NotImplementedError("conv.avg_pool2d: not implemented yet")


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
    raise NotImplementedError("conv.avg_pool2d_transpose: not implemented yet")


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
    raise NotImplementedError("conv.laplacian_2d: not implemented yet")


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
    raise NotImplementedError("conv.conv_layer: not implemented yet")


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
    raise NotImplementedError("conv.conv_layer_vjp: not implemented yet")


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
    raise NotImplementedError("conv.norm_layer: not implemented yet")


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
    raise NotImplementedError("conv.norm_layer_vjp: not implemented yet")


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
    raise NotImplementedError("conv.galerkin_coarsen: not implemented yet")


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
    raise NotImplementedError("conv.galerkin_prolong: not implemented yet")
