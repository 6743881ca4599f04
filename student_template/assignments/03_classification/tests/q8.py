"""q8: predict and accuracy (3 points)."""
# Public test cases only. Hidden test cases exist for this question and run at grading time.

import numpy as np
from otter.test_files import test_case

from numdl.checks import call_pure, check, check_array, check_scalar
from numdl.datasets import digits

OK_FORMAT = False

name = "q8"
points = 3


@test_case(points=1)
def test_predict_against_brute_force(predict):
    rng = np.random.default_rng(0)
    W, Y = rng.standard_normal((4, 3)), rng.standard_normal((3, 9))
    label = "predict(W, Y), W (4, 3), Y (3, 9)"
    labels = call_pure(label, predict, W, Y)
    S = W @ Y
    expected = np.array([max(range(4), key=lambda i: S[i, j]) for j in range(9)])
    check_array(label, labels, expected, kind="int", atol=0)


@test_case(points=1)
def test_accuracy_on_digits(accuracy):
    # a least-squares classifier on the first 1000 digits, evaluated on the rest
    Y, C = digits()
    Yb = np.vstack([Y, np.ones(Y.shape[1])])
    W = np.linalg.lstsq(Yb[:, :1000].T, C[:, :1000].T, rcond=None)[0].T
    Yt, Ct = Yb[:, 1000:], C[:, 1000:]
    label = "accuracy(W, Y, C) for a least-squares classifier on 797 digits"
    acc = call_pure(label, accuracy, W, Yt, Ct)
    S = W @ Yt
    right = sum(int(np.argmax(S[:, j]) == np.argmax(Ct[:, j])) for j in range(Yt.shape[1]))
    check(
        isinstance(acc, float | np.floating), label, f"expected a float, got {type(acc).__name__}"
    )
    check_scalar(label, acc, right / Yt.shape[1], rtol=1e-12)
