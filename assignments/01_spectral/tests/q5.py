"""q5: kmeans (6 points)."""

import numpy as np
from otter.test_files import test_case

from numdl.checks import (
    adjusted_rand_index,
    call_pure,
    check,
    check_array,
    check_labels,
    same_partition,
)

OK_FORMAT = False

name = "q5"
points = 6


def blobs(seed, centers, n_per=30, spread=0.3):
    rng = np.random.default_rng(seed)
    centers = np.asarray(centers, float)
    Y = np.hstack(
        [c[:, None] + spread * rng.standard_normal((centers.shape[0], n_per)) for c in centers.T]
    )
    return Y, np.repeat(np.arange(centers.shape[1]), n_per)


def objective(Y, labels, centers):
    return float(np.sum((Y - centers[:, labels]) ** 2))


def nearest(Y, centers):
    return np.argmin(((Y[:, :, None] - centers[:, None, :]) ** 2).sum(0), axis=1)


def check_result(label, Y, k, out):
    check(isinstance(out, tuple) and len(out) == 3, label, "must return (labels, centers, hist)")
    labels, centers, hist = out
    n_f, n = Y.shape
    check_labels(label + ", labels", labels, n, k)
    check_array(label + ", centers", centers, shape=(n_f, k))
    check(
        isinstance(hist, dict) and "objective" in hist,
        label,
        "hist must be a dict with key 'objective'",
    )
    obj = np.asarray(hist["objective"], dtype=float)
    check(obj.ndim == 1 and obj.size >= 1, label, "hist['objective'] must be a non-empty list")
    return labels, centers, obj


@test_case(points=1.5)
def test_separated_blobs(kmeans):
    Y, truth = blobs(0, [[0, 5, 0], [0, 0, 5]])
    label = "kmeans(Y, 3, rng=0), three separated blobs (2, 90)"
    labels, centers, _ = check_result(label, Y, 3, call_pure(label, kmeans, Y, 3, rng=0))
    same_partition(label, labels, truth)
    means = np.stack([Y[:, labels == j].mean(1) for j in range(3)], axis=1)
    check_array(label + ", centers = cluster means", centers, means, rtol=1e-10)


@test_case(points=1)
def test_history(kmeans):
    Y = np.random.default_rng(1).uniform(size=(2, 200))
    label = "kmeans(Y, 6, rng=1), uniform points (2, 200)"
    labels, centers, obj = check_result(label, Y, 6, kmeans(Y, 6, rng=1))
    check(
        np.all(np.diff(obj) <= 1e-10 * obj[0]),
        label,
        f"hist['objective'] must be non-increasing, got {np.round(obj, 6).tolist()}",
    )
    check(
        abs(obj[-1] - objective(Y, labels, centers)) <= 1e-9 * obj[-1],
        label,
        f"the last objective {obj[-1]:.10g} must be that of the returned labels and centers "
        f"({objective(Y, labels, centers):.10g})",
    )
    check(
        np.array_equal(labels, nearest(Y, centers)),
        label,
        "at convergence every point must be assigned to its nearest center",
    )


@test_case(points=0.5)
def test_seeding_entry_and_same_seed(kmeans):
    Y, _ = blobs(6, [[0, 4], [0, 1]], n_per=10)
    label = "kmeans(Y, 2, max_iter=0, rng=3), two blobs (2, 20)"
    labels, centers, obj = check_result(label, Y, 2, kmeans(Y, 2, max_iter=0, rng=3))
    check(obj.size == 1, label, f"with max_iter=0 hist['objective'] has one entry, got {obj.size}")
    dist = ((Y[:, :, None] - centers[:, None, :]) ** 2).sum(0).min(0)
    check(np.all(dist < 1e-20), label, "k-means++ seeds must be data points (columns of Y)")
    check(np.array_equal(labels, nearest(Y, centers)), label, "points go to their nearest seed")
    check(
        abs(obj[0] - objective(Y, labels, centers)) <= 1e-9 * obj[0],
        label,
        "hist['objective'][0] must be the objective after assigning points to the seeds",
    )
    label = "kmeans(Y, 2, rng=3) twice, two blobs (2, 20)"
    a, b = kmeans(Y, 2, rng=3)[0], kmeans(Y, 2, rng=3)[0]
    check(np.array_equal(a, b), label, "the same int seed must give the same labels")


@test_case(points=1, hidden=True)
def test_history_starts_at_seeding(kmeans):
    """Varies: test_seeding_entry_and_same_seed (random data, k=4, and max_iter=1)."""
    Y = np.random.default_rng(2).standard_normal((3, 50))
    label = "kmeans(Y, 4, max_iter=0, rng=2)"
    labels, centers, obj = check_result(label, Y, 4, kmeans(Y, 4, max_iter=0, rng=2))
    check(obj.size == 1, label, f"with max_iter=0 hist['objective'] has one entry, got {obj.size}")
    dist = ((Y[:, :, None] - centers[:, None, :]) ** 2).sum(0).min(0)
    check(np.all(dist < 1e-20), label, "k-means++ seeds must be data points")
    check(np.array_equal(labels, nearest(Y, centers)), label, "points go to their nearest seed")
    check(
        abs(obj[0] - objective(Y, labels, centers)) <= 1e-9 * obj[0],
        label,
        "hist['objective'][0] must be the objective after assigning points to the seeds",
    )
    label = "kmeans(Y, 4, max_iter=1, rng=2)"
    _, _, obj1 = check_result(label, Y, 4, kmeans(Y, 4, max_iter=1, rng=2))
    check(
        obj1.size == 2, label, f"one iteration gives 2 history entries (start + 1), got {obj1.size}"
    )
    check(abs(obj1[0] - obj[0]) <= 1e-9 * obj[0], label, "the same seed must give the same seeding")


@test_case(points=1, hidden=True)
def test_rng_contract(kmeans):
    """Varies: test_seeding_entry_and_same_seed (int seeds, Generators, different seeds)."""
    Y = np.random.default_rng(3).uniform(size=(2, 120))
    label = "kmeans(Y, 5, rng=...) on uniform points"
    a = kmeans(Y, 5, rng=7)[0]
    b = kmeans(Y, 5, rng=7)[0]
    c = kmeans(Y, 5, rng=np.random.default_rng(7))[0]
    d = kmeans(Y, 5, rng=np.random.default_rng(7))[0]
    check(np.array_equal(a, b), label, "the same int seed must give the same result")
    check(np.array_equal(c, d), label, "equally seeded Generators must give the same result")
    parts = [kmeans(Y, 5, rng=s)[0] for s in range(8)]
    aris = [adjusted_rand_index(parts[0], p) for p in parts[1:]]
    check(min(aris) < 0.999, label, "different seeds never changed the result: is rng used?")


@test_case(points=1, hidden=True)
def test_rectangular_and_max_iter(kmeans):
    """Varies: test_separated_blobs (5-D blobs) and test_history (max_iter bounds the history)."""
    Y, truth = blobs(4, np.diag([6.0, 6.0, 6.0, 6.0, 0.0])[:, :4], n_per=15, spread=0.5)
    label = "kmeans(Y, 4, rng=4), four blobs in 5-D (5, 60)"
    labels, centers, _ = check_result(label, Y, 4, kmeans(Y, 4, rng=4))
    same_partition(label, labels, truth)
    Z = np.random.default_rng(5).uniform(size=(2, 300))
    label = "kmeans(Z, 8, max_iter=2, rng=5)"
    _, _, obj = check_result(label, Z, 8, kmeans(Z, 8, max_iter=2, rng=5))
    check(obj.size <= 3, label, f"max_iter=2 allows at most 3 history entries, got {obj.size}")
