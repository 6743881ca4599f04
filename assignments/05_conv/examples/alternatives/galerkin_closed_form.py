"""Galerkin coarsening and prolongation in closed form, without any matrix.

Multiplying out ``R K_f(theta) P`` for ``theta = (a, b, c)`` gives the coarse stencil
``(a/2 + b/8, a/2 + 3b/4 + c/2, b/8 + c/2)``; inverting these three equations,
``b = 2 (t1 - t0 - t2)``, ``a = 2 t0 - b/4``, ``c = 2 t2 - b/4``.
"""

import numpy as np


def galerkin_coarsen(theta):
    a, b, c = np.asarray(theta, dtype=float)
    return np.array([a / 2 + b / 8, a / 2 + 3 * b / 4 + c / 2, b / 8 + c / 2])


def galerkin_prolong(theta_c):
    t0, t1, t2 = np.asarray(theta_c, dtype=float)
    b = 2.0 * (t1 - t0 - t2)
    return np.array([2.0 * t0 - b / 4, b, 2.0 * t2 - b / 4])
