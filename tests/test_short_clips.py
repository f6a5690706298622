"""Short and edited clips: too few steps are never headlined; per-shot summaries; walking."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from gait.advice import build_advice
from gait.analysis import TOO_FEW_STEPS, Analysis
from gait.cli import metrics_table
from gait.engine import analyse_track
from gait.metrics.catalogue import CADENCE_KEY
from gait.pose import pose_track
from gait.present import format_value
from gait.render import HudAnnotator, hud_keys
from gait.report.batch import BatchRow, batch_csv_text, render_index_html, row_values
from gait.report.data import build_summary
from gait.report.html import _tiles, render_report_html
from gait.thresholds import MIN_STEPS_FOR_VERDICT
from tests.analysed import make_analysis, make_track
from tests.conftest import real_clip

FIVE_SHOTS = "bellamyceleman_run_front_road_5shots_textoverlay.mp4"
FIVE_SHOTS_CUTS = (76, 150, 226, 301)
WALK = "watcharapol28_gait_normal_01_walk_side.mp4"


def headlined(analysis: Analysis) -> list[str]:
    """Every text the CLI table, the report's tiles and the video's panel show for a summary."""
    tiles = [value for tile in _tiles(analysis, []) for _, value, _ in tile["values"]]
    hud = HudAnnotator(analysis, hud_keys(analysis))
    buffer = io.StringIO()
    Console(file=buffer, width=400).print(metrics_table(analysis))
    return [*tiles, hud.cadence, *(t for row in hud.rows for t in row[1:]), buffer.getvalue()]


@pytest.mark.parametrize(("view", "duration_s"), [("rear", 2.0), ("rear", 3.0), ("side_right", 2.5)])
def test_too_few_steps_are_never_headlined(view: str, duration_s: float) -> None:
    analysis = make_analysis(track=make_track(view, duration_s=duration_s))
    few = [m for m in analysis.metrics if m.measurable and m.n_steps < MIN_STEPS_FOR_VERDICT]
    assert any(m.key == CADENCE_KEY for m in few)  # the clip is short enough to test the rule
    shown = headlined(analysis)
    for m in few:
        n = m.n_steps if m.verdict_steps is None else m.verdict_steps  # a mean of sides: its fewer side
        assert m.shown() == TOO_FEW_STEPS.format(n=n) and m.band is None
        number = format_value(m.median, m.unit)
        assert not any(number in text for text in shown[:-1]), (m.key, m.side, number)
    table = shown[-1]
    cadence = analysis.metric(CADENCE_KEY, "both")
    assert cadence is not None and f"not enough steps ({cadence.n_steps})" in table
    doc = build_summary(analysis, build_advice(analysis.findings, analysis.metrics, ()))
    entry = next(e for e in doc["metrics"] if e["key"] == CADENCE_KEY and e["side"] == "both")
    assert entry["enough_steps"] is False and entry["shown"].startswith("not enough steps")
    html = render_report_html(analysis, [])
    start = html.index('id="key-numbers"')
    tiles = html[start : html.index("</div>\n</div>", start)]
    assert "not enough steps" in tiles and "steps/min" not in re.sub(r"target.*", "", tiles)
    assert "Not enough steps to judge" in html and "Nothing stood out" not in html


def test_a_clip_with_enough_steps_keeps_its_headline() -> None:
    html = render_report_html(make_analysis(track=make_track("rear", duration_s=8.0)), [])
    assert "Not enough steps to judge" not in html


def test_enough_steps_are_headlined() -> None:
    analysis = make_analysis(track=make_track("rear", duration_s=8.0))
    cadence = analysis.metric(CADENCE_KEY, "both")
    assert cadence is not None and cadence.enough_steps
    assert format_value(cadence.median, "steps/min") in headlined(analysis)


def test_each_shot_of_an_edited_clip_gets_its_steps_and_cadence() -> None:
    track = make_track("rear", duration_s=9.0)
    cuts = [90, 120]  # shots of 3.0, 1.0 and 5.0 s
    analysis = analyse_track(track.replace(meta=track.meta | {"cut_frames": cuts}))
    shots = analysis.shots
    assert [(s.first_frame, s.last_frame) for s in shots] == [(0, 89), (90, 119), (120, 269)]
    assert sum(s.steps for s in shots) == analysis.steps.n
    assert all(s.left + s.right == s.steps for s in shots)
    assert shots[1].cadence_steps < MIN_STEPS_FOR_VERDICT and not shots[1].enough_steps
    assert shots[1].shown_cadence() == f"not enough steps ({shots[1].cadence_steps})"
    assert shots[2].enough_steps and abs(shots[2].cadence_spm - 170) < 3  # the synthetic runner's
    doc = build_summary(analysis, [])
    assert [s["shot"] for s in doc["shots"]] == [1, 2, 3]
    html = render_report_html(analysis, [])
    assert 'id="shots"' in html and shots[1].shown_cadence() in html
    assert make_analysis().shots == () and 'id="shots"' not in render_report_html(make_analysis(), [])


@pytest.mark.realclip
def test_five_shot_clip_gets_a_summary_per_shot() -> None:
    track = pose_track(real_clip(FIVE_SHOTS), cache_dir=None).track
    cuts = track.meta["cut_frames"]
    assert len(cuts) == 4 and np.all(np.abs(np.subtract(cuts, FIVE_SHOTS_CUTS)) <= 1)
    analysis = analyse_track(track)
    assert len(analysis.shots) == 5
    for shot in analysis.shots:
        assert shot.steps >= 4  # about 2.5 s of running each
        assert not shot.enough_steps or 130 < shot.cadence_spm < 200
        assert shot.enough_steps or shot.shown_cadence().startswith("not enough steps")


@pytest.mark.realclip
def test_walking_is_recognised_and_its_steps_alternate() -> None:
    track = pose_track(real_clip(WALK), cache_dir=None).track
    analysis = analyse_track(track)
    side = analysis.steps.side
    assert analysis.steps.n >= 5 and np.all(side[1:] != side[:-1])
    cadence = analysis.metric(CADENCE_KEY, "both")
    assert cadence is not None and cadence.median < 130 and cadence.band is None
    assert any("looks like walking" in note for note in analysis.quality_notes)


def test_steps_of_a_short_clip_have_their_own_notes(tmp_path: Path) -> None:
    analysis = make_analysis(track=make_track("rear", duration_s=3.0))
    found = analysis.steps.n
    assert found >= 3 * 170 / 60 - 3  # every step a 3 s clip holds, but the two cut by its ends


def test_the_batch_page_shows_not_enough_steps_and_the_csv_keeps_the_number() -> None:
    analysis = make_analysis(track=make_track("rear", duration_s=2.0))
    values = row_values(build_summary(analysis, []))
    row = BatchRow("short.mp4", "analysed", "", "short-1", values)
    cadence = analysis.metric(CADENCE_KEY, "both")
    assert cadence is not None and not cadence.enough_steps
    assert f"not enough steps ({cadence.n_steps})" in render_index_html([row], "batch")
    assert batch_csv_text([row]).splitlines()[1].split(",")[5] == f"{cadence.median:.4f}".rstrip("0").rstrip(
        "."
    )
