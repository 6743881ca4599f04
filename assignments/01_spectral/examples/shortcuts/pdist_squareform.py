"""squared_distances by scipy.spatial.distance.pdist and squareform, imported in the function.

Loses: q1 q2 q6
"""


def squared_distances(Y):
    from scipy.spatial.distance import pdist as _pd
    from scipy.spatial.distance import squareform as _sq

    return _sq(_pd(np.asarray(Y, dtype=float).T, "sqeuclidean"))
