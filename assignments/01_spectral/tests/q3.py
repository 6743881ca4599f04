"""q3: graph_laplacian (5 points)."""

import numpy as np
import scipy.sparse as sp
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array

OK_FORMAT = False

name = "q3"
points = 5


def random_weights(seed, n, density=0.5):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0.1, 1.0, (n, n)) * (rng.uniform(size=(n, n)) < density)
    A = np.triu(A, 1)
    return A + A.T


def toy_graph():
    """The course's toy graph: 5 vertices, edges 1-2, 2-3, 1-3, 3-4, 2-4, 2-5 (unit weights)."""
    Wg = np.zeros((5, 5))
    for i, j in [(1, 2), (2, 3), (1, 3), (3, 4), (2, 4), (2, 5)]:
        Wg[i - 1, j - 1] = Wg[j - 1, i - 1] = 1.0
    return Wg


@test_case(points=1)
def test_unnormalized(graph_laplacian):
    Wg = random_weights(0, 9)
    label = "graph_laplacian(Wg), random weights (9, 9)"
    L = call_pure(label, graph_laplacian, Wg)
    check_array(label, L, np.diag(Wg.sum(1)) - Wg, rtol=1e-12)
    check(np.allclose(L @ np.ones(9), 0, atol=1e-12), label, "L 1 must be 0")


@test_case(points=1)
def test_course_toy_graph(graph_laplacian):
    label = "graph_laplacian(Wg) of the course's toy graph (edges 1-2, 2-3, 1-3, 3-4, 2-4, 2-5)"
    L = check_array(label, graph_laplacian(toy_graph()), shape=(5, 5))
    check_array(
        label + ", degrees diag(L)", np.diag(L).copy(), [2.0, 4.0, 3.0, 2.0, 1.0], rtol=1e-12
    )
    lam = np.linalg.eigvalsh(0.5 * (L + L.T))
    check_array(label + ", eigenvalues", lam, [0.0, 1.0, 2.0, 4.0, 5.0], rtol=0, atol=1e-10)


@test_case(points=1)
def test_normalized_and_sparse_toy_graph(graph_laplacian):
    Wg = toy_graph()
    d = np.array([2.0, 4.0, 3.0, 2.0, 1.0])  # the degrees of the toy graph
    expected = np.eye(5) - Wg / np.sqrt(np.outer(d, d))
    label = "graph_laplacian(Wg, normalized=True) of the course's toy graph"
    check_array(label, graph_laplacian(Wg, normalized=True), expected, rtol=1e-12)
    for normalized, exp in ((False, np.diag(d) - Wg), (True, expected)):
        label = f"graph_laplacian(scipy.sparse.csr_matrix(Wg), normalized={normalized}), toy graph"
        L = graph_laplacian(sp.csr_matrix(Wg), normalized=normalized)
        check(sp.issparse(L), label, f"sparse input must give sparse output, got {type(L).__name__}")
        check_array(label, L.toarray(), exp, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_normalized(graph_laplacian):
    """Varies: test_normalized_and_sparse_toy_graph (random weights, spectrum in [0, 2])."""
    Wg = random_weights(1, 12)
    label = "graph_laplacian(Wg, normalized=True), random weights (12, 12)"
    L = check_array(label, graph_laplacian(Wg, normalized=True), shape=(12, 12))
    d = Wg.sum(1)
    check_array(label, L, np.eye(12) - Wg / np.sqrt(np.outer(d, d)), rtol=1e-12)
    lam = np.linalg.eigvalsh(0.5 * (L + L.T))
    check(
        lam.min() > -1e-10 and lam.max() < 2 + 1e-10,
        label,
        f"eigenvalues must lie in [0, 2], found [{lam.min():.3g}, {lam.max():.3g}]",
    )
    check_array(label + ", L D^{1/2} 1", L @ np.sqrt(d), np.zeros(12), rtol=0, atol=1e-10)


@test_case(points=0.5, hidden=True)
def test_isolated_vertex(graph_laplacian):
    """Varies: test_normalized_and_sparse_toy_graph (the isolated-vertex rule, L_ii = 1)."""
    Wg = random_weights(2, 6, density=1.0)
    Wg[3, :] = Wg[:, 3] = 0.0
    label = "graph_laplacian(Wg, normalized=True) with isolated vertex 3"
    L = check_array(label, graph_laplacian(Wg, normalized=True), shape=(6, 6))
    e = np.zeros(6)
    e[3] = 1.0
    check_array(label + ", row 3", L[3].copy(), e, rtol=0, atol=1e-14)


@test_case(points=0.5, hidden=True)
def test_sparse_in_sparse_out(graph_laplacian):
    """Varies: test_normalized_and_sparse_toy_graph (csr_matrix and csr_array, random weights)."""
    Wg = random_weights(3, 10, density=0.3)
    d = Wg.sum(1)
    s = np.where(d > 0, 1 / np.sqrt(np.where(d > 0, d, 1)), 0.0)
    for flavour in (sp.csr_matrix, sp.csr_array):
        for normalized in (False, True):
            label = f"graph_laplacian({flavour.__name__}(Wg), normalized={normalized})"
            L = graph_laplacian(flavour(Wg), normalized=normalized)
            check(
                sp.issparse(L),
                label,
                f"sparse input must give sparse output, got {type(L).__name__}",
            )
            expected = np.eye(10) - s[:, None] * Wg * s[None, :] if normalized else np.diag(d) - Wg
            check_array(label, L.toarray(), expected, rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_components_give_zero_eigenvalues(graph_laplacian):
    """Varies: test_course_toy_graph (spectrum of a graph with three components)."""
    blocks = [random_weights(s, m, density=1.0) for s, m in ((4, 4), (5, 5), (6, 3))]
    Wg = np.zeros((12, 12))
    i = 0
    for B in blocks:
        Wg[i : i + len(B), i : i + len(B)] = B
        i += len(B)
    label = "graph_laplacian(Wg) of a graph with 3 connected components"
    L = check_array(label, graph_laplacian(Wg), shape=(12, 12))
    lam = np.linalg.eigvalsh(0.5 * (L + L.T))
    zeros = int(np.sum(np.abs(lam) < 1e-10))
    check(zeros == 3, label, f"eigenvalue 0 must have multiplicity 3, found {zeros}")
    check(
        lam.min() > -1e-10,
        label,
        f"L must be positive semidefinite, min eigenvalue {lam.min():.3g}",
    )
