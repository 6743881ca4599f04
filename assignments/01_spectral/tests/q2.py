"""q2: similarity_graph (6 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_raises

OK_FORMAT = False

name = "q2"
points = 6


def dense(A):
    return A.toarray() if hasattr(A, "toarray") else A


def weights(Y, sigma):
    n = Y.shape[1]
    return np.array(
        [
            [0.0 if i == j else np.exp(-np.sum((Y[:, i] - Y[:, j]) ** 2) / sigma) for j in range(n)]
            for i in range(n)
        ]
    )


def knn_sets(Y, k):
    """For every i, the set of its k nearest other points (brute force)."""
    n = Y.shape[1]
    out = []
    for i in range(n):
        d = [(np.sum((Y[:, i] - Y[:, j]) ** 2), j) for j in range(n) if j != i]
        out.append({j for _, j in sorted(d)[:k]})
    return out


def data(seed, n_f=2, n=15):
    return np.random.default_rng(seed).standard_normal((n_f, n))


@test_case(points=1)
def test_full_graph(similarity_graph):
    Y = data(0, 3, 12)
    label = "similarity_graph(Y, sigma=0.7, kind='full'), Y of shape (3, 12)"
    Wg = dense(call_pure(label, similarity_graph, Y, sigma=0.7, kind="full"))
    check_array(label, Wg, weights(Y, 0.7), rtol=1e-12)


@test_case(points=1)
def test_knn_is_or(similarity_graph):
    Y = data(1, 2, 15)
    label = "similarity_graph(Y, sigma=2.0, kind='knn', n_neighbors=3), Y of shape (2, 15)"
    Wg = dense(similarity_graph(Y, sigma=2.0, kind="knn", n_neighbors=3))
    nb = knn_sets(Y, 3)
    mask = np.array([[j in nb[i] or i in nb[j] for j in range(15)] for i in range(15)])
    check_array(label, Wg, np.where(mask, weights(Y, 2.0), 0.0), rtol=1e-12)


@test_case(points=1)
def test_mutual_is_and(similarity_graph):
    Y = data(2, 3, 20)
    label = "similarity_graph(Y, sigma=1.5, kind='mutual', n_neighbors=4), Y of shape (3, 20)"
    Wg = dense(similarity_graph(Y, sigma=1.5, kind="mutual", n_neighbors=4))
    nb = knn_sets(Y, 4)
    mask = np.array([[j in nb[i] and i in nb[j] for j in range(20)] for i in range(20)])
    check_array(label, Wg, np.where(mask, weights(Y, 1.5), 0.0), rtol=1e-12)


@test_case(points=0.5)
def test_eps_graph_small(similarity_graph):
    Y = np.array([[0.0, 0.5, 1.7, 3.0, 3.2], [0.0, 0.3, -0.4, 1.0, 0.1]])
    label = "similarity_graph(Y, sigma=0.8, kind='eps', eps=1.5), Y of shape (2, 5)"
    Wg = dense(similarity_graph(Y, sigma=0.8, kind="eps", eps=1.5))
    edges = [(0, 1), (1, 2), (3, 4)]  # the pairs at distance <= 1.5 (by hand)
    mask = np.zeros((5, 5), bool)
    for i, j in edges:
        mask[i, j] = mask[j, i] = True
    check_array(label, Wg, np.where(mask, weights(Y, 0.8), 0.0), rtol=1e-12)


@test_case(points=0.5, hidden=True)
def test_eps_graph(similarity_graph):
    """Varies: test_eps_graph_small (random data, another radius)."""
    Y = data(3, 2, 18)
    label = "similarity_graph(Y, sigma=0.5, kind='eps', eps=0.8), Y of shape (2, 18)"
    Wg = dense(similarity_graph(Y, sigma=0.5, kind="eps", eps=0.8))
    dist = np.sqrt(((Y[:, :, None] - Y[:, None, :]) ** 2).sum(0))
    check_array(label, Wg, np.where(dist <= 0.8, weights(Y, 0.5), 0.0), rtol=1e-12)


@test_case(points=1, hidden=True)
def test_invariants_and_inclusions(similarity_graph):
    """Varies: test_knn_is_or (invariants of the 'knn' and 'mutual' graphs, 4-D data)."""
    Y = data(4, 4, 30)
    label = "similarity_graph(Y, kind=..., n_neighbors=5), Y of shape (4, 30)"
    knn = dense(similarity_graph(Y, sigma=3.0, kind="knn", n_neighbors=5))
    mut = dense(similarity_graph(Y, sigma=3.0, kind="mutual", n_neighbors=5))
    for kind, Wg in (("knn", knn), ("mutual", mut)):
        lab = label.replace("...", repr(kind))
        check_array(lab, Wg, shape=(30, 30))
        check(np.array_equal(Wg, Wg.T), lab, "the graph must be symmetric")
        check(np.all(np.diag(Wg) == 0), lab, "the diagonal must be zero (no self-loops)")
        check(np.all(Wg >= 0), lab, "weights must be non-negative")
    check(np.all((knn > 0).sum(1) >= 5), label, "with 'knn' every vertex has at least 5 edges")
    check(np.all((mut > 0) <= (knn > 0)), label, "every 'mutual' edge must also be a 'knn' edge")


@test_case(points=0.5, hidden=True)
def test_many_neighbors_is_full(similarity_graph):
    """Varies: test_knn_is_or (the branch n_neighbors >= n: all other points)."""
    Y = data(5, 2, 8)
    label = "similarity_graph(Y, sigma=1.0, kind='knn', n_neighbors=20) with n = 8"
    check_array(
        label,
        dense(similarity_graph(Y, sigma=1.0, kind="knn", n_neighbors=20)),
        weights(Y, 1.0),
        rtol=1e-12,
    )


@test_case(points=0.5)
def test_unknown_kind(similarity_graph):
    check_raises(
        "similarity_graph(Y, kind='nearest')", ValueError, similarity_graph, data(6), kind="nearest"
    )
