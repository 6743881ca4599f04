"""Shared fixtures: the repository root on ``sys.path`` and the reference ``numdl`` importable."""

from __future__ import annotations

import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "solutions"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))
