"""squared_distances by scipy.spatial.distance.cdist (sqeuclidean).

Loses: q1 q2 q6
"""

import scipy.spatial.distance


def squared_distances(Y):
    Y = np.asarray(Y, dtype=float)
    D = scipy.spatial.distance.cdist(Y.T, Y.T, "sqeuclidean")
    np.fill_diagonal(D, 0.0)
    return D
