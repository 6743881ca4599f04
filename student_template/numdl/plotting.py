"""Plotting helpers for the handouts (matplotlib). Each function returns the ``Axes`` it drew on."""

from __future__ import annotations

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "scatter_labels",
    "decision_regions",
    "convergence",
    "taylor_plot",
    "matrix_image",
    "spectrum",
]


def _ax(ax):
    return plt.subplots(figsize=(4.5, 4))[1] if ax is None else ax


def scatter_labels(Y: np.ndarray, labels=None, ax=None, title: str = "", s: float = 6, **kw):
    """Scatter the 2-D columns of ``Y`` coloured by integer ``labels`` (or one-hot ``C``).

    Pass ``c=values, cmap=...`` instead of ``labels`` to colour by a real-valued vector.
    """
    ax = _ax(ax)
    if labels is not None and np.ndim(labels) == 2:
        labels = np.argmax(labels, axis=0)
    kw.setdefault("c", labels)
    if "cmap" not in kw:  # integer labels: class k gets colour k of tab10, as in decision_regions
        kw.update(cmap="tab10", vmin=-0.5, vmax=9.5)
    ax.scatter(Y[0], Y[1], s=s, **kw)
    ax.set_aspect("equal")
    ax.set_title(title)
    return ax


def decision_regions(
    predict: Callable[[np.ndarray], np.ndarray],
    Y: np.ndarray,
    labels=None,
    ax=None,
    title: str = "",
    resolution: int = 200,
):
    """Colour the plane by ``predict(points)`` (labels of the columns of a ``(2, N)`` grid)."""
    ax = _ax(ax)
    lo, hi = Y.min(axis=1), Y.max(axis=1)
    pad = 0.05 * (hi - lo)
    g1, g2 = np.meshgrid(
        np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution),
        np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution),
    )
    Z = np.asarray(predict(np.vstack([g1.ravel(), g2.ravel()]))).reshape(g1.shape)
    ax.contourf(g1, g2, Z, alpha=0.3, cmap="tab10", levels=np.arange(11) - 0.5, vmin=-0.5, vmax=9.5)
    if labels is not None:
        scatter_labels(Y, labels, ax=ax, s=4)
    ax.set_title(title)
    return ax


def convergence(histories: dict[str, list[float]], ax=None, title: str = "", ylabel: str = ""):
    """Semilogy plot of several histories ``{label: values}`` against the iteration."""
    ax = _ax(ax)
    for label, values in histories.items():
        ax.semilogy(
            np.arange(len(values)), np.maximum(np.asarray(values, float), 1e-300), label=label
        )
    ax.set_xlabel("iteration")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return ax


def taylor_plot(table: np.ndarray, ax=None, title: str = "derivative check"):
    """Log-log plot of a derivative-check table (rows ``[h, E0, E1]``) with O(h), O(h^2) guides."""
    ax = _ax(ax)
    h, E0, E1 = table[:, 0], table[:, 1], table[:, 2]
    ax.loglog(h, E0, "o-", label="E0")
    ax.loglog(h, E1, "s-", label="E1")
    ax.loglog(h, E0[0] * h / h[0], "k:", label="O(h)")
    ax.loglog(h, E1[0] * (h / h[0]) ** 2, "k--", label="O(h^2)")
    ax.set_xlabel("h")
    ax.set_title(title)
    ax.legend()
    return ax


def matrix_image(A: np.ndarray, ax=None, title: str = "", cmap: str = "RdBu_r"):
    """Show a matrix as an image with a symmetric colour scale."""
    ax = _ax(ax)
    A = np.asarray(A.toarray() if hasattr(A, "toarray") else A, dtype=float)
    v = np.abs(A).max() or 1.0
    im = ax.imshow(A, cmap=cmap, vmin=-v, vmax=v)
    plt.colorbar(im, ax=ax, fraction=0.046)
    ax.set_title(title)
    return ax


def spectrum(values: np.ndarray, ax=None, title: str = "", label: str | None = None):
    """Plot eigenvalues: real ones against their index, complex ones in the complex plane."""
    ax = _ax(ax)
    values = np.asarray(values)
    if np.iscomplexobj(values) and np.abs(values.imag).max() > 0:
        ax.plot(values.real, values.imag, "o", label=label)
        ax.set_xlabel("Re")
        ax.set_ylabel("Im")
    else:
        ax.plot(np.arange(values.size), np.real(values), "o", label=label)
        ax.set_xlabel("index")
    if label:
        ax.legend()
    ax.set_title(title)
    return ax
