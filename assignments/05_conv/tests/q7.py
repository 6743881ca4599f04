"""q7: laplacian_2d (4 points)."""

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


@test_case(points=1, hidden=True)
def test_symmetric_positive_definite_with_known_eigenvalues(laplacian_2d):
    """Varies: test_kronecker_sum (symmetry, definiteness and the known eigenvalues)."""
    n1, n2, h1, h2 = 6, 4, 0.3, 0.7
    label = f"laplacian_2d({n1}, {n2}, h1={h1}, h2={h2})"
    L = get_dense(label, laplacian_2d, n1, n2, h1, h2)
    check_array(label + " must be symmetric: L^T", L.T, L, rtol=1e-15)
    lam = np.linalg.eigvalsh(0.5 * (L + L.T))
    # closed form: 4/h^2 sin^2(p pi / (2 (n + 1))) in each direction, summed
    s1 = 4 / h1**2 * np.sin(np.arange(1, n1 + 1) * np.pi / (2 * (n1 + 1))) ** 2
    s2 = 4 / h2**2 * np.sin(np.arange(1, n2 + 1) * np.pi / (2 * (n2 + 1))) ** 2
    expected = np.sort((s1[:, None] + s2[None, :]).ravel())
    check(lam.min() > 0, label, f"must be positive definite, smallest eigenvalue {lam.min():.3e}")
    check_array(label + ": eigenvalues vs the closed form", lam, expected, rtol=1e-12)


@test_case(points=1, hidden=True)
def test_second_order_accuracy(laplacian_2d):
    """Varies: test_five_point_stencil_column_major (second-order accuracy on refined grids)."""
    # u = sin(pi x1) sin(pi x2) on (0, 1) x (0, 2), zero on the boundary: -Lap u = 2 pi^2 u
    errors = []
    for m in (8, 16, 32):
        n1, n2 = m - 1, 2 * m - 1
        h = 1.0 / m
        x1 = h * np.arange(1, n1 + 1)
        x2 = h * np.arange(1, n2 + 1)
        U = np.sin(np.pi * x1)[:, None] * np.sin(np.pi * x2)[None, :]
        L = laplacian_2d(n1, n2, h, h)
        check(sp.issparse(L), f"laplacian_2d({n1}, {n2})", "expected a scipy.sparse matrix")
        err = L @ U.reshape(-1, order="F") - 2 * np.pi**2 * U.reshape(-1, order="F")
        errors.append(np.abs(err).max())
    ratios = [errors[0] / errors[1], errors[1] / errors[2]]
    check(
        all(3.6 <= q <= 4.4 for q in ratios),
        "laplacian_2d on grids h = 1/8, 1/16, 1/32",
        f"the error of L u against -Lap u should fall by about 4 when h halves (second "
        f"order); max errors {errors}, ratios {ratios}",
    )
