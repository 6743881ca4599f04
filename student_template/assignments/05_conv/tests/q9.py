"""q9: norm_layer and norm_layer_vjp, batch and instance normalization (8 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import (
    call_pure,
    check,
    check_adjoint,
    check_array,
    check_raises,
    check_taylor,
    taylor_table,
)

OK_FORMAT = False

name = "q9"
points = 8

AXES = {"batch": (0, 1, 3), "instance": (0, 1)}


def images(shape, seed):
    """Images with a different offset and scale per channel and image (a hard case to normalize)."""
    rng = np.random.default_rng(seed)
    H, W, c, N = shape
    offset = rng.uniform(-3, 3, (1, 1, c, N))
    scale = rng.uniform(0.3, 2.0, (1, 1, c, N))
    return offset + scale * rng.standard_normal(shape)


def normalized(norm_layer, Y, kind, eps, label):
    out = call_pure(label, norm_layer, Y, kind=kind, eps=eps)
    check(isinstance(out, tuple) and len(out) == 2, label, "must return a pair (Z, cache)")
    return check_array(label + ", Z", out[0], shape=Y.shape), out[1]


def check_statistics(norm_layer, Y, kind, eps, label):
    """Per group: mean(Z) = 0 and the biased variance var(Z) = s2 / (s2 + eps), s2 = var(Y)."""
    Z, _ = normalized(norm_layer, Y, kind, eps, label)
    axes = AXES[kind]
    check_array(f"{label}, mean of Z over the axes {axes}", Z.mean(axis=axes),
                np.zeros(Z.mean(axis=axes).shape), atol=1e-12)
    s2 = np.var(Y, axis=axes)
    check_array(f"{label}, biased variance of Z over the axes {axes} (s2 / (s2 + eps))",
                np.var(Z, axis=axes), s2 / (s2 + eps), rtol=1e-10)


@test_case(points=1)
def test_batch_norm_mean_and_variance(norm_layer):
    Y = images((5, 4, 3, 6), 0)
    check_statistics(norm_layer, Y, "batch", 1e-5, "norm_layer(Y, kind='batch', eps=1e-5), Y (5, 4, 3, 6)")


@test_case(points=1)
def test_instance_norm_mean_and_variance(norm_layer):
    Y = images((4, 6, 2, 3), 1)
    check_statistics(norm_layer, Y, "instance", 1e-5,
                     "norm_layer(Y, kind='instance', eps=1e-5), Y (4, 6, 2, 3)")


@test_case(points=1)
def test_small_example_by_hand(norm_layer):
    # one channel, two 2x2 images: [[1, 3], [5, 7]] and [[0, 0], [2, 2]]; eps = 0.25
    Y = np.zeros((2, 2, 1, 2))
    Y[:, :, 0, 0] = [[1, 3], [5, 7]]
    Y[:, :, 0, 1] = [[0, 0], [2, 2]]
    # batch: all 8 values, mean 2.5, biased variance 42 / 8 = 5.25
    label = "norm_layer(Y, kind='batch', eps=0.25) on the two 2x2 images [[1, 3], [5, 7]], [[0, 0], [2, 2]]"
    Z, _ = normalized(norm_layer, Y, "batch", 0.25, label)
    check_array(label, Z, (Y - 2.5) / np.sqrt(5.25 + 0.25), rtol=1e-12)
    # instance: image 1 has mean 4 and variance 5, image 2 mean 1 and variance 1
    expected = np.zeros_like(Y)
    expected[:, :, 0, 0] = (Y[:, :, 0, 0] - 4) / np.sqrt(5 + 0.25)
    expected[:, :, 0, 1] = (Y[:, :, 0, 1] - 1) / np.sqrt(1 + 0.25)
    label = label.replace("'batch'", "'instance'")
    Z, _ = normalized(norm_layer, Y, "instance", 0.25, label)
    check_array(label, Z, expected, rtol=1e-12)


@test_case(points=0.5)
def test_unknown_kind_raises(norm_layer):
    check_raises("norm_layer(Y, kind='layer')", ValueError, norm_layer, images((3, 3, 2, 2), 2), kind="layer")


def vjp_taylor(norm_layer, norm_layer_vjp, Y, kind, eps, label, seed):
    """Taylor test of phi(Y) = <norm_layer(Y), U> with the gradient norm_layer_vjp(cache, U)."""
    rng = np.random.default_rng(seed)
    U, dY = rng.standard_normal(Y.shape), rng.standard_normal(Y.shape)
    Z0, cache = normalized(norm_layer, Y, kind, eps, label)
    gY = check_array(label + ", norm_layer_vjp(cache, U)", call_pure(label, norm_layer_vjp, cache, U),
                     shape=Y.shape)
    phi = lambda h: np.vdot(norm_layer(Y + h * dY, kind=kind, eps=eps)[0], U)
    check_taylor(label + " (Taylor test of <Z, U> in Y)", taylor_table(phi, np.vdot(Z0, U), np.vdot(gY, dY)),
                 scale=np.linalg.norm(Z0) * np.linalg.norm(U))


@test_case(points=1)
def test_vjp_taylor_both_kinds(norm_layer, norm_layer_vjp):
    Y = images((5, 4, 3, 6), 3)
    for kind in ("batch", "instance"):
        vjp_taylor(norm_layer, norm_layer_vjp, Y, kind, 1e-5,
                   f"norm_layer_vjp for kind='{kind}', eps=1e-5, Y (5, 4, 3, 6)", seed=4)


@test_case(points=1)
def test_vjp_adjoint_symmetric_jacobian(norm_layer, norm_layer_vjp):
    # the Jacobian of a normalization is symmetric: <J^T U, V> = <U, J^T V>
    Y = images((3, 5, 2, 4), 5)
    rng = np.random.default_rng(6)
    U, V = rng.standard_normal(Y.shape), rng.standard_normal(Y.shape)
    for kind in ("batch", "instance"):
        label = f"norm_layer_vjp for kind='{kind}', eps=1e-5, Y (3, 5, 2, 4): <J^T U, V> = <U, J^T V>"
        _, cache = normalized(norm_layer, Y, kind, 1e-5, label)
        JTU = check_array(label + ", J^T U", norm_layer_vjp(cache, U), shape=Y.shape)
        JTV = check_array(label + ", J^T V", norm_layer_vjp(cache, V), shape=Y.shape)
        check_adjoint(label, JTU, V, U, JTV, rtol=1e-12)


SHAPES = [((6, 3, 1, 5), "batch", 1e-5), ((3, 7, 4, 1), "instance", 1e-5), ((5, 2, 1, 1), "instance", 0.1),
          ((2, 9, 2, 3), "batch", 0.5)]
