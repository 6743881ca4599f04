"""q7: semi_supervised (3 points)."""

import numpy as np
import scipy.sparse as sp
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array
from numdl.datasets import labels as to_labels
from numdl.datasets import rings

OK_FORMAT = False

name = "q7"
points = 3


def path_laplacian(n):
    Wg = np.diag(np.ones(n - 1), 1)
    Wg = Wg + Wg.T
    return np.diag(Wg.sum(1)) - Wg


def knn_laplacian(Y, k=8, sigma=1.0):
    D = ((Y[:, :, None] - Y[:, None, :]) ** 2).sum(0)
    n = D.shape[0]
    order = np.argsort(D + np.diag(np.full(n, np.inf)), axis=1)[:, :k]
    A = np.zeros((n, n), bool)
    A[np.repeat(np.arange(n), k), order.ravel()] = True
    Wg = np.where(A | A.T, np.exp(-D / sigma), 0.0)
    return np.diag(Wg.sum(1)) - Wg


@test_case(points=1)
def test_optimality_system(semi_supervised):
    L = path_laplacian(10)
    idx, c, alpha = np.array([0, 9, 4]), np.array([1.0, -1.0, 0.5]), 0.3
    label = (
        "semi_supervised(L, idx=[0, 9, 4], c=[1, -1, 0.5], alpha=0.3), path graph of 10 vertices"
    )
    f = call_pure(label, semi_supervised, L, idx, c, alpha)
    check_array(label, f, shape=(10,))
    PtP = np.zeros(10)
    PtP[idx] = 1.0
    Ptc = np.zeros(10)
    Ptc[idx] = c
    check_array(
        label + ", residual of (P^T P + alpha L) f = P^T c",
        (np.diag(PtP) + alpha * L) @ f - Ptc,
        np.zeros(10),
        rtol=0,
        atol=1e-10,
    )


@test_case(points=0.5)
def test_sparse_laplacian(semi_supervised):
    L = path_laplacian(8)
    idx, c, alpha = np.array([1, 6]), np.array([3.0, -2.0]), 0.5
    label = "semi_supervised(scipy.sparse.csr_matrix(L), idx=[1, 6], c=[3, -2], alpha=0.5), path 8"
    f = semi_supervised(sp.csr_matrix(L), idx, c, alpha)
    check_array(label, f, shape=(8,))
    PtP = np.zeros(8)
    PtP[idx] = 1.0
    Ptc = np.zeros(8)
    Ptc[idx] = c
    check_array(
        label + ", residual of (P^T P + alpha L) f = P^T c",
        (np.diag(PtP) + alpha * L) @ f - Ptc,
        np.zeros(8),
        rtol=0,
        atol=1e-10,
    )


@test_case(points=0.5, hidden=True)
def test_sparse_matches_dense(semi_supervised):
    """Varies: test_sparse_laplacian (a longer path graph, alpha=2)."""
    L = path_laplacian(30)
    idx, c = np.array([3, 17, 25]), np.array([2.0, 0.0, -1.0])
    label = "semi_supervised(L, ...) with L dense vs scipy.sparse (path graph of 30 vertices)"
    f_sparse = semi_supervised(sp.csr_matrix(L), idx, c, 2.0)
    PtP = np.zeros(30)
    PtP[idx] = 1.0
    Ptc = np.zeros(30)
    Ptc[idx] = c
    check_array(label, f_sparse, np.linalg.solve(np.diag(PtP) + 2.0 * L, Ptc), rtol=1e-10)


@test_case(points=1, hidden=True)
def test_labels_the_rings(semi_supervised):
    """Varies: test_optimality_system (a k-NN graph of the rings, 600 vertices)."""
    Y, C = rings(200, rng=4)
    truth = to_labels(C)
    L = knn_laplacian(Y)
    idx = np.array([0, 1, 200, 201, 400, 401])
    label = "semi_supervised on the rings with 2 labelled points per ring, alpha=1"
    f = semi_supervised(L, idx, truth[idx].astype(float), 1.0)
    check_array(label, f, shape=(600,))
    acc = np.mean(np.clip(np.round(f), 0, 2) == truth)
    check(acc >= 0.95, label, f"rounding f should label the rings, accuracy {acc:.3f} < 0.95")
