"""Run a command as an unprivileged uid (for testing the grader without root).

``python -m tests.attacks.nonroot UID ARG...`` (as root) enters a private mount namespace in
which the interpreter is reachable by ``UID`` even if it lives under a folder only root may
enter (``/root/.pyenv``), drops to ``UID`` and runs ``python ARG...``.
"""

from __future__ import annotations

import os
import sys


def _top_closed_ancestor(path: str) -> str | None:
    """The highest ancestor of ``path`` that others may not traverse, if any."""
    parts = os.path.realpath(path).split("/")
    for i in range(2, len(parts) + 1):
        p = "/".join(parts[:i])
        if not os.stat(p).st_mode & 0o001:
            return p
    return None


def main() -> None:
    uid = int(sys.argv[1])
    from autograder import worker, zygote

    keeps = sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)})
    hide = []
    for k in keeps:
        top = _top_closed_ancestor(k)
        if top is not None and top != k:
            hide.append([top, [x for x in keeps if x.startswith(top + "/")]])
    if hide:
        worker.hide_paths(worker._libc(), hide)
    zygote.drop_privileges(uid)
    exe = os.path.join(sys.prefix, "bin", "python")
    os.execv(exe, [exe, *sys.argv[2:]])


if __name__ == "__main__":
    main()
