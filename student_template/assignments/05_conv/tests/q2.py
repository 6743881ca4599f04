"""q2: conv1d_fft and circulant_eigenvalues (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
