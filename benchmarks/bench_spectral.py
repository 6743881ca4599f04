"""Module 01: ``spectral_clustering`` vs scikit-learn's ``SpectralClustering`` on the same graph.

Both start from the rings (n = 3000) and the same kNN similarity graph (our
``similarity_graph``, timed on both sides); scikit-learn gets it as a precomputed affinity.
"""

from __future__ import annotations

import warnings

from benchmarks.timing import Row, median_time
from numdl import datasets
from numdl.checks import adjusted_rand_index
from numdl.spectral import similarity_graph, spectral_clustering


def run() -> list[Row]:
    from sklearn.cluster import SpectralClustering

    Y, C = datasets.rings(1000, rng=0)
    truth = datasets.labels(C)
    kw = dict(sigma=1.0, kind="knn", n_neighbors=10)
    out = {}

    def ours():
        out["ours"] = spectral_clustering(Y, 3, rng=0, **kw)

    def theirs():
        W = similarity_graph(Y, **kw)
        model = SpectralClustering(3, affinity="precomputed", random_state=0, n_init=10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out["theirs"] = model.fit_predict(W)

    t_ours, t_theirs = median_time(ours, repeat=3), median_time(theirs, repeat=3)
    ari_o, ari_t = (
        adjusted_rand_index(out["ours"], truth),
        adjusted_rand_index(out["theirs"], truth),
    )
    return [
        Row(
            "spectral_clustering, rings n=3000, kNN graph",
            f"{t_ours:.3f} s, ARI {ari_o:.3f}",
            f"sklearn SpectralClustering {t_theirs:.3f} s, ARI {ari_t:.3f}",
            t_ours / t_theirs,
            "ratio <= 1 at equal or better ARI",
            t_ours <= t_theirs and ari_o >= ari_t - 1e-12,
        )
    ]
