"""Checks of the command line's folders and files before any work starts.

Every problem is a :class:`Problem` whose message is one line naming it; ``cli.main`` prints
it as ``error: <message>`` and exits with status 2. A broken *submission* is not a problem
here: it is graded and gets a named status (``invalid``); only what the instructor typed is
checked (a path that does not exist, an empty or unreadable folder, an output folder that
cannot be written or that holds another module's grades).
"""

from __future__ import annotations

import csv
import json
import os
import pathlib


class Problem(ValueError):
    """A bad command-line input: printed as one line, exit status 2."""


def existing(paths: list[str], what: str = "submission") -> None:
    """Every path exists (a shell glob of an empty or missing folder stays unexpanded)."""
    for p in paths:
        if not os.path.lexists(p):
            raise Problem(f"{what} {p} does not exist")


def writable_folder(path: str | os.PathLike, what: str = "output folder") -> pathlib.Path:
    """Create ``path`` if needed and prove it writable by writing and removing a probe file.

    A real write, not ``os.access``: root passes every permission check but not a
    read-only file system or a path under a regular file.
    """
    out = pathlib.Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / f".write-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise Problem(f"cannot write to {what} {out}: {e.strerror or e}") from None
    return out


def grading_folder(path: str | os.PathLike) -> pathlib.Path:
    """A folder written by ``grade``: exists, holds ``gradebook.csv`` and is writable."""
    out = pathlib.Path(path)
    if not out.exists():
        raise Problem(f"grading folder {out} does not exist")
    if not out.is_dir():
        raise Problem(f"{out} is not a folder")
    if not (out / "gradebook.csv").is_file():
        raise Problem(f"{out} holds no gradebook.csv (run `python -m autograder grade` first)")
    try:
        with open(out / "gradebook.csv", newline="") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError) as e:
        raise Problem(f"cannot read {out / 'gradebook.csv'}: {e}") from None
    if header[:2] != ["submission", "sha256"]:
        raise Problem(f"{out / 'gradebook.csv'} is not a gradebook written by grade")
    mods = sorted(modules_in(out))
    if len(mods) > 1:
        raise Problem(f"{out} mixes grades of modules {', '.join(mods)}; report one at a time")
    return writable_folder(out, "grading folder")


def modules_in(out: pathlib.Path) -> set[str]:
    """The modules of the results already in ``out/results`` (unreadable files skipped)."""
    found = set()
    for p in sorted((pathlib.Path(out) / "results").glob("*.json")):
        try:
            found.add(json.loads(p.read_text())["extra_data"]["module"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return found


def same_module(out: pathlib.Path, module: str) -> None:
    """``out`` holds no grades of a module other than ``module``."""
    other = sorted(modules_in(out) - {module})
    if other:
        raise Problem(
            f"{out} holds grades of module {', '.join(other)}, not {module}; "
            "choose another --out folder"
        )


def module_file(path: str | os.PathLike, module: str) -> None:
    """A path given to ``check``: an existing ``<module>.py`` file, not a folder."""
    p = pathlib.Path(path)
    if not p.exists():
        raise Problem(f"{p} does not exist")
    if p.is_dir():
        inner = p / "numdl" / f"{module}.py"
        if not any(p.iterdir()):
            raise Problem(f"{p} is an empty folder; give a {module}.py file")
        raise Problem(f"{p} is a folder; give a {module}.py file (e.g. {inner})")
