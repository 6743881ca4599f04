"""``python -m autograder similarity MODULE SUBMISSION... --out DIR``: who may have copied.

Uses ``copydetect`` (winnowing fingerprints of the tokenized code, as MOSS does, run locally:
no submission leaves the machine). The released stub of the module is boilerplate, so the
template's docstrings, signatures and rule header never count as shared code. Tokenizing
replaces names by their kind, so renamed variables, changed comments and reformatting do not
hide a copy, and fingerprints are local, so reordered functions do not either.

Writes ``DIR/similarity.csv`` (one row per pair above the threshold, both directions'
overlap: the share of A's fingerprinted code found in B and of B's found in A), the library's
HTML report ``DIR/similarity.html`` and the staged sources ``DIR/sources/<submission>.py``
that the report points to.
"""

from __future__ import annotations

import csv
import io
import pathlib
from dataclasses import dataclass

from autograder import modules, release, results, submissions

#: A pair is reported when either direction's overlap reaches this share. Measured on the
#: course's examples (``tests/test_similarity.py``, all eight modules): disguised copies
#: (renamed, reordered, recommented, reformatted) overlap at least 0.83 both ways; independent
#: correct implementations written blind from the contract overlap up to 0.71 (module 06,
#: whose functions are short and canonical: a layer loop, backpropagation, the Adam update).
THRESHOLD = 0.75
#: copydetect's k-gram length (noise threshold) and guarantee threshold, in tokens' characters.
NOISE = 25
GUARANTEE = 30


@dataclass(frozen=True)
class Pair:
    """Two submissions and the share of each one's code found in the other."""

    a: str
    b: str
    a_in_b: float
    b_in_a: float
    tokens: int

    @property
    def score(self) -> float:
        return max(self.a_in_b, self.b_in_a)


def boilerplate(module: str) -> str:
    """The released stub of ``module`` (the committed template's, else built afresh)."""
    released = modules.STUDENT_TEMPLATE / "numdl" / f"{module}.py"
    if released.exists():
        return released.read_text()
    return release.stub_source(modules.get(module).source.read_text(), module)


def compare(
    module: str,
    sources: dict[str, str],
    out: pathlib.Path,
    *,
    threshold: float = THRESHOLD,
    html: bool = True,
) -> list[Pair]:
    """Compare every pair of ``sources`` (name -> code) with copydetect.

    Parameters
    ----------
    module : str
        The module (its released stub is the boilerplate).
    sources : dict
        Submission name -> source code.
    out : pathlib.Path
        Output folder: ``sources/<name>.py`` and, if ``html``, ``similarity.html``.
    threshold : float
        Pairs whose overlap in either direction reaches it are returned.
    html : bool
        Write copydetect's HTML report.

    Returns
    -------
    list of Pair
        Every pair above the threshold, most similar first (each unordered pair once).
    """
    from copydetect import CopyDetector

    out = pathlib.Path(out)
    staged = out / "sources"
    staged.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, code in sorted(sources.items()):
        files[name] = staged / f"{name}.py"
        results.atomic_write(files[name], code.encode())
    stub = out / f".boilerplate_{module}.py"
    stub.write_text(boilerplate(module))
    det = CopyDetector(
        extensions=["py"],
        noise_t=NOISE,
        guarantee_t=GUARANTEE,
        display_t=threshold,
        autoopen=False,
        silent=True,
        out_file=str(out / "similarity.html"),
    )
    for path in files.values():
        det.add_file(str(path))
    det.add_file(str(stub), type="boilerplate")
    if len(files) < 2:
        return []
    det.run()
    if html:
        det.generate_html_report()
    stub.unlink()
    index = {str(p): n for n, p in files.items()}
    sim = det.similarity_matrix
    pairs = {}
    for i, fa in enumerate(det.test_files):
        for j, fb in enumerate(det.ref_files):
            a, b = index[fa], index[fb]
            if a >= b or sim[i, j, 0] < 0:
                continue
            p = Pair(
                a, b, float(sim[i, j, 0]), float(sim[i, j, 1]), int(det.token_overlap_matrix[i, j])
            )
            pairs[(a, b)] = p
    found = [p for p in pairs.values() if p.score >= threshold]
    return sorted(found, key=lambda p: (-p.score, p.a, p.b))


def csv_text(pairs: list[Pair]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["submission_a", "submission_b", "a_in_b", "b_in_a", "overlap_tokens"])
    for p in pairs:
        w.writerow([p.a, p.b, f"{p.a_in_b:.3f}", f"{p.b_in_a:.3f}", p.tokens])
    return buf.getvalue()


def run(
    module: str, paths: list[str], out: pathlib.Path, threshold: float = THRESHOLD
) -> tuple[list[Pair], list[str]]:
    """The command: resolve the submissions, compare them, write the CSV and the report.

    Returns the pairs found and the names of submissions that could not be read (skipped,
    with their reason, e.g. ``stub: the submission has no numdl/spectral.py``).
    """
    sources, skipped = {}, []
    for p in paths:
        sub = submissions.resolve(p, module)
        if sub.error or sub.source is None:
            skipped.append(f"{sub.name}: {sub.error}")
            continue
        if sub.name in sources:
            raise ValueError(f"several submissions are named {sub.name}")
        sources[sub.name] = sub.source.decode("utf-8", errors="replace")
    if len(sources) < 2:
        raise ValueError(f"similarity needs at least two readable submissions, got {len(sources)}")
    out = pathlib.Path(out)
    pairs = compare(module, sources, out, threshold=threshold)
    results.atomic_write(out / "similarity.csv", csv_text(pairs).encode())
    return pairs, skipped
