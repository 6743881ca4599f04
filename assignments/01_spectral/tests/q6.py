"""q6: spectral_clustering (4 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import adjusted_rand_index, call_pure, check, check_labels
from numdl.datasets import labels as to_labels
from numdl.datasets import rings

OK_FORMAT = False

name = "q6"
points = 4


def check_recovers(label, labels, truth, k, threshold=0.95):
    check_labels(label, labels, truth.size, k)
    ari = adjusted_rand_index(labels, truth)
    check(
        ari >= threshold,
        label,
        f"the clusters should recover the rings: adjusted Rand index {ari:.3f} < {threshold}",
    )


@test_case(points=1.5)
def test_rings_knn(spectral_clustering):
    Y, C = rings(200, rng=0)
    label = "spectral_clustering(Y, 3, sigma=1, kind='knn', n_neighbors=10, rng=0) on the rings"
    labels = call_pure(
        label, spectral_clustering, Y, 3, sigma=1.0, kind="knn", n_neighbors=10, rng=0
    )
    check_recovers(label, labels, to_labels(C), 3)
    again = spectral_clustering(Y, 3, sigma=1.0, kind="knn", n_neighbors=10, rng=0)
    check(np.array_equal(labels, again), label, "the same seed must give the same labels")


@test_case(points=1, hidden=True)
def test_rings_unnormalized_mutual(spectral_clustering):
    """Varies: test_rings_knn (kind='mutual', normalized=False)."""
    Y, C = rings(200, rng=1)
    label = (
        "spectral_clustering(Y, 3, kind='mutual', n_neighbors=12, normalized=False) on the rings"
    )
    labels = spectral_clustering(
        Y, 3, sigma=1.0, kind="mutual", n_neighbors=12, normalized=False, rng=1
    )
    check_recovers(label, labels, to_labels(C), 3)


@test_case(points=1, hidden=True)
def test_rings_eps(spectral_clustering):
    """Varies: test_rings_knn (kind='eps')."""
    Y, C = rings(200, rng=2)
    label = "spectral_clustering(Y, 3, sigma=0.5, kind='eps', eps=0.9) on the rings"
    labels = spectral_clustering(Y, 3, sigma=0.5, kind="eps", eps=0.9, rng=2)
    check_recovers(label, labels, to_labels(C), 3)


@test_case(points=0.5, hidden=True)
def test_two_rings_reproducible(spectral_clustering):
    """Varies: test_rings_knn (k=2, the default options, reproducibility)."""
    Y, C = rings(200, rng=3)
    Y, truth = Y[:, 200:], to_labels(C)[200:]  # the two outer rings
    label = "spectral_clustering(Y, 2, rng=5) on the two outer rings"
    a = spectral_clustering(Y, 2, rng=5)
    b = spectral_clustering(Y, 2, rng=5)
    check_recovers(label, a, truth, 2)
    check(np.array_equal(a, b), label, "the same seed must give the same labels")
