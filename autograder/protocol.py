"""The wire format between the grader and its sandboxed worker: frames of JSON plus raw bytes.

A frame is ``struct("!II")`` (JSON length, number of buffers), one ``"!Q"`` length per
buffer, the UTF-8 JSON header and the buffers. Nothing in a frame can execute code: the
JSON holds plain values and tagged objects (``{"$": "nd", ...}`` for an array whose bytes
are buffer ``b``), and decoding builds only plain Python and numpy objects.

Value tags (``"$"``): ``list``, ``tuple``, ``dict`` (str keys), ``c`` (complex), ``nd``
(ndarray), ``rng`` (``numpy.random.Generator`` state), ``sparse`` (scipy.sparse, by its
arrays), ``act`` (a ``numdl.activations`` function, by name), ``fn`` (a callable of the
grader: calls come back as callbacks), ``linop`` (a ``LinearOperator`` of the grader),
``sfn`` (a student function, by name) and ``opaque`` (a value living in the worker).
Both sides share this module; each side decides which tags it accepts.
"""

from __future__ import annotations

import json
import os
import select
import struct
import time
from typing import Any

import numpy as np

# References taken when this module is imported, i.e. in the worker before any student code
# runs: a submission that later replaces ``numpy.asarray`` & co. cannot change how values cross.
_asarray, _array, _frombuffer, _dtype = np.asarray, np.array, np.frombuffer, np.dtype

HEAD = struct.Struct("!II")
LEN = struct.Struct("!Q")
MAX_JSON = 64 << 20
MAX_BUFFERS = 100_000
MAX_FRAME = 1 << 29  # 512 MiB: far above any array of the course
MAX_DEPTH = 64

#: dtypes that may cross, by ``dtype.str[1:]`` (always sent little-endian / native).
DTYPES = frozenset(
    ["b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]
)
#: bit generators that may cross as a ``numpy.random.Generator``.
BIT_GENERATORS = frozenset(["PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64"])
#: scipy.sparse formats sent by their own arrays; the others go through COO.
SPARSE_FORMATS = frozenset(["csr", "csc", "coo", "bsr", "dia", "lil", "dok"])


class ProtocolError(Exception):
    """A malformed frame or value (from a misbehaving or malicious worker)."""


class Timeout(Exception):
    """No complete frame arrived before the deadline."""


class Closed(Exception):
    """The other end closed the pipe (the worker died)."""


# ---------------------------------------------------------------------------- framing


def pack(header: dict, buffers: list[bytes | memoryview]) -> list[bytes | memoryview]:
    """The pieces of one frame, ready to be written in order.

    Everything up to the first large buffer is joined into one piece, so a typical frame
    (a header and a few small arrays) costs one ``write`` instead of one per piece.
    """
    text = _dumps(header).encode()
    lens = [len(b) if type(b) is bytes else memoryview(b).nbytes for b in buffers]
    head = HEAD.pack(len(text), len(lens)) + struct.pack(f"!{len(lens)}Q", *lens) + text
    if not lens or max(lens) <= SMALL:
        return [b"".join([head, *buffers])]
    pieces: list[bytes | memoryview] = []
    run: list = [head]
    for b, n in zip(buffers, lens):
        if n > SMALL:
            pieces += [b"".join(run), b]
            run = []
        else:
            run.append(b)
    if run:
        pieces.append(b"".join(run))
    return pieces


_dumps = json.JSONEncoder(separators=(",", ":")).encode
_loads = json.JSONDecoder().decode


#: buffers up to this size are copied into the frame's first piece; larger ones are written
#: from their own memory
SMALL = 1 << 16


def _wait(fd: int, readable: bool, deadline: float | None) -> None:
    """Block until ``fd`` is ready (``Timeout`` past ``deadline``; no deadline: forever)."""
    left = None if deadline is None else deadline - time.monotonic()
    if left is not None and left <= 0:
        raise Timeout()
    fds = ([fd], [], []) if readable else ([], [fd], [])
    if not any(select.select(*fds, left)):
        raise Timeout()


def write_all(fd: int, pieces: list[bytes | memoryview], deadline: float | None = None) -> None:
    """Write every piece to ``fd`` (``Closed`` on EPIPE).

    On a non-blocking ``fd`` a full pipe is waited for until ``deadline``; the write is tried
    first, so a frame that fits costs one system call.
    """
    for piece in pieces:
        view = memoryview(piece).cast("B")
        while view.nbytes:
            try:
                n = os.write(fd, view[: 1 << 20])
            except BlockingIOError:
                _wait(fd, False, deadline)
                continue
            except (BrokenPipeError, OSError) as e:
                raise Closed(str(e)) from None
            view = view[n:]


def read_exact(fd: int, n: int, deadline: float | None = None) -> bytearray:
    """Read exactly ``n`` bytes (``Closed`` at end of file).

    On a non-blocking ``fd``, bytes not there yet are waited for until ``deadline``
    (``Timeout``); bytes already there are read at once, without a ``select``.
    """
    out = bytearray(n)
    view = memoryview(out)
    got = 0
    while got < n:
        try:
            k = os.readv(fd, [view[got : got + (8 << 20)]])
        except BlockingIOError:
            _wait(fd, True, deadline)
            continue
        except OSError as e:
            raise Closed(str(e)) from None
        if k == 0:
            raise Closed("end of file")
        got += k
    return out


def send(fd: int, header: dict, buffers: list | None = None, deadline: float | None = None) -> None:
    write_all(fd, pack(header, buffers or []), deadline)


def recv(fd: int, deadline: float | None = None) -> tuple[dict, list[memoryview]]:
    """Read one frame (three reads); sizes are checked before anything is allocated."""
    nj, nb = HEAD.unpack(read_exact(fd, HEAD.size, deadline))
    if nj > MAX_JSON or nb > MAX_BUFFERS:
        raise ProtocolError(f"frame too large ({nj} bytes of JSON, {nb} buffers)")
    meta = read_exact(fd, LEN.size * nb + nj, deadline)
    lens = struct.unpack_from(f"!{nb}Q", meta)
    if sum(lens) + nj > MAX_FRAME:
        raise ProtocolError(f"frame too large ({sum(lens) + nj} bytes)")
    try:
        header = _loads(meta[LEN.size * nb :].decode())
    except (ValueError, RecursionError) as e:
        raise ProtocolError(f"bad JSON header: {e}") from None
    if not isinstance(header, dict):
        raise ProtocolError("the header is not an object")
    data = memoryview(read_exact(fd, sum(lens), deadline))
    bufs, at = [], 0
    for n in lens:
        bufs.append(data[at : at + n])
        at += n
    return header, bufs


# ---------------------------------------------------------------------------- plain values


def encode_array(a: np.ndarray, buffers: list) -> dict:
    """``{"$": "nd", ...}`` for a numeric array; ``TypeError`` for object/str/record dtypes."""
    dt = a.dtype
    code = dt.str[1:]
    if code not in DTYPES:  # numeric dtypes only
        raise TypeError(f"arrays of dtype {dt} cannot be passed (numbers only)")
    flags = a.flags
    order = "F" if (flags.f_contiguous and not flags.c_contiguous) else "C"
    if not dt.isnative:
        a = _asarray(a, dtype=dt.newbyteorder("="))
    buffers.append(a.tobytes(order))
    return {"$": "nd", "d": code, "s": list(a.shape), "o": order, "b": len(buffers) - 1}


def decode_array(obj: dict, buffers: list) -> np.ndarray:
    """A fresh, writeable, plain ``ndarray`` built from an ``nd`` object (checked strictly)."""
    code, shape, order, b = obj.get("d"), obj.get("s"), obj.get("o", "C"), obj.get("b")
    if code not in DTYPES or order not in ("C", "F"):
        raise ProtocolError(f"bad array dtype {code!r}")
    if (
        not isinstance(shape, list)
        or len(shape) > 32
        or not all(type(s) is int and 0 <= s for s in shape)
    ):
        raise ProtocolError("bad array shape")
    if type(b) is not int or not 0 <= b < len(buffers):
        raise ProtocolError("bad array buffer index")
    dtype = _dtype(code)
    count = 1
    for s in shape:
        count *= s
    if count * dtype.itemsize != len(buffers[b]):
        raise ProtocolError("array size does not match its buffer")
    flat = _frombuffer(buffers[b], dtype=dtype, count=count)
    return _array(flat.reshape(shape, order=order), order=order, copy=True)


def plain_scalar(x: Any) -> Any:
    """numpy scalars to Python scalars (other values unchanged)."""
    if isinstance(x, np.generic):
        if isinstance(x, np.bool_):
            return bool(x)
        if isinstance(x, np.integer):
            return int(x)
        if isinstance(x, np.floating):
            return float(x)
        if isinstance(x, np.complexfloating):
            return complex(x)
    return x


def encode_rng(gen: np.random.Generator) -> dict:
    state = gen.bit_generator.state
    return {"$": "rng", "state": state}


def decode_rng(obj: dict) -> np.random.Generator:
    state = obj.get("state")
    if not isinstance(state, dict) or state.get("bit_generator") not in BIT_GENERATORS:
        raise ProtocolError("bad generator state")
    bitgen = getattr(np.random, state["bit_generator"])()
    try:
        bitgen.state = state
    except Exception as e:  # noqa: BLE001 - a forged state is a protocol error
        raise ProtocolError(f"bad generator state: {e}") from None
    return np.random.Generator(bitgen)


def encode_sparse(m: Any, buffers: list) -> dict:
    """A scipy.sparse matrix or array by its component arrays (format and flavour kept)."""
    import scipy.sparse as sp

    fmt = m.format
    flavour = "array" if isinstance(m, sp.sparray) else "matrix"
    out: dict = {"$": "sparse", "fmt": fmt, "flavour": flavour, "shape": [int(s) for s in m.shape]}
    if fmt in ("csr", "csc"):
        parts = {"data": m.data, "indices": m.indices, "indptr": m.indptr}
    elif fmt == "bsr":
        parts = {"data": m.data, "indices": m.indices, "indptr": m.indptr}
        out["blocksize"] = [int(s) for s in m.blocksize]
    elif fmt == "dia":
        parts = {"data": m.data, "offsets": m.offsets}
    else:
        c = m.tocoo()
        parts = {
            "data": c.data,
            "row": c.row if hasattr(c, "row") else c.coords[0],
            "col": c.col if hasattr(c, "col") else c.coords[1],
        }
    out["parts"] = {k: encode_array(np.asarray(v), buffers) for k, v in parts.items()}
    return out


def decode_sparse(obj: dict, buffers: list) -> Any:
    import scipy.sparse as sp

    fmt, flavour, shape = obj.get("fmt"), obj.get("flavour"), obj.get("shape")
    parts = obj.get("parts")
    if (
        fmt not in SPARSE_FORMATS
        or flavour not in ("array", "matrix")
        or not isinstance(parts, dict)
    ):
        raise ProtocolError("bad sparse matrix")
    if not (
        isinstance(shape, list)
        and len(shape) == 2
        and all(type(s) is int and s >= 0 for s in shape)
    ):
        raise ProtocolError("bad sparse shape")
    p = {k: decode_array(v, buffers) for k, v in parts.items() if isinstance(v, dict)}
    shape = tuple(shape)
    kind = "array" if flavour == "array" else "matrix"
    try:
        if fmt in ("csr", "csc", "bsr"):
            cls = getattr(sp, f"{fmt}_{kind}")
            kw = {"blocksize": tuple(obj["blocksize"])} if fmt == "bsr" else {}
            return cls((p["data"], p["indices"], p["indptr"]), shape=shape, **kw)
        if fmt == "dia":
            return getattr(sp, f"dia_{kind}")((p["data"], p["offsets"]), shape=shape)
        coo = getattr(sp, f"coo_{kind}")((p["data"], (p["row"], p["col"])), shape=shape)
        return coo.asformat(fmt)
    except Exception as e:  # noqa: BLE001 - inconsistent parts
        raise ProtocolError(f"bad sparse matrix: {type(e).__name__}: {e}") from None


def is_sparse(x: Any) -> bool:
    mod = type(x).__module__ or ""
    if not mod.startswith("scipy.sparse"):
        return False
    import scipy.sparse as sp

    return sp.issparse(x)


def exception_info(e: BaseException) -> dict:
    """What crosses for an exception: its class name, builtin bases and message (capped)."""
    try:
        message = str(e)
    except Exception:  # noqa: BLE001 - a broken __str__
        message = "<the exception message could not be shown>"
    bases = [c.__name__ for c in type(e).__mro__ if c.__module__ == "builtins"]
    return {"type": type(e).__name__[:200], "bases": bases[:20], "message": message[:4000]}
