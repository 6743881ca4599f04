"""The registry of course modules: one place that names them, their folders and prerequisites."""

from __future__ import annotations

import pathlib
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
PACKAGE = SOLUTIONS / "numdl"
ASSIGNMENTS = ROOT / "assignments"
STUDENT_TEMPLATE = ROOT / "student_template"

#: Provided modules: shipped to students as they are, never graded.
PROVIDED = (
    "__init__",
    "activations",
    "utils",
    "datasets",
    "plotting",
    "hints",
    "checks",
    "rules",
    "tripwires",
)


@dataclass(frozen=True)
class Module:
    """A graded course module, e.g. ``Module("spectral", "01_spectral")``."""

    name: str
    folder: str
    prereqs: tuple[str, ...] = ()

    @property
    def source(self) -> pathlib.Path:
        """The reference solution ``solutions/numdl/<name>.py``."""
        return PACKAGE / f"{self.name}.py"

    @property
    def assignment(self) -> pathlib.Path:
        """The assignment folder ``assignments/NN_<name>``."""
        return ASSIGNMENTS / self.folder

    @property
    def tests_dir(self) -> pathlib.Path:
        return self.assignment / "tests"

    @property
    def notebook(self) -> pathlib.Path:
        return self.assignment / f"{self.folder}.ipynb"

    @property
    def examples(self) -> pathlib.Path:
        """Mutants and correct alternatives (instructor only, never released)."""
        return self.assignment / "examples"

    def test_files(self) -> list[pathlib.Path]:
        """The question files ``tests/qK.py`` sorted by K."""
        files = self.tests_dir.glob("q*.py")
        return sorted(files, key=lambda p: int(p.stem[1:]) if p.stem[1:].isdigit() else 10**6)

    @property
    def ready(self) -> bool:
        """True once the reference and at least one question exist."""
        return self.source.exists() and bool(self.test_files())


_ALL = [
    Module("spectral", "01_spectral"),
    Module("least_squares", "02_least_squares"),
    Module("classification", "03_classification"),
    Module("single_layer", "04_single_layer", ("classification",)),
    Module("conv", "05_conv"),
    Module("mlp", "06_mlp", ("classification",)),
    Module("resnet", "07_resnet", ("classification",)),
    Module("optimal_control", "08_optimal_control", ("classification",)),
]

MODULES: dict[str, Module] = {m.name: m for m in _ALL}


def get(name: str) -> Module:
    """The module called ``name``; ``ValueError`` listing the valid names otherwise."""
    try:
        return MODULES[name]
    except KeyError:
        raise ValueError(f"unknown module {name!r}; choose one of {', '.join(MODULES)}") from None


def ready_modules() -> list[Module]:
    """The modules whose reference and tests exist, in course order."""
    return [m for m in _ALL if m.ready]
