"""Module 07: cost of the gradient of ``resnet_loss`` relative to the forward pass.

Backpropagation should cost a small multiple of the forward pass (goal: at most 3x). Both are
timed side by side on the same data: ``resnet_loss`` (forward, loss, backward, all gradients)
against ``resnet_forward`` followed by ``softmax_loss`` (the loss value only).
"""

from __future__ import annotations

import numpy as np

from benchmarks.timing import Row, median_time

REPEAT = 9
SIZES = [  # (n_f, n, depth, n_c): a digits-sized and a wider, deeper network
    (64, 1024, 16, 10),
    (128, 2048, 32, 10),
]


def _measure(n_f: int, n: int, depth: int, n_c: int) -> Row:
    from numdl.classification import softmax_loss
    from numdl.resnet import resnet_forward, resnet_loss

    rng = np.random.default_rng(0)
    params = [
        (rng.standard_normal((n_f, n_f)) / np.sqrt(n_f), 0.1 * rng.standard_normal(n_f))
        for _ in range(depth)
    ]
    W = rng.standard_normal((n_c, n_f)) / np.sqrt(n_f)
    Y0 = rng.standard_normal((n_f, n))
    C = np.zeros((n_c, n))
    C[rng.integers(0, n_c, n), np.arange(n)] = 1.0
    h = 1.0 / depth

    def forward():
        return softmax_loss(W, resnet_forward(params, Y0, h)[0], C)[0]

    def gradient():
        return resnet_loss(params, W, Y0, C, h, lam=1e-3)

    # interleaved, so that a change of machine load affects both sides alike
    forward(), gradient()
    t_fs, t_gs = [], []
    for _ in range(REPEAT):
        t_fs.append(median_time(forward, repeat=1, warmup=0))
        t_gs.append(median_time(gradient, repeat=1, warmup=0))
    t_f, t_g = float(np.median(t_fs)), float(np.median(t_gs))
    ratio = t_g / t_f
    return Row(
        benchmark=f"resnet_loss gradient / forward (n_f={n_f}, n={n}, depth={depth})",
        ours=f"{1e3 * t_g:.1f} ms (loss + all gradients)",
        theirs=f"{1e3 * t_f:.1f} ms (forward + loss value)",
        ratio=ratio,
        goal="<= 3",
        met=ratio <= 3.0,
        note=f"tanh, n_c=10, lam=1e-3; BLAS on 1 thread; medians of {REPEAT} interleaved runs",
    )


def run() -> list[Row]:
    # one BLAS thread: on a shared machine, oversubscribed BLAS threads make timings erratic
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return [_measure(*size) for size in SIZES]
    with threadpool_limits(limits=1, user_api="blas"):
        return [_measure(*size) for size in SIZES]
