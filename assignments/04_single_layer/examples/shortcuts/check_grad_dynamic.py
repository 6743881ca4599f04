"""nn_loss that cross-checks its W-gradient with scipy.optimize.check_grad, reached by
importlib and getattr (the values are the reference's).

Loses: q4
Flagged: dynamic
"""

import importlib

_reference_nn_loss = nn_loss


def nn_loss(K, b, W, Y, C, act=tanh, lam=0.0):
    E, grads = _reference_nn_loss(K, b, W, Y, C, act=act, lam=lam)
    opt = importlib.import_module("scipy.optimize")
    check = getattr(opt, "check" + "_grad")
    W = np.asarray(W, float)

    def loss(w):
        return _reference_nn_loss(K, b, w.reshape(W.shape), Y, C, act=act, lam=lam)

    check(lambda w: loss(w)[0], lambda w: loss(w)[1][2].ravel(), W.ravel())
    return E, grads
