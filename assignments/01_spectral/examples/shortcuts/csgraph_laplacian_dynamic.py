"""graph_laplacian by scipy.sparse.csgraph.laplacian, reached through importlib.

Loses: q3 q6
Flagged: dynamic
"""

import importlib


def graph_laplacian(Wg, normalized=False):
    csgraph = importlib.import_module("scipy.sparse." + "csgraph")
    return csgraph.laplacian(Wg, normed=normalized)
