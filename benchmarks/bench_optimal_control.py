"""Module 08: the cost of the DTO gradient relative to the forward pass, and DTO vs OTD.

``node_gradient_dto`` (which runs its own forward pass, storing the stages, then the adjoint of
the scheme) against ``node_forward`` (goal: at most 4x), for RK4 and Euler at two realistic
sizes. Then DTO against OTD (``node_gradient_otd``), cost and accuracy side by side: the error
of the directional derivative against a fourth-order central finite difference of
``<Y_T, dYT>`` (step 1e-3, error about 1e-12), and the distance to the continuous gradient
(DTO with every control repeated over 16 sub-steps).
"""

from __future__ import annotations

import numpy as np

from benchmarks.timing import Row, interleaved_medians
from numdl.optimal_control import node_forward, node_gradient_dto, node_gradient_otd

REPEAT = 7
T = 2.0
SIZES = [(8, 2000, 20), (32, 4096, 32)]  # (n_f, n, nt): padded toy data; a wider network


def _problem(n_f, n, nt, seed=0):
    rng = np.random.default_rng(seed)
    params = [
        (rng.standard_normal((n_f, n_f)) / np.sqrt(n_f), 0.1 * rng.standard_normal(n_f))
        for _ in range(nt)
    ]
    return params, rng.standard_normal((n_f, n)), rng.standard_normal((n_f, n))


def _flat(grads, s=1):
    return np.concatenate(
        [
            sum(np.concatenate([gK.ravel(), gb]) for gK, gb in grads[j * s : (j + 1) * s])
            for j in range(len(grads) // s)
        ]
    )


def _dto_vs_forward(n_f, n, nt, method) -> Row:
    params, Y0, dYT = _problem(n_f, n, nt)
    t_dto, t_fwd = interleaved_medians(
        lambda: node_gradient_dto(params, Y0, T, dYT, method=method),
        lambda: node_forward(params, Y0, T, method=method),
    )
    return Row(
        f"node_gradient_dto / node_forward, {method}, n_f={n_f}, n={n}, nt={nt}",
        f"DTO gradient {1e3 * t_dto:.1f} ms (its own forward included)",
        f"node_forward {1e3 * t_fwd:.1f} ms",
        t_dto / t_fwd,
        "ratio <= 4",
        t_dto / t_fwd <= 4.0,
        f"tanh, T=2; BLAS on 1 thread; medians of {REPEAT} interleaved runs",
    )


def _dto_vs_otd(n_f=8, n=500, nt=10) -> Row:
    params, Y0, dYT = _problem(n_f, n, nt, seed=1)
    t_dto, t_otd = interleaved_medians(
        lambda: node_gradient_dto(params, Y0, T, dYT), lambda: node_gradient_otd(params, Y0, T, dYT)
    )
    g_dto = _flat(node_gradient_dto(params, Y0, T, dYT)[0])
    g_otd = _flat(node_gradient_otd(params, Y0, T, dYT)[0])
    s = 16
    fine = [p for p in params for _ in range(s)]
    g_cont = _flat(node_gradient_dto(fine, Y0, T, dYT)[0], s)
    rng = np.random.default_rng(2)
    d = [(rng.standard_normal(K.shape), rng.standard_normal(b.shape)) for K, b in params]

    def phi(e):
        p = [(K + e * a, b + e * c) for (K, b), (a, c) in zip(params, d)]
        return float(np.vdot(node_forward(p, Y0, T)[0], dYT))

    eps = 1e-3
    fd = (-phi(2 * eps) + 8 * phi(eps) - 8 * phi(-eps) + phi(-2 * eps)) / (12 * eps)
    fd_err = {
        k: abs(float(g @ _flat(d)) - fd) / abs(fd) for k, g in (("dto", g_dto), ("otd", g_otd))
    }
    cont = {
        k: float(np.linalg.norm(g - g_cont) / np.linalg.norm(g_cont))
        for k, g in (("dto", g_dto), ("otd", g_otd))
    }
    ratio = t_dto / t_otd
    return Row(
        f"DTO vs OTD gradient, rk4, n_f={n_f}, n={n}, nt={nt}",
        f"DTO {1e3 * t_dto:.1f} ms, vs FD {fd_err['dto']:.1e}, vs continuous {cont['dto']:.1e}",
        f"OTD {1e3 * t_otd:.1f} ms, vs FD {fd_err['otd']:.1e}, vs continuous {cont['otd']:.1e}",
        ratio,
        "DTO exact (vs FD <= 1e-9) at ratio <= 1.25",
        fd_err["dto"] <= 1e-9 and ratio <= 1.25,
        "ratio = time(DTO) / time(OTD); FD: relative error of the directional derivative; "
        f"BLAS on 1 thread; medians of {REPEAT} interleaved runs",
    )


def _all() -> list[Row]:
    rows = [_dto_vs_forward(*size, method) for size in SIZES for method in ("rk4", "euler")]
    return rows + [_dto_vs_otd()]


def run() -> list[Row]:
    # one BLAS thread: on a shared machine, oversubscribed BLAS threads make timings erratic
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return _all()
    with threadpool_limits(limits=1, user_api="blas"):
        return _all()
