"""``report.html`` rendered in headless Chromium: self-contained, not blank, no console errors."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys

import pytest

from autograder import examples, modules, release

MODULE = "spectral"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _cli(*args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "autograder", *args]
    return subprocess.run(cmd, cwd=modules.ROOT, capture_output=True, text=True, timeout=300)


def render(page, png, width: int = 1200, height: int = 1800) -> list[str]:
    """Screenshot ``page`` in headless Chromium with every network request refused.

    Returns the console messages the page logged (``INFO:CONSOLE`` lines).
    """
    if CHROMIUM is None:
        pytest.fail(
            "Debian's chromium is not installed (.ci/run installs it: apt-get install chromium)"
        )
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--no-first-run",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--window-size={width},{height}",
        f"--screenshot={png}",
        "--enable-logging=stderr",
        "--v=0",
        page.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert png.exists(), proc.stderr[-3000:]
    return [ln for ln in proc.stderr.splitlines() if ":CONSOLE" in ln]


def _pixels(png):
    import matplotlib.image

    return matplotlib.image.imread(str(png))[..., :3]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("html")
    subs = base / "subs"
    subs.mkdir()
    ref = examples.reference(MODULE)
    mutants = examples.mutants(MODULE)[:3]
    shortcut = examples.shortcuts(MODULE)[0]  # calls a forbidden routine: flagged
    paths = [ref.write(subs), *(ex.write(subs) for ex in [*mutants, shortcut])]
    stub = subs / "stub.py"
    stub.write_text(release.stub_source(ref.source, MODULE))
    out = base / "out"
    proc = _cli("grade", MODULE, *map(str, [*paths, stub]), "--out", str(out), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    # A hint that needs escaping, on a failed case of two submissions.
    for name in ("stub", paths[1].name):
        det_path = out / "details" / f"{name}.json"
        cases = json.loads(det_path.read_text())
        failed = next(c for c in cases if not c["passed"] and c["question"] == "q1")
        failed["hint"] = "forgets to <square> the distances"
        det_path.write_text(json.dumps(cases))
    proc = _cli("report", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"out": out, "mutants": mutants, "shortcut": shortcut}


def test_report_html_is_self_contained(graded):
    out = graded["out"]
    text = (out / "report.html").read_text()
    assert "<script" not in text and "<link" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert len(re.findall(r'src="data:image/png;base64,', text)) == 2
    for name in ("reference", "stub", "mutant_"):
        assert name in text
    assert 'href="feedback/stub.txt"' in text and (out / "feedback" / "stub.txt").exists()
    flags = json.loads((out / "results" / f"{graded['shortcut'].name}.json").read_text())
    flags = flags["extra_data"]["flags"]
    assert flags and ">flags<" in text
    assert all(f'<span class="flag">{html.escape(f)}</span>' in text for f in flags)
    assert text.count('class="flag"') == len(flags)  # no other submission is flagged
    real = [m for m in graded["mutants"] if m.name != graded["mutants"][0].name]
    assert any(html.escape(m.why) in text for m in real)  # the hints of the mutants
    assert "forgets to &lt;square&gt; the distances" in text  # escaped, counted per submission
    row = re.search(r"<td[^>]*>q1</td><td[^>]*>forgets to &lt;square&gt;[^<]*</td><td>(\d+)", text)
    assert row and row.group(1) == "2"


def test_report_html_renders_in_headless_chromium(graded, tmp_path):
    png = tmp_path / "report.png"
    console = render(graded["out"] / "report.html", png)
    assert console == [], console
    px = _pixels(png)
    ink = (px.min(axis=2) < 0.9).mean()  # share of pixels that are not near-white
    assert ink > 0.03, f"the screenshot is almost blank ({ink:.1%} ink)"
    green = ((px[..., 1] > 0.45) & (px[..., 0] < 0.3) & (px[..., 2] < 0.35)).mean()
    assert green > 0.005, "the per-question distribution (green bars) is not on the screenshot"
    shutil.copy(png, graded["out"] / "report.png")


def test_the_browser_check_can_fail(tmp_path):
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><script>console.error("boom"); nope();</script></body></html>')
    png = tmp_path / "bad.png"
    console = render(bad, png, 400, 300)
    assert any("boom" in ln for ln in console) and any("nope" in ln for ln in console)
    assert (_pixels(png).min(axis=2) < 0.9).mean() < 0.001  # a blank page is seen as blank
