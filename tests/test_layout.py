"""The report and compare pages laid out in real headless Chromium, on a phone and on a desktop (issue 21).

Geometry, not pixels: the page never scrolls sideways, every table cell and card child lies inside
its card, and no two pieces of text overlap (a label over the minus sign of "-0.7°" reads 0.7).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gait import cli
from gait.advice import build_advice
from gait.report import render_report_html
from tests.analysed import make_analysis, make_track

ARTIFACTS = Path(__file__).parent / "artifacts"
WIDTHS = (390, 1280)
#: Sections of the report whose layout is checked.
REPORT_SECTIONS = ("#measurements", "#capture", "#advice")

#: Returns the problems of the elements under each selector: a box outside its card (or the
#: viewport), text spilling out of its cell, and text boxes of different text nodes that overlap.
LAYOUT_JS = (Path(__file__).parent / "data" / "layout_check.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample_report(small_sample: Path, tmp_path_factory: pytest.TempPathFactory, pose_cache_dir: Path) -> Path:
    """``gait analyse`` of the sample (at 360x640, no video: the tables are what is checked)."""
    out = tmp_path_factory.mktemp("sample-report") / "out"
    args = ["analyse", str(small_sample), "--out", str(out), "--no-video", "--cache-dir", str(pose_cache_dir)]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    return out / "report.html"


@pytest.fixture(scope="module")
def side_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic side-view runner's report, with a reported pain site (the staged programme)."""
    analysis = make_analysis("side_right", make_track("side_right", duration_s=8.0))
    symptoms = frozenset({"side-of-hip"})
    advice = build_advice(analysis.findings, analysis.metrics, symptoms)
    page = render_report_html(analysis, advice, clip={"file": "side_run.mp4"}, symptoms=symptoms)
    path = tmp_path_factory.mktemp("side-report") / "report.html"
    path.write_text(page, encoding="utf-8")
    return path


def layout_problems(browser: Any, path: Path, width: int, selectors: tuple[str, ...], shot: str) -> list[str]:
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 900})
    page.goto(path.as_uri())
    problems: list[str] = page.evaluate(LAYOUT_JS, list(selectors))
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"layout-{shot}-{width}.png"), full_page=True)
    page.close()
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_sample_report_lays_out(browser: Any, sample_report: Path, width: int) -> None:
    problems = layout_problems(browser, sample_report, width, REPORT_SECTIONS, "sample")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_side_view_report_lays_out(browser: Any, side_report: Path, width: int) -> None:
    problems = layout_problems(browser, side_report, width, REPORT_SECTIONS, "side")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:40])


@pytest.fixture(scope="module")
def compared(small_sample: Path, tmp_path_factory: pytest.TempPathFactory, pose_cache_dir: Path) -> Path:
    """``gait compare SAMPLE SAMPLE`` (as tests/test_compare.py's ``sample_compared``)."""
    out = tmp_path_factory.mktemp("compare-layout") / "out"
    args = ["compare", str(small_sample), str(small_sample), "--out", str(out)]
    args += ["--cache-dir", str(pose_cache_dir)]
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    return out / "compare.html"


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_compare_page_lays_out(browser: Any, compared: Path, width: int) -> None:
    problems = layout_problems(browser, compared, width, ("main",), "compare")
    assert problems == [], f"{len(problems)} problems:\n" + "\n".join(problems[:40])
