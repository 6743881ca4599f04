"""q2: conv1d_fft and circulant_eigenvalues (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q2"
points = 4


def periodic_dense(theta, n):
    """The circulant ``K[i, (i + j) mod n] += theta[j + r]``, from the defining sum."""
    r = (len(theta) - 1) // 2
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(-r, r + 1):
            K[i, (i + j) % n] += theta[j + r]
    return K


def check_multiset(label, actual, expected, tol):
    """Greedy matching of two lists of complex numbers (each actual value used once)."""
    actual = list(np.asarray(actual))
    for lam in expected:
        dist = [abs(a - lam) for a in actual]
        k = int(np.argmin(dist))
        check(
            dist[k] <= tol,
            label,
            f"expected eigenvalue {complex(lam):.6g} is missing (closest unused value "
            f"{complex(actual[k]):.6g}, distance {dist[k]:.2e} > {tol:.0e})",
        )
        actual.pop(k)


@test_case(points=1)
def test_course_example_eigenvalues(circulant_eigenvalues):
    theta = np.array([1.0, 2.0, 3.0])
    label = "circulant_eigenvalues(theta=[1, 2, 3], n=6)"
    lam = call_pure(label, circulant_eigenvalues, theta, 6)
    check_array(label, lam, shape=(6,), kind="complex")
    s3 = np.sqrt(3.0)
    check_multiset(label, lam, [6, -2, 1j * s3, -1j * s3, 4 + 1j * s3, 4 - 1j * s3], 1e-12)
    # the order: the FFT of the first column of K
    check_array(
        label + " in the order of fft(K e_1)",
        lam,
        np.fft.fft(periodic_dense(theta, 6)[:, 0]),
        rtol=1e-13,
    )


@test_case(points=1)
def test_fft_matvec_equals_dense(conv1d_fft):
    rng = np.random.default_rng(5)
    theta = np.array([1.0, 2.0, 3.0])
    y = rng.standard_normal(6)
    label = "conv1d_fft(theta=[1, 2, 3], y of shape (6,))"
    z = call_pure(label, conv1d_fft, theta, y)
    check_array(label, z, periodic_dense(theta, 6) @ y, kind="real", rtol=1e-12)
    theta = rng.standard_normal(5)
    Y = rng.standard_normal((11, 4))
    label = "conv1d_fft(theta of length 5, Y of shape (11, 4)) (columns)"
    check_array(label, conv1d_fft(theta, Y), periodic_dense(theta, 11) @ Y, kind="real", rtol=1e-12)


@test_case(points=1, hidden=True)
def test_eigenvalues_against_eigvals_and_decomposition(circulant_eigenvalues):
    """Varies: test_course_example_eigenvalues (random stencils and sizes, the DFT decomposition)."""
    rng = np.random.default_rng(6)
    cases = [(np.array([1.0, 2.0, 3.0]), 6)]  # the course's example
    cases += [(rng.standard_normal(k), n) for k, n in [(3, 7), (5, 10), (5, 5)]]
    for theta, n in cases:
        K = periodic_dense(theta, n)
        label = f"circulant_eigenvalues(theta of length {theta.size}, n={n})"
        lam = check_array(label, circulant_eigenvalues(theta, n), shape=(n,), kind="complex")
        check(lam.dtype == np.complex128, label, f"expected dtype complex128, got {lam.dtype}")
        check_multiset(
            label + " vs numpy.linalg.eigvals of the dense K",
            lam,
            np.linalg.eigvals(K),
            1e-10 * np.abs(theta).sum(),
        )
        F = np.fft.fft(np.eye(n)) / np.sqrt(n)  # unitary DFT matrix
        check_array(
            label + ": F^* diag(lam) F must reproduce K",
            F.conj().T @ np.diag(lam) @ F,
            K,
            rtol=1e-12,
        )
        check_array(
            label + ": F^* diag(conj(lam)) F must reproduce K^T",
            F.conj().T @ np.diag(lam.conj()) @ F,
            K.T,
            rtol=1e-12,
        )


@test_case(points=1, hidden=True)
def test_fft_long_stencil_and_several_columns(conv1d_fft):
    """Varies: test_fft_matvec_equals_dense (a 5-point stencil with n equal to its length, several columns)."""
    rng = np.random.default_rng(7)
    theta = rng.standard_normal(5)
    Y = rng.standard_normal((5, 3))  # n equal to the stencil length
    label = "conv1d_fft(theta of length 5, Y of shape (5, 3))"
    check_array(label, conv1d_fft(theta, Y), periodic_dense(theta, 5) @ Y, kind="real", rtol=1e-12)
    theta = np.array([0.0, 0.0, 0.0, 0.0, 1.0])  # (K y)_i = y_{i+2}
    y = np.arange(8.0)
    label = "conv1d_fft(theta=[0, 0, 0, 0, 1], y=arange(8)) (a cyclic shift by two)"
    check_array(label, conv1d_fft(theta, y), np.roll(y, -2), kind="real", rtol=1e-13)
