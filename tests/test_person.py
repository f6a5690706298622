"""Choosing the runner among several people: identities across frames, ranking, --person."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gait.cli import app
from gait.errors import InputError, NoPersonError
from gait.pose import pose_settings, pose_track
from gait.pose.person import (
    PersonSpec,
    boxes_px,
    choose,
    describe,
    glitch_frames,
    link_identities,
    people_seen,
    person_meta,
    rank_identities,
    select_person,
)
from gait.track import LANDMARK_INDEX
from tests.conftest import SAMPLE_CLIP, excerpt, real_clip

SIZE = (640, 480)
TWO_RUNNERS = "zeshanfareed_jog_front_two_runners_istock.mp4"
HIPS = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]


def pose_in_box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    """(33, 7) made-up detection filling a pixel box (normalised x, y; visibility etc. 1)."""
    out = np.ones((33, 7), np.float32)
    k = np.arange(33)
    out[:, 0] = (x0 + (k % 5) / 4 * (x1 - x0)) / SIZE[0]
    out[:, 1] = (y0 + k / 32 * (y1 - y0)) / SIZE[1]
    out[HIPS, 0] = [(x0 + 0.4 * (x1 - x0)) / SIZE[0], (x0 + 0.6 * (x1 - x0)) / SIZE[0]]
    out[HIPS, 1] = (y0 + 0.55 * (y1 - y0)) / SIZE[1]
    return out


def two_people(n_frames: int = 60, flip: bool = True) -> np.ndarray:
    """(frames, 4, 33, 7): a tall central runner drifting right and a smaller one at the left edge,
    the model's pose order flipping every other frame; the small one missing in frames 20-24."""
    poses = np.full((n_frames, 4, 33, 7), np.nan, np.float32)
    for f in range(n_frames):
        big = pose_in_box(280 + f, 60, 360 + f, 420)
        small = pose_in_box(20, 150, 80, 400)
        slots = (1, 0) if flip and f % 2 else (0, 1)
        poses[f, slots[0]] = big
        if not 20 <= f < 25:
            poses[f, slots[1]] = small
    return poses


def mid_hip_x(detections: np.ndarray) -> np.ndarray:
    return detections[:, HIPS, 0].mean(axis=1) * SIZE[0]


def test_person_spec_parses_a_rank_or_a_point_and_refuses_the_rest() -> None:
    assert PersonSpec.parse(None).is_default and PersonSpec.parse("1").is_default
    assert PersonSpec.parse("2") == PersonSpec(rank=2)
    assert PersonSpec.parse(" 310.5,200 ") == PersonSpec(point_px=(310.5, 200.0))
    assert PersonSpec.parse("2").key == "2" and PersonSpec.parse("310.5,200").key == "310.5,200"
    for bad in ("0", "two", "1,2,3", "nan,4", ","):
        with pytest.raises(ValueError, match="--person"):
            PersonSpec.parse(bad)


def test_identities_survive_the_model_reordering_its_poses_and_a_gap() -> None:
    poses = two_people()
    boxes = boxes_px(poses, SIZE)
    ids = link_identities(boxes, fps=30.0)
    big = ids[np.arange(60), [1 if f % 2 else 0 for f in range(60)]]
    assert len(set(big)) == 1  # one identity through every frame, whatever slot it came in
    assert len(np.unique(ids[ids >= 0])) == 2  # the small one keeps its identity across the gap
    assert people_seen(boxes) == 2


def test_the_default_is_the_largest_most_central_most_persistent_and_others_can_be_chosen() -> None:
    poses = two_people()
    first, meta = select_person(poses, 30.0, SIZE, PersonSpec())
    second, meta2 = select_person(poses, 30.0, SIZE, PersonSpec(rank=2))
    near, meta3 = select_person(poses, 30.0, SIZE, PersonSpec(point_px=(50, 300)))
    assert np.all(mid_hip_x(first) > 300) and np.isfinite(mid_hip_x(first)).all()
    assert np.nanmax(mid_hip_x(second)) < 100 and np.isnan(mid_hip_x(second)[20:25]).all()
    np.testing.assert_array_equal(np.nan_to_num(near), np.nan_to_num(second))
    assert (meta["people"], meta["rank"], meta2["rank"], meta3["rank"]) == (2, 1, 2, 2)
    assert "person 1 of 2" in describe(meta) and "--person 2" in describe(meta)


def test_asking_for_a_person_who_is_not_there_says_so() -> None:
    poses = two_people()
    boxes = boxes_px(poses, SIZE)
    ranked = rank_identities(boxes, link_identities(boxes, 30.0), SIZE)
    with pytest.raises(NoPersonError, match="3rd person, but this clip shows 2 people"):
        choose(ranked, PersonSpec(rank=3))


def test_a_pose_read_twice_in_one_frame_is_not_a_second_person() -> None:
    poses = two_people(flip=False)
    poses[:, 2] = poses[:, 0]
    poses[:, 2, :, 0] += 5 / SIZE[0]  # the big runner again, shifted 5 px
    boxes = boxes_px(poses, SIZE)
    ids = link_identities(boxes, 30.0)
    assert (ids[:, 2] == -1).all() and len(np.unique(ids[ids >= 0])) == 2


def test_a_pose_that_slides_onto_someone_else_for_a_few_frames_is_blanked() -> None:
    one = np.stack([pose_in_box(300, 60, 380, 420) for _ in range(40)])
    one[18:20] = pose_in_box(40, 60, 120, 420)  # two frames on the neighbour, 260 px away
    assert np.flatnonzero(glitch_frames(one, SIZE)).tolist() == [18, 19]


def test_the_cache_key_names_the_person() -> None:
    keys = {str(pose_settings(1280, False, "mediapipe", PersonSpec.parse(p))) for p in (None, "2", "5,5")}
    assert len(keys) == 3


def test_one_person_clip_keeps_the_single_pose_path(tmp_path: Path) -> None:
    clip = excerpt(SAMPLE_CLIP, tmp_path / "one.mp4", stop=40)
    track = pose_track(clip, cache_dir=None).track
    assert track.meta["person"]["multi_pose"] is False and track.meta["person"]["people"] == 1
    with pytest.raises(NoPersonError, match="2nd person"):
        pose_track(clip, cache_dir=None, person="2")


def test_person_is_refused_where_it_cannot_be_followed(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--backend onnx"):
        pose_track(SAMPLE_CLIP, cache_dir=None, person="2", backend="onnx")
    result = CliRunner().invoke(app, ["pose", str(SAMPLE_CLIP), "--out", str(tmp_path), "--person", "x"])
    assert result.exit_code == 2 and "--person" in result.output


@pytest.mark.realclip
def test_two_runners_default_follows_one_and_person_2_the_other(tmp_path: Path) -> None:
    """The two-runner clip (man left, woman right, side by side): each choice stays on one runner."""
    clip = excerpt(real_clip(TWO_RUNNERS), tmp_path / "two.mp4", stop=150)
    default = pose_track(clip, cache_dir=None).track
    other = pose_track(clip, cache_dir=None, person="2").track
    assert default.meta["person"]["people"] == 2 and other.meta["person"]["rank"] == 2
    a, b = (t.xy_px[:, HIPS, 0].mean(axis=1) for t in (default, other))
    both = np.isfinite(a) & np.isfinite(b)
    assert both.mean() > 0.9
    gap = a[both] - b[both]
    assert np.all(gap > 40) or np.all(gap < -40)  # never on the same runner, never swapped
    seen = default.xy_px[default.person_found]
    height = np.median(np.nanmax(seen[:, :, 1], axis=1) - np.nanmin(seen[:, :, 1], axis=1))
    for x in (a, b):  # no jump to the other runner from one frame to the next
        assert np.nanmax(np.abs(np.diff(x))) < 0.2 * height


def test_the_runner_line_says_how_the_runner_was_found() -> None:
    alone = person_meta(PersonSpec(), [], 0, multi=False)
    assert "only person seen" in describe(alone)
    assert "whoever the pose model found" in describe(person_meta(PersonSpec(), [], 0, False, scanned=False))
    assert describe(None) == ""


def test_one_runner_read_twice_is_one_person() -> None:
    """MediaPipe sometimes returns a second, slightly smaller pose on the same runner (seen on the
    1.6 s sports2d side clip): that must not send the clip down the several-people path."""
    runner = np.array([81.0, 141.0, 162.0, 309.0])
    echo = np.array([89.0, 174.0, 154.0, 303.0])  # centre 0.08 of the height away
    other = runner + np.array([200.0, 0.0, 200.0, 0.0])
    assert people_seen(np.array([[runner, echo]])) == 1
    assert people_seen(np.array([[runner, echo, other]])) == 2
    assert people_seen(np.full((1, 2, 4), np.nan)) == 0
