"""q6: spectral_clustering (4 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

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
