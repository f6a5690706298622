"""PSIS stickers (gait.markers) and the marker pelvic drop: known answers on painted frames, on a
synthetic track, and on the committed rendered clips; no false stickers on the real rear clips.

Painted frames put two green discs at known sub-pixel centres over a synthetic runner's hips; the
rendered clips (tests/data/bench/rear_markers_*, ``make.sh``) carry the true PSIS line.
"""

from __future__ import annotations

import colorsys
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.validate import matched_steps
from gait.engine import analyse_track
from gait.markers import MarkerTrack, find_markers, find_pair, standing_frames, track_markers
from gait.metrics.pelvis import marker_pelvic_drop_deg
from gait.options import AnalyseOptions
from gait.pipeline import psis_markers
from gait.pose import camera_tilt
from gait.track import LANDMARK_INDEX, PoseTrack
from gait.video import Frame, probe
from tests.analysed import DROP_DEG, make_track
from tests.conftest import real_clip

BENCH = Path(__file__).parent / "data" / "bench"
GREEN_BGR = (60, 215, 30)
#: The painted stickers' hue, deg (what gait.markers.find_colour finds for them).
HUE = colorsys.rgb_to_hsv(30 / 255, 215 / 255, 60 / 255)[0] * 360
HIPS = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]
SHOULDERS = [LANDMARK_INDEX["left_shoulder"], LANDMARK_INDEX["right_shoulder"]]


def landmarks(mid_hip: tuple[float, float] = (180.0, 400.0), hip_width: float = 50.0) -> np.ndarray:
    """(33, 2) landmarks with only the hips and shoulders set (what the search window needs)."""
    xy = np.full((33, 2), np.nan)
    x, y = mid_hip
    xy[HIPS] = [[x - hip_width / 2, y], [x + hip_width / 2, y]]  # rear view: left hip on the image left
    xy[SHOULDERS] = [[x - hip_width * 0.8, y - 160], [x + hip_width * 0.8, y - 160]]
    return xy


def paint(centres: list[tuple[float, float]], diameter_px: float = 8.0, size=(360, 640), back=(25, 25, 30)):
    """A frame with anti-aliased discs at sub-pixel ``centres`` (drawn 8x larger, then shrunk)."""
    k = 8
    big = np.empty((size[1] * k, size[0] * k, 3), np.uint8)
    big[:] = back
    for cx, cy in centres:
        centre = (round((cx + 0.5) * k - 0.5), round((cy + 0.5) * k - 0.5))
        cv2.circle(big, centre, round(diameter_px * k / 2), GREEN_BGR, -1, cv2.LINE_AA)
    return cv2.resize(big, size, interpolation=cv2.INTER_AREA)


STICKERS = [(166.3, 372.6), (193.8, 374.1)]


def test_sticker_centres_are_found_to_a_tenth_of_a_pixel() -> None:
    hit = find_pair(paint(STICKERS), landmarks(), HUE)
    assert hit is not None
    assert np.abs(hit[0] - np.array(STICKERS)).max() < 0.1


def test_no_stickers_no_pair() -> None:
    assert find_pair(paint([]), landmarks(), HUE) is None


def test_decoys_are_not_taken() -> None:
    """A sticker-coloured shoe patch and a logo between the shoulder blades are outside the pair's
    geometry; with the right sticker covered, the left one is not paired with the logo."""
    shoe, logo = (160.0, 600.0), (180.0, 280.0)
    hit = find_pair(paint([*STICKERS, shoe, logo]), landmarks(), HUE)
    assert hit is not None and np.abs(hit[0] - np.array(STICKERS)).max() < 0.1
    assert find_pair(paint([STICKERS[0], shoe, logo]), landmarks(), HUE) is None


def test_a_second_persons_stickers_are_not_looked_at() -> None:
    other = [(x + 120.0, y) for x, y in STICKERS]
    hit = find_pair(paint([*STICKERS, *other]), landmarks(), HUE)
    assert hit is not None and np.abs(hit[0] - np.array(STICKERS)).max() < 0.1
    assert find_pair(paint(other), landmarks(), HUE) is None


def line_tilt_deg(points: np.ndarray) -> float:
    (lx, ly), (rx, ry) = points
    return float(np.degrees(np.arctan2(ry - ly, abs(lx - rx))))


@settings(max_examples=15, deadline=None)
@given(st.floats(-8.0, 8.0))
def test_rotating_the_picture_turns_the_sticker_line_by_as_much(roll_deg: float) -> None:
    frame, xy = paint(STICKERS), landmarks()
    centre = (180.0, 400.0)
    rot = cv2.getRotationMatrix2D(centre, -roll_deg, 1.0)  # + roll: the scene turned clockwise
    turned = cv2.warpAffine(frame, rot, (360, 640), flags=cv2.INTER_CUBIC, borderValue=(25, 25, 30))
    turned_xy = np.hstack([xy, np.ones((33, 1))]) @ rot.T
    before, after = find_pair(frame, xy, HUE), find_pair(turned, turned_xy, HUE)
    assert before is not None and after is not None
    assert line_tilt_deg(after[0]) - line_tilt_deg(before[0]) == pytest.approx(roll_deg, abs=0.15)


def test_a_mirrored_picture_reads_the_opposite_tilt() -> None:
    frame, xy = paint(STICKERS), landmarks()
    flipped_xy = xy.copy()
    flipped_xy[:, 0] = 359 - xy[:, 0]
    flipped_xy[HIPS] = flipped_xy[HIPS[::-1]]  # the image-left hip is still called left
    flipped_xy[SHOULDERS] = flipped_xy[SHOULDERS[::-1]]
    a, b = (
        find_pair(frame, xy, HUE),
        find_pair(frame[:, ::-1].copy(), flipped_xy, HUE),
    )
    assert a is not None and b is not None
    assert line_tilt_deg(b[0]) == pytest.approx(-line_tilt_deg(a[0]), abs=0.05)


def frames_of(images: list[np.ndarray], fps: float = 30.0) -> list[Frame]:
    return [Frame(i, i / fps, image) for i, image in enumerate(images)]


def still_track(n: int, fps: float = 30.0) -> PoseTrack:
    xy = np.tile(landmarks(), (n, 1, 1))
    nan = np.full((n, 33), 0.9)
    return PoseTrack(xy, nan, nan, np.zeros((n, 33, 3)), np.arange(n) / fps, fps, (360, 640))


def test_short_gaps_are_bridged_long_ones_left_out_and_part_covered_stickers_dropped() -> None:
    """Frames 10-12 hidden (0.1 s: bridged), 20-29 hidden (0.33 s: left out), 40 half covered."""
    n, images = 50, []
    for i in range(n):
        if 10 <= i <= 12 or 20 <= i <= 29:
            images.append(paint([]))
        elif i == 40:
            image = paint(STICKERS)
            image[int(STICKERS[1][1]) - 6 : int(STICKERS[1][1]), 185:205] = (25, 25, 30)  # upper half gone
            images.append(image)
        else:
            images.append(paint(STICKERS))
    markers = track_markers(frames_of(images), still_track(n), HUE, True)
    assert not markers.found[[10, 11, 12, 20, 29, 40]].any() and markers.found[[0, 13, 30, 41]].all()
    assert np.isfinite(markers.xy_px[10:13]).all() and np.isfinite(markers.xy_px[40]).all()
    assert np.isnan(markers.xy_px[20:30]).all()
    assert len(markers.long_gaps_s) == 1 and markers.long_gaps_s[0] == pytest.approx((20 / 30, 29 / 30))
    assert np.abs(markers.xy_px[40] - np.array(STICKERS)).max() < 0.1  # bridged, not read off-centre


# --------------------------------------------------------------------------- the measures


def synthetic_markers(track: PoseTrack, offset_px: float, standing: tuple[int, int]) -> MarkerTrack:
    """Stickers rigid with the synthetic runner's hip line, 20 px above it, the left one ``offset_px``
    higher; level (standing) over ``standing``."""
    hips = track.xy_px[:, HIPS].copy()
    first, end = standing
    hips[first:end, :, 1] = hips[first:end, :, 1].mean(axis=1, keepdims=True)  # standing: level
    xy = hips - [0.0, 20.0]
    xy[:, 0, 1] -= offset_px
    found = np.ones(track.n_frames, bool)
    return MarkerTrack(xy, found, found, HUE, True, 8.0, (), standing)


def test_the_standing_trial_removes_a_placement_offset() -> None:
    """The synthetic runner drops 8 deg on left stance and 3 on right (DROP_DEG); a sticker 4 px high
    on a 50-70 px line is a 4 deg offset, which the standing trial measures and removes."""
    track = make_track("rear", duration_s=12.0)
    level = analyse_track(track, markers=synthetic_markers(track, 0.0, (0, 60)))
    offset = analyse_track(track, markers=synthetic_markers(track, 4.0, (0, 60)))
    for side, true in zip(("left", "right"), DROP_DEG, strict=True):
        for a in (level, offset):
            m = a.metric("pelvic_drop_markers_peak_deg", side)
            assert m is not None and m.median == pytest.approx(true, abs=0.4)
    assert any("Standing trial 2.0 s" in n for n in offset.quality_notes)


def test_without_a_standing_trial_only_the_offset_free_measures_are_judged() -> None:
    track = make_track("rear", duration_s=12.0)
    offset = analyse_track(track, markers=synthetic_markers(track, 4.0, (0, 0)))
    level = analyse_track(track, markers=synthetic_markers(track, 0.0, (0, 0)))

    def value(a, key, side):
        return a.metric(key, side).median

    shift = value(offset, "pelvic_drop_markers_peak_deg", "left") - value(
        level, "pelvic_drop_markers_peak_deg", "left"
    )
    assert shift > 2.5  # the high left sticker reads as the right side lower: more drop on left stance
    for key in ("pelvic_drop_markers_peak_deg", "pelvic_drop_markers_midstance_deg"):
        assert value(offset, key, "both") == pytest.approx(value(level, key, "both"), abs=0.3)
    for side in ("left", "right"):
        assert value(offset, "pelvic_drop_markers_excursion_deg", side) == pytest.approx(
            value(level, "pelvic_drop_markers_excursion_deg", side), abs=0.3
        )
        assert (
            offset.metric("pelvic_drop_markers_midstance_deg", side).band is None
        )  # level placement assumed
    assert offset.metric("pelvic_drop_markers_midstance_deg", "both").band is not None
    assert not any(f.code == "asymmetry" and "markers" in f.metric_key for f in offset.findings)
    assert any("No standing trial" in n for n in offset.quality_notes)


def test_the_excursion_ignores_a_constant_offset() -> None:
    track = make_track("rear")
    events = analyse_track(track).steps
    from gait.events import StepEvents

    tilt = np.sin(np.arange(track.n_frames) / 5.0) * 4.0
    ev = StepEvents(
        events.side == "left",
        events.contact_frame,
        events.midstance_frame,
        events.stance_end_frame,
        events.toe_off_frame,
        events.end_frame,
        events.end_frame,
        np.where(events.side == "left", 0, 1),
        "frontal",
        True,
    )
    a, b = marker_pelvic_drop_deg(tilt, ev), marker_pelvic_drop_deg(tilt + 2.5, ev)
    key = "pelvic_drop_markers_excursion_deg"
    assert np.allclose(a[key], b[key], equal_nan=True)
    sign = np.where(ev.is_left, 1.0, -1.0)
    assert np.allclose(b["pelvic_drop_markers_peak_deg"] - a["pelvic_drop_markers_peak_deg"], 2.5 * sign)


def test_a_clip_without_stickers_is_measured_as_before_plus_a_note() -> None:
    track = make_track("rear")
    before = analyse_track(track)
    none = replace(synthetic_markers(track, 0.0, (0, 0)), found=np.zeros(track.n_frames, bool))
    after = analyse_track(track, markers=none)
    assert [repr(m) for m in after.metrics] == [repr(m) for m in before.metrics]  # NaN != NaN: by repr
    assert after.findings == before.findings
    assert [n for n in after.quality_notes if n not in before.quality_notes] == [
        next(n for n in after.quality_notes if n.startswith("No PSIS markers found"))
    ]


def test_standing_frames_of_a_still_start() -> None:
    run = make_track("rear", duration_s=4.0)
    joined = replace(
        run,
        xy_px=np.concatenate([np.tile(run.xy_px[:1], (60, 1, 1)), run.xy_px]),
        visibility=np.concatenate([np.tile(run.visibility[:1], (60, 1)), run.visibility]),
        presence=np.concatenate([np.tile(run.presence[:1], (60, 1)), run.presence]),
        world_m=np.concatenate([np.tile(run.world_m[:1], (60, 1, 1)), run.world_m]),
        time_s=np.arange(60 + run.n_frames) / run.fps,
    )
    first, end = standing_frames(joined)
    assert first == 0 and 45 <= end <= 60  # the still 2 s, less the margin before running
    assert standing_frames(run) == (0, 0)


# --------------------------------------------------------------------------- rendered clips


def truth(name: str) -> dict:
    return json.loads((BENCH / f"{name}.truth.json").read_text())


@pytest.fixture(scope="module")
def rendered(track_of: Callable[[Path], PoseTrack]):
    memo: dict = {}

    def get(name: str):
        if name not in memo:
            clip = BENCH / f"{name}.mp4"
            track = track_of(clip)
            tilt = camera_tilt(clip, track)
            markers = psis_markers(clip, probe(clip), track, AnalyseOptions())
            memo[name] = (
                markers,
                analyse_track(
                    track,
                    tilt_deg=None if tilt is None else tilt.tilt_deg,
                    tilt_uncertainty_deg=None if tilt is None else tilt.uncertainty_deg,
                    markers=markers,
                ),
            )
        return memo[name]

    return get


MARKER_CLIPS = ("rear_markers_cpd6-2_60fps", "rear_markers_offset5_30fps")
#: Per-side median error of the marker pelvic drop on the committed clips, deg (measured -0.4 to +0.4;
#: the hold-out grid's figures are in docs/validation.md).
MARKER_BOUND_DEG = 0.8


@pytest.mark.parametrize("name", MARKER_CLIPS)
def test_rendered_stickers_are_found_with_the_standing_trial(rendered, name) -> None:
    markers, _ = rendered(name)
    t = truth(name)
    assert markers is not None and markers.usable and markers.colour_name == "green"
    first, end = markers.standing
    assert first == 0 and t["standing_frames"][1] - 0.6 * t["fps"] <= end <= t["standing_frames"][1]
    running = np.arange(t["standing_frames"][1], t["n_frames"])
    covered = np.zeros(t["n_frames"], bool)
    for start_s, end_s in t["spec"]["marker"]["cover_s"]:
        covered[round(start_s * t["fps"]) : round(end_s * t["fps"]) + 1] = True
    assert markers.found[running[~covered[running]]].mean() >= 0.98
    true = np.array([t["per_frame"]["landmarks_px"][f"psis_marker.{s}"] for s in ("left", "right")])
    error = np.abs(markers.xy_px[markers.found] - true.transpose(1, 0, 2)[markers.found])
    assert np.median(error) < 0.4  # px


@pytest.mark.parametrize("name", MARKER_CLIPS)
@pytest.mark.parametrize("key", ["pelvic_drop_markers_midstance_deg", "pelvic_drop_markers_peak_deg"])
def test_rendered_marker_pelvic_drop_known_answer(rendered, name, key) -> None:
    """The 30 fps clip has a 3 deg roll, the left sticker 5 mm high, decoys and a covered sticker."""
    _, analysis = rendered(name)
    t = truth(name)
    true_key = key.replace("markers", "psis")
    for side in ("left", "right"):
        m = analysis.metric(key, side)
        assert m is not None and m.measurable
        assert m.median == pytest.approx(t["summary"][f"{true_key}.{side}"], abs=MARKER_BOUND_DEG)
    assert len(matched_steps(analysis, t)) >= 7


@pytest.mark.realclip
def test_no_stickers_are_seen_on_real_rear_clips(track_of) -> None:
    """None of the shared rear clips has stickers: none is found, not on a yellow jacket, a burned-in
    skeleton of coloured dots and lines, a backpack, or a runner cut at the thighs."""
    for name in (
        "sinankiliclar_run_rear_snow_receding.mp4",
        "radluy_example1_back_openpose_overlay.mp4",
        "glamr_pexels_walk_rear_dynamiccam.mp4",
        "4waggo_run_rear_upperbody_following.mp4",
    ):
        clip = real_clip(name)
        track = track_of(clip)
        markers = find_markers(clip, probe(clip), track, None)
        assert not markers.usable, (name, markers.detection_rate, markers.colour_name)


# --------------------------------------------------------------------------- the command line


def test_the_readmes_sticker_diagram_is_the_one_the_report_draws() -> None:
    from gait.report.svg import sticker_diagram

    assert (Path(__file__).parents[1] / "docs" / "psis-stickers.svg").read_text() == sticker_diagram() + "\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--markers", "dots"], "'dots': choose from auto, psis, none"),
        (["--marker-colour", "teal"], "'teal' is not a colour"),
    ],
)
def test_marker_options_are_checked_before_any_work(args, message, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gait.cli import app

    clip = tmp_path / "run.mp4"
    clip.write_bytes(b"never read")
    result = CliRunner().invoke(app, ["analyse", str(clip), "--out", str(tmp_path / "out"), *args])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_markers_psis_fails_writing_nothing_on_a_clip_without_them(
    pose_cache_dir: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from gait.cli import app

    clip, out = BENCH / "rear_cpd6-2_60fps.mp4", tmp_path / "out"
    args = ["analyse", str(clip), "--out", str(out), "--markers", "psis", "--no-video"]
    result = CliRunner().invoke(app, [*args, "--cache-dir", str(pose_cache_dir)])
    assert result.exit_code == 2
    assert "No pair of PSIS stickers was found" in " ".join(result.output.split())
    assert not out.exists()


def test_a_separate_standing_clip_gives_the_resting_tilt(rendered, track_of, tmp_path: Path) -> None:
    """``--static``: the first 1.7 s of the offset clip as its own clip give the same resting tilt as
    the standing trial inside the clip (3.2 deg of placement plus 3 deg of roll); a clip of running
    has no still stretch and is refused."""
    from gait.errors import InputError
    from gait.markers import resting_tilt_of
    from tests.conftest import excerpt

    name = "rear_markers_offset5_30fps"
    markers, _ = rendered(name)
    still = excerpt(BENCH / f"{name}.mp4", tmp_path / "still.mp4", 0, 50)
    tilt = resting_tilt_of(still, probe(still), track_of(still), markers.hue_deg)
    assert tilt == pytest.approx(markers.standing_tilt_deg(), abs=0.3)
    running = excerpt(BENCH / f"{name}.mp4", tmp_path / "running.mp4", 80, 180)
    with pytest.raises(InputError, match="no second of standing still"):
        resting_tilt_of(running, probe(running), track_of(running), markers.hue_deg)


def test_the_block_check_predicts_the_tilt_from_the_hip_width() -> None:
    """10 mm under one foot turns a pelvis 150-200 mm between the hip joints by atan(10/200) to
    atan(10/150): 2.86-3.81 deg; measured is the block clip's tilt less the run's standing trial."""
    from gait.errors import InputError
    from gait.metrics.pelvis import block_check

    measured, low, high = block_check(0.5, 3.7, 10.0)
    assert measured == pytest.approx(3.2)
    assert (low, high) == pytest.approx((2.86, 3.81), abs=0.01)
    with pytest.raises(InputError, match="standing start"):
        block_check(None, 3.7, 10.0)


def test_stickers_too_small_in_the_picture_are_not_measured() -> None:
    """3 px stickers (22 mm at 5 m on 720x1280) read pelvic drop with a slope of 0.74 on the bench, so
    gait reports the hip points and says why (a 360x640 copy of the sample read 2.7 deg for 7)."""
    from gait.notes import marker_notes

    track = make_track("rear")
    small = replace(synthetic_markers(track, 0.0, (0, 0)), diameter_px=3.0)
    assert small.too_small and not small.usable
    analysis = analyse_track(track, markers=small)
    assert not any(m.key.startswith("pelvic_drop_markers") for m in analysis.metrics)
    assert analysis.markers is not None and analysis.markers.diameter_px == 3.0
    (note,) = marker_notes(small, "rear", None, track.fps)
    assert "only 3 px across, too small to measure" in note


def test_the_block_check_needs_its_clip(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gait.cli import app

    result = CliRunner().invoke(app, ["analyse", str(tmp_path / "run.mp4"), "--static-block-mm", "10"])
    assert result.exit_code == 2 and "with --static" in " ".join(result.output.split())
