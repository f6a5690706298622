"""Known-answer tests: rendered runners with exact truth, measured through the real pose model.

The clips in tests/data/bench/ come from ``scripts/synth.py`` (``tests/data/bench/make.sh`` remakes
them) with their ``.truth.json`` beside them. Bounds are those measured and stated in
docs/validation.md: a change that makes gait worse on the bench fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.validate import matched_steps
from gait.analysis import Analysis
from gait.engine import analyse_track
from gait.notes import MAX_FRONTAL_PITCH_DEG
from gait.pose import camera_tilt
from gait.track import PoseTrack

BENCH = Path(__file__).parent / "data" / "bench"
REAR, MIRROR = "rear_cpd6-2_60fps", "rear_cpd6-2_60fps_mirror"
ROLL = "rear_roll3_30fps"
FRONT = "front_cpd5-3_30fps"
SIDES = ("side_right_os0.25_60fps", "side_left_os0.10_30fps")
ALL = (REAR, MIRROR, ROLL, FRONT, *SIDES)
FRONTAL_UNVALIDATED = ("pelvic_drop_midstance_deg", "pelvic_drop_peak_deg", "hip_adduction_peak_deg")
#: Bounds measured on these clips with the full model (docs/validation.md), with a little room:
#: per-side median error (measured - true) of the frontal angles, deg.
FRONTAL_BOUNDS = {
    "pelvic_drop_midstance_deg": (-8.5, 0.0),  # measured -7.0 / -3.3 (left 6 deg, right 2 deg true)
    "pelvic_drop_peak_deg": (-7.0, 1.0),  # measured -5.8 / -1.4
    "hip_adduction_peak_deg": (-7.5, 0.0),  # measured -5.1 / -0.9 (hip joint centres corrected)
}
#: Overstride per-side median error, leg lengths: measured +0.01 to +0.08 (gait reads it high).
OVERSTRIDE_BOUND = 0.15
#: Femoral adduction per-side median error, deg: measured -0.3 to +1.6 on the level clips, -1.2 on
#: the rolled one (worst per step on the hold-out grid: 3.0 level, 1.7 rolled).
FEMORAL_BOUND_DEG = 2.5
#: A clip and its mirror image, sides swapped, each frame read with its mirror image (the default for
#: rear views): measured within 0.48 deg (0.85 when frames were read once).
MIRROR_BOUND_DEG = 0.75
#: Cadence error: measured 0.0-0.1% on the rear clips, 0.4% on the front clip, 0.0% and 0.9% on the 4 s
#: side clips ("rear" covers both frontal views).
CADENCE_BOUND = {"rear": 0.01, "side": 0.01}


@cache
def truth(name: str) -> dict[str, Any]:
    return json.loads((BENCH / f"{name}.truth.json").read_text())


@pytest.fixture(scope="session")
def measured(track_of: Callable[[Path], PoseTrack]) -> Callable[[str], tuple[PoseTrack, Analysis]]:
    """``measured(name)``: the clip's track and analysis (tilt included), computed once per run."""
    memo: dict[str, tuple[PoseTrack, Analysis]] = {}

    def get(name: str) -> tuple[PoseTrack, Analysis]:
        if name not in memo:
            clip = BENCH / f"{name}.mp4"
            track = track_of(clip)
            tilt = camera_tilt(clip, track)
            memo[name] = (
                track,
                analyse_track(
                    track,
                    tilt_deg=None if tilt is None else tilt.tilt_deg,
                    tilt_uncertainty_deg=None if tilt is None else tilt.uncertainty_deg,
                    pitch_deg=None if tilt is None else tilt.pitch_deg,
                ),
            )
        return memo[name]

    return get


def matched(analysis: Analysis, name: str) -> list[tuple[int, dict[str, Any]]]:
    return matched_steps(analysis, truth(name))


def per_side_error(analysis: Analysis, name: str, key: str) -> dict[str, float]:
    """Median over matched steps of measured - true, per side."""
    pairs = matched(analysis, name)
    out = {}
    for side in ("left", "right"):
        errors = [analysis.steps.values[key][i] - s["values"][key] for i, s in pairs if s["side"] == side]
        out[side] = float(np.nanmedian(errors))
    return out


@pytest.mark.parametrize("name", ALL)
def test_the_pose_model_finds_the_rendered_runner(measured, name):
    track, _ = measured(name)
    assert track.person_found.mean() >= 0.99


@pytest.mark.parametrize("name", ALL)
def test_cadence_within_one_percent(measured, name):
    _, analysis = measured(name)
    cadence = analysis.metric("cadence_steps_per_min", "both")
    true = truth(name)["summary"]["cadence_steps_per_min"]
    bound = CADENCE_BOUND["side" if name in SIDES else "rear"]
    assert cadence is not None and abs(cadence.median - true) / true <= bound


@pytest.mark.parametrize("name", ALL)
def test_every_true_step_is_found_once(measured, name):
    _, analysis = measured(name)
    pairs = matched(analysis, name)
    # the truth lists only steps that end inside the clip; gait may add the one the clip cuts short
    assert len(pairs) >= analysis.steps.n - 1, "a step gait found matches no true stance"
    assert len({s["contact_frame"] for _, s in pairs}) == len(pairs), "a true step was found twice"
    assert len(pairs) >= len(truth(name)["steps"]) - 1
    assert analysis.steps.n <= len(truth(name)["steps"]) + 1


@pytest.mark.parametrize("name", SIDES)
def test_side_view_contacts_within_a_tenth_of_a_second(measured, name):
    """Measured: -2 to +2 frames at 60 fps (80% within one), -3 to +1 at 30 fps (56% within one).
    The issue's target, within one frame on 90% of steps, is not met yet (docs/validation.md)."""
    _, analysis = measured(name)
    fps = truth(name)["fps"]
    errors = [int(analysis.steps.contact_frame[i]) - s["contact_frame"] for i, s in matched(analysis, name)]
    assert all(abs(e) / fps <= 0.11 for e in errors), errors
    assert np.mean(np.abs(errors) <= 1) >= 0.4, errors


@pytest.mark.parametrize("name", (REAR, MIRROR, ROLL))
def test_rear_view_contacts_are_early_by_a_stated_amount(measured, name):
    """Frontal contacts are where the landing foot stops descending (docs/metrics.md). Measured:
    3-4 frames (50-58 ms) early at 60 fps, 1 frame (33 ms) early at 30 fps, every step within
    100 ms; before, 67-100 ms late (the foot's height at contact differs from midstance's: the
    treadmill carries it toward the camera)."""
    _, analysis = measured(name)
    errors_s = [
        (int(analysis.steps.contact_frame[i]) - s["contact_frame"]) / truth(name)["fps"]
        for i, s in matched(analysis, name)
    ]
    assert -0.07 <= np.median(errors_s) <= 0.0, errors_s
    assert np.max(np.abs(errors_s)) <= 0.1 + 1e-9, errors_s


def test_front_view_contacts_on_time(measured):
    """Front-view contacts, once about 67 ms early (the foot comes toward the camera as it lands, so
    it nears its midstance height before it touches down): measured median +17 ms, every step within
    one frame (33 ms)."""
    _, analysis = measured(FRONT)
    errors = [int(analysis.steps.contact_frame[i]) - s["contact_frame"] for i, s in matched(analysis, FRONT)]
    assert 0 <= np.median(errors) <= 1, errors
    assert np.mean(np.abs(errors) <= 1) >= 0.8, errors


@pytest.mark.parametrize("name", SIDES)
def test_overstride_known_answer(measured, name):
    _, analysis = measured(name)
    errors = per_side_error(analysis, name, "overstride_leg_lengths")
    assert all(abs(e) <= OVERSTRIDE_BOUND for e in errors.values()), errors


def test_camera_roll_is_estimated_from_the_room(measured):
    _, analysis = measured(ROLL)
    assert analysis.tilt_deg is not None and abs(analysis.tilt_deg - 3.0) <= 1.0


@pytest.mark.parametrize("key", FRONTAL_UNVALIDATED)
def test_frontal_errors_stay_within_the_stated_bounds(measured, key):
    """The pose model under-reads frontal angles (docs/validation.md); it must not get worse."""
    _, analysis = measured(REAR)
    errors = per_side_error(analysis, REAR, key)
    low, high = FRONTAL_BOUNDS[key]
    assert all(low <= e <= high for e in errors.values()), errors


def test_mirrored_clip_gives_mirrored_sides(measured):
    _, plain = measured(REAR)
    _, mirror = measured(MIRROR)
    for key in ("pelvic_drop_midstance_deg", "hip_adduction_peak_deg", "femoral_adduction_peak_deg"):
        for side, other in (("left", "right"), ("right", "left")):
            a, b = plain.metric(key, side), mirror.metric(key, other)
            assert a is not None and b is not None
            assert abs(a.median - b.median) <= MIRROR_BOUND_DEG, (key, side, a.median, b.median)


@pytest.mark.parametrize("key", FRONTAL_UNVALIDATED)
def test_no_verdict_on_what_the_bench_has_not_validated(measured, key):
    """A number the bench shows to be wrong gets no band and no finding."""
    _, analysis = measured(REAR)
    for side in ("left", "right", "both"):
        m = analysis.metric(key, side)
        assert m is None or m.band is None
    assert not [f for f in analysis.findings if f.metric_key == key]


@pytest.mark.parametrize(
    ("key", "bound"), [("pelvic_drop_midstance_deg", 1.0), ("femoral_adduction_peak_deg", 1.5)]
)
def test_a_rolled_camera_is_levelled(measured, key, bound):
    """3 deg of roll used to add +3 / -3 deg to the two sides (a 5.5 deg gap in pelvic drop's errors);
    with the estimated roll subtracted the two sides' errors agree: measured 0.4 deg apart for pelvic
    drop, 0.6 for femoral adduction (2.8 when frames were read once, not also mirrored: the model's
    own left/right difference on this body)."""
    _, analysis = measured(ROLL)
    errors = per_side_error(analysis, ROLL, key)
    assert abs(errors["left"] - errors["right"]) <= bound, errors


@pytest.mark.parametrize("name", [REAR, MIRROR, ROLL])
def test_femoral_adduction_known_answer(measured, name):
    """Femoral adduction passes the bench once the hip joint centres are placed outside the model's
    hip points (docs/validation.md: hold-out grid bias +0.8 deg, RMSE 1.3 over the level hip-height steps)."""
    _, analysis = measured(name)
    errors = per_side_error(analysis, name, "femoral_adduction_peak_deg")
    assert all(abs(e) <= FEMORAL_BOUND_DEG for e in errors.values()), errors


@pytest.mark.parametrize("name", [REAR, MIRROR, ROLL])
def test_a_level_camera_is_not_called_too_high(measured, name):
    """The CI clips are filmed from hip height: no pitch beyond the note's 5 deg, and no note."""
    _, analysis = measured(name)
    assert analysis.pitch_deg is None or abs(analysis.pitch_deg) < MAX_FRONTAL_PITCH_DEG
    assert not any("camera looks" in note for note in analysis.quality_notes)


def test_the_report_says_the_frontal_angles_are_not_judged(measured):
    from gait.advice import build_advice
    from gait.report.html import render_report_html

    _, analysis = measured(REAR)
    page = render_report_html(analysis, build_advice(analysis.findings, analysis.metrics, ()))
    assert "not validated: no verdict" in page
    assert "are shown but not judged" in page and "pelvic drop" in page.lower()
