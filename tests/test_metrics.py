"""Metric families on hand-built frames whose angles are known, plus thresholds and findings."""

from __future__ import annotations

import numpy as np
import pytest

from gait.analysis import MetricSummary
from gait.events import StepEvents, knee_flexion_deg
from gait.findings import make_findings, symmetry_checks, verdict_band
from gait.gather import at_frames, nan_argmax_rows, nan_max_rows, window_gather
from gait.metrics import cadence, hip, pelvis, stride
from gait.thresholds import DEFAULT_THRESHOLDS, SCREENING_THRESHOLDS, Band
from gait.track import LANDMARK_INDEX as I


def frame(points: dict[str, tuple[float, float]]) -> np.ndarray:
    """One frame (1, 33, 2) with the named landmarks set, the rest NaN."""
    xy = np.full((1, 33, 2), np.nan)
    for name, p in points.items():
        xy[0, I[name]] = p
    return xy


def rear_pelvis(drop_deg: float, half_width: float = 50.0) -> dict[str, tuple[float, float]]:
    """Rear view: left hip on the image left; the right hip lower by ``drop_deg``."""
    a = np.radians(drop_deg)
    return {
        "left_hip": (500 - half_width * np.cos(a), 400 - half_width * np.sin(a)),
        "right_hip": (500 + half_width * np.cos(a), 400 + half_width * np.sin(a)),
    }


def test_right_hip_drop_angle_rear_and_front() -> None:
    assert pelvis.right_hip_drop_deg(frame(rear_pelvis(5.0)))[0] == pytest.approx(5.0)
    front = {"left_hip": (550.0, 400.0), "right_hip": (450.0, 400.0 + 100 * np.tan(np.radians(3)))}
    assert pelvis.right_hip_drop_deg(frame(front))[0] == pytest.approx(3.0)  # sides swapped on screen


def femur_frame(adduction_deg: float, drop_deg: float) -> np.ndarray:
    """Rear view, left knee 200 px below the left hip joint centre, rotated toward the midline (image
    right); the hip landmarks where the pose model puts them, inside the joint centres."""
    pts = rear_pelvis(drop_deg)
    hx, hy = pts["left_hip"]
    a = np.radians(adduction_deg)
    pts["left_knee"] = (hx + 200 * np.sin(a), hy + 200 * np.cos(a))
    pts["left_ankle"] = (pts["left_knee"][0], pts["left_knee"][1] + 200)  # vertical shank
    pts["right_knee"] = (pts["right_hip"][0], pts["right_hip"][1] + 200)
    pts["right_ankle"] = (pts["right_knee"][0], pts["right_knee"][1] + 200)
    for side in ("left_hip", "right_hip"):
        pts[side] = tuple(np.add((500, 400), np.subtract(pts[side], (500, 400)) / hip.HIP_JOINT_WIDTH_RATIO))
    return frame(pts)


def test_hip_and_femoral_adduction_and_knee_projection_angle() -> None:
    xy = femur_frame(adduction_deg=4.0, drop_deg=5.0)
    # femur against the image vertical: 4 deg toward the midline
    assert hip.femoral_adduction_deg(xy)[0, 0] == pytest.approx(4.0)
    # against the perpendicular of a pelvis tilted 5 deg (right hip lower): 4 + 5
    assert hip.hip_adduction_deg(xy)[0, 0] == pytest.approx(9.0)
    # thigh 4 deg medial, shank vertical: the knee sits 4 deg medial of the hip-ankle line
    assert hip.knee_fppa_deg(xy)[0, 0] == pytest.approx(4.0)
    # the right leg hangs vertically: femoral 0, hip adduction -5 (abducted relative to the tilted pelvis)
    assert hip.femoral_adduction_deg(xy)[0, 1] == pytest.approx(0.0, abs=1e-9)
    assert hip.hip_adduction_deg(xy)[0, 1] == pytest.approx(-5.0)


def test_adduction_is_the_same_in_a_front_view() -> None:
    rear = femur_frame(4.0, 5.0)
    front = rear.copy()
    front[..., 0] = 1000 - front[..., 0]  # the camera on the other side: x mirrored, labels kept
    np.testing.assert_allclose(hip.hip_adduction_deg(front), hip.hip_adduction_deg(rear))
    np.testing.assert_allclose(hip.femoral_adduction_deg(front), hip.femoral_adduction_deg(rear), atol=1e-9)


def test_trunk_lean_toward_left() -> None:
    pts = rear_pelvis(0.0)
    lean = np.radians(6.0)
    pts["left_shoulder"] = (500 - 80 - 300 * np.sin(lean), 400 - 300 * np.cos(lean))
    pts["right_shoulder"] = (500 + 80 - 300 * np.sin(lean), 400 - 300 * np.cos(lean))
    assert pelvis.trunk_lean_left_deg(frame(pts))[0] == pytest.approx(6.0)  # rear: left is image left


def test_knee_flexion_and_shank_angle() -> None:
    straight = frame({"left_hip": (0, 0), "left_knee": (0, 100), "left_ankle": (0, 200)})
    bent = frame({"left_hip": (0, 0), "left_knee": (0, 100), "left_ankle": (100, 100)})
    assert knee_flexion_deg(straight)[0, 0] == pytest.approx(0.0)
    assert knee_flexion_deg(bent)[0, 0] == pytest.approx(90.0)
    ahead = frame({"left_knee": (0, 0), "left_ankle": (100 * np.tan(np.radians(10)), 100)})
    assert stride.shank_angle_deg(ahead, direction=1.0)[0, 0] == pytest.approx(10.0)
    assert stride.shank_angle_deg(ahead, direction=-1.0)[0, 0] == pytest.approx(-10.0)


def events(contact: list[int], stance_end: list[int], mid: list[int], is_left: list[bool]) -> StepEvents:
    c = np.array(contact)
    return StepEvents(
        is_left=np.array(is_left),
        contact_frame=c,
        midstance_frame=np.array(mid),
        stance_end_frame=np.array(stance_end),
        toe_off_frame=np.array(stance_end),
        end_frame=np.append(c[1:], -1),
        next_same_frame=np.append(c[2:], [-1, -1]),
        leg_column=np.where(is_left, 0, 1),
        method="frontal",
    )


def test_pelvic_drop_per_step_signs_and_peaks() -> None:
    trace = np.zeros(40)
    trace[2:8] = [1, 3, 5, 4, 2, 1]  # left stance: right hip drops, peak 5 at frame 4
    trace[12:18] = [-1, -2, -6, -3, -1, 0]  # right stance: left hip drops, peak 6 at frame 14
    ev = events([2, 12], [7, 17], [5, 13], [True, False])
    out = pelvis.pelvic_drop_deg(trace, ev)
    np.testing.assert_allclose(out["pelvic_drop_midstance_deg"], [4.0, 2.0])
    np.testing.assert_allclose(out["pelvic_drop_peak_deg"], [5.0, 6.0])


def test_gathers() -> None:
    x = np.arange(10.0)
    np.testing.assert_array_equal(at_frames(x, np.array([0, 9, -1]))[:2], [0, 9])
    assert np.isnan(at_frames(x, np.array([-1]))[0])
    rows = window_gather(x, np.array([2, 5, -1]), np.array([4, 5, 3]))
    np.testing.assert_array_equal(rows[0], [2, 3, 4])
    assert np.isnan(rows[2]).all()
    np.testing.assert_array_equal(nan_max_rows(rows)[:2], [4, 5])
    np.testing.assert_array_equal(nan_argmax_rows(rows), [2, 0, -1])
    per_leg = np.column_stack((x, -x))
    np.testing.assert_array_equal(
        window_gather(per_leg, np.array([1]), np.array([2]), np.array([1]))[0], [-1, -2]
    )


def test_step_times_and_cadence_agreement() -> None:
    time_s = np.arange(100) / 50.0
    ev = events([10, 28, 46], [15, 33, 51], [12, 30, 48], [True, False, True])
    side = StepEvents(**{**ev.__dict__, "method": "side"})
    out = cadence.step_metrics(time_s, side)
    np.testing.assert_allclose(out["step_time_s"][:2], [0.36, 0.36])
    np.testing.assert_allclose(out["cadence_steps_per_min"][:2], [60 / 0.36] * 2)
    assert np.isnan(out["step_time_s"][2])
    assert cadence.agreement_factor(170, 172) == 1.0
    assert cadence.agreement_factor(170, 120) == pytest.approx(cadence.AGREEMENT_FLOOR)
    assert 0.3 < cadence.agreement_factor(170, 160) < 1.0


def test_band_classification() -> None:
    higher = Band((5.0, 8.0, 11.0))
    assert [higher.classify(v) for v in (4.9, 5.0, 9.0, 12.0)] == ["normal", "mild", "moderate", "severe"]
    lower = Band((160.0, 150.0, 140.0), higher_is_worse=False)
    assert [lower.classify(v) for v in (170, 155, 145, 130)] == ["normal", "mild", "moderate", "severe"]
    assert higher.classify(float("nan")) is None
    assert SCREENING_THRESHOLDS.classify("no_such_metric", 3.0) is None


def summary(key: str, side: str, median: float, n: int, unit: str = "deg") -> MetricSummary:
    return MetricSummary(key, key, unit, side, median, median - 1, median + 1, n, 0.9)  # type: ignore[arg-type]


def test_no_verdict_below_seven_steps() -> None:
    m = summary("pelvic_drop_midstance_deg", "left", 12.0, n=6)
    assert verdict_band(m, SCREENING_THRESHOLDS, 0.0, 7) is None
    assert (
        verdict_band(summary("pelvic_drop_midstance_deg", "left", 12.0, 7), SCREENING_THRESHOLDS, 0.0, 7)
        == "severe"
    )


def test_roll_sensitive_bands_allow_for_the_tilt() -> None:
    m = summary("pelvic_drop_midstance_deg", "left", 6.0, n=10)  # mild at a level camera
    assert verdict_band(m, SCREENING_THRESHOLDS, 0.0, 7) == "mild"
    assert verdict_band(m, SCREENING_THRESHOLDS, 1.5, 7) == "normal"  # could be 1.5 deg of roll
    both = summary("pelvic_drop_midstance_deg", "both", 6.0, n=20)  # the mean of both sides is roll-free
    assert verdict_band(both, SCREENING_THRESHOLDS, 1.5, 7) == "mild"


def test_asymmetry_needs_more_than_detectable_difference_plus_twice_the_tilt() -> None:
    def banded(m: MetricSummary) -> MetricSummary:
        from dataclasses import replace

        return replace(m, band=verdict_band(m, SCREENING_THRESHOLDS, 0.0, 7))

    metrics = [
        banded(summary("pelvic_drop_midstance_deg", s, v, 10)) for s, v in (("left", 8.5), ("right", 2.0))
    ]
    codes = [
        f.code for f in make_findings(metrics, symmetry_checks(metrics, SCREENING_THRESHOLDS, 0.0, 7, True))
    ]
    assert "asymmetry" in codes and "pelvic_drop_high" in codes
    # 6.5 deg apart: more than 3, but not more than 3 + 2 * 2 when the camera may be 2 deg off level
    assert "asymmetry" not in [
        f.code for f in make_findings(metrics, symmetry_checks(metrics, SCREENING_THRESHOLDS, 2.0, 7, True))
    ]
    few = [summary("pelvic_drop_midstance_deg", s, v, 5) for s, v in (("left", 12.0), ("right", 2.0))]
    assert make_findings(few, symmetry_checks(few, SCREENING_THRESHOLDS, 0.0, 7, True)) == ()


def test_an_asymmetry_read_without_the_mirror_image_needs_the_larger_bench_allowance() -> None:
    """The bench measured the model's left-right error on femoral adduction with and without each
    frame's mirror image; a difference between the two allowances is called only when mirrored."""
    key = "femoral_adduction_peak_deg"
    table = DEFAULT_THRESHOLDS
    mirrored, single = table.asymmetry_error(key, True), table.asymmetry_error(key, False)
    assert 0 < mirrored < single
    gap = table.detectable_difference[key] + (mirrored + single) / 2
    metrics = [summary(key, "left", 6.0 + gap, 10), summary(key, "right", 6.0, 10)]
    assert [f.code for f in make_findings(metrics, symmetry_checks(metrics, table, 0.0, 7, True))] == [
        "asymmetry"
    ]
    assert make_findings(metrics, symmetry_checks(metrics, table, 0.0, 7, False)) == ()


def test_findings_messages_carry_unit_and_steps() -> None:
    from dataclasses import replace

    m = summary("overstride_leg_lengths", "right", 0.4, 12, unit="leg lengths")
    m = replace(m, band=verdict_band(m, SCREENING_THRESHOLDS, 0.0, 7))
    (finding,) = make_findings([m], symmetry_checks([m], SCREENING_THRESHOLDS, 0.0, 7, True))
    assert finding.code == "overstriding" and finding.severity == "moderate"
    assert "0.40 leg lengths" in finding.message and "12 steps" in finding.message


def test_cadence_fit_cancels_a_timing_bias_of_one_leg() -> None:
    """Contacts every 0.375 s (160 steps/min), the left leg's found 0.1 s early (steps alternate
    0.475 / 0.275 s): over an odd number of steps the mean step time reads 155 steps/min; the
    per-side fit reads 160."""
    from gait.metrics.cadence import cadence_spm

    n = 10
    is_left = np.arange(n) % 2 == 0
    contact_s = 0.375 * np.arange(n) - 0.1 * is_left
    step_time_s = np.diff(contact_s)
    assert 60 / step_time_s.mean() == pytest.approx(155.4, abs=0.1)
    assert cadence_spm(step_time_s, is_left[:-1], 0.4) == pytest.approx(160.0, abs=1e-6)
    # a missed contact (one step twice as long) splits the run instead of skewing the fit
    missed = np.concatenate([step_time_s[:4], [step_time_s[4] + step_time_s[5]], step_time_s[6:]])
    sides = np.concatenate([is_left[:5], is_left[6:-1]])
    assert cadence_spm(missed, sides, 0.4) == pytest.approx(160.0, abs=1e-6)
    assert np.isnan(cadence_spm(np.array([np.nan]), np.array([True]), 0.4))
    assert cadence_spm(np.array([0.4]), np.array([True]), 0.4) == pytest.approx(150.0)  # too few: mean
    # two steps that disagree by more than the outlier fraction about their mean: no pace (was an IndexError)
    assert np.isnan(cadence_spm(np.array([0.2, 0.6]), np.array([True, False]), 0.4))
