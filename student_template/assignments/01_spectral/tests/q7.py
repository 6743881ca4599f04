"""q7: semi_supervised (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
