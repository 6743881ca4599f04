"""q4: spectral_embedding (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.sparse as sp
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q4"
points = 5


def laplacian(seed, n, blocks=1):
    """Unnormalized Laplacian of a random weighted graph made of ``blocks`` dense components."""
    rng = np.random.default_rng(seed)
    Wg = np.zeros((n, n))
    for idx in np.array_split(np.arange(n), blocks):
        A = np.triu(rng.uniform(0.1, 1.0, (idx.size, idx.size)), 1)
        Wg[np.ix_(idx, idx)] = A + A.T
    return np.diag(Wg.sum(1)) - Wg


def check_eigenpairs(label, L, lam, U, k):
    n = L.shape[0]
    Ld = L.toarray() if sp.issparse(L) else L
    check_array(label + ", lam", lam, shape=(k,), kind="real")
    check_array(label + ", U", U, shape=(k, n), kind="real")
    check(np.all(np.diff(lam) >= -1e-12), label, f"eigenvalues must be ascending, got {lam}")
    check_array(
        label + ", the k smallest eigenvalues",
        lam,
        np.linalg.eigvalsh(Ld)[:k],
        rtol=0,
        atol=1e-8 * max(1.0, np.abs(Ld).max()),
    )
    check_array(label + ", U U^T", U @ U.T, np.eye(k), rtol=0, atol=1e-8)
    check_array(
        label + ", L U^T - U^T diag(lam)",
        Ld @ U.T - U.T * lam,
        np.zeros((n, k)),
        rtol=0,
        atol=1e-7 * max(1.0, np.abs(Ld).max()),
    )


@test_case(points=1)
def test_dense_eigenpairs(spectral_embedding):
    L = laplacian(0, 20)
    label = "spectral_embedding(L, k=4), dense L (20, 20)"
    lam, U = call_pure(label, spectral_embedding, L, 4)
    check_eigenpairs(label, L, lam, U, 4)


@test_case(points=0.5)
def test_k_equals_one(spectral_embedding):
    L = laplacian(1, 9)
    label = "spectral_embedding(L, k=1), connected graph (9, 9)"
    lam, U = spectral_embedding(L, 1)
    check_eigenpairs(label, L, lam, U, 1)
    check(
        abs(abs(U.sum()) - 3.0) < 1e-8,
        label,
        "the eigenvector of eigenvalue 0 of a connected graph is the constant 1/sqrt(n)",
    )


@test_case(points=0.5)
def test_sparse_small(spectral_embedding):
    L = sp.csr_matrix(laplacian(5, 15))
    label = "spectral_embedding(L, k=3), scipy.sparse L (15, 15)"
    lam, U = call_pure(label, spectral_embedding, L, 3)
    check_eigenpairs(label, L, lam, U, 3)
