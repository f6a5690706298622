"""Camera roll from straight background lines: door frames, poles, treadmill uprights, wall corners.

Vertical structures meet, in the image, at the vertical vanishing point (at infinity when the camera
is not pitched); the camera's roll is the lean of the direction from the image centre to that point,
and its pitch follows from how far away the point is (a phone's field of view assumed).
Segments come from OpenCV's probabilistic Hough transform outside the runner's bounding box.
Horizontal lines are not used: any yaw of the camera tilts them by perspective.

Notes
-----
Roll adds +r to one side's pelvic drop and -r to the other's: the mean over both sides is roll-free,
the left-right asymmetry is not. Positive tilt: scene verticals lean clockwise on screen (their top
to the right).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import cv2
import numpy as np

#: Segments leaning more than this from the image vertical are not taken as vertical structures.
MAX_LEAN_DEG = 12.0
#: Shortest segment used, as a fraction of the frame's shorter side.
MIN_LENGTH_FRACTION = 0.12
#: Fewer segments than this give no estimate.
MIN_SEGMENTS = 4
#: Segments leaning more than this from the fitted vanishing direction are outliers.
INLIER_DEG = 2.0
#: The runner's box is masked at least this wide, as a fraction of its height: the box comes from
#: joint centres, and a swinging leg or an arm's edge outside it reads as a leaning "vertical".
MIN_MASK_WIDTH_OF_HEIGHT = 0.5
#: Pitch is not reported when its jackknife standard error over the segments is larger than this:
#: a few near-parallel lines, or verticals mixed with lines running away from the camera.
MAX_PITCH_SE_DEG = 2.0
#: Field of view across the frame's long side assumed for the pitch: a phone's main camera
#: (65 deg; phones span about 55-80, so the pitch is known to about a quarter of itself).
ASSUMED_FOV_LONG_SIDE_DEG = 65.0


@dataclass(frozen=True)
class TiltEstimate:
    """Camera roll and how well it is known."""

    tilt_deg: float  # + clockwise
    uncertainty_deg: float  # interquartile range of the inlier segments' residual lean
    n_segments: int
    pitch_deg: float | None = None  # + looking down (FOV assumed); None when the lines disagree


def vertical_segments(gray: np.ndarray, person_box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """(n, 4) near-vertical line segments (x_a, y_a, x_b, y_b) in one frame, outside ``person_box``."""
    height, width = gray.shape
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    if person_box is not None:
        x0, y0, x1, y1 = person_box
        half = max(x1 - x0, MIN_MASK_WIDTH_OF_HEIGHT * (y1 - y0)) / 2
        x0, x1 = int((x0 + x1) / 2 - half), int((x0 + x1) / 2 + half)
        edges[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = 0
    min_len = MIN_LENGTH_FRACTION * min(height, width)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=60, minLineLength=min_len, maxLineGap=5)
    if lines is None:
        return np.zeros((0, 4))
    seg = lines.reshape(-1, 4).astype(float)
    lean_deg = np.degrees(np.arctan(np.abs(seg[:, 2] - seg[:, 0]) / (np.abs(seg[:, 3] - seg[:, 1]) + 1e-9)))
    return seg[lean_deg <= MAX_LEAN_DEG]


def vanishing_point(segments: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Homogeneous point (3,) closest to all segments' lines in the weighted least-squares sense."""
    ones = np.ones(len(segments))
    lines = np.cross(np.column_stack([segments[:, :2], ones]), np.column_stack([segments[:, 2:], ones]))
    lines /= np.linalg.norm(lines[:, :2], axis=1, keepdims=True)
    return np.linalg.svd(lines * weights[:, None])[2][-1]


def lean_to_point_deg(segments: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Angle (deg) between each segment and the direction from its midpoint to a homogeneous point."""
    mid = (segments[:, :2] + segments[:, 2:]) / 2
    to_point = point[:2] - mid * point[2]  # also right for a point at infinity (w = 0)
    seg = segments[:, 2:] - segments[:, :2]
    cross = seg[:, 0] * to_point[:, 1] - seg[:, 1] * to_point[:, 0]
    angle = np.degrees(np.arctan2(cross, np.sum(seg * to_point, axis=1)))
    return (angle + 90) % 180 - 90


def roll_deg(point: np.ndarray, centre: np.ndarray) -> float:
    """Lean (deg, + clockwise) of the direction from the image centre to the vertical vanishing point."""
    dx, dy = point[0] - centre[0] * point[2], point[1] - centre[1] * point[2]
    if dy > 0:  # fold: the direction of a line has no sign
        dx, dy = -dx, -dy
    return float(np.degrees(np.arctan2(dx, -dy)))


def pitch_deg(point: np.ndarray) -> float:
    """Camera pitch (deg, + looking down) from the fitted vanishing point, in coordinates centred on
    the image and divided by its long side.

    Verticals meet ``f / tan(pitch)`` from the centre, below it when looking down. Lines running
    away from the camera (a treadmill's belt edges, floor tiles) also look near-vertical from a raised
    camera and meet at the horizon, ``f * tan(pitch)`` above the centre; a point nearer than ``f``
    (a pitch over 45 deg, which no one films a runner with) is read as that one.
    """
    focal = 0.5 / np.tan(np.radians(ASSUMED_FOV_LONG_SIDE_DEG / 2))
    if abs(point[2]) < 1e-12:
        return 0.0
    x, y = point[0] / point[2], point[1] / point[2]
    distance = float(np.hypot(x, y))
    if distance > focal:  # the verticals' vanishing point
        return float(np.degrees(np.arctan(focal / distance))) * (1.0 if y > 0 else -1.0)
    return float(np.degrees(np.arctan(distance / focal))) * (1.0 if y < 0 else -1.0)


def estimate_tilt(
    gray_frames: Iterable[np.ndarray], person_boxes: Iterable[tuple[int, int, int, int] | None]
) -> TiltEstimate | None:
    """Roll and pitch of the camera from a few frames, or None when too few straight vertical lines are
    seen.

    The near-vertical segments meet at the vertical vanishing point (at infinity for a camera with
    no pitch); the roll is the lean of the direction from the image centre to it, so a camera tilted
    up or down, which makes verticals converge, does not read as a roll. Segments more than
    ``INLIER_DEG`` off the first fit (e.g. a leaning rail) are dropped and the point refitted.
    """
    frames = list(gray_frames)
    segments = np.concatenate(
        [vertical_segments(g, b) for g, b in zip(frames, person_boxes, strict=True)] or [np.zeros((0, 4))]
    )
    if len(segments) < MIN_SEGMENTS:
        return None
    centre = np.array(frames[0].shape[::-1], float) / 2
    # Centre and scale the coordinates so the least-squares fit is well conditioned.
    scale = float(max(frames[0].shape))
    norm = (segments - np.tile(centre, 2)) / scale
    weights = np.hypot(norm[:, 2] - norm[:, 0], norm[:, 3] - norm[:, 1])
    point = vanishing_point(norm, weights)
    inliers = np.abs(lean_to_point_deg(norm, point)) <= INLIER_DEG
    if inliers.sum() < MIN_SEGMENTS:
        return None
    point = vanishing_point(norm[inliers], weights[inliers])
    residual = lean_to_point_deg(norm[inliers], point)
    q1, q3 = np.percentile(residual, [25, 75])
    roll = roll_deg(point, np.zeros(2))
    if abs(roll) > MAX_LEAN_DEG:  # the lines met near the picture: not a set of verticals
        return None
    kept, w = norm[inliers], weights[inliers]
    n = len(kept)
    jackknife = np.array(
        [pitch_deg(vanishing_point(np.delete(kept, i, 0), np.delete(w, i))) for i in range(n)]
    )
    pitch_se_deg = float(np.sqrt((n - 1) / n * np.sum((jackknife - jackknife.mean()) ** 2)))
    pitch = pitch_deg(point) if pitch_se_deg <= MAX_PITCH_SE_DEG else None
    return TiltEstimate(roll, float(max(q3 - q1, 0.1)), n, pitch)
