"""The Gradescope autograder zip, run in a simulated ``/autograder`` layout."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile

from autograder import examples, gradescope, modules
from autograder.sandbox import Spec, reference_imports

MODULE = "spectral"


def test_zip_runs_in_a_simulated_autograder_layout(tmp_path):
    path = gradescope.build(MODULE, tmp_path / "dist")
    root = tmp_path / "autograder"
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        z.extractall(root / "source")
    m = modules.get(MODULE)
    assert {"setup.sh", "run_autograder", "requirements.txt", "spec.json"} <= set(names)
    assert f"solutions/numdl/{MODULE}.py" not in names  # never the graded reference
    assert all(f"assignments/{m.folder}/tests/{t.name}" in names for t in m.test_files())
    tests = root / "source" / "assignments" / m.folder / "tests"
    assert "hidden=True" in (tests / "q1.py").read_text()
    # what its lean fork server imports while the tests load: the reference's scipy modules
    info = json.loads((root / "source" / "spec.json").read_text())
    assert info["imports"] == list(Spec.from_registry(MODULE).imports)
    assert {"scipy.sparse", "scipy.sparse.linalg"} <= set(info["imports"])
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    examples.reference(MODULE).write(root)
    (root / "reference").rename(root / "submission")
    env = dict(os.environ, AUTOGRADER_ROOT=str(root), AUTOGRADER_PYTHON=sys.executable)
    proc = subprocess.run(
        ["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rec = json.loads((root / "results" / "results.json").read_text())
    assert rec["score"] == rec["extra_data"]["max_score"] > 0
    assert rec["extra_data"]["status"] == "ok"
    assert {"name", "score", "max_score", "output", "visibility"} <= set(rec["tests"][0])


def test_reference_imports_are_the_numpy_and_scipy_modules_anywhere_in_the_source():
    source = (
        "import numpy as np\nimport math\nfrom scipy.sparse import linalg\n"
        "from . import utils\nfrom numdl.utils import vec\n"
        "def f():\n    import scipy.linalg as sl, numpy\n    from numpy.fft import fft\n"
    )
    assert reference_imports(source) == ("numpy", "scipy.sparse", "scipy.linalg", "numpy.fft")
