"""q6: sgd, minibatch stochastic gradient descent with momentum (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar

OK_FORMAT = False

name = "q6"
points = 5


class Recorder:
    """A trusted objective that records every call.

    ``fun(x, idx) = 1/(2|idx|) sum_{i in idx} w_i ||x - a_i||^2`` for an ``x`` of any shape (here
    ``shape``), with targets ``a_i`` and positive weights ``w_i``; it records ``x`` and ``idx``.
    """

    def __init__(self, n, shape=(2, 3), seed=0):
        rng = np.random.default_rng(seed)
        self.n, self.shape = n, shape
        self.A = rng.standard_normal(shape + (n,))
        self.w = rng.uniform(0.5, 2.0, n)
        self.calls = []

    def value_grad(self, x, idx):
        D = x[..., None] - self.A[..., idx]
        w = self.w[idx]
        f = 0.5 * float(np.sum(w * np.sum(D**2, axis=tuple(range(x.ndim))))) / len(idx)
        return f, np.sum(D * w, axis=-1) / len(idx)

    def __call__(self, x, idx):
        x = np.asarray(x)
        idx = np.asarray(idx)
        check(x.shape == self.shape, "sgd", f"fun was called with x of shape {x.shape}, expected the shape of x0 {self.shape}")
        check(idx.ndim == 1 and idx.dtype.kind in "iu", "sgd", f"fun must be called with a 1-D int array idx, got {idx.dtype} of shape {idx.shape}")
        check(idx.size > 0 and idx.min() >= 0 and idx.max() < self.n, "sgd", f"idx must hold indices in 0..{self.n - 1}, got {idx}")
        self.calls.append((x.copy(), idx.copy()))
        return self.value_grad(x, idx)


def epochs_of(rec, n, batch_size, epochs, label):
    """Split the recorded calls into epochs and check each is a permutation of range(n)."""
    per = -(-n // batch_size)
    check(len(rec.calls) == per * epochs, label,
          f"expected {epochs} epochs x {per} batches = {per * epochs} calls of fun, got {len(rec.calls)}")
    out = []
    for e in range(epochs):
        idxs = [c[1] for c in rec.calls[e * per:(e + 1) * per]]
        sizes = [len(i) for i in idxs]
        expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        check(sizes == expected, label, f"epoch {e}: batch sizes {sizes}, expected {expected}")
        allidx = np.concatenate(idxs)
        check(np.array_equal(np.sort(allidx), np.arange(n)), label,
              f"epoch {e} does not visit every example exactly once (visited {len(np.unique(allidx))} distinct of {n})")
        out.append(allidx)
    return out


@test_case(points=1)
def test_every_epoch_visits_a_permutation(sgd):
    rec = Recorder(50)
    label = "sgd(fun, x0, n=50, batch_size=8, epochs=3)"
    x, hist = sgd(rec, np.zeros((2, 3)), 50, batch_size=8, epochs=3, lr=0.1, rng=0)
    check_array(label + ": returned x", x, shape=(2, 3))
    epochs_of(rec, 50, 8, 3, label)


@test_case(points=0.5)
def test_plain_sgd_update_and_loss_history(sgd):
    rec = Recorder(20, shape=(4,), seed=1)
    x0 = np.ones(4)
    label = "sgd(fun, x0, n=20, batch_size=6, epochs=2, lr=0.3, momentum=0)"
    x, hist = call_pure(label, sgd, rec, x0, 20, batch_size=6, epochs=2, lr=0.3, momentum=0.0, rng=1)
    epochs_of(rec, 20, 6, 2, label)
    # step by step along the recorded calls: each x passed to fun is the previous one minus lr g
    (x_first, _), steps = rec.calls[0], rec.calls[1:] + [(np.asarray(x), None)]
    check_array(label + ": the x passed to fun at step 0 (x0)", x_first, x0, rtol=0, atol=0)
    fs = []
    for k, ((xk, idx), (x_next, _)) in enumerate(zip(rec.calls, steps)):
        f, g = rec.value_grad(xk, idx)
        fs.append(f)
        what = f"the x after step {k} (x - lr g)" if k < 7 else "returned x"
        check_array(f"{label}: {what}", x_next, xk - 0.3 * g, rtol=1e-12, atol=1e-14)
    check(isinstance(hist, dict) and "loss" in hist, label, "hist must be a dict with key 'loss'")
    check_array(f"{label}: hist['loss'] (per epoch, the plain mean of the minibatch values f)",
                np.asarray(hist["loss"], dtype=float), [np.mean(fs[:4]), np.mean(fs[4:])],
                rtol=1e-12)


@test_case(points=0.5)
def test_momentum_carries_over_epochs(sgd):
    """Three epochs of one batch each, a learning rate per epoch, gradients fixed per call:
    the velocity v carries over between epochs (stored iterates)."""
    G = np.array([[1.0, -2.0], [0.5, 3.0], [-4.0, 0.25]])
    xs = []

    def fun(x, idx):
        xs.append(np.array(x, dtype=float))
        g = G[min(len(xs), 3) - 1]
        return float(g @ x), g.copy()

    label = ("sgd(fun, zeros(2), n=2, batch_size=2, epochs=3, lr=[0.2, 0.1, 0.3], momentum=0.5), "
             "fun's gradient at call k is G[k] = [[1, -2], [0.5, 3], [-4, 0.25]][k]")
    x, _ = call_pure(label, sgd, fun, np.zeros(2), 2, batch_size=2, epochs=3, lr=[0.2, 0.1, 0.3], momentum=0.5, rng=0)
    check(len(xs) == 3, label, f"expected 3 calls of fun (one per epoch), got {len(xs)}")
    stored = [[-0.2, 0.4], [-0.35, 0.3], [0.775, 0.175]]
    for k in (1, 2):
        check_array(f"{label}: the x passed to fun at call {k + 1} (after step {k})", xs[k], np.array(stored[k - 1]), rtol=1e-12)
    check_array(f"{label}: the returned x (after step 3)", x, np.array(stored[2]), rtol=1e-12)
