"""q7: laplacian_2d (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
import scipy.sparse as sp
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q7"
points = 4


def stencil(U, h1, h2):
    """The 5-point negative Laplacian of the grid function ``U`` ``(n1, n2)``, zero outside."""
    Up = np.pad(U, 1)
    return (2 * U - Up[:-2, 1:-1] - Up[2:, 1:-1]) / h1**2 + (
        2 * U - Up[1:-1, :-2] - Up[1:-1, 2:]
    ) / h2**2


def get_dense(label, laplacian_2d, n1, n2, h1, h2):
    L = call_pure(label, laplacian_2d, n1, n2, h1, h2)
    check(sp.issparse(L), label, f"expected a scipy.sparse matrix, got {type(L).__name__}")
    check(
        L.shape == (n1 * n2, n1 * n2),
        label,
        f"expected shape ({n1 * n2}, {n1 * n2}), got {L.shape}",
    )
    return np.asarray(L.toarray(), dtype=float)


@test_case(points=1)
def test_five_point_stencil_column_major(laplacian_2d):
    n1, n2, h1, h2 = 5, 3, 0.5, 0.25
    label = f"laplacian_2d({n1}, {n2}, h1={h1}, h2={h2})"
    L = get_dense(label, laplacian_2d, n1, n2, h1, h2)
    U = np.random.default_rng(0).standard_normal((n1, n2))
    check_array(
        label + " @ vec(U) (column-major vec of U of shape (5, 3))",
        L @ U.reshape(-1, order="F"),
        stencil(U, h1, h2).reshape(-1, order="F"),
        rtol=1e-13,
    )


@test_case(points=1)
def test_kronecker_sum(laplacian_2d):
    n1, n2 = 4, 6
    label = f"laplacian_2d({n1}, {n2})"
    L = get_dense(label, laplacian_2d, n1, n2, 1.0, 1.0)

    def lap1(n):
        return 2 * np.eye(n) - np.eye(n, k=1) - np.eye(n, k=-1)

    expected = np.kron(np.eye(n2), lap1(n1)) + np.kron(lap1(n2), np.eye(n1))
    check_array(label + " vs kron(I2, L1) + kron(L2, I1)", L, expected, rtol=1e-14)
