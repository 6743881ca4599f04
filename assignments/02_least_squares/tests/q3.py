"""q3: gen_tikhonov (4 points)."""

from fractions import Fraction

import numpy as np
import scipy.sparse as sp
from otter.test_files import test_case

from numdl.checks import call_pure, check_array

OK_FORMAT = False

name = "q3"
points = 4

EPS = np.finfo(float).eps


def course_example(a, seed=0):
    """The course's conditioning example: rows [1, 1 + k a], k = 1, 2, 3, x_true = (1, 1.2),
    noise 0.1."""
    A = np.array([[1.0, 1.0 + k * a] for k in (1, 2, 3)])
    b = A @ np.array([1.0, 1.2]) + 0.1 * np.random.default_rng(seed).standard_normal(3)
    return A, b


def exact_solution(A, b, lam, G):
    """(A^T A + lam G^T G) x = A^T b solved in exact rational arithmetic (n = 2): the floats
    in A, b, lam, G are exact binary fractions, so this is the true minimizer for the given
    data, rounded once to float at the end."""
    Af = [[Fraction(float(v)) for v in row] for row in A]
    Gf = [[Fraction(float(v)) for v in row] for row in G]
    bf = [Fraction(float(v)) for v in b]
    L = Fraction(float(lam))
    M = [[sum(r[i] * r[j] for r in Af) + L * sum(r[i] * r[j] for r in Gf) for j in range(2)]
         for i in range(2)]
    rhs = [sum(r[i] * bi for r, bi in zip(Af, bf)) for i in range(2)]
    det = M[0][0] * M[1][1] - M[0][1] * M[1][0]
    return np.array([float((rhs[0] * M[1][1] - M[0][1] * rhs[1]) / det),
                     float((M[0][0] * rhs[1] - M[1][0] * rhs[0]) / det)])


def check_conditioning(gen_tikhonov, a, lam, G, gname):
    A, b = course_example(a)
    label = f"gen_tikhonov(A, b, lam={lam:g}, G={gname}) on the course example with a = {a:g}"
    x = call_pure(label, gen_tikhonov, A, b, lam, G)
    # A backward-stable solver of the stacked problem [A; sqrt(lam) G] x = [b; 0] has a
    # forward error of order cond(M) eps; the normal equations have cond(M)^2 eps.
    kappa = np.linalg.cond(np.vstack([A, np.sqrt(lam) * G]))
    tol = 10 * kappa * EPS
    check_array(label + f" (cond([A; sqrt(lam) G]) = {kappa:.1e}, tolerance 10 cond eps)",
                x, exact_solution(A, b, lam, G), rtol=tol)


@test_case(points=1)
def test_identity_g_several_rhs(gen_tikhonov):
    rng = np.random.default_rng(20)
    A, B = rng.standard_normal((12, 5)), rng.standard_normal((12, 3))
    lam = 0.4
    label = "gen_tikhonov(A, B, lam=0.4, G=I), A of shape (12, 5), B of shape (12, 3)"
    X = call_pure(label, gen_tikhonov, A, B, lam, np.eye(5))
    check_array(label, X, np.linalg.solve(A.T @ A + lam * np.eye(5), A.T @ B), rtol=1e-10)


@test_case(points=1)
def test_conditioning_course_example(gen_tikhonov):
    check_conditioning(gen_tikhonov, 1e-5, 1e-10, np.eye(2), "I")


@test_case(points=0.5, hidden=True)
def test_conditioning_all_a_difference_operator(gen_tikhonov):
    """Varies: test_conditioning_course_example (every a and lam, a difference operator G)."""
    G = np.array([[1.0, -1.0], [0.0, 1.0]])
    for a in (1.0, 1e-2, 1e-5):
        for lam in (1e-6, 1e-10):
            check_conditioning(gen_tikhonov, a, lam, G, "[[1, -1], [0, 1]]")


@test_case(points=0.5)
def test_sparse_g_small(gen_tikhonov):
    rng = np.random.default_rng(22)
    A, b = rng.standard_normal((6, 4)), rng.standard_normal(6)
    G = sp.csr_matrix(np.array([[1.0, -1.0, 0.0, 0.0], [0.0, 1.0, -1.0, 0.0]]))
    lam = 0.5
    label = "gen_tikhonov(A, b, lam=0.5, G) with a scipy.sparse G of shape (2, 4), A (6, 4)"
    x = call_pure(label, gen_tikhonov, A, b, lam, G)
    Gd = G.toarray()
    check_array(label, x, np.linalg.solve(A.T @ A + lam * Gd.T @ Gd, A.T @ b), rtol=1e-9)


@test_case(points=1, hidden=True)
def test_sparse_gradient_operator_wide_a(gen_tikhonov):
    """Varies: test_sparse_g_small (a wide A, the (n-1, n) difference matrix)."""
    # smoothing regularization with the (n-1, n) forward difference matrix; A wide (m < n):
    # null(A) and null(G) = span(1) meet only in 0
    rng = np.random.default_rng(21)
    n = 8
    A, b = rng.standard_normal((5, n)), rng.standard_normal(5)
    G = sp.diags([-np.ones(n - 1), np.ones(n - 1)], [0, 1], shape=(n - 1, n), format="csr")
    lam = 0.05
    label = "gen_tikhonov(A, b, lam=0.05, G) with a sparse G of shape (7, 8), A of shape (5, 8)"
    x = call_pure(label, gen_tikhonov, A, b, lam, G)
    Gd = G.toarray()
    check_array(label, x, np.linalg.solve(A.T @ A + lam * Gd.T @ Gd, A.T @ b), rtol=1e-9)
