"""Module 03: ``newton_cg`` on the regularized softmax problem for the digits, against
``scipy.optimize.minimize(method="Newton-CG")`` and scikit-learn's ``LogisticRegression``.

Problem: all 1797 digits with a bias row (n_f = 65, n_c = 10),
``min_W softmax_loss(W, Y, C) + lam/2 ||W||_F^2`` with ``lam = 1e-3`` (the bias row is
regularized too). ``f*`` comes from a tight Newton-CG run; every method gets the loosest
tolerance from a fixed ladder that brings it to ``f <= f* + 1e-8 (1 + |f*|)`` and is then timed
("time to the same objective value"). Ours and scipy use the same objective and Hessian-vector
functions (the reference ``softmax_loss``; the Hessian-vector product of ``softmax_hessvec`` with
``softmax(W Y)`` cached for the current ``W``, checked against ``softmax_hessvec`` once).
scikit-learn solves the same
problem as ``1/2 ||W||^2 + C_sk sum_j CE_j`` with ``C_sk = 1 / (n lam)``, ``fit_intercept=False``
and the ones row as a feature. BLAS runs on 1 thread; medians of interleaved runs.
"""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.timing import Row, interleaved_dict
from numdl import datasets
from numdl.classification import newton_cg, softmax, softmax_hessvec, softmax_loss
from numdl.utils import add_bias_row

LAM = 1e-3
LADDER = [10.0**-k for k in range(1, 13)]


def _problem():
    Y, C = datasets.digits()
    Y = add_bias_row(Y)
    shape = (C.shape[0], Y.shape[0])

    def fun(W):
        E, dW = softmax_loss(W, Y, C)
        return E + 0.5 * LAM * np.vdot(W, W), dW + LAM * W

    cache = {}

    def hessvec(W, V):
        # H V = (1/n)[P * Z - P * (1 1^T (P * Z))] Y^T + lam V, with P cached for the current W
        # (Newton-CG calls it with the same W in every CG step; both optimizers get this function)
        if cache.get("W") is None or not np.array_equal(cache["W"], W):
            cache["W"], cache["P"] = W.copy(), softmax(W @ Y)
        P = cache["P"]
        PZ = P * (V @ Y)
        return (PZ - P * PZ.sum(axis=0, keepdims=True)) @ Y.T / Y.shape[1] + LAM * V

    return Y, C, shape, fun, hessvec


def run() -> list[Row]:
    from scipy.optimize import minimize
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    Y, C, shape, fun, hessvec = _problem()
    n = Y.shape[1]
    labels = datasets.labels(C)
    W0 = np.zeros(shape)

    def ours(tol):
        return newton_cg(fun, hessvec, W0, maxiter=100, tol=tol)[0]

    flat_fun = lambda w: tuple(
        (lambda E, g: (E, g.ravel(order="F")))(*fun(w.reshape(shape, order="F")))
    )
    flat_hessp = lambda w, v: hessvec(
        w.reshape(shape, order="F"), v.reshape(shape, order="F")
    ).ravel(order="F")

    def scipy_ncg(tol):
        res = minimize(
            flat_fun,
            W0.ravel(order="F"),
            jac=True,
            hessp=flat_hessp,
            method="Newton-CG",
            options={"xtol": tol, "maxiter": 1000},
        )
        return res.x.reshape(shape, order="F")

    def sklearn_lr(tol):
        model = LogisticRegression(C=1.0 / (n * LAM), fit_intercept=False, tol=tol, max_iter=10000)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(Y.T, labels)
        return model.coef_

    V = np.random.default_rng(0).standard_normal(shape)
    W1 = 0.1 * np.random.default_rng(1).standard_normal(shape)
    expected = softmax_hessvec(W1, Y, V) + LAM * V
    assert np.allclose(hessvec(W1, V), expected, rtol=1e-12, atol=1e-15), "cached hessvec is wrong"
    with threadpool_limits(1):
        f_star = fun(newton_cg(fun, hessvec, W0, maxiter=100, tol=1e-13, cg_tol=1e-6)[0])[0]
        target = f_star + 1e-8 * (1 + abs(f_star))
        chosen, reached = {}, {}
        for name, solver in (("ours", ours), ("scipy", scipy_ncg), ("sklearn", sklearn_lr)):
            for tol in LADDER:
                f = fun(solver(tol))[0]
                if f <= target:
                    chosen[name], reached[name] = tol, f
                    break
            else:
                raise RuntimeError(f"{name} did not reach f* + 1e-8 on the ladder {LADDER}")
        t = interleaved_dict(
            {
                "ours": lambda: ours(chosen["ours"]),
                "scipy": lambda: scipy_ncg(chosen["scipy"]),
                "sklearn": lambda: sklearn_lr(chosen["sklearn"]),
            }
        )

    def desc(name, what):
        return (
            f"{what} {1e3 * t[name]:.1f} ms (tol {chosen[name]:.0e}, "
            f"f - f* = {reached[name] - f_star:.1e})"
        )

    note = (
        f"digits n=1797, n_f=65, n_c=10, lam=1e-3, f* = {f_star:.10f}, target f* + 1e-8; "
        "BLAS on 1 thread; medians of 7 interleaved runs"
    )
    return [
        Row(
            "newton_cg vs scipy Newton-CG, regularized softmax on digits",
            desc("ours", "newton_cg"),
            desc("scipy", "scipy.optimize.minimize Newton-CG"),
            t["ours"] / t["scipy"],
            "ratio <= 1",
            t["ours"] <= t["scipy"],
            note,
        ),
        Row(
            "newton_cg vs sklearn LogisticRegression, regularized softmax on digits",
            desc("ours", "newton_cg"),
            desc("sklearn", "LogisticRegression (lbfgs)"),
            t["ours"] / t["sklearn"],
            "ratio <= 1",
            t["ours"] <= t["sklearn"],
            note,
        ),
    ]
