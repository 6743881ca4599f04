"""Module 04: the cheap-gradient principle for one layer.

The cost of ``single_layer_vjp`` (the transposed Jacobians ``gK = (act' * dZ) Y^T``,
``gb = (act' * dZ) 1``, ``gY = K^T (act' * dZ)``) relative to the forward map ``single_layer``
(``Z = tanh(K Y + b 1^T)`` with its derivative kept in the cache). The forward map costs one
product ``K Y`` (``2 m n_f n`` flops); the backward step two products of the same size, so the
ratio should be about 2 and the goal is at most 3. Reference implementation, float64, BLAS on 1
thread (the machine is shared); medians of interleaved runs.
"""

from __future__ import annotations

import numpy as np

from benchmarks.timing import Row, interleaved_dict
from numdl.activations import tanh
from numdl.single_layer import single_layer, single_layer_vjp

SIZES = [(128, 64, 2048), (512, 256, 4096)]  # (m, n_f, n)


def run() -> list[Row]:
    from threadpoolctl import threadpool_limits

    rows = []
    with threadpool_limits(1):
        for m, n_f, n in SIZES:
            rng = np.random.default_rng(0)
            K = rng.standard_normal((m, n_f)) / np.sqrt(n_f)
            b, Y = rng.standard_normal(m), rng.standard_normal((n_f, n))
            dZ = rng.standard_normal((m, n))
            _, cache = single_layer(K, b, Y, act=tanh)
            t = interleaved_dict(
                {
                    "forward": lambda K=K, b=b, Y=Y: single_layer(K, b, Y, act=tanh),
                    "vjp": lambda cache=cache, dZ=dZ: single_layer_vjp(cache, dZ),
                }
            )
            ratio = t["vjp"] / t["forward"]
            rows.append(
                Row(
                    benchmark=f"single_layer_vjp / single_layer (m={m}, n_f={n_f}, n={n})",
                    ours=f"vjp {1e3 * t['vjp']:.1f} ms (gK, gb, gY)",
                    theirs=f"forward {1e3 * t['forward']:.1f} ms (Z and act')",
                    ratio=ratio,
                    goal="<= 3",
                    met=ratio <= 3.0,
                    note="tanh, float64; BLAS on 1 thread; medians of 9 interleaved runs",
                )
            )
    return rows
