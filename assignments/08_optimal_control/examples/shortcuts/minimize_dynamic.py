"""node_loss that calls scipy.optimize.minimize, reached by importlib (values from the
reference).

Loses: q6
Flagged: dynamic
"""

import importlib

_reference_node_loss = node_loss


def node_loss(*args, **kwargs):
    out = _reference_node_loss(*args, **kwargs)
    importlib.import_module("scipy.optimize").minimize(lambda x: float(x @ x), np.ones(2))
    return out
