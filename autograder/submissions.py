"""Find the graded file of a submission: a student repository, a ``.zip`` of one, or a file.

Submissions are only read, never modified. A zip is checked entry by entry before anything
is read from it (absolute paths, ``..``, links, entry count, total size and compression
ratio), and only the one graded file is read, into memory.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import stat
import zipfile
from dataclasses import dataclass

MAX_SOURCE = 1 << 20  # bytes of the graded .py file
MAX_ZIP = 100 << 20  # bytes of a zip file
MAX_ENTRIES = 2000
MAX_TOTAL = 200 << 20  # total uncompressed bytes of a zip
MAX_RATIO = 200  # uncompressed / compressed, for entries above 1 MiB


@dataclass
class Submission:
    """A resolved submission: its name, the sha256 that keys its result, and its source.

    ``error`` is set (and ``source`` is ``None``) when the submission is invalid.
    """

    name: str
    path: pathlib.Path
    sha256: str
    source: bytes | None = None
    error: str = ""


def name_of(path: str | os.PathLike) -> str:
    """The folder or file name without its extension."""
    p = pathlib.Path(os.path.abspath(path))
    return p.name if p.is_dir() else p.stem


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_regular(path: pathlib.Path, limit: int) -> bytes:
    """Read a regular file without following a symbolic link (``ValueError`` otherwise)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{path.name} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise ValueError(f"{path.name} is larger than {limit} bytes")
    return data


def check_zip(z: zipfile.ZipFile) -> None:
    """Reject dangerous archives before extracting anything (``ValueError`` with the reason)."""
    infos = z.infolist()
    if len(infos) > MAX_ENTRIES:
        raise ValueError(f"the zip has {len(infos)} entries (at most {MAX_ENTRIES} allowed)")
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
            raise ValueError(f"the zip holds an absolute path: {name!r}")
        parts = name.replace("\\", "/").split("/")
        if ".." in parts:
            raise ValueError(f"the zip holds a path leaving its folder: {name!r}")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise ValueError(f"the zip holds a symbolic link: {name!r}")
        total += info.file_size
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ValueError(
                f"the zip entry {name!r} is compressed suspiciously well "
                f"({info.file_size} bytes from {info.compress_size}): a zip bomb?"
            )
    if total > MAX_TOTAL:
        raise ValueError(f"the zip expands to {total} bytes (at most {MAX_TOTAL} allowed)")


def _from_zip(path: pathlib.Path, module: str) -> bytes:
    data = _read_regular(path, MAX_ZIP)
    import io

    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as e:
        raise ValueError(f"not a valid zip file ({e})") from None
    with z:
        check_zip(z)
        want = f"numdl/{module}.py"
        names = [
            i
            for i in z.infolist()
            if not i.is_dir()
            and (
                i.filename == want
                or i.filename.endswith("/" + want)
                or i.filename == f"{module}.py"
            )
        ]
        if not names:
            raise ValueError(f"the zip holds no {want}")
        info = min(names, key=lambda i: (i.filename.count("/") != 1, len(i.filename)))
        if info.file_size > MAX_SOURCE:
            raise ValueError(f"{want} is larger than {MAX_SOURCE} bytes")
        with z.open(info) as f:
            src = f.read(MAX_SOURCE + 1)
        if len(src) > MAX_SOURCE:
            raise ValueError(f"{want} is larger than {MAX_SOURCE} bytes")
        return src


def check_source(src: bytes, module: str) -> None:
    """Reject a Jupyter notebook saved under a ``.py`` name (``ValueError``)."""
    head = src.lstrip()[:1]
    if head == b"{":
        import json

        try:
            nb = json.loads(src)
        except ValueError:
            return
        if isinstance(nb, dict) and "cells" in nb:
            raise ValueError(
                f"numdl/{module}.py holds a Jupyter notebook, not a Python module; "
                "submit the .py file you edited"
            )


def _checked(name: str, path: pathlib.Path, src: bytes, module: str) -> Submission:
    try:
        check_source(src, module)
    except ValueError as e:
        return Submission(name, path, _sha(src), None, str(e))
    return Submission(name, path, _sha(src), src)


def resolve(path: str | os.PathLike, module: str) -> Submission:
    """Resolve one submission path.

    Parameters
    ----------
    path : path
        A folder holding ``numdl/<module>.py`` (or ``<module>.py``), a ``.zip`` of one, or a
        single ``.py`` file. Symbolic links to the graded file are refused.
    module : str
        The graded module, e.g. ``"spectral"``.

    Returns
    -------
    Submission
        Its name (file or folder name without extension), the sha256 of the graded file (of
        the zip for archives) and the source; problems give ``error`` set, never an exception.
    """
    p = pathlib.Path(os.path.abspath(path))
    name = name_of(p)
    try:
        if p.is_dir() and not p.is_symlink():
            sub = p / "numdl"
            target = sub / f"{module}.py"
            if not target.exists() and (p / f"{module}.py").exists():
                sub, target = p, p / f"{module}.py"
            if sub.is_symlink():
                raise ValueError("numdl/ is a symbolic link")
            if not target.exists() and not target.is_symlink():
                raise ValueError(f"the submission has no numdl/{module}.py")
            if target.is_symlink():
                raise ValueError(f"numdl/{module}.py is a symbolic link")
            return _checked(name, p, _read_regular(target, MAX_SOURCE), module)
        if p.suffix == ".zip":
            try:
                sha = _sha(_read_regular(p, MAX_ZIP))
            except (OSError, ValueError) as e:
                return Submission(name, p, "", None, f"the zip could not be read ({e})")
            try:
                src = _from_zip(p, module)
                check_source(src, module)
                return Submission(name, p, sha, src)
            except ValueError as e:
                return Submission(name, p, sha, None, str(e))
        if p.suffix == ".py":
            return _checked(name, p, _read_regular(p, MAX_SOURCE), module)
        if p.suffix == ".ipynb":
            raise ValueError(f"a notebook was submitted; submit numdl/{module}.py instead")
        if not p.exists():
            raise ValueError("the submission does not exist")
        raise ValueError(
            f"unknown kind of submission {p.name!r} (expected a folder holding "
            f"numdl/{module}.py, a .zip of one, or a {module}.py file)"
        )
    except (OSError, ValueError) as e:
        sha = ""
        if p.is_file() and not p.is_symlink():
            try:
                sha = _sha(_read_regular(p, MAX_ZIP))
            except (OSError, ValueError):
                sha = ""
        return Submission(name, p, sha, None, str(e))
