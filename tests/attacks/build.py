"""Write the attack corpus (and honest controls) as submissions into a folder."""

from __future__ import annotations

import os
import pathlib
import textwrap
import time

from autograder import modules, release
from tests.attacks.catalog import ATTACKS, Attack, zip_bytes

MODULE = "spectral"


def reference_source() -> str:
    return modules.get(MODULE).source.read_text()


def stub_source() -> str:
    return release.stub_source(reference_source(), MODULE)


def inject(source: str, func: str, code: str) -> str:
    """Put ``code`` at the start of ``func``'s solution region."""
    start = source.index(f"\ndef {func}(")
    marker = "    # BEGIN SOLUTION\n"
    at = source.index(marker, start) + len(marker)
    return source[:at] + textwrap.indent(code.rstrip("\n") + "\n", "    ") + source[at:]


def attack_source(a: Attack, port: int) -> bytes:
    if a.base == "raw":
        return a.code if isinstance(a.code, bytes) else a.code.encode()
    src = reference_source() if a.base == "reference" else stub_source()
    code = a.code.replace("{PORT}", str(port)) if isinstance(a.code, str) else a.code
    if a.name == "missing_function":
        return src.replace("\ndef kmeans(", "\ndef kmeans_renamed(").encode()
    if a.name == "wrong_signature":
        return src.replace(
            "def squared_distances(Y: np.ndarray)", "def squared_distances(Y: np.ndarray, Z)"
        ).encode()
    if a.inject:
        return inject(src, a.inject, code).encode()
    return (src + "\n\n# ---- attack ----\n" + code).encode()


def write_repo(folder: pathlib.Path, name: str, source: bytes) -> pathlib.Path:
    root = folder / name
    (root / "numdl").mkdir(parents=True)
    (root / "numdl" / f"{MODULE}.py").write_bytes(source)
    return root


def _zip(a: Attack) -> bytes:
    ref = reference_source().encode()
    good = f"numdl/{MODULE}.py"
    if a.name == "zip_slip":
        return zip_bytes([(good, ref), ("../../zip_slip_escaped.py", b"pwned = 1\n")])
    if a.name == "zip_absolute_path":
        return zip_bytes([(good, ref), ("/tmp/zip_absolute_escaped.py", b"pwned = 1\n")])
    if a.name == "zip_symlink":
        return zip_bytes([(good, b"../../solutions/numdl/spectral.py")], links=(good,))
    if a.name == "zip_bomb":
        return zip_bytes([(good, ref), ("numdl/padding.bin", bytes(30 << 20))])
    if a.name == "zip_too_many_entries":
        return zip_bytes([(good, ref)] + [(f"junk/{i}.txt", b"x") for i in range(2100)])
    if a.name == "zip_corrupt":
        return b"PK\x03\x04" + os.urandom(4000)
    raise ValueError(a.name)


def build(folder: pathlib.Path, port: int) -> dict[str, pathlib.Path]:
    """Every attack plus the controls; returns ``{submission name: path}``."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, pathlib.Path] = {}
    ref = reference_source().encode()
    out["control_reference"] = write_repo(folder, "control_reference", ref)
    out["control_stub"] = write_repo(folder, "control_stub", stub_source().encode())
    p = folder / "control_zip.zip"
    p.write_bytes(zip_bytes([(f"control_zip/numdl/{MODULE}.py", ref)]))
    out["control_zip"] = p
    for a in ATTACKS:
        if a.kind == "zip":
            p = folder / f"{a.name}.zip"
            p.write_bytes(_zip(a))
        elif a.kind == "ipynb":
            p = folder / f"{a.name}.ipynb"
            p.write_bytes(attack_source(a, port))
        elif a.name == "no_module_in_repo":
            p = folder / a.name
            (p / "numdl").mkdir(parents=True)
            (p / "README.md").write_text("forgot to commit my code\n")
        elif a.name == "symlink_to_reference":
            p = folder / a.name
            (p / "numdl").mkdir(parents=True)
            (p / "numdl" / f"{MODULE}.py").symlink_to(modules.get(MODULE).source)
        else:
            p = write_repo(folder, a.name, attack_source(a, port))
        out[a.name] = p
    return out


def sandbox_processes(grace: float = 3.0) -> list[tuple[int, int]]:
    """Live (non-zombie) processes of the sandbox uids, after waiting up to ``grace`` s."""
    deadline = time.monotonic() + grace
    while True:
        left = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                status = pathlib.Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            uid = int(status.split("Uid:")[1].split()[0])
            state = status.split("State:")[1].split()[0]
            if 61000 <= uid < 63000 and state != "Z":
                left.append((int(pid), uid))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)
