"""Camera tilt from background lines: known answers on drawn scenes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gait.pose.tilt import estimate_tilt, vertical_segments


def scene(tilt_deg: float, size: tuple[int, int] = (480, 640)) -> np.ndarray:
    """Grey frame with dark vertical poles, then the whole image rotated by ``tilt_deg`` clockwise."""
    height, width = size
    gray = np.full((height, width), 200, np.uint8)
    for x in range(60, width - 40, 90):
        cv2.rectangle(gray, (x, 40), (x + 8, height - 40), 40, -1)
    rotation = cv2.getRotationMatrix2D((width / 2, height / 2), -tilt_deg, 1.0)  # OpenCV: + is anticlockwise
    return cv2.warpAffine(gray, rotation, (width, height), borderValue=200)


@pytest.mark.parametrize("tilt_deg", [-4.0, 0.0, 2.5])
def test_tilt_of_drawn_scene(tilt_deg: float) -> None:
    est = estimate_tilt([scene(tilt_deg)] * 2, [None, None])
    assert est is not None
    assert est.tilt_deg == pytest.approx(tilt_deg, abs=0.3)
    assert est.uncertainty_deg < 0.5


def test_runner_box_is_ignored() -> None:
    frame = scene(0.0)
    for dx in range(0, 80, 12):  # leaning "legs" inside the runner's box, enough to dominate if counted
        cv2.line(frame, (290 + dx, 60), (330 + dx, 420), 0, 5)
    box = (280, 40, 430, 440)
    assert len(vertical_segments(frame, None)) > len(vertical_segments(frame, box))
    mid_x = vertical_segments(frame, box)[:, [0, 2]].mean(axis=1)
    assert not np.any((mid_x > box[0]) & (mid_x < box[2]))
    est = estimate_tilt([frame], [box])
    assert est is not None and est.tilt_deg == pytest.approx(0.0, abs=0.3)


def test_featureless_frame_gives_no_estimate() -> None:
    assert estimate_tilt([np.full((240, 320), 128, np.uint8)], [None]) is None


def test_camera_pitch_is_not_read_as_roll() -> None:
    """Verticals converging on a point straight above the image centre (camera pitched up): no roll,
    although every pole leans (and all of them lean the same way, being left of centre)."""
    height, width = 480, 640
    gray = np.full((height, width), 200, np.uint8)
    vanishing = np.array([width / 2, -1500.0])
    for x_bottom in range(40, 280, 45):
        bottom = np.array([x_bottom, height - 30.0])
        top = bottom + (vanishing - bottom) * (height - 60) / (bottom[1] - vanishing[1])
        cv2.line(gray, tuple(int(v) for v in bottom), tuple(int(v) for v in top), 30, 6)
    est = estimate_tilt([gray], [None])
    assert est is not None and est.tilt_deg == pytest.approx(0.0, abs=0.5)


def test_pitch_from_converging_verticals() -> None:
    """The verticals of the scene above meet 1740 px above the centre of a 640 px wide frame: with
    a 65 deg field of view across it (focal length 502 px) that is a camera pitched up by
    atan(502 / 1740) = 16.1 deg."""
    height, width = 480, 640
    gray = np.full((height, width), 200, np.uint8)
    vanishing = np.array([width / 2, -1500.0])
    for x_bottom in list(range(40, 280, 45)) + list(range(380, 620, 45)):
        bottom = np.array([x_bottom, height - 30.0])
        top = bottom + (vanishing - bottom) * (height - 60) / (bottom[1] - vanishing[1])
        cv2.line(gray, tuple(int(v) for v in bottom), tuple(int(v) for v in top), 30, 6)
    est = estimate_tilt([gray], [None])
    assert est is not None and est.pitch_deg == pytest.approx(-16.1, abs=0.7)


def test_level_camera_has_no_pitch() -> None:
    est = estimate_tilt([scene(0.0)] * 2, [None, None])
    assert est is not None and est.pitch_deg is not None and abs(est.pitch_deg) < 0.5
