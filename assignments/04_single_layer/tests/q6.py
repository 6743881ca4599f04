"""q6: sgd, minibatch stochastic gradient descent with momentum (5 points)."""

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


def replay(rec, x0, lrs, momentum, per):
    """Trusted SGD with momentum along the recorded batches; returns iterates and epoch means."""
    x, v, xs, means = np.array(x0, float), np.zeros(np.shape(x0)), [], []
    for e, lr in enumerate(lrs):
        fs = []
        for _, idx in rec.calls[e * per:(e + 1) * per]:
            xs.append(x.copy())
            f, g = rec.value_grad(x, idx)
            fs.append(f)
            v = momentum * v - lr * g
            x = x + v
        means.append(np.mean(fs))
    return x, xs, means


def check_against_replay(rec, x, hist, x0, lrs, momentum, per, label):
    xt, xs, means = replay(rec, x0, lrs, momentum, per)
    for k, ((xk, _), xe) in enumerate(zip(rec.calls, xs)):
        check_array(f"{label}: the x passed to fun at step {k} (v = momentum v - lr_e g, x = x + v)", xk, xe, rtol=1e-12, atol=1e-14)
    check_array(f"{label}: returned x", x, xt, rtol=1e-12, atol=1e-14)
    check(isinstance(hist, dict) and "loss" in hist, label, "hist must be a dict with key 'loss'")
    check_array(f"{label}: hist['loss'] (per epoch, the plain mean of the minibatch values f)",
                np.asarray(hist["loss"], dtype=float), np.array(means), rtol=1e-12)


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


@test_case(points=0.5, hidden=True)
def test_momentum_with_learning_rate_per_epoch(sgd):
    """Varies: test_momentum_carries_over_epochs (several batches per epoch, other sizes, a matrix x)."""
    rec = Recorder(30, shape=(3, 2), seed=2)
    x0 = np.full((3, 2), 2.0)
    lrs = [0.2, 0.1, 0.05]
    label = "sgd(fun, x0, n=30, batch_size=7, epochs=3, lr=[0.2, 0.1, 0.05], momentum=0.9)"
    x, hist = sgd(rec, x0, 30, batch_size=7, epochs=3, lr=lrs, momentum=0.9, rng=2)
    epochs_of(rec, 30, 7, 3, label)
    check_against_replay(rec, x, hist, x0, lrs, 0.9, 5, label)


@test_case(points=0.5, hidden=True)
def test_fresh_permutation_every_epoch(sgd):
    """Varies: test_every_epoch_visits_a_permutation (a fresh permutation each epoch)."""
    rec = Recorder(40, seed=3)
    label = "sgd(fun, x0, n=40, batch_size=10, epochs=4)"
    sgd(rec, np.zeros((2, 3)), 40, batch_size=10, epochs=4, lr=0.05, rng=3)
    perms = epochs_of(rec, 40, 10, 4, label)
    for e in range(3):
        check(not np.array_equal(perms[e], perms[e + 1]), label,
              f"epochs {e} and {e + 1} visit the examples in the same order: draw a fresh permutation every epoch")
    check(not any(np.array_equal(p, np.arange(40)) for p in perms), label,
          "an epoch visits the examples in their natural order 0, 1, ..., n-1: shuffle them")


@test_case(points=0.5, hidden=True)
def test_reproducible_from_rng(sgd):
    """Varies: test_every_epoch_visits_a_permutation (the same seed, the same batches)."""
    label = "sgd(fun, x0, n=25, batch_size=4, epochs=3, momentum=0.5)"
    runs = {}
    for key, rng in (("seed 7 (1st)", 7), ("seed 7 (2nd)", 7), ("Generator(7) (1st)", np.random.default_rng(7)),
                     ("Generator(7) (2nd)", np.random.default_rng(7)), ("seed 8", 8)):
        rec = Recorder(25, seed=4)
        x, hist = sgd(rec, np.zeros((2, 3)), 25, batch_size=4, epochs=3, lr=0.1, momentum=0.5, rng=rng)
        runs[key] = (x, np.concatenate([c[1] for c in rec.calls]))
    for a, b in (("seed 7 (1st)", "seed 7 (2nd)"), ("Generator(7) (1st)", "Generator(7) (2nd)")):
        check(np.array_equal(runs[a][1], runs[b][1]) and np.array_equal(runs[a][0], runs[b][0]), label,
              f"rng={a} and rng={b} give different batches or results: use only the given rng")
    check(not np.array_equal(runs["seed 7 (1st)"][1], runs["seed 8"][1]), label,
          "rng=7 and rng=8 give the same batches: the permutations must come from rng")


@test_case(points=0.5, hidden=True)
def test_full_batches_are_gradient_descent(sgd):
    """Varies: test_plain_sgd_update_and_loss_history (batch_size = n)."""
    n, lr, epochs = 12, 0.4, 5
    for bs in (12, 50):
        rec = Recorder(n, shape=(5,), seed=5)
        label = f"sgd(fun, x0, n=12, batch_size={bs}, epochs=5, lr=0.4) (full batches)"
        x, hist = sgd(rec, np.zeros(5), n, batch_size=bs, epochs=epochs, lr=lr, rng=5)
        check(len(rec.calls) == epochs and all(len(c[1]) == n for c in rec.calls), label,
              f"with batch_size >= n every epoch is a single batch of all n examples; got batch sizes {[len(c[1]) for c in rec.calls]}")
        xt = np.zeros(5)  # gradient descent on the full objective, with its own gradient formula
        for _ in range(epochs):
            xt = xt - lr * (rec.w * (xt[:, None] - rec.A)).sum(axis=1) / n
        check_array(label + ": equals gradient descent on the full objective", x, xt, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_x0_not_modified_and_shape_kept(sgd):
    """Varies: test_plain_sgd_update_and_loss_history (x0 unchanged, its shape kept)."""
    rec = Recorder(10, shape=(2, 2, 2), seed=6)
    x0 = np.arange(8.0).reshape(2, 2, 2)
    label = "sgd(fun, x0 of shape (2, 2, 2), n=10, batch_size=3, epochs=2, momentum=0.3)"
    x, hist = call_pure(label, sgd, rec, x0, 10, batch_size=3, epochs=2, lr=0.2, momentum=0.3, rng=6)
    check_array(label + ": returned x", x, shape=(2, 2, 2))
    check(len(hist["loss"]) == 2, label, f"hist['loss'] needs one entry per epoch (2), got {len(hist['loss'])}")
    check_scalar(label + ": hist['loss'][0]", hist["loss"][0])


def inverse_crime(seed=0):
    """The course's problem: n=500, n_f=50, n_c=10, m=40, b=0.1, C = softmax(W act(K Y + b))."""
    rng = np.random.default_rng(seed)
    n, n_f, n_c, m = 500, 50, 10, 40
    Y = rng.standard_normal((n_f, n))
    K, W = rng.standard_normal((m, n_f)), rng.standard_normal((n_c, m))
    S = W @ np.tanh(K @ Y + 0.1)
    C = np.exp(S - S.max(axis=0))
    return Y, C / C.sum(axis=0), (n, n_f, n_c, m)


def nn_objective(Y, C, dims):
    """Trusted cross-entropy objective of a tanh layer in a flat parameter vector, and misfit."""
    n, n_f, n_c, m = dims

    def unpack(x):
        return x[:m * n_f].reshape(m, n_f), x[m * n_f:m * n_f + m], x[m * n_f + m:].reshape(n_c, m)

    def probs(K, b, W, Yb):
        Z = np.tanh(K @ Yb + b[:, None])
        S = W @ Z
        P = np.exp(S - S.max(axis=0))
        return Z, P / P.sum(axis=0)

    def fun(x, idx):
        K, b, W = unpack(x)
        Yb, Cb = Y[:, idx], C[:, idx]
        Z, P = probs(K, b, W, Yb)
        f = -float(np.sum(Cb * np.log(P))) / len(idx)
        G = (P - Cb) / len(idx)
        dS = (W.T @ G) * (1 - Z**2)
        return f, np.concatenate([(dS @ Yb.T).ravel(), dS.sum(axis=1), (G @ Z.T).ravel()])

    def misfit(x):
        return np.linalg.norm(probs(*unpack(x), Y)[1] - C) / np.linalg.norm(C)

    return fun, misfit, m * n_f + m + n_c * m


@test_case(points=0.5, hidden=True)
def test_inverse_crime_training(sgd):
    """Varies: test_plain_sgd_update_and_loss_history (training a small network)."""
    Y, C, dims = inverse_crime()
    fun, misfit, size = nn_objective(Y, C, dims)
    x0 = 0.1 * np.random.default_rng(1).standard_normal(size)
    r0 = misfit(x0)
    for lr, mom in ((0.5, 0.0), (0.05, 0.9)):
        label = f"sgd on the 'inverse crime' problem (n=500, n_f=50, n_c=10, m=40), batch_size=32, 30 epochs, lr={lr}, momentum={mom}"
        x, hist = sgd(fun, x0, 500, batch_size=32, epochs=30, lr=lr, momentum=mom, rng=2)
        r = misfit(x)
        check(r <= r0 / 4, label, f"the relative misfit ||P - C|| / ||C|| should drop by a factor of at least 4, from {r0:.3f} to at most {r0 / 4:.3f}; got {r:.3f}")
        check(hist["loss"][-1] < hist["loss"][0], label, f"the epoch loss should decrease: first {hist['loss'][0]:.4f}, last {hist['loss'][-1]:.4f}")
