"""Annotators: the drawings land where the geometry says, face blur hides the head, NaN frames are safe.

Every analysis here is the engine's own (``analyse_track`` on a synthetic runner), so the
annotators are tested on the fields, traces and labels they will really get.
"""

import dataclasses
import re

import cv2
import numpy as np
import pytest

from gait.analysis import Analysis, Steps
from gait.engine import analyse_track
from gait.metrics import hip
from gait.render import (
    SIDE_BGR,
    Annotator,
    ContactAnnotator,
    ContactPanelAnnotator,
    FaceBlur,
    GaitStripAnnotator,
    HudAnnotator,
    PelvisAnnotator,
    Scale,
    SideViewAnnotator,
    SkeletonAnnotator,
    head_boxes,
    hex_to_bgr,
    hud_keys,
    stance_of,
)
from gait.render.draw import Overlay, draw_text, shade
from gait.track import LANDMARK_INDEX, PoseTrack
from tests.analysed import DROP_DEG, make_analysis, make_track

YELLOW = (60, 220, 255)


def grey(track: PoseTrack) -> np.ndarray:
    width, height = track.frame_size_px
    return np.full((height, width, 3), 128, np.uint8)


def near(frame: np.ndarray, xy: np.ndarray, colour: tuple[int, int, int], radius: int = 3) -> bool:
    """Whether ``colour`` (within 40 per channel) appears within ``radius`` px of ``xy``."""
    x, y = round(float(xy[0])), round(float(xy[1]))
    patch = frame[y - radius : y + radius + 1, x - radius : x + radius + 1].astype(int)
    return bool((np.abs(patch - colour).max(axis=-1) < 40).any())


@pytest.fixture(scope="module")
def rear_analysis() -> Analysis:
    return make_analysis("rear", make_track("rear", duration_s=3.0))


@pytest.fixture(scope="module")
def rear(rear_analysis: Analysis) -> tuple[PoseTrack, Steps]:
    assert rear_analysis.track is not None
    return rear_analysis.track, rear_analysis.steps


def left_step(steps: Steps) -> int:
    """Row of the first left-stance step after the first two steps."""
    return int(np.flatnonzero(steps.side == "left")[1])


def test_stance_drawn_is_the_engines_stance_from_contact_to_stance_end(rear_analysis: Analysis) -> None:
    steps = rear_analysis.steps
    stance = stance_of(rear_analysis)
    for k in range(steps.n):
        col = 0 if steps.side[k] == "left" else 1
        window = stance[steps.contact_frame[k] : steps.stance_end_frame[k] + 1, col]
        assert window.all()
    assert stance.sum() == (rear_analysis.traces["stance_left"] + rear_analysis.traces["stance_right"]).sum()


def hip_adduction_deg(hips: np.ndarray, knees: np.ndarray) -> np.ndarray:
    """The engine's hip adduction (which the pelvis annotator draws) for given hips and knees."""
    xy = np.zeros((len(hips), len(LANDMARK_INDEX), 2))
    xy[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]] = hips
    xy[:, [LANDMARK_INDEX["left_knee"], LANDMARK_INDEX["right_knee"]]] = knees
    return hip.hip_adduction_deg(xy)


def test_hip_adduction_is_positive_toward_the_midline_on_both_sides() -> None:
    half = 50.0 / hip.HIP_JOINT_WIDTH_RATIO  # hip landmarks inside joint centres at x = 0 and 100
    hips = np.array([[[50.0 - half, 0.0], [50.0 + half, 0.0]]])
    knees = np.array([[[10.0, 100.0], [90.0, 100.0]]])  # both knees 10 px toward the middle
    np.testing.assert_allclose(hip_adduction_deg(hips, knees), [[5.71, 5.71]], atol=0.01)
    np.testing.assert_allclose(hip_adduction_deg(hips[:, ::-1], knees[:, ::-1]), [[5.71, 5.71]], atol=0.01)


def test_skeleton_draws_each_leg_in_its_side_colour(rear: tuple[PoseTrack, Steps]) -> None:
    track, _ = rear
    stance = stance_of(make_analysis("rear", track))
    i = int(np.flatnonzero(~stance.any(axis=1))[0])  # a flight frame: no halo
    frame = SkeletonAnnotator(track, stance).annotate(grey(track), i)
    for side in ("left", "right"):
        knee, ankle = track.xy(f"{side}_knee")[i], track.xy(f"{side}_ankle")[i]
        assert near(frame, (knee + ankle) / 2, SIDE_BGR[side])
    assert not near(grey(track), track.xy("left_knee")[i], SIDE_BGR["left"])


def test_stance_leg_gets_a_white_halo(rear: tuple[PoseTrack, Steps]) -> None:
    track, steps = rear
    stance = stance_of(make_analysis("rear", track))
    i = int(steps.midstance_frame[left_step(steps)])
    assert stance[i].tolist() == [True, False]
    frame = SkeletonAnnotator(track, stance).annotate(grey(track), i)
    s = Scale.of(frame)
    for side, halo in (("left", True), ("right", False)):
        mid = (track.xy(f"{side}_knee")[i] + track.xy(f"{side}_ankle")[i]) / 2
        assert near(frame, mid, (255, 255, 255), radius=s.px(10)) == halo


def test_pelvis_line_is_drawn_through_the_hips(rear_analysis: Analysis) -> None:
    track, steps = rear_analysis.track, rear_analysis.steps
    assert track is not None
    i = int(steps.midstance_frame[left_step(steps)])
    pelvis = PelvisAnnotator.of(rear_analysis, track)
    assert pelvis is not None
    frame = pelvis.annotate(grey(track), i)
    left, right = track.xy("left_hip")[i], track.xy("right_hip")[i]
    for t in (0.25, 0.5, 0.75):
        assert near(frame, left + t * (right - left), YELLOW)


@pytest.mark.parametrize("roll_deg", [0.0, 3.0, -3.0])
def test_pelvis_label_is_the_engines_levelled_angle_not_the_image_angle(roll_deg: float) -> None:
    """Issue 11: with a rolled camera the label must read the true drop, as the report does.

    The runner drops the pelvis by DROP_DEG[0] at left midstance (right hip lower); a camera
    rolled by ``roll_deg`` adds that much to the hip line in the image. The engine levels it away.
    """
    track = make_track("rear", duration_s=3.0, roll_deg=roll_deg)
    analysis = make_analysis("rear", track, tilt_deg=roll_deg)
    pelvis = PelvisAnnotator.of(analysis, track)
    assert pelvis is not None
    i = int(analysis.steps.midstance_frame[left_step(analysis.steps)])
    label = pelvis.label(i)
    match = re.fullmatch(r"Pelvis \(unvalidated\) (\d+\.\d)°, R hip lower", label)
    assert match, label
    assert float(match.group(1)) == pytest.approx(DROP_DEG[0], abs=0.6)
    hips = track.xy_px[i, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]]
    image_deg = np.degrees(np.arctan2(hips[1, 1] - hips[0, 1], abs(hips[1, 0] - hips[0, 0])))
    if roll_deg:
        assert abs(image_deg - DROP_DEG[0]) > 2  # the raw image angle would have been wrong


def test_the_pelvis_label_is_whole_in_the_frame_and_clear_of_the_line_on_a_narrow_clip() -> None:
    """Issue 21: on a narrow frame the label fitted neither beside the line nor in the report's still
    ("hip lower" was cut). It goes below the line then, inside the frame, and the still keeps it."""
    from gait.pipeline import crop_to_runner

    for width, height in ((1280, 720), (360, 640), (200, 360)):
        track = make_track("rear", duration_s=3.0, size_px=(width, height))
        analysis = make_analysis("rear", track)
        pelvis = PelvisAnnotator.of(analysis, track)
        assert pelvis is not None
        i = int(analysis.steps.midstance_frame[left_step(analysis.steps)])
        frame = grey(track)
        box = pelvis.label_box(i, frame.shape)
        assert box is not None and pelvis.label(i)
        x0, y0, x1, y1 = box
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (width, box)
        for end in pelvis.line_ends[i]:  # the hips (or stickers) the line runs through stay in sight
            assert not (x0 <= end[0] <= x1 and y0 <= end[1] <= y1), (width, box, end)
        drawn = pelvis.annotate(frame, i)
        still = crop_to_runner(drawn, track, i, [box])
        match = cv2.matchTemplate(drawn, still, cv2.TM_SQDIFF)  # where in the frame the still was cut
        _, _, (cx, cy), _ = cv2.minMaxLoc(match)
        assert cx <= x0 and cy <= y0 and x1 <= cx + still.shape[1] and y1 <= cy + still.shape[0], (width, box)


def test_text_outline_sits_round_the_letters_and_does_not_drift() -> None:
    """The outline was a second, thicker putText whose letters advanced wider: on a long line its
    last letters showed as a dark ghost to the right of the text."""
    frame = np.full((60, 700, 3), 128, np.uint8)
    text = "few: under 7 steps, no value shown, 77 steps/min"
    width = draw_text(frame, text, (10, 40), 16, (255, 255, 255))
    inked = np.flatnonzero((np.abs(frame.astype(int) - 128).max(axis=2) > 30).any(axis=0))
    filled = np.flatnonzero((frame.min(axis=2) > 200).any(axis=0))
    assert inked[-1] - filled[-1] <= 4, (inked[-1], filled[-1])  # the halo, not a trailing ghost
    assert abs(filled[-1] - (10 + width)) <= 4


def test_contact_flash_appears_at_contact_and_is_gone_later(rear: tuple[PoseTrack, Steps]) -> None:
    track, steps = rear
    annotator = ContactAnnotator(track, steps)
    k = left_step(steps)
    c = int(steps.contact_frame[k])
    heel = track.xy("left_heel")[c]
    frame = annotator.annotate(grey(track), c)
    radius = Scale.of(frame).px(18)
    assert near(frame, heel + np.array([radius, 0]), YELLOW) and near(
        frame, heel - np.array([0, radius]), YELLOW
    )
    later = annotator.annotate(grey(track), int(steps.stance_end_frame[k]))
    heel_later = track.xy("left_heel")[int(steps.stance_end_frame[k])]
    assert not near(later, heel_later + np.array([radius, 0]), YELLOW, 8)


def test_side_view_draws_the_mid_hip_vertical() -> None:
    track = make_track("side_right", duration_s=3.0, size_px=(640, 360))
    steps = make_analysis("side_right", track).steps
    i = int(steps.contact_frame[1])
    frame = SideViewAnnotator(track, steps).annotate(grey(track), i)
    mid_hip = (track.xy("left_hip")[i] + track.xy("right_hip")[i]) / 2
    column = frame[int(mid_hip[1]) - 60 : int(mid_hip[1]) - 10, round(float(mid_hip[0]))]
    assert (column == 255).all(axis=-1).sum() >= 10  # white dashes above the hip
    heel = track.xy("left_heel")[i] if steps.side[1] == "left" else track.xy("right_heel")[i]
    assert near(frame, heel, SIDE_BGR[str(steps.side[1])], radius=6)  # the foot-ahead arrow's tip


def test_contact_panel_shows_the_latest_landing_in_the_bottom_corner() -> None:
    track = make_track("side_right", duration_s=3.0, size_px=(640, 360))
    steps = make_analysis("side_right", track).steps
    panel = ContactPanelAnnotator(steps, track.n_frames, track.fps)
    c = int(steps.contact_frame[1])
    frame = panel.annotate(grey(track), c)
    s = Scale.of(frame)
    corner = frame[-s.px(40) :, : s.px(60)].astype(int)
    assert (np.abs(corner - SIDE_BGR[str(steps.side[1])]).max(axis=-1) < 40).any()
    assert (panel.annotate(grey(track), 0) == 128).all()  # before the first landing: nothing


def test_hud_shows_the_summaries_cadence_and_per_side_medians(rear_analysis: Analysis) -> None:
    """Issue 11: the video's panel reads the Analysis's summaries, so it says what the report says."""
    hud = HudAnnotator(rear_analysis, hud_keys(rear_analysis))
    cadence = rear_analysis.metric("cadence_steps_per_min", "both")
    assert cadence is not None
    assert hud.cadence == cadence.shown()  # the value, or "not enough steps (n)" (a short clip here)
    for key, (_, left, right) in zip(hud_keys(rear_analysis), hud.rows, strict=True):
        medians = [rear_analysis.metric(key, side) for side in ("left", "right")]
        # the value as everywhere else, or "few (n)" explained once under the rows (issue 21)
        shown = [m.shown(short=True) if m.enough_steps else f"few ({m.n_steps})" for m in medians if m]
        assert [left, right] == shown


def test_hud_panel_shades_the_corner_and_writes_values() -> None:
    analysis = make_analysis("rear", make_track("rear", duration_s=3.0))
    assert hud_keys(analysis) == [  # the validated measure first
        "femoral_adduction_peak_deg",
        "pelvic_drop_midstance_deg",
        "hip_adduction_peak_deg",
    ]
    frame = HudAnnotator(analysis, hud_keys(analysis)).annotate(grey(analysis.track), 80)  # type: ignore[arg-type]
    s = Scale.of(frame)
    corner = frame[s.px(14) : s.px(30), s.px(14) : s.px(30)]
    assert corner.max() < 128  # darkened
    panel = frame[: s.px(200)].astype(int)
    for side in ("left", "right"):
        assert (np.abs(panel - SIDE_BGR[side]).max(axis=-1) < 40).sum() > 30  # the per-side values


def test_overlay_lays_a_drawing_over_any_frame_as_drawing_it_would() -> None:
    """A shaded box with outlined text, drawn once over black and white, then laid over a gradient."""

    def draw(frame: np.ndarray) -> None:
        shade(frame, 10, 8, 90, 40)
        draw_text(frame, "Left 3.2°", (14, 30), 14, SIDE_BGR["left"])

    frame = np.tile(np.linspace(0, 255, 120).astype(np.uint8)[None, :, None], (60, 1, 3))
    drawn = frame.copy()
    draw(drawn)
    overlay = Overlay.of(draw, frame.shape)
    laid = overlay.lay_over(frame.copy())
    assert np.abs(laid.astype(int) - drawn).max() <= 4  # rounding of the shade and the ink's blend
    assert (overlay.x0_px, overlay.y0_px) == (10, 8) and overlay.ink.shape[:2] == (32, 80)
    outside = np.ones(frame.shape[:2], bool)
    outside[8:40, 10:90] = False
    np.testing.assert_array_equal(laid[outside], frame[outside])


def test_gait_strip_shows_stance_bars_and_playhead(rear: tuple[PoseTrack, Steps]) -> None:
    track, steps = rear
    frame = GaitStripAnnotator(steps, track.n_frames).annotate(grey(track), 0)
    s = Scale.of(frame)
    strip = frame[-s.px(44) :]
    for side in ("left", "right"):
        assert (np.abs(strip.astype(int) - SIDE_BGR[side]).max(axis=-1) < 10).sum() > 50
    assert (frame[: -s.px(44)] == 128).all()


def test_face_blur_smooths_the_head_box_only() -> None:
    track = make_track("rear", duration_s=10 / 30)
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (640, 360, 3), np.uint8)
    x0, y0, x1, y1 = np.clip(np.rint(head_boxes(track)[5]).astype(int), 0, None)
    blurred = FaceBlur(track).annotate(noise.copy(), 5)
    assert blurred[y0:y1, x0:x1].std() < 0.25 * noise[y0:y1, x0:x1].std()
    outside = np.ones(noise.shape[:2], bool)
    outside[y0:y1, x0:x1] = False
    assert (blurred[outside] == noise[outside]).all()


def test_face_blur_covers_short_gaps_in_the_face_landmarks() -> None:
    track = make_track("rear", duration_s=1.0)
    xy = track.xy_px.copy()
    xy[10:13, :11] = np.nan  # face missed for 0.1 s
    xy[20:] = np.nan  # nobody from frame 20 (longer than the 0.5 s hold only from frame 35)
    blur = FaceBlur(track.replace(xy_px=xy))
    assert blur.valid[10:13].all()
    np.testing.assert_array_equal(blur.boxes[11], blur.boxes[9])


@pytest.mark.parametrize("view", ["rear", "side_left", "oblique"])
def test_annotator_survives_nan_frames_and_empty_steps(view: str) -> None:
    track = make_track("rear" if view == "oblique" else view, duration_s=3.0)
    xy = track.xy_px.copy()
    xy[5:15] = np.nan
    xy[20, LANDMARK_INDEX["left_knee"]] = np.nan
    track = track.replace(xy_px=xy)
    analysis = analyse_track(track, view=view)  # type: ignore[arg-type]
    for steps in (analysis.steps, Steps.empty()):
        annotator = Annotator(dataclasses.replace(analysis, steps=steps), track, blur_faces=True)
        for i in (0, 7, 20, 89, 90):
            frame = annotator.annotate(grey(track), i)
            assert frame.shape == (640, 360, 3)


def test_annotator_changes_the_frame_and_rejects_a_wrong_size() -> None:
    track = make_track("rear", duration_s=3.0)
    annotator = Annotator(make_analysis("rear", track), track)
    assert (annotator.annotate(grey(track), 20) != 128).any()
    with pytest.raises(ValueError, match="360x640"):
        annotator.annotate(np.zeros((100, 100, 3), np.uint8), 0)


def test_hex_to_bgr() -> None:
    assert hex_to_bgr("#1E88E5") == (0xE5, 0x88, 0x1E)
