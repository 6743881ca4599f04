"""Adam in Kingma & Ba's "efficient" form: one scalar step size per iteration.

``alpha_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)`` and ``eps_t = eps sqrt(1 - beta2^t)`` give
``x -= alpha_t m / (sqrt(v) + eps_t)``, algebraically the same update as the API's (so equal up
to round-off); the moments are updated in place and the batches are cut with ``np.array_split``.
Also: ``init_params`` draws with ``rng.normal(0, std, shape)``.
"""

import numpy as np

from numdl.utils import as_rng


def init_params(sizes, scheme="glorot", rng=None):
    rules = {
        "glorot": lambda a, b: 2.0 / (a + b),
        "he": lambda a, b: 2.0 / a,
        "normal": lambda a, b: 1.0,
    }
    if scheme not in rules:
        raise ValueError(f"unknown scheme {scheme!r}")
    gen = as_rng(rng)
    return [
        (gen.normal(0.0, np.sqrt(rules[scheme](a, b)), size=(b, a)), np.zeros(b))
        for a, b in zip(sizes[:-1], sizes[1:])
    ]


def adam(fun, x0, n, batch_size=32, epochs=10, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, rng=None):
    gen = as_rng(rng)
    lrs = np.broadcast_to(np.asarray(lr, dtype=float), (epochs,))
    x = np.array(x0, dtype=float)
    m, v = np.zeros_like(x), np.zeros_like(x)
    t, losses = 0, []
    n_batches = -(-n // batch_size)
    for e in range(epochs):
        order = gen.permutation(n)
        batches = [order[i * batch_size : (i + 1) * batch_size] for i in range(n_batches)]
        total = 0.0
        for idx in batches:
            f, g = fun(x, idx)
            total += f
            t += 1
            m *= beta1
            m += (1 - beta1) * g
            v *= beta2
            v += (1 - beta2) * np.square(g)
            c2 = np.sqrt(1 - beta2**t)
            alpha = lrs[e] * c2 / (1 - beta1**t)
            x = x - alpha * m / (np.sqrt(v) + eps * c2)
        losses.append(total / len(batches))
    return x, {"loss": losses}
