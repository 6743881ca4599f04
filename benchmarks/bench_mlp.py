"""Module 06: the cost of backpropagation, and training time against scikit-learn.

1. Gradient-to-forward time ratio of ``mlp_loss`` at realistic sizes: the loss and all its
   gradients against the forward pass with the loss value only (``mlp_forward``, ``W Z`` and
   the cross entropy), measured side by side. Goal: at most 3.
2. Time to reach a target test accuracy on the digits (70/30 split): our network + ``adam``
   against scikit-learn's ``MLPClassifier`` with the same architecture (two hidden tanh layers of
   width 64, softmax output), solver, learning rate, batch size, no weight decay and initial
   weights of the same variance. Only training is timed: ours snapshots the parameters at every
   epoch boundary (inside the objective), scikit-learn runs one ``partial_fit`` per epoch; the
   accuracy of every snapshot is computed afterwards. Median over three seeds. Goal: no slower.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from benchmarks.timing import Row, interleaved_medians
from numdl import datasets
from numdl.mlp import adam, init_params, mlp_forward, mlp_loss
from numdl.utils import pack, unpack

HIDDEN = (64, 64)
LR, BATCH, MAX_EPOCHS, TARGET = 2e-3, 32, 60, 0.96


def _forward_loss(params, W, Y, C):
    """The forward pass with the loss value only (no derivatives kept beyond mlp_forward's)."""
    Z, _ = mlp_forward(params, Y)
    S = W @ Z
    S = S - S.max(axis=0, keepdims=True)
    return -float(np.sum(C * (S - np.log(np.exp(S).sum(axis=0, keepdims=True))))) / Y.shape[1]


def _gradient_ratio(sizes, n_c, n, seed=0) -> Row:
    rng = np.random.default_rng(seed)
    params = init_params(sizes, rng=rng)
    W = init_params([sizes[-1], n_c], rng=rng)[0][0]
    Y = rng.standard_normal((sizes[0], n))
    C = datasets.onehot(rng.integers(0, n_c, n), n_c)
    t_fwd, t_grad = interleaved_medians(
        lambda: _forward_loss(params, W, Y, C), lambda: mlp_loss(params, W, Y, C, lam=1e-4)
    )
    ratio = t_grad / t_fwd
    return Row(
        f"mlp_loss gradient/forward, sizes {sizes}, n_c={n_c}, n={n}",
        f"loss+gradients {t_grad * 1e3:.2f} ms",
        f"forward loss {t_fwd * 1e3:.2f} ms",
        ratio,
        "ratio <= 3",
        ratio <= 3.0,
        "tanh, float64, BLAS on 1 thread; medians of 9 interleaved runs",
    )


def _accuracy(params, W, Y, truth):
    return float(np.mean(np.argmax(W @ mlp_forward(params, Y)[0], axis=0) == truth))


def _ours_time_to_target(Ytr, Ctr, Yte, truth, seed):
    sizes, n_c, n = [Ytr.shape[0], *HIDDEN], Ctr.shape[0], Ytr.shape[1]
    per_epoch = -(-n // BATCH)
    params = init_params(sizes, rng=seed)
    W = init_params([sizes[-1], n_c], rng=seed + 1)[0][0]
    snaps, times, calls = [], [], [0]

    def fun(x, idx):
        if calls[0] % per_epoch == 0 and calls[0] > 0:  # x after a completed epoch
            times.append(time.perf_counter() - t0)
            snaps.append(x.copy())
        calls[0] += 1
        p, Wx = unpack(x, (params, W))
        E, grads, gW = mlp_loss(p, Wx, Ytr[:, idx], Ctr[:, idx])
        return E, pack((grads, gW))

    t0 = time.perf_counter()
    x, _ = adam(fun, pack((params, W)), n, BATCH, MAX_EPOCHS, LR, rng=seed + 2)
    times.append(time.perf_counter() - t0)
    snaps.append(x)
    for e, (xs, t) in enumerate(zip(snaps, times), start=1):
        if _accuracy(*unpack(xs, (params, W)), Yte, truth) >= TARGET:
            return t, e
    return float("inf"), MAX_EPOCHS


def _sklearn_time_to_target(Ytr, ytr, Yte, truth, seed):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        HIDDEN,
        activation="tanh",
        solver="adam",
        alpha=0.0,
        batch_size=BATCH,
        learning_rate_init=LR,
        random_state=seed,
        shuffle=True,
    )
    classes = np.arange(10)
    elapsed = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for e in range(1, MAX_EPOCHS + 1):
            t0 = time.perf_counter()
            clf.partial_fit(Ytr.T, ytr, classes=classes)
            elapsed += time.perf_counter() - t0
            if np.mean(clf.predict(Yte.T) == truth) >= TARGET:
                return elapsed, e
    return float("inf"), MAX_EPOCHS


def _time_to_target() -> Row:
    Y, C = datasets.digits()
    (Ytr, Ctr), (Yte, Cte) = datasets.split(Y, C, (0.7, 0.3), rng=0)
    truth, ytr = datasets.labels(Cte), datasets.labels(Ctr)
    ours = [_ours_time_to_target(Ytr, Ctr, Yte, truth, s) for s in range(3)]
    theirs = [_sklearn_time_to_target(Ytr, ytr, Yte, truth, s) for s in range(3)]
    t_o, t_t = np.median([t for t, _ in ours]), np.median([t for t, _ in theirs])
    e_o, e_t = [e for _, e in ours], [e for _, e in theirs]
    ratio = t_o / t_t
    return Row(
        f"digits to {TARGET:.0%} test accuracy, [64, 64, 64] tanh + softmax, adam",
        f"{t_o:.3f} s (epochs {e_o})",
        f"sklearn MLPClassifier {t_t:.3f} s (epochs {e_t})",
        ratio,
        "ratio <= 1",
        bool(ratio <= 1.0),
        f"lr {LR:g}, batch {BATCH}, median of 3 seeds; sklearn's output layer has a bias, ours not",
    )


def run() -> list[Row]:
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # both sides alike; the machine is shared
        return [
            _gradient_ratio([64, 128, 128], 10, 1797),
            _gradient_ratio([784, 256, 256, 256], 10, 512),
            _time_to_target(),
        ]
