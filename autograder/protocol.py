"""The wire format between the grader and its sandboxed worker: a header plus raw bytes.

A frame is ``struct("!II")`` (header length, number of buffers), one ``"!Q"`` length per
buffer, the header and the buffers. The header is one map in MessagePack (``msgpack``), or
in JSON when it holds what MessagePack cannot (ints beyond 64 bits, lone surrogates); a
JSON header starts with ``{``, a MessagePack map never does. Nothing in a frame can execute
code: the header holds plain values (no MessagePack extension types) and tagged objects
(``{"$": "nd", ...}`` for an array whose bytes are buffer ``b``), and decoding builds only
plain Python and numpy objects.

Value tags (``"$"``): ``list``, ``tuple``, ``dict`` (str keys), ``c`` (complex), ``nd``
(ndarray), ``rng`` (``numpy.random.Generator`` state), ``sparse`` (scipy.sparse, by its
arrays), ``act`` (a ``numdl.activations`` function, by name), ``mbobj`` (a
``numdl.utils.MinibatchObjective`` by its parts: rebuilt and evaluated in the worker),
``fn`` (a callable of the grader: calls come back as callbacks), ``linop`` (a
``LinearOperator`` of the grader), ``sfn`` (a student function, by name) and ``opaque``
(a value living in the worker).
Both sides share this module; each side decides which tags it accepts.
"""

from __future__ import annotations

import json
import json.scanner
import os
import select
import struct
import time
from typing import Any

import msgpack
import numpy as np

# References taken when this module is imported, i.e. in the worker before any student code
# runs: a submission that later replaces ``numpy.asarray`` & co. cannot change how values cross.
_asarray, _dtype, _ndarray = np.asarray, np.dtype, np.ndarray

HEAD = struct.Struct("!II")
LEN = struct.Struct("!Q")
MAX_HEADER = 64 << 20
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
_DTYPE_OF = {code: _dtype(code) for code in DTYPES}
#: ``dtype.char -> code`` of the native dtypes of :data:`DTYPES`: the fast path of
#: :func:`encode_array` (``dtype.str`` builds a new string, five times the cost)
_CODE_OF_CHAR = {_dtype(code).char: code for code in DTYPES}


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
    text = encode_header(header)
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


def _json_encoder() -> Any:
    """``value -> str``: JSON, compact, NaN/inf allowed (as ``json.dumps``), no circularity
    check (headers are built fresh, depth-limited). One C encoder made once, not one per
    call as ``JSONEncoder.encode`` does (half the cost of a small header)."""
    enc = json.JSONEncoder(separators=(",", ":"))
    chunks = json.encoder.c_make_encoder
    if chunks is None:  # pragma: no cover - CPython always has the C accelerator
        return enc.encode
    make = chunks(
        None,
        enc.default,
        json.encoder.c_encode_basestring_ascii,
        None,
        ":",
        ",",
        False,
        False,
        True,
    )
    join = "".join

    def dumps(value: Any) -> str:
        return join(make(value, 0))

    return dumps


def _json_decoder() -> Any:
    """``str -> value``: exactly one JSON value, nothing around it (``ValueError`` else);
    the C scanner called directly (``JSONDecoder.decode`` adds two regex matches)."""
    dec = json.JSONDecoder()
    scan = json.scanner.c_make_scanner
    if scan is None:  # pragma: no cover - CPython always has the C accelerator
        return dec.decode
    scan_once = scan(dec)

    def loads(text: str) -> Any:
        try:
            value, end = scan_once(text, 0)
        except StopIteration as e:
            raise ValueError(f"expecting a JSON value at {e.value}") from None
        if end != len(text):
            raise ValueError(f"extra data after the JSON value at {end}")
        return value

    return loads


_dumps = _json_encoder()
_loads = _json_decoder()
_packb, _unpackb = msgpack.packb, msgpack.unpackb


def encode_header(header: dict) -> bytes:
    """The header in MessagePack (a third of JSON's cost), in JSON if MessagePack cannot hold
    it (an int beyond 64 bits, such as a generator's state, or a lone surrogate)."""
    try:
        return _packb(header)
    except (OverflowError, UnicodeEncodeError):
        return _dumps(header).encode()


def _no_extension(code: int, data: bytes) -> Any:
    raise ValueError(f"MessagePack extension type {code} is not allowed")


def decode_header(data: bytes | bytearray) -> Any:
    """The value of a header (``ValueError``, ``TypeError`` or ``RecursionError`` if it is
    malformed): JSON if it starts with ``{``, else MessagePack without extension types
    (timestamps become ints) and with str or bytes map keys only."""
    if data[:1] == b"{":
        return _loads(data.decode())
    return _unpackb(data, ext_hook=_no_extension, timestamp=2, strict_map_key=True)


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


#: bytes a :class:`Reader` reads at once: a small frame complete in the pipe costs one read
CHUNK = 1 << 16


class Reader:
    """The frames arriving on one file descriptor, read in as few system calls as possible.

    Up to :data:`CHUNK` bytes are read at once (the lengths, the header and the
    small buffers of a frame together); the rest of a large frame is read straight into its
    own memory. Bytes read ahead belong to the next frame, so every frame of ``fd`` must be
    read through the same reader. On a non-blocking ``fd``, bytes not there yet are waited
    for until ``deadline`` (``Timeout``); bytes already there are read without a ``select``.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.ahead: bytes = b""  # read, not yet taken: ahead[pos:]
        self.pos = 0

    def take(self, n: int, deadline: float | None = None) -> bytes | bytearray:
        """The next ``n`` bytes (``Closed`` at end of file)."""
        ahead, pos = self.ahead, self.pos
        have = len(ahead) - pos
        if have >= n:
            self.pos = pos + n
            return ahead[pos : pos + n]
        out = bytearray(n)
        out[:have] = ahead[pos:]
        self.ahead, self.pos = b"", 0
        view, got = memoryview(out), have
        while got < n:
            need = n - got
            try:
                if need >= CHUNK:  # large: straight into place
                    k = os.readv(self.fd, [view[got : got + min(need, 8 << 20)]])
                    chunk = None
                else:
                    chunk = os.read(self.fd, CHUNK)
                    k = len(chunk)
            except BlockingIOError:
                _wait(self.fd, True, deadline)
                continue
            except OSError as e:
                raise Closed(str(e)) from None
            if k == 0:
                raise Closed("end of file")
            if chunk is not None:
                k = min(k, need)
                view[got : got + k] = chunk[:k]
                if len(chunk) > k:
                    self.ahead, self.pos = chunk, k
            got += k
        return out

    def recv(self, deadline: float | None = None) -> tuple[dict, list[memoryview]]:
        """Read one frame; sizes are checked before anything is allocated."""
        nj, nb = HEAD.unpack(self.take(HEAD.size, deadline))
        if nj > MAX_HEADER or nb > MAX_BUFFERS:
            raise ProtocolError(f"frame too large ({nj} bytes of header, {nb} buffers)")
        meta = self.take(LEN.size * nb + nj, deadline)
        lens = struct.unpack_from(f"!{nb}Q", meta)
        if sum(lens) + nj > MAX_FRAME:
            raise ProtocolError(f"frame too large ({sum(lens) + nj} bytes)")
        try:
            header = decode_header(meta[LEN.size * nb :])
        except (ValueError, TypeError, RecursionError) as e:
            raise ProtocolError(f"bad header: {e}") from None
        if not isinstance(header, dict):
            raise ProtocolError("the header is not an object")
        data = memoryview(self.take(sum(lens), deadline)) if lens else memoryview(b"")
        bufs, at = [], 0
        for n in lens:
            bufs.append(data[at : at + n])
            at += n
        return header, bufs


def send(fd: int, header: dict, buffers: list | None = None, deadline: float | None = None) -> None:
    write_all(fd, pack(header, buffers or []), deadline)


# ---------------------------------------------------------------------------- plain values


def encode_array(a: np.ndarray, buffers: list) -> dict:
    """``{"$": "nd", ...}`` for a numeric array; ``TypeError`` for object/str/record dtypes."""
    dt = a.dtype
    code = _CODE_OF_CHAR.get(dt.char) if dt.isnative else None
    if code is None:  # another spelling of a numeric dtype (``longlong``, big-endian), or none
        code = dt.str[1:]
        if code not in DTYPES:  # numeric dtypes only
            raise TypeError(f"arrays of dtype {dt} cannot be passed (numbers only)")
        if not dt.isnative:
            a = _asarray(a, dtype=dt.newbyteorder("="))
    flags = a.flags
    order = "F" if (flags.f_contiguous and not flags.c_contiguous) else "C"
    buffers.append(a.tobytes(order))
    return {"$": "nd", "d": code, "s": list(a.shape), "o": order, "b": len(buffers) - 1}


def decode_array(obj: dict, buffers: list) -> np.ndarray:
    """A fresh, writeable, plain ``ndarray`` built from an ``nd`` object (checked strictly)."""
    code, shape, order, b = obj.get("d"), obj.get("s"), obj.get("o", "C"), obj.get("b")
    dtype = _DTYPE_OF.get(code) if type(code) is str else None
    if dtype is None or (order != "C" and order != "F"):
        raise ProtocolError(f"bad array dtype {str(code)[:20]!r} or order")
    if type(shape) is not list or len(shape) > 32:
        raise ProtocolError("bad array shape")
    count = 1
    for s in shape:
        if type(s) is not int or s < 0:
            raise ProtocolError("bad array shape")
        count *= s
    if type(b) is not int or not 0 <= b < len(buffers):
        raise ProtocolError("bad array buffer index")
    if count * dtype.itemsize != len(buffers[b]):
        raise ProtocolError("array size does not match its buffer")
    return array_from(shape, dtype, buffers[b], order)


def array_from(shape: list, dtype: np.dtype, buffer: memoryview, order: str) -> np.ndarray:
    """A fresh, writeable, aligned ``ndarray`` holding a copy of ``buffer`` (its size checked
    by the caller): the ``ndarray`` constructor on the buffer, then one copy."""
    return _ndarray(shape, dtype, buffer, 0, None, order).copy(order)


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
