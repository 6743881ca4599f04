"""Module 05 (conv): the cost of backpropagation through a normalization layer.

The batch of the conv benchmark (28x28 images, 16 channels, 256 images): ``norm_layer_vjp``
relative to ``norm_layer``, for batch and instance normalization. The goal of issue 15: the
backward pass costs at most 3 forward passes.
"""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from benchmarks.timing import Row, interleaved_dict
from numdl.conv import norm_layer, norm_layer_vjp

H = W = 28
C, N = 16, 256


def run() -> list[Row]:
    rng = np.random.default_rng(0)
    Y = 2.0 + 3.0 * rng.standard_normal((H, W, C, N))
    dZ = rng.standard_normal(Y.shape)
    shape = f"{H}x{W}, {C} channels, {N} images"
    rows = []
    with threadpool_limits(1):
        for kind in ("batch", "instance"):
            _, cache = norm_layer(Y, kind=kind)
            t = interleaved_dict(
                {
                    "forward": lambda kind=kind: norm_layer(Y, kind=kind),
                    "vjp": lambda cache=cache: norm_layer_vjp(cache, dZ),
                },
                repeat=7,
            )
            rows.append(
                Row(
                    f"conv: norm_layer_vjp relative to norm_layer ({kind})",
                    f"{t['vjp'] * 1e3:.1f} ms",
                    f"{t['forward'] * 1e3:.1f} ms",
                    t["vjp"] / t["forward"],
                    "at most 3x",
                    t["vjp"] <= 3 * t["forward"],
                    f"{shape}, kind={kind!r}; BLAS on 1 thread; medians of interleaved runs",
                )
            )
    return rows
