"""q3: graph_laplacian (5 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
