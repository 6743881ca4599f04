"""Realistic student bugs in numdl/conv.py; each must lose points on its question."""

MUTANTS = [
    {
        "name": "conv1d_flipped_stencil",
        "question": "q1",
        "why": "true convolution K[i, i - j] = theta[j + r] instead of the cross-correlation",
        "edits": [("        cols = rows + j\n", "        cols = rows - j\n")],
    },
    {
        "name": "conv1d_zero_boundary_wraps",
        "question": "q1",
        "why": "the zero boundary wraps around like the periodic one (no bounds check)",
        "edits": [
            (
                "            keep = (cols >= 0) & (cols < n)\n"
                "            K[rows[keep], cols[keep]] += theta[j + r]\n",
                "            K[rows, cols % n] += theta[j + r]\n",
            )
        ],
    },
    {
        "name": "eigenvalues_from_first_row",
        "question": "q2",
        "why": "FFT of the first row instead of the first column (eigenvalues of K^T, conjugated)",
        "edits": [("        c[(-j) % n] += theta[j + r]\n", "        c[j % n] += theta[j + r]\n")],
    },
    {
        "name": "fft_matvec_conjugated",
        "question": "q2",
        "why": "multiplies by conj(lambda) in Fourier space: computes K^T y instead of K y",
        "edits": [("ifft(lam * np.fft.fft(y", "ifft(np.conj(lam) * np.fft.fft(y")],
    },
    {
        "name": "conv2d_flipped_kernel",
        "question": "q3",
        "why": "true convolution (kernel flipped) instead of the cross-correlation",
        "edits": [
            (
                "np.matmul(theta[a, b].T, Yp[a : a + H, b : b + W])",
                "np.matmul(theta[k1 - 1 - a, k2 - 1 - b].T, Yp[a : a + H, b : b + W])",
            )
        ],
    },
    {
        "name": "conv2d_channel_axes_swapped",
        "question": "q3",
        "why": "reads theta as (k1, k2, c_out, c_in): wrong (or crashing) channel mixing",
        "edits": [
            (
                "np.matmul(theta[a, b].T, Yp[a : a + H, b : b + W])",
                "np.matmul(theta[a, b], Yp[a : a + H, b : b + W])",
            )
        ],
    },
    {
        "name": "periodic_wrap_wrong_side",
        "question": "q3",
        "why": "periodic padding copies the first rows/columns before the image and the last "
        "after it (the wrap on the wrong side)",
        "edits": [
            (
                "    i1 = np.arange(-r1, Y.shape[0] + r1) % Y.shape[0]\n"
                "    i2 = np.arange(-r2, Y.shape[1] + r2) % Y.shape[1]\n",
                "    i1 = np.r_[np.arange(r1), np.arange(Y.shape[0]), "
                "np.arange(Y.shape[0] - r1, Y.shape[0])]\n"
                "    i2 = np.r_[np.arange(r2), np.arange(Y.shape[1]), "
                "np.arange(Y.shape[1] - r2, Y.shape[1])]\n",
            )
        ],
    },
    {
        "name": "periodic_pad_modulo_H_on_both_axes",
        "question": "q3",
        "why": "H != W mix-up: the column indices are wrapped modulo H instead of W",
        "edits": [
            (
                "    i2 = np.arange(-r2, Y.shape[1] + r2) % Y.shape[1]\n",
                "    i2 = np.arange(-r2, Y.shape[1] + r2) % Y.shape[0]\n",
            )
        ],
    },
    {
        "name": "transpose_without_flip",
        "question": "q4",
        "why": "the transpose scatters with the kernel unflipped (correlation instead of "
        "convolution with swapped channels)",
        "edits": [
            (
                "            G[a : a + H, b : b + W] += np.matmul(theta[a, b], Z)",
                "            G[k1 - 1 - a : k1 - 1 - a + H, k2 - 1 - b : k2 - 1 - b + W] += "
                "np.matmul(theta[a, b], Z)",
            )
        ],
    },
    {
        "name": "transpose_fold_wrong_side",
        "question": "q4",
        "why": "periodic transpose folds each margin back onto its own side of the image",
        "edits": [
            (
                "        G[H : H + r1] += G[:r1]\n        G[r1 : 2 * r1] += G[H + r1 :]\n",
                "        G[r1 : 2 * r1] += G[:r1]\n        G[H : H + r1] += G[H + r1 :]\n",
            )
        ],
    },
    {
        "name": "transpose_fold_H_for_W",
        "question": "q4",
        "why": "H != W mix-up in the periodic fold of the columns (uses H where W belongs)",
        "edits": [
            (
                "        G[:, W : W + r2] += G[:, :r2]\n",
                "        G[:, H : H + r2] += G[:, :r2]\n",
            )
        ],
    },
    {
        "name": "transpose_zero_boundary_folds",
        "question": "q4",
        "why": "the zero-boundary transpose also folds the margins back (periodic adjoint)",
        "edits": [('    if boundary == "periodic":\n        G[H', "    if True:\n        G[H")],
    },
    {
        "name": "kernel_grad_last_image_only",
        "question": "q5",
        "why": "missing batch sum: a loop over the images overwrote G, keeping the last image",
        "edits": [
            (
                "np.matmul(Yp[a : a + H, b : b + W], Z.swapaxes(2, 3)).sum(axis=(0, 1))",
                "np.matmul(Yp[a : a + H, b : b + W, :, -1:], Z[:, :, :, -1:].swapaxes(2, 3))"
                ".sum(axis=(0, 1))",
            )
        ],
    },
    {
        "name": "kernel_grad_radii_swapped",
        "question": "q5",
        "why": "k1 != k2 mix-up: pads rows by r2 and columns by r1",
        "edits": [
            (
                "    Yp = _pad(Y, (k1 - 1) // 2, (k2 - 1) // 2, boundary)\n    G = np.zeros",
                "    Yp = _pad(Y, (k2 - 1) // 2, (k1 - 1) // 2, boundary)\n    G = np.zeros",
            )
        ],
    },
    {
        "name": "pool_transpose_missing_scale",
        "question": "q6",
        "why": "the transpose of the mean copies Z into the blocks without the 1/s^2",
        "edits": [("s, axis=1) / s**2", "s, axis=1)")],
    },
    {
        "name": "pool_blocks_wrong_reshape",
        "question": "q6",
        "why": "reshape to (H/s, W/s, s, s): averages the wrong pixels",
        "edits": [
            (
                "Y.reshape(H // s, s, W // s, s, c, N).mean(axis=(1, 3))",
                "Y.reshape(H // s, W // s, s, s, c, N).mean(axis=(2, 3))",
            )
        ],
    },
    {
        "name": "pool_H_W_swapped",
        "question": "q6",
        "why": "H != W mix-up in the reshape: (W/s, s, H/s, s)",
        "edits": [
            (
                "Y.reshape(H // s, s, W // s, s, c, N).mean(axis=(1, 3))",
                "Y.reshape(W // s, s, H // s, s, c, N).mean(axis=(1, 3))",
            )
        ],
    },
    {
        "name": "laplacian_row_major",
        "question": "q7",
        "why": "row-major ordering kron(L1, I2) + kron(I1, L2) (second index runs fastest)",
        "edits": [
            (
                "sp.kron(sp.identity(n2), lap1(n1, h1)) + sp.kron(lap1(n2, h2), sp.identity(n1))",
                "sp.kron(lap1(n1, h1), sp.identity(n2)) + sp.kron(sp.identity(n1), lap1(n2, h2))",
            )
        ],
    },
    {
        "name": "laplacian_h_not_squared",
        "question": "q7",
        "why": "divides the stencil by h instead of h^2",
        "edits": [("[-1, 0, 1]) / h**2", "[-1, 0, 1]) / h")],
    },
    {
        "name": "layer_vjp_without_act_derivative",
        "question": "q8",
        "why": "backpropagates dZ without multiplying by act'(S)",
        "edits": [("    dS = dA * dZ\n", "    dS = dZ\n")],
    },
    {
        "name": "layer_bias_grad_mean",
        "question": "q8",
        "why": "averages instead of summing over pixels and images for the bias gradient",
        "edits": [("    g_b = dS.sum(axis=(0, 1, 3))\n", "    g_b = dS.mean(axis=(0, 1, 3))\n")],
    },
    {
        "name": "layer_grad_Y_uses_dZ",
        "question": "q8",
        "why": "the input gradient transposes dZ instead of act'(S) * dZ",
        "edits": [
            (
                "    g_Y = conv2d_transpose(dS, theta, boundary)\n",
                "    g_Y = conv2d_transpose(dZ, theta, boundary)\n",
            )
        ],
    },
    {
        "name": "norm_unbiased_variance",
        "question": "q9",
        "why": "normalizes by the unbiased variance (divides by count - 1), not the biased one",
        "edits": [
            (
                "inv_std = 1.0 / np.sqrt(np.mean(Yc**2, axis=axes, keepdims=True) + eps)",
                "count = Yc.size // np.prod([Yc.shape[a] for a in range(4) if a not in axes])\n"
                "    ss = np.sum(Yc**2, axis=axes, keepdims=True)\n"
                "    inv_std = 1.0 / np.sqrt(ss / (count - 1) + eps)",
            )
        ],
    },
    {
        "name": "norm_batch_without_the_batch_axis",
        "question": "q9",
        "why": "batch norm takes the statistics per image (axes (0, 1)), like instance norm",
        "edits": [
            ('{"batch": (0, 1, 3), "instance": (0, 1)}', '{"batch": (0, 1), "instance": (0, 1)}')
        ],
    },
    {
        "name": "norm_instance_mixes_channels",
        "question": "q9",
        "why": "instance norm takes the statistics over pixels and channels (axes (0, 1, 2))",
        "edits": [
            (
                '{"batch": (0, 1, 3), "instance": (0, 1)}',
                '{"batch": (0, 1, 3), "instance": (0, 1, 2)}',
            )
        ],
    },
    {
        "name": "norm_eps_outside_the_root",
        "question": "q9",
        "why": "divides by sqrt(s2) + eps instead of sqrt(s2 + eps)",
        "edits": [
            (
                "inv_std = 1.0 / np.sqrt(np.mean(Yc**2, axis=axes, keepdims=True) + eps)",
                "inv_std = 1.0 / (np.sqrt(np.mean(Yc**2, axis=axes, keepdims=True)) + eps)",
            )
        ],
    },
    {
        "name": "norm_vjp_without_the_variance_term",
        "question": "q9",
        "why": "backpropagates through the mean but treats the variance as a constant",
        "edits": [
            ("return inv_std * (dZ - mean_dZ - Z * mean_dZZ)", "return inv_std * (dZ - mean_dZ)")
        ],
    },
    {
        "name": "norm_vjp_without_the_mean_term",
        "question": "q9",
        "why": "backpropagates through the variance but treats the mean as a constant",
        "edits": [
            (
                "return inv_std * (dZ - mean_dZ - Z * mean_dZZ)",
                "return inv_std * (dZ - Z * mean_dZZ)",
            )
        ],
    },
    {
        "name": "norm_vjp_always_batch_axes",
        "question": "q9",
        "why": "the backward pass always averages over the batch axes (0, 1, 3), whatever the kind",
        "edits": [
            ("    Z, inv_std, axes = cache\n", "    Z, inv_std, _ = cache\n    axes = (0, 1, 3)\n")
        ],
    },
    {
        "name": "galerkin_injection_restriction",
        "question": "q10",
        "why": "restricts by injection (fine node 2i) instead of averaging fine nodes 2i, 2i+1",
        "edits": [("R[i, [2 * i, 2 * i + 1]] = 0.5", "R[i, 2 * i] = 1.0")],
    },
    {
        "name": "galerkin_prolongation_shifted",
        "question": "q10",
        "why": "puts the prolongation weights on fine nodes 2i-2 .. 2i+1 (one node too far left)",
        "edits": [
            (
                "zip((-1, 0, 1, 2), (0.25, 0.75, 0.75, 0.25))",
                "zip((-2, -1, 0, 1), (0.25, 0.75, 0.75, 0.25))",
            )
        ],
    },
    {
        "name": "galerkin_stencil_read_backwards",
        "question": "q10",
        "why": "reads the coarse stencil backwards (theta_c[0] then weighs y_{i+1})",
        "edits": [("return K_c[1, [0, 1, 2]].copy()", "return K_c[1, [2, 1, 0]].copy()")],
    },
    {
        "name": "galerkin_prolong_transposed_system",
        "question": "q10",
        "why": "solves with the transpose of the (non-symmetric) coarsening map",
        "edits": [("return np.linalg.solve(G, theta_c)", "return np.linalg.solve(G.T, theta_c)")],
    },
    {
        "name": "galerkin_prolong_by_grid_scaling",
        "question": "q10",
        "why": "moves the stencil by the h^2 scaling of a Laplacian (theta = 4 theta_c)",
        "edits": [("return np.linalg.solve(G, theta_c)", "return 4.0 * theta_c")],
    },
]
