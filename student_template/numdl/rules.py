"""The course's "from scratch" rule: the routines each module asks you to implement yourself.

(Provided; not graded.) Graded modules may use numpy, scipy, the provided ``numdl`` modules
and earlier graded modules. They may not call a routine that does the graded work for them.
A routine listed here for a module, called while a graded function of that module runs
(directly or through one of your helpers), costs the question that made the call its points,
with a message naming the routine. Your notebook's ``grader.check("qK")``, ``make check`` and
the grader report it the same way. Using a routine by dynamic means (``__import__``,
``importlib``, ``getattr`` with a computed name, ``exec``/``eval``, ``ctypes``,
``sys.modules``) is flagged for the instructor's review.

This file is the one place of the rule: the grader, ``make check``, the notebook checks, the
student README, the stub headers and the handouts all read it.

An entry is either a routine (``"numpy.linalg.lstsq"``) or a whole module or package
(``"scipy.optimize"``: every routine in it, including its private submodules).
"""

from __future__ import annotations

__all__ = [
    "EVERY_MODULE",
    "FORBIDDEN",
    "BEHIND",
    "ALLOWED",
    "DYNAMIC",
    "forbidden",
    "is_forbidden",
    "message",
    "markdown",
    "docstring",
]

#: Forbidden in every module: libraries that would do the deep learning for you.
EVERY_MODULE: tuple[str, ...] = ("sklearn", "torch", "jax", "tensorflow", "autograd")

_ITERATIVE = tuple(
    f"scipy.sparse.linalg.{name}"
    for name in (
        "lsqr",
        "lsmr",
        "cg",
        "cgs",
        "minres",
        "gmres",
        "lgmres",
        "bicg",
        "bicgstab",
        "qmr",
        "gcrotmk",
        "tfqmr",
    )
)

#: The forbidden routines of each module (on top of :data:`EVERY_MODULE`), as in the
#: contract's table (``API.md``, "From scratch: building blocks and forbidden shortcuts").
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "spectral": ("scipy.spatial.distance", "scipy.sparse.csgraph", "scipy.cluster"),
    "least_squares": (
        "numpy.linalg.lstsq",
        "numpy.linalg.pinv",
        "scipy.linalg.lstsq",
        "scipy.linalg.pinv",
        "scipy.linalg.pinvh",
        *_ITERATIVE,
        "scipy.optimize",
    ),
    "classification": (
        "scipy.special.softmax",
        "scipy.special.log_softmax",
        "scipy.special.logsumexp",
        *_ITERATIVE,
        "scipy.optimize",
    ),
    "single_layer": ("scipy.optimize",),
    "conv": (
        "scipy.ndimage",
        "scipy.signal",
        "numpy.convolve",
        "numpy.correlate",
        "scipy.linalg.toeplitz",
        "scipy.linalg.circulant",
        "scipy.linalg.convolution_matrix",
    ),
    "mlp": ("scipy.optimize",),
    "resnet": ("scipy.integrate", "scipy.optimize"),
    "optimal_control": ("scipy.integrate", "scipy.optimize"),
}

#: Compiled functions that do the work of a forbidden Python-level routine: calling them
#: directly counts as calling the routine (the grader watches them too).
BEHIND: dict[str, tuple[str, ...]] = {
    "numpy.linalg.lstsq": ("numpy.linalg._umath_linalg.lstsq",),
    "numpy.convolve": ("numpy._core.multiarray.correlate",),
    "numpy.correlate": ("numpy._core.multiarray.correlate2",),
}

#: Building blocks that stay allowed (everything not forbidden is allowed; these are named
#: so that nobody has to guess).
ALLOWED: tuple[str, ...] = (
    "factorizations and solves: `numpy.linalg.solve`, `cholesky`, `qr`, `svd`, `eigh`, `eig`, "
    "`eigvals`; the factorizations and triangular solves of `scipy.linalg`; "
    "`scipy.sparse.linalg` `spsolve`, `splu`, `eigsh`",
    "the FFT: `numpy.fft`, `scipy.fft`",
    "sparse matrices: `scipy.sparse`",
    "the other `scipy.special` functions",
    "`numpy.lib.stride_tricks`",
)

#: Dynamic means of reaching a routine; code that uses them is flagged for review.
DYNAMIC: tuple[str, ...] = (
    "`__import__`",
    "`importlib`",
    "`getattr` with a computed name",
    "`exec`/`eval`",
    "`ctypes`",
    "`sys.modules`",
)


def forbidden(module: str) -> tuple[str, ...]:
    """The forbidden entries of ``module`` (its own and those of every module).

    Parameters
    ----------
    module : str
        A graded module, e.g. ``"classification"`` (a module without a row of its own gets
        the rule of every module).

    Returns
    -------
    tuple of str
        Dotted names: routines (``"scipy.special.softmax"``) or whole modules
        (``"scipy.optimize"``).
    """
    return FORBIDDEN.get(module, ()) + EVERY_MODULE


def is_forbidden(module: str, name: str) -> str | None:
    """The entry of ``module``'s rule that the dotted ``name`` falls under, else ``None``.

    ``"scipy.optimize._minimize.minimize"`` falls under ``"scipy.optimize"``; a compiled
    function of :data:`BEHIND` falls under the routine it implements.
    """
    for entry in forbidden(module):
        if name == entry or name.startswith(entry + "."):
            return entry
        if name in BEHIND.get(entry, ()):
            return entry
    return None


def message(function: str, routine: str) -> str:
    """The feedback for a forbidden call, e.g. ``message("softmax", "scipy.special.softmax")``."""
    return (
        f"`{function}` called `{routine}`, which this module asks you to implement yourself "
        "(see the module's rules)"
    )


def _names(entries) -> str:
    return ", ".join(f"`{e}`" for e in entries)


def markdown(module: str) -> str:
    """The module's rule as Markdown (for the handout and the student README)."""
    own = FORBIDDEN[module] if module in FORBIDDEN else ()
    lines = [
        "**From scratch.** Your functions may use numpy, scipy, the provided `numdl` modules "
        "and earlier modules, but not a routine that does the graded work for you. "
        f"In this module do not call {_names(own)}; in no module call {_names(EVERY_MODULE)} "
        "(a module's name stands for everything in it). A question whose functions call one "
        "of them scores 0, and `grader.check`, `make check` and the grader say which call it "
        "was. Reaching routines by dynamic means "
        f"({', '.join(DYNAMIC)}) is flagged for the instructor's review.",
        "",
        "Allowed building blocks include " + "; ".join(ALLOWED) + ".",
    ]
    return "\n".join(lines)


def docstring(module: str) -> str:
    """The module's rule as plain text for the stub's module docstring (lines of <= 90)."""
    import textwrap

    own = ", ".join(FORBIDDEN[module])
    text = (
        f"From scratch: in this module do not call {own}; in no module call "
        f"{', '.join(EVERY_MODULE)} (a module's name stands for everything in it). A question "
        "whose functions call one of them scores 0. Everything else of numpy and scipy is "
        "allowed (factorizations and solves, the FFT, scipy.sparse, the other scipy.special "
        "functions, numpy.lib.stride_tricks). See numdl/rules.py and the README."
    )
    return textwrap.fill(text, 90)
