"""Check helpers used by the otter test files (provided; not graded).

Every helper takes a *label* first, e.g. ``"kmeans(Y, k=3) on the rings"``, checks type and
shape before values, and raises :class:`CheckError` (an ``AssertionError``) with a message
that names the label, what was expected and what was found, and the error against its
tolerance. The same helpers run in your notebook, in ``make check`` and in the grader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from numdl import hints

__all__ = [
    "CheckError",
    "check",
    "check_array",
    "check_scalar",
    "check_shape",
    "check_labels",
    "check_raises",
    "call_pure",
    "rel_error",
    "taylor_table",
    "check_taylor",
    "check_adjoint",
    "adjusted_rand_index",
    "same_partition",
]

EPS = np.finfo(float).eps


class CheckError(AssertionError):
    """A failed check; its message is written for the student.

    Raised inside a test case, it also carries the failure's signature (``failure``: which
    check failed, on which input, with which numbers) and, when that signature matches a
    known mistake, a one-line ``hint`` (see :mod:`numdl.hints`), shown after the message.
    """

    def __init__(self, message: str, check: str = "check", label: str = "", values=()) -> None:
        super().__init__(message)
        self.failure = hints.failure_of(check, label, values)
        self.hint = hints.hint_for(self.failure)

    def __str__(self) -> str:
        text = super().__str__()
        return text if self.hint is None else f"{text}\nHint: {self.hint}"


def _sketch(a: np.ndarray) -> tuple[float, float]:
    """Two numbers that tell arrays apart: the norm and a fixed pseudo-random projection of
    the normalized array (the same array gives the same numbers in any implementation)."""
    a = np.asarray(a)
    norm = float(np.linalg.norm(a))
    r = np.cos(1.0 + 0.7548776662 * np.arange(a.size)) if a.size else np.zeros(0)
    proj = float(np.real(np.dot(r, a.ravel()))) / norm if norm > 0 else 0.0
    return norm, proj


def check(condition: Any, label: str, message: str) -> None:
    """Raise :class:`CheckError` ``"label: message"`` unless ``condition`` is true."""
    if not bool(condition):
        numbers = [float(x) for x in hints.NUMBER.findall(message)]
        raise CheckError(
            f"{label}: {message}", "check", label, [hints.NUMBER.sub("#", message), *numbers]
        )


def _fmt_shape(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def rel_error(actual, expected) -> float:
    """``||actual - expected|| / ||expected||`` (absolute error when ``expected`` is 0)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    den = np.linalg.norm(expected)
    num = np.linalg.norm(actual - expected)
    return float(num / den) if den > 0 else float(num)


def check_shape(label: str, actual: Any, shape: Sequence[int]) -> np.ndarray:
    """Check that ``actual`` is a numpy array of the given shape; return it."""
    if not isinstance(actual, np.ndarray):
        raise CheckError(
            f"{label}: expected a numpy array of shape {_fmt_shape(shape)}, "
            f"got {type(actual).__name__}",
            "shape.type",
            label,
            [type(actual).__name__],
        )
    if tuple(actual.shape) != tuple(shape):
        raise CheckError(
            f"{label}: expected shape {_fmt_shape(shape)}, got shape {_fmt_shape(actual.shape)}",
            "shape.shape",
            label,
            [_fmt_shape(actual.shape)],
        )
    return actual


_KINDS = {"float": "fc", "real": "f", "int": "iu", "complex": "c", "bool": "b", "number": "iufc"}


def check_array(
    label: str,
    actual: Any,
    expected: Any = None,
    *,
    shape: Sequence[int] | None = None,
    kind: str = "float",
    rtol: float = 1e-8,
    atol: float = 0.0,
) -> np.ndarray:
    """Check type, shape, dtype kind, finiteness and (optionally) values of an array.

    Values pass when ``||actual - expected|| <= rtol ||expected|| + atol`` (Frobenius norms).
    ``kind`` is one of ``float`` (real or complex floats), ``real``, ``int``, ``complex``,
    ``bool``, ``number``.
    """
    if expected is not None:
        expected = np.asarray(expected)
        shape = expected.shape if shape is None else shape
    if shape is not None:
        check_shape(label, actual, shape)
    elif not isinstance(actual, np.ndarray):
        raise CheckError(
            f"{label}: expected a numpy array, got {type(actual).__name__}",
            "array.type",
            label,
            [type(actual).__name__],
        )
    if actual.dtype.kind not in _KINDS[kind] and not (
        kind in ("float", "real", "number") and actual.dtype.kind in "iu" and expected is not None
    ):
        raise CheckError(
            f"{label}: expected a {kind} array, got dtype {actual.dtype}",
            "array.dtype",
            label,
            [actual.dtype.kind],
        )
    if actual.dtype.kind in "fc" and not np.all(np.isfinite(actual)):
        bad = np.argwhere(~np.isfinite(actual))[0]
        raise CheckError(
            f"{label}: non-finite value {actual[tuple(bad)]} at index {tuple(bad)}",
            "array.finite",
            label,
            [str(actual[tuple(bad)]), str(tuple(bad))],
        )
    if expected is not None:
        err = float(np.linalg.norm(actual - expected))
        tol = rtol * float(np.linalg.norm(expected)) + atol
        if not err <= tol:
            diff = np.abs(actual - expected)
            i = tuple(int(j) for j in np.unravel_index(np.argmax(diff), diff.shape))
            where = (
                f" (largest difference at index {i}: expected {expected[i]:.6g}, got "
                f"{actual[i]:.6g})"
                if diff.ndim
                else f" (expected {expected:.6g}, got {actual:.6g})"
            )
            raise CheckError(
                f"{label}: wrong values, error {err:.3e} (relative "
                f"{rel_error(actual, expected):.3e}) exceeds tolerance {tol:.3e}{where}",
                "array.values",
                label,
                [rel_error(actual, expected), *_sketch(actual)],
            )
    return actual


def check_scalar(
    label: str, actual: Any, expected: float | None = None, *, rtol: float = 1e-8, atol: float = 0.0
) -> float:
    """Check that ``actual`` is a real scalar (Python, numpy or 0-d array) near ``expected``."""
    if isinstance(actual, np.ndarray) and actual.size == 1 and actual.ndim <= 1:
        actual = actual.reshape(())[()]
    if isinstance(actual, bool | np.bool_) or not isinstance(
        actual, int | float | np.integer | np.floating
    ):
        raise CheckError(
            f"{label}: expected a real scalar, got {type(actual).__name__}",
            "scalar.type",
            label,
            [type(actual).__name__],
        )
    value = float(actual)
    if not np.isfinite(value):
        raise CheckError(
            f"{label}: expected a finite number, got {value}", "scalar.finite", label, [str(value)]
        )
    if expected is not None and not abs(value - expected) <= rtol * abs(expected) + atol:
        raise CheckError(
            f"{label}: expected {expected:.10g}, got {value:.10g} (error "
            f"{abs(value - expected):.3e} exceeds tolerance {rtol * abs(expected) + atol:.3e})",
            "scalar.value",
            label,
            [value],
        )
    return value


def check_labels(label: str, actual: Any, n: int, k: int) -> np.ndarray:
    """Check an integer label vector of shape ``(n,)`` with values in ``0..k-1``."""
    check_array(label, actual, shape=(n,), kind="int")
    if actual.size and (actual.min() < 0 or actual.max() >= k):
        raise CheckError(
            f"{label}: labels must lie in 0..{k - 1}, found values in "
            f"{actual.min()}..{actual.max()}",
            "labels.range",
            label,
            [actual.min(), actual.max()],
        )
    return actual


def check_raises(
    label: str, exc: type[BaseException], func: Callable, *args, match: str | None = None, **kw
) -> None:
    """Check that ``func(*args, **kw)`` raises ``exc`` (whose message contains ``match``)."""
    try:
        func(*args, **kw)
    except exc as e:
        if match is not None and match.lower() not in str(e).lower():
            raise CheckError(
                f"{label}: raised {exc.__name__} as expected, but its message {str(e)!r} "
                f"does not mention {match!r}",
                "raises.message",
                label,
                [type(e).__name__],
            ) from None
        return
    except Exception as e:  # noqa: BLE001 - reported to the student
        raise CheckError(
            f"{label}: expected {exc.__name__}, got {type(e).__name__}: {e}",
            "raises.other",
            label,
            [type(e).__name__],
        ) from None
    raise CheckError(
        f"{label}: expected {exc.__name__} to be raised, but nothing was raised",
        "raises.nothing",
        label,
    )


def _arrays(obj, prefix=""):
    """Yield ``(path, array)`` for every ndarray inside nested tuples/lists/dicts."""
    if isinstance(obj, np.ndarray):
        yield prefix, obj
    elif isinstance(obj, list | tuple):
        for i, o in enumerate(obj):
            yield from _arrays(o, f"{prefix}[{i}]")
    elif isinstance(obj, dict):
        for key, o in obj.items():
            yield from _arrays(o, f"{prefix}[{key!r}]")


def call_pure(label: str, func: Callable, *args, **kwargs):
    """Call ``func(*args, **kwargs)`` and check that it modified none of its array inputs.

    Works in-process (copies are compared) and in the grader, whose proxies report
    in-place modification through their ``__numdl_modified__`` attribute.
    """
    before = [(p, a.copy()) for p, a in _arrays((args, kwargs))]
    out = func(*args, **kwargs)
    changed = [
        p
        for (p, a0), (_, a1) in zip(before, _arrays((args, kwargs)))
        if a0.shape != a1.shape or not np.array_equal(a0, a1, equal_nan=True)
    ]
    changed += list(getattr(func, "__numdl_modified__", None) or [])
    if changed:
        raise CheckError(
            f"{label}: modified its input argument(s) in place ({', '.join(map(str, changed))}); "
            "functions must never modify their inputs (work on a copy)",
            "pure",
            label,
            [", ".join(map(str, changed))],
        )
    return out


def _inner(a, b) -> float:
    return float(np.real(np.vdot(np.asarray(a), np.asarray(b))))


def taylor_table(
    F: Callable[[float], Any], F0: Any, dF: Any, n_steps: int = 12, h0: float = 1.0
) -> np.ndarray:
    """Rows ``[h, E0, E1]`` with ``E0 = ||F(h) - F0||``, ``E1 = ||F(h) - F0 - h dF||``.

    ``F(h)`` evaluates the function at ``x + h dx``; ``F0 = F(0)``; ``dF`` the claimed directional
    derivative. Scalars and arrays both work (norms are Frobenius norms).
    """
    F0, dF = np.asarray(F0, dtype=float), np.asarray(dF, dtype=float)
    rows = []
    for k in range(n_steps):
        h = h0 * 2.0**-k
        Fh = np.asarray(F(h), dtype=float)
        rows.append([h, np.linalg.norm(Fh - F0), np.linalg.norm(Fh - F0 - h * dF)])
    return np.array(rows)


def check_taylor(label: str, table: np.ndarray, scale: float, order: int = 2) -> None:
    """Check that ``E1`` of a :func:`taylor_table` decays like ``h^order``.

    Ratios ``E1[k] / E1[k+1]`` are used where ``E1[k+1]`` lies above the round-off floor
    ``1e3 eps scale`` (``scale`` is the size of the function value). The check passes when
    all ``E1`` are at round-off (an exact linear model), or when at least three ratios are
    available, their median is at least ``0.85 * 2^order`` and the last three are at least
    ``0.7 * 2^order``.
    """
    E1 = table[:, 2]
    floor = 1e3 * EPS * max(scale, 1e-300)
    ratios = np.array([E1[k] / E1[k + 1] for k in range(len(E1) - 1) if E1[k + 1] > floor])
    if E1.max() <= floor:
        return
    target = 2.0**order
    ok = (
        ratios.size >= 3
        and np.median(ratios) >= 0.85 * target
        and np.all(ratios[-3:] >= 0.7 * target)
    )
    if not ok:
        rows = "\n".join(f"      h={h:9.3e}  E0={e0:9.3e}  E1={e1:9.3e}" for h, e0, e1 in table)
        med = f"{np.median(ratios):.2f}" if ratios.size else "n/a"
        raise CheckError(
            f"{label}: derivative check failed: E1 should decay like O(h^{order}) (ratio about "
            f"{target:g} when h halves), observed median ratio {med} over {ratios.size} "
            f"steps above round-off. Your derivative is probably wrong.\n{rows}",
            "taylor",
            label,
            list(E1[:6]),
        )


def check_adjoint(label: str, Kx: Any, y: Any, x: Any, KTy: Any, rtol: float = 1e-12) -> None:
    """Adjoint test: ``|<K x, y> - <x, K^T y>| <= rtol (||Kx|| ||y|| + ||x|| ||K^T y||)``."""
    a, b = _inner(Kx, y), _inner(x, KTy)
    scale = np.linalg.norm(Kx) * np.linalg.norm(y) + np.linalg.norm(x) * np.linalg.norm(KTy)
    if not abs(a - b) <= rtol * scale:
        raise CheckError(
            f"{label}: adjoint test failed: <K x, y> = {a:.12e} but <x, K^T y> = {b:.12e} "
            f"(relative gap {abs(a - b) / max(scale, 1e-300):.2e} > {rtol:.0e}); "
            "the transpose does not match the forward map",
            "adjoint",
            label,
            [a, b],
        )


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings (1 for identical partitions, about 0 for random)."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1))
    np.add.at(table, (ai, bi), 1)
    comb = lambda x: x * (x - 1) / 2  # noqa: E731
    s_ij = comb(table).sum()
    s_a, s_b = comb(table.sum(1)).sum(), comb(table.sum(0)).sum()
    expected = s_a * s_b / comb(a.size)
    top = 0.5 * (s_a + s_b)
    return 1.0 if top == expected else float((s_ij - expected) / (top - expected))


def same_partition(label: str, actual: np.ndarray, expected: np.ndarray) -> None:
    """Check that two labelings define the same partition (label numbering is free)."""
    ari = adjusted_rand_index(actual, expected)
    if ari < 1.0 - 1e-12:
        raise CheckError(
            f"{label}: the clusters differ from the expected partition (adjusted Rand index "
            f"{ari:.4f}, expected 1; label numbering does not matter)",
            "partition",
            label,
            [ari],
        )


def _install_tripwires() -> None:
    """Report forbidden calls in otter's test runs (``grader.check``, ``make check``)."""
    from numdl import tripwires

    tripwires.install_for_tests()


_install_tripwires()
