"""q5: adam (5 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q5"
points = 5


class Recorder:
    """fun(x, idx) for f = 1/(2|idx|) sum_{i in idx} ||D * (x - A_i)||^2; records every call."""

    def __init__(self, shape, n, seed):
        rng = np.random.default_rng(seed)
        self.A = rng.standard_normal((n,) + shape)
        self.D = rng.uniform(0.1, 3.0, shape)
        self.xs, self.gs, self.fs, self.idx = [], [], [], []

    def __call__(self, x, idx):
        x = np.array(x, dtype=float)
        R = self.D * (x[None] - self.A[np.asarray(idx)])
        f = 0.5 * np.sum(R**2) / len(idx)
        g = np.sum(self.D * R, axis=0) / len(idx)
        self.xs.append(x)
        self.gs.append(g)
        self.fs.append(f)
        self.idx.append(np.asarray(idx))
        return f, g


@test_case(points=1)
def test_first_step_has_length_lr(adam):
    """One batch: m_hat = g, v_hat = g^2, so the step is -lr g / (|g| + eps), about lr per entry."""
    g = np.array([[1e3, -2.0, 1e-6], [-5e-2, 7.0, -1e-7]])
    x0 = np.arange(6.0).reshape(2, 3)
    fun = lambda x, idx: (float(np.vdot(g, x)), g.copy())  # noqa: E731
    label = "adam(fun, x0, n=8, batch_size=8, epochs=1, lr=0.01), x0 of shape (2, 3) (one step)"
    x, hist = call_pure(label, adam, fun, x0, 8, batch_size=8, epochs=1, lr=0.01)
    check_array(label, x, x0 - 0.01 * g / (np.abs(g) + 1e-8), rtol=1e-12)
    check(isinstance(hist, dict) and len(hist.get("loss", [])) == 1, label, "hist['loss'] must hold one value per epoch")


@test_case(points=1)
def test_epochs_batches_and_history(adam):
    n, bs, epochs = 10, 4, 3
    fun = Recorder((5,), n, seed=1)
    label = f"adam(fun, x0, n={n}, batch_size={bs}, epochs={epochs}, rng=0)"
    x, hist = adam(fun, np.zeros(5), n, batch_size=bs, epochs=epochs, rng=0)
    check_array(label, x, shape=(5,))
    sizes = [len(i) for i in fun.idx]
    check(sizes == [4, 4, 2] * epochs, label, f"expected {epochs} epochs of batches of sizes [4, 4, 2], got batch sizes {sizes}")
    check(all(i.dtype.kind in "iu" for i in fun.idx), label, "idx must be an integer array")
    perms = [np.concatenate(fun.idx[3 * e : 3 * e + 3]) for e in range(epochs)]
    for e, p in enumerate(perms):
        check(np.array_equal(np.sort(p), np.arange(n)), label, f"epoch {e} must visit every example once, visited {p.tolist()}")
    check(len({tuple(p) for p in perms}) == epochs, label, f"every epoch must draw a fresh permutation, got {[p.tolist() for p in perms]}")
    loss = hist.get("loss") if isinstance(hist, dict) else None
    check(loss is not None and len(loss) == epochs, label, f"hist['loss'] must hold {epochs} values")
    expected = [np.mean(fun.fs[3 * e : 3 * e + 3]) for e in range(epochs)]
    check_array(f"{label}: hist['loss'] (mean of the minibatch values per epoch)", np.asarray(loss, dtype=float), np.array(expected), rtol=1e-12)


@test_case(points=1)
def test_three_steps_carry_m_v_and_t(adam):
    """Three epochs of one batch each, a learning rate per epoch, gradients fixed per call:
    m and v carry over between epochs and t counts globally (stored iterates)."""
    G = np.array([[1.0, -2.0], [0.5, 3.0], [-4.0, 0.25]])
    xs = []

    def fun(x, idx):
        xs.append(np.array(x, dtype=float))
        g = G[min(len(xs), 3) - 1]
        return float(g @ x), g.copy()

    lrs = np.array([0.1, 0.05, 0.2])
    label = ("adam(fun, zeros(2), n=2, batch_size=2, epochs=3, lr=[0.1, 0.05, 0.2], beta1=0.5, beta2=0.9, "
             "eps=1e-3), fun's gradient at call k is G[k] = [[1, -2], [0.5, 3], [-4, 0.25]][k]")
    x, _ = call_pure(label, adam, fun, np.zeros(2), 2, batch_size=2, epochs=3, lr=lrs, beta1=0.5, beta2=0.9, eps=1e-3, rng=0)
    check(len(xs) == 3, label, f"expected 3 calls of fun (one per epoch), got {len(xs)}")
    stored = [
        [-0.09990009990009992, 0.09995002498750626],
        [-0.14269073726171666, 0.07407196855039178],
        [0.016787116526680412, 0.004461446126993382],
    ]
    for k in (1, 2):
        check_array(f"{label}: the point passed to fun at call {k + 1} (after update t = {k})", xs[k], np.array(stored[k - 1]), rtol=1e-10)
    check_array(f"{label}: the returned x (after update t = 3)", x, np.array(stored[2]), rtol=1e-10)


@test_case(points=1, hidden=True)
def test_iterates_follow_the_adam_recursion(adam):
    """Varies: test_three_steps_carry_m_v_and_t (several batches per epoch, other sizes and hyperparameters)."""
    def adam_replay(x0, gs, lrs, per_epoch, beta1, beta2, eps):
        """The iterates of Adam for the recorded gradients gs (t global, m and v carried over)."""
        x, m, v, out = np.array(x0, dtype=float), 0.0, 0.0, []
        for t, g in enumerate(gs, start=1):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g**2
            lr = lrs[(t - 1) // per_epoch]
            x = x - lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
            out.append(x)
        return out

    n, bs, epochs = 7, 3, 4
    lrs = np.array([0.1, 0.05, 0.2, 0.01])
    beta1, beta2, eps = 0.8, 0.95, 1e-3
    fun = Recorder((3, 2), n, seed=2)
    x0 = np.random.default_rng(3).standard_normal((3, 2))
    label = (f"adam(fun, x0, n={n}, batch_size={bs}, epochs={epochs}, lr={lrs.tolist()}, beta1={beta1}, "
             f"beta2={beta2}, eps={eps}), x0 of shape (3, 2)")
    x, _ = call_pure(label, adam, fun, x0, n, batch_size=bs, epochs=epochs, lr=lrs, beta1=beta1, beta2=beta2, eps=eps, rng=4)
    check(len(fun.gs) == epochs * 3, label, f"expected {epochs * 3} calls of fun (one per batch), got {len(fun.gs)}")
    check_array(f"{label}: the first point passed to fun", fun.xs[0], x0, rtol=0.0)
    expected = adam_replay(x0, fun.gs, lrs, 3, beta1, beta2, eps)
    for k in range(1, len(fun.xs)):
        check_array(f"{label}: the point passed to fun at call {k + 1} (after update t = {k})", fun.xs[k], expected[k - 1], rtol=1e-10)
    check_array(f"{label}: the returned x", x, expected[-1], rtol=1e-10)


@test_case(points=1, hidden=True)
def test_reproducible_from_rng(adam):
    """Varies: test_epochs_batches_and_history (the same rng gives the same result)."""
    def run(rng):
        fun = Recorder((4,), 12, seed=5)
        x, hist = adam(fun, np.ones(4), 12, batch_size=5, epochs=2, lr=0.05, rng=rng)
        return x, hist["loss"], np.concatenate(fun.idx)

    label = "adam(fun, x0, n=12, batch_size=5, epochs=2)"
    a, b = run(7), run(7)
    check(np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]), f"{label} twice with rng=7", "the same seed must give the same result")
    a, b = run(np.random.default_rng(8)), run(np.random.default_rng(8))
    check(np.array_equal(a[0], b[0]), f"{label} with two equally seeded Generators", "must give the same result")
    c = run(9)
    check(not np.array_equal(a[2], c[2]), f"{label} with rng=8 and rng=9", "different seeds should visit the examples in different orders")
