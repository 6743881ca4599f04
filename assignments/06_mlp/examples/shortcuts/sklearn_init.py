"""init_params that draws its seed through sklearn.utils.check_random_state.

Loses: q1 q6
"""

from sklearn.utils import check_random_state

_reference_init_params = init_params


def init_params(*args, **kwargs):
    check_random_state(0)
    return _reference_init_params(*args, **kwargs)
