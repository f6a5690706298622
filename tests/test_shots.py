"""Hard cuts between shots: found in the pose pass, and steps across them left out of the metrics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from gait.engine import analyse_track
from gait.pose.shots import change, cut_frames
from gait.track import PoseTrack
from gait.video import Frame
from tests.conftest import real_clip
from tests.synthetic import make_run


def test_a_cut_is_found_and_a_pan_is_not() -> None:
    rng = np.random.default_rng(0)

    def scene() -> np.ndarray:  # large blobs, like a real scene at thumbnail scale
        coarse = rng.integers(0, 255, (9, 16, 3), np.uint8)
        return cv2.resize(coarse, (160, 90), interpolation=cv2.INTER_CUBIC)

    scene_a, scene_b = scene(), scene()
    frames = [np.roll(scene_a, i, axis=1) for i in range(10)]  # a slow pan
    frames += [np.roll(scene_b, i, axis=1) for i in range(10)]  # cut at frame 10
    thumbs = [Frame(i, i / 30, f).thumbnail for i, f in enumerate(frames)]
    changes = np.array([change(a, b) for a, b in zip([None, *thumbs[:-1]], thumbs, strict=True)])
    assert cut_frames(changes) == [10]
    assert cut_frames(changes[:10]) == []  # the pan alone


def test_a_still_clip_has_no_cut() -> None:
    assert cut_frames(np.zeros(50)) == []


def test_steps_across_a_cut_are_left_out() -> None:
    track, truth = make_run(view="rear", duration_s=12.0)
    whole = analyse_track(track)
    cut = int(np.searchsorted(track.time_s, 6.0))
    edited = analyse_track(track.replace(meta={"cut_frames": [cut]}))
    assert any("cut between 2 shots (at 6.0 s)" in n for n in edited.quality_notes)
    n_left_out = int(np.isnan(edited.steps.step_time_s).sum() - np.isnan(whole.steps.step_time_s).sum())
    assert 1 <= n_left_out <= 3  # the step (and strides) spanning the cut
    cadence = edited.metric("cadence_steps_per_min", "both")
    assert cadence is not None and cadence.median == pytest.approx(truth.cadence_spm, abs=1)


@pytest.mark.realclip
def test_real_clip_with_five_shots(track_of: Callable[[Path], PoseTrack]) -> None:
    """The front road clip is edited from five shots; MANIFEST.md gives the cuts at 76, 150, 226 and 301."""
    track = track_of(real_clip("bellamyceleman_run_front_road_5shots_textoverlay.mp4"))
    assert track.meta["cut_frames"] == [76, 150, 226, 301]
