"""Module 05 (conv): batched 2-D convolution against scipy, and the cost of its transpose.

Digits-sized batches as in the issue: 28x28 images, 8 -> 16 channels, 256 images, 3x3 kernels,
zero boundary. Every ratio is ours / theirs, measured side by side in this run.
"""

from __future__ import annotations

import numpy as np
import scipy.ndimage
from threadpoolctl import threadpool_limits

from benchmarks.timing import Row, interleaved_dict
from numdl.conv import conv2d, conv2d_transpose

H = W = 28
C_IN, C_OUT, N, K = 8, 16, 256, 3


def _scipy_per_image(Y, theta):
    """The textbook loop: one scipy.ndimage.correlate per image and channel pair."""
    Z = np.zeros((H, W, C_OUT, N))
    for s in range(N):
        for o in range(C_OUT):
            for c in range(C_IN):
                Z[:, :, o, s] += scipy.ndimage.correlate(
                    Y[:, :, c, s], theta[:, :, c, o], mode="constant"
                )
    return Z


def _scipy_batched(Y, theta):
    """A stronger baseline: one correlate per channel pair over the whole batch."""
    Z = np.zeros((H, W, C_OUT, N))
    for o in range(C_OUT):
        for c in range(C_IN):
            Z[:, :, o, :] += scipy.ndimage.correlate(
                Y[:, :, c, :], theta[:, :, c, o][:, :, None], mode="constant"
            )
    return Z


def run() -> list[Row]:
    rng = np.random.default_rng(0)
    Y = rng.standard_normal((H, W, C_IN, N))
    theta = rng.standard_normal((K, K, C_IN, C_OUT))
    Z = conv2d(Y, theta)
    err = np.linalg.norm(Z - _scipy_batched(Y, theta)) / np.linalg.norm(Z)
    if err > 1e-12:
        raise RuntimeError(f"conv2d disagrees with scipy (relative error {err:.1e})")
    shape = f"{H}x{W}, {C_IN}->{C_OUT} channels, {N} images, {K}x{K}"
    note = "BLAS on 1 thread, like scipy.ndimage; medians of interleaved runs"
    with threadpool_limits(1):
        t = interleaved_dict(
            {
                "ours": lambda: conv2d(Y, theta),
                "transpose": lambda: conv2d_transpose(Z, theta),
                "batched": lambda: _scipy_batched(Y, theta),
            },
            repeat=7,
        )
        t.update(
            interleaved_dict(
                {
                    "ours_again": lambda: conv2d(Y, theta),
                    "loop": lambda: _scipy_per_image(Y, theta),
                },
                repeat=3,
            )
        )
    return [
        Row(
            "conv: conv2d vs loop over scipy.ndimage.correlate",
            f"{t['ours_again'] * 1e3:.1f} ms",
            f"{t['loop'] * 1e3:.1f} ms",
            t["ours_again"] / t["loop"],
            "faster (ratio < 1)",
            t["ours_again"] < t["loop"],
            f"{shape}, zero boundary; one correlate per image and channel pair; {note}",
        ),
        Row(
            "conv: conv2d vs batched scipy.ndimage.correlate",
            f"{t['ours'] * 1e3:.1f} ms",
            f"{t['batched'] * 1e3:.1f} ms",
            t["ours"] / t["batched"],
            "faster (ratio < 1)",
            t["ours"] < t["batched"],
            f"{shape}; stronger baseline: one correlate per channel pair over the batch; {note}",
        ),
        Row(
            "conv: conv2d_transpose relative to conv2d",
            f"{t['transpose'] * 1e3:.1f} ms",
            f"{t['ours'] * 1e3:.1f} ms",
            t["transpose"] / t["ours"],
            "at most 1.5x",
            t["transpose"] <= 1.5 * t["ours"],
            f"{shape}; the transpose does the same shifted-window work; {note}",
        ),
    ]
