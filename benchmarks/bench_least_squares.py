"""cgls against scipy.sparse.linalg.lsqr on a large sparse least-squares problem.

Both solve ``min ||A x - b||`` to the same accuracy, the relative normal-equation residual
``||A^T (b - A x)|| <= tol ||A^T b||`` (measured exactly afterwards for both). CGLS and LSQR
are equivalent in exact arithmetic (same Krylov iterates); LSQR's own stopping rule is
different, so its iteration limit is set to the smallest count that reaches the tolerance
(found before timing), and its internal tests are switched off (``atol = btol = 0``).
Our ``cgls`` converts a tall sparse ``A`` to CSC once (included in its time); a second row
gives lsqr the same CSC matrix, a third compares both on a matvec-only ``LinearOperator``.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from benchmarks.timing import Row, interleaved_medians
from numdl.least_squares import cgls

TOL = 1e-8


def problem(m=60_000, n=12_000, density=5e-4, seed=0):
    """Sparse random ``A`` (plus the identity on top, so full column rank) with columns scaled
    over one decade, and a random (inconsistent) ``b``."""
    rng = np.random.default_rng(seed)
    A = sp.random(
        m, n, density=density, format="csr", random_state=rng, data_rvs=rng.standard_normal
    )
    A = sp.csr_matrix((A + sp.eye(m, n)) @ sp.diags(np.logspace(0, -1, n)))
    b = rng.standard_normal(m)
    return A, b


def rel_normal_res(A, b, x, atb_norm):
    return float(np.linalg.norm(A.T @ (b - A @ x)) / atb_norm)


def lsqr_iterations_to_tol(A, b, start, atb_norm, max_scan=25):
    """Smallest iteration limit near ``start`` with which lsqr reaches TOL (exact check).

    CGLS and LSQR produce the same iterates in exact arithmetic, so the count is searched by
    a short scan around the CGLS count (down while it still holds, up until it holds).
    """

    def ok(k):
        x = spla.lsqr(A, b, atol=0.0, btol=0.0, conlim=0.0, iter_lim=k)[0]
        return rel_normal_res(A, b, x, atb_norm) <= TOL

    k = start
    if ok(k):
        for _ in range(max_scan):
            if k == 1 or not ok(k - 1):
                break
            k -= 1
        return k
    for _ in range(max_scan):
        k += 1
        if ok(k):
            return k
    raise RuntimeError(f"lsqr did not reach {TOL:g} within {k} iterations")


def compare(label, A_ours, A_theirs, A, b):
    atb_norm = float(np.linalg.norm(A.T @ b))
    x, hist = cgls(A_ours, b, tol=TOL, maxiter=10_000)
    k_ours = len(hist["resnorm"]) - 1
    res_ours = rel_normal_res(A, b, x, atb_norm)
    k_lsqr = lsqr_iterations_to_tol(A, b, k_ours, atb_norm)
    x_l = spla.lsqr(A_theirs, b, atol=0.0, btol=0.0, conlim=0.0, iter_lim=k_lsqr)[0]
    res_lsqr = rel_normal_res(A, b, x_l, atb_norm)
    t_ours, t_lsqr = interleaved_medians(
        lambda: cgls(A_ours, b, tol=TOL, maxiter=10_000),
        lambda: spla.lsqr(A_theirs, b, atol=0.0, btol=0.0, conlim=0.0, iter_lim=k_lsqr),
    )
    ratio = t_ours / t_lsqr
    return Row(
        benchmark=label,
        ours=f"{t_ours:.3f} s, {k_ours} it",
        theirs=f"lsqr {t_lsqr:.3f} s, {k_lsqr} it",
        ratio=ratio,
        goal="ratio <= 1, iterations equal up to 1 (rounding at the threshold)",
        met=bool(ratio <= 1.0 and abs(k_ours - k_lsqr) <= 1),
        note=f"relative ||A^T r||: ours {res_ours:.2e}, lsqr {res_lsqr:.2e} (tol {TOL:.0e}); "
        "medians of 7 interleaved runs",
    )


def run() -> list[Row]:
    A, b = problem()
    name = f"cgls vs lsqr, sparse {A.shape[0]}x{A.shape[1]}, nnz {A.nnz:.1e}"
    op = spla.LinearOperator(
        A.shape, matvec=lambda v: A @ v, rmatvec=lambda w: A.T @ w, dtype=float
    )
    return [
        compare(name + " (csr input)", A, A, A, b),
        # our cgls stores a tall sparse A as CSC (both products loop over the n columns);
        # the same storage handed to lsqr isolates the algorithm from the storage format
        compare(name + " (csr input; lsqr given A.tocsc())", A, A.tocsc(), A, b),
        compare(name + " (LinearOperator input)", op, op, A, b),
    ]
