"""Camera roll from straight background lines: door frames, poles, treadmill uprights, wall corners.

A level camera at hip height keeps vertical structures vertical in the image, so the length-weighted
median lean of the near-vertical line segments (found by OpenCV's probabilistic Hough transform
outside the runner's bounding box) estimates the roll. Horizontal lines are not used: any yaw of
the camera tilts them by perspective.

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


@dataclass(frozen=True)
class TiltEstimate:
    """Camera roll and how well it is known."""

    tilt_deg: float  # + clockwise
    uncertainty_deg: float  # half the length-weighted interquartile range of the segments' lean
    n_segments: int


def vertical_segments(gray: np.ndarray, person_box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """(n, 2) lean from vertical (deg, + clockwise) and length (px) of near-vertical segments in one frame."""
    height, width = gray.shape
    edges = cv2.Canny(cv2.GaussianBlur(gray, (5, 5), 0), 50, 150)
    if person_box is not None:
        x0, y0, x1, y1 = person_box
        edges[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = 0
    min_len = MIN_LENGTH_FRACTION * min(height, width)
    lines = cv2.HoughLinesP(edges, 1, np.pi / 360, threshold=60, minLineLength=min_len, maxLineGap=5)
    if lines is None:
        return np.zeros((0, 2))
    x_a, y_a, x_b, y_b = lines.reshape(-1, 4).astype(float).T
    top_x, top_y = np.where(y_a < y_b, x_a, x_b), np.minimum(y_a, y_b)
    bottom_x, bottom_y = np.where(y_a < y_b, x_b, x_a), np.maximum(y_a, y_b)
    lean_deg = np.degrees(np.arctan2(top_x - bottom_x, bottom_y - top_y))
    length_px = np.hypot(x_b - x_a, y_b - y_a)
    keep = np.abs(lean_deg) <= MAX_LEAN_DEG
    return np.column_stack([lean_deg[keep], length_px[keep]])


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quantiles ``q`` of ``values`` weighted by ``weights``."""
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return np.interp(np.asarray(q) * cum[-1], cum, values[order])


def estimate_tilt(
    gray_frames: Iterable[np.ndarray], person_boxes: Iterable[tuple[int, int, int, int] | None]
) -> TiltEstimate | None:
    """Roll of the camera from a few frames, or None when too few straight vertical lines are seen."""
    segments = np.concatenate(
        [vertical_segments(g, b) for g, b in zip(gray_frames, person_boxes, strict=True)] or [np.zeros((0, 2))]
    )
    if len(segments) < MIN_SEGMENTS:
        return None
    q1, median, q3 = weighted_quantile(segments[:, 0], segments[:, 1], np.array([0.25, 0.5, 0.75]))
    return TiltEstimate(float(median), float((q3 - q1) / 2), len(segments))
