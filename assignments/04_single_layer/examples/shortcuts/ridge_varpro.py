"""varpro_lsq_loss with the optimal W from sklearn's Ridge (the rest from the reference).

Loses: q5
"""

from sklearn.linear_model import Ridge

_reference_varpro = varpro_lsq_loss


def varpro_lsq_loss(K, b, Y, C, act=tanh, lam=1e-3):
    E, grads, W = _reference_varpro(K, b, Y, C, act=act, lam=lam)
    if lam > 0:
        Z, _ = single_layer(K, b, Y, act)
        W = Ridge(alpha=lam, fit_intercept=False).fit(Z.T, np.asarray(C, float).T).coef_
    return E, grads, W
