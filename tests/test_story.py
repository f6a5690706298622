"""One story for the user (issue 21): one headline, one verdict wording, one set of lead metrics, and
no number drawn or written that the clip cannot give."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from gait.advice import headline, not_measurable_title
from gait.analysis import MetricSummary
from gait.engine import capture_gate
from gait.render.panels import FEW_STEPS_NOTE, HudAnnotator
from tests.analysed import make_analysis

FEET_OUT = "not measurable: the feet are out of the frame or hidden; film the whole body, feet included"


def unmeasurable(key: str, side: str, reason: str = FEET_OUT) -> MetricSummary:
    nan = math.nan
    return MetricSummary(key, key, "deg", side, nan, nan, nan, 0, 0.0, (), False, reason)  # type: ignore[arg-type]


SIDE_LEADS = ("overstride_leg_lengths", "shank_angle_ic_deg", "knee_flexion_ic_deg")


def test_a_side_clip_without_feet_is_headlined_as_not_measurable() -> None:
    """Before: "Nothing stood out in this clip" over a clip whose every lead measure was missing."""
    metrics = [unmeasurable(k, s) for k in SIDE_LEADS for s in ("left", "right", "both")]
    title = "This clip cannot be measured well: the feet are out of the frame or hidden; film the whole body"
    assert not_measurable_title(metrics, "side_left").startswith(title)
    assert headline([], [], metrics, "side_left").title.startswith(title)
    assert headline([], [], (), "side_left").title == "Nothing stood out in this clip"  # no metrics given


def test_values_the_clip_cannot_give_are_blanked_at_the_source() -> None:
    """Per-step values behind a "not measurable" summary are NaN, so the video's landing panel, the
    foot-ahead arrow and steps.csv show nothing for them (a handrail once drew "Shank 115.5 deg")."""
    values = {"shank_angle_ic_deg": np.array([115.5, 90.0]), "step_time_s": np.array([0.4, 0.4])}
    gated = capture_gate(values, (unmeasurable("shank_angle_ic_deg", "left"),))
    assert np.isnan(gated["shank_angle_ic_deg"]).all()
    assert np.array_equal(gated["step_time_s"], values["step_time_s"])


def test_every_verdict_says_what_was_judged() -> None:
    """Femoral adduction has no band but its sides are compared: the both-sides row says "symmetric"
    with the difference and the allowance (before: "-", the same as never judged)."""
    analysis = make_analysis("rear")
    both = analysis.metric("femoral_adduction_peak_deg", "both")
    left = analysis.metric("femoral_adduction_peak_deg", "left")
    assert both is not None and left is not None
    words = analysis.verdict(both)
    assert words.startswith(("symmetric: L-R", "asymmetric: L-R")) and "°" in words
    assert analysis.verdict(left) == "no band; sides compared (both)"
    hip_points = analysis.metric("pelvic_drop_midstance_deg", "left")
    assert hip_points is not None and analysis.verdict(hip_points) == "no verdict (not validated)"


def test_the_panel_fits_a_narrow_clip_and_explains_few_steps_once() -> None:
    analysis = make_analysis("rear")
    few = tuple(
        MetricSummary(m.key, m.label, m.unit, m.side, m.median, m.q1, m.q3, 3, m.confidence, m.notes,
                      m.measurable, m.reason, None, False)
        if m.measurable else m
        for m in analysis.metrics
    )  # fmt: skip

    hud = HudAnnotator(
        replace(analysis, metrics=few), ["femoral_adduction_peak_deg", "cadence_steps_per_min"]
    )
    assert hud.footnote == FEW_STEPS_NOTE
    assert all(cell in ("few (3)", "-") for row in hud.rows for cell in row[1:])
    frame = np.full((400, 220, 3), 255, np.uint8)  # narrower than the panel at its natural size
    drawn = hud.annotate(frame.copy(), 0)
    assert drawn[:, -4:].min() == 255  # nothing drawn in the last pixels: the panel fits
    assert drawn[:, :100].min() < 255  # and it is there


def test_a_foot_landing_behind_the_hips_reads_behind() -> None:
    from gait.render.side import contact_line

    assert contact_line("overstride_leg_lengths", -0.02) == "Foot 0.02 leg lengths behind"
    assert contact_line("overstride_leg_lengths", 0.12) == "Foot 0.12 leg lengths ahead"


def test_a_clip_too_slow_to_see_a_step_says_frame_rate() -> None:
    """Issue 22: a 1 fps clip's problem was reported as "feet are out of the frame"."""
    import pytest

    from gait.engine import analyse_track
    from gait.errors import AnalysisError
    from tests.analysed import make_track

    with pytest.raises(AnalysisError, match=r"1\.0 frames/s, too few to see a step"):
        analyse_track(make_track("side_right", duration_s=30.0, fps=1.0))


def test_the_cli_table_names_each_metric_once_over_its_sides() -> None:
    """Issue 21: at 80 columns each side's row repeated the metric's wrapped label (5 lines a row)."""
    from rich.markup import escape

    from gait.console import metrics_table
    from tests.analysed import make_analysis

    analysis = make_analysis("rear")
    table = metrics_table(analysis)
    labels = [str(c) for c in table.columns[0]._cells]
    shown = [m for m in analysis.metrics if m.measurable]
    assert len(labels) == len(shown)
    assert [label for label in labels if label] == [
        escape(f"{m.label} [{m.unit}]") for i, m in enumerate(shown) if i == 0 or shown[i - 1].key != m.key
    ]
    assert len({m.key for m in shown}) < len(shown)  # there are sides to group
