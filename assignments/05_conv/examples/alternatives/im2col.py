"""im2col: one matrix product per call with the patch matrix (sliding windows), col2im by
index accumulation for the transpose; pooling by Kronecker-structured averaging matrices;
the Laplacian assembled node by node from the 5-point stencil."""

import numpy as np
import scipy.sparse as sp
from numpy.lib.stride_tricks import sliding_window_view


def _check(boundary):
    if boundary not in ("zero", "periodic"):
        raise ValueError(f"unknown boundary {boundary!r}")


def _pad_index(n, r, boundary):
    """Padded position p -> original index, or -1 outside (zero boundary)."""
    p = np.arange(-r, n + r)
    if boundary == "periodic":
        return p % n
    return np.where((p >= 0) & (p < n), p, -1)


def _padded(Y, r1, r2, boundary):
    H, W = Y.shape[:2]
    i1, i2 = _pad_index(H, r1, boundary), _pad_index(W, r2, boundary)
    Yz = np.concatenate([Y, np.zeros((1,) + Y.shape[1:])], axis=0)  # row -1: zeros
    Yz = np.concatenate([Yz, np.zeros((Yz.shape[0], 1) + Y.shape[2:])], axis=1)
    return Yz[i1][:, i2]


def _patches(Y, k1, k2, boundary):
    """X[(a, b, c), (n, h, w)] = Ypad[a + h, b + w, c, n] as a (k1 k2 c, N H W) matrix."""
    H, W, c, N = Y.shape
    Yp = _padded(Y, (k1 - 1) // 2, (k2 - 1) // 2, boundary)
    X = sliding_window_view(Yp, (H, W), axis=(0, 1))  # (k1, k2, c, N, H, W)
    return X.reshape(k1 * k2 * c, N * H * W)


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
    _check(boundary)
    H, W, c_in, N = Y.shape
    k1, k2, _, c_out = theta.shape
    T = theta.reshape(k1 * k2 * c_in, c_out).T  # (c_out, k1 k2 c_in)
    Zm = T @ _patches(Y, k1, k2, boundary)  # (c_out, N H W)
    return Zm.reshape(c_out, N, H, W).transpose(2, 3, 0, 1).copy()


def conv2d_transpose(Z, theta, boundary="zero"):
    Z = np.asarray(Z, dtype=float)
    theta = np.asarray(theta, dtype=float)
    if Z.ndim != 4:
        raise ValueError(f"Z must be (H, W, c_out, N), got shape {Z.shape}")
    if (
        theta.ndim != 4
        or theta.shape[3] != Z.shape[2]
        or theta.shape[0] % 2 == 0
        or (theta.shape[1] % 2 == 0)
    ):
        raise ValueError(f"theta must be (k1, k2, c_in, c_out={Z.shape[2]}), got {theta.shape}")
    _check(boundary)
    H, W, c_out, N = Z.shape
    k1, k2, c_in, _ = theta.shape
    T = theta.reshape(k1 * k2 * c_in, c_out)
    Xt = (T @ Z.transpose(2, 3, 0, 1).reshape(c_out, N * H * W)).reshape(k1, k2, c_in, N, H, W)
    # col2im: accumulate every patch entry at the original pixel it was read from
    i1 = _pad_index(H, (k1 - 1) // 2, boundary)
    i2 = _pad_index(W, (k2 - 1) // 2, boundary)
    out = np.zeros((H + 1, W + 1, c_in, N))  # index -1: the discarded zero padding
    for a in range(k1):
        for b in range(k2):
            rows = i1[a : a + H][:, None]
            cols = i2[b : b + W][None, :]
            np.add.at(out, (rows, cols), Xt[a, b].transpose(2, 3, 0, 1))
    return out[:H, :W].copy()


def conv2d_kernel_grad(Y, Z, kernel_shape, boundary="zero"):
    Y = np.asarray(Y, dtype=float)
    Z = np.asarray(Z, dtype=float)
    k1, k2, c_in, c_out = (int(k) for k in kernel_shape)
    if Y.ndim != 4 or Y.shape[2] != c_in or k1 % 2 == 0 or k2 % 2 == 0:
        raise ValueError(f"kernel_shape {kernel_shape} does not fit Y of shape {Y.shape}")
    H, W, _, N = Y.shape
    if Z.shape != (H, W, c_out, N):
        raise ValueError(f"Z must have shape {(H, W, c_out, N)}, got {Z.shape}")
    _check(boundary)
    Zm = Z.transpose(2, 3, 0, 1).reshape(c_out, N * H * W)
    G = _patches(Y, k1, k2, boundary) @ Zm.T  # (k1 k2 c_in, c_out)
    return G.reshape(k1, k2, c_in, c_out)


def _pool_matrix(n, s):
    return np.kron(np.eye(n // s), np.ones((1, s)) / s)  # (n/s, n)


def avg_pool2d(Y, s):
    Y = np.asarray(Y, dtype=float)
    if Y.ndim != 4 or Y.shape[0] % s or Y.shape[1] % s:
        raise ValueError(f"Y must be (H, W, c, N) with H, W divisible by {s}, got {Y.shape}")
    P1, P2 = _pool_matrix(Y.shape[0], s), _pool_matrix(Y.shape[1], s)
    return np.einsum("ih,jw,hwcn->ijcn", P1, P2, Y)


def avg_pool2d_transpose(Z, s):
    Z = np.asarray(Z, dtype=float)
    if Z.ndim != 4:
        raise ValueError(f"Z must be (H', W', c, N), got shape {Z.shape}")
    P1 = _pool_matrix(s * Z.shape[0], s)
    P2 = _pool_matrix(s * Z.shape[1], s)
    return np.einsum("ih,jw,ijcn->hwcn", P1, P2, Z)


def laplacian_2d(n1, n2, h1=1.0, h2=1.0):
    rows, cols, vals = [], [], []
    node = lambda i, j: i + n1 * j  # noqa: E731 - column-major: i runs fastest
    for j in range(n2):
        for i in range(n1):
            p = node(i, j)
            rows.append(p)
            cols.append(p)
            vals.append(2 / h1**2 + 2 / h2**2)
            for di, dj, h in [(-1, 0, h1), (1, 0, h1), (0, -1, h2), (0, 1, h2)]:
                if 0 <= i + di < n1 and 0 <= j + dj < n2:
                    rows.append(p)
                    cols.append(node(i + di, j + dj))
                    vals.append(-1 / h**2)
    return sp.csr_matrix((vals, (rows, cols)), shape=(n1 * n2, n1 * n2))
