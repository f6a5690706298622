"""Stride metrics of side views: overstriding, shank and knee at contact, contact time, bounce.

The forward direction is the runner's travel direction in the image (+x for side_right,
-x for side_left). Lengths are normalised by the stance leg's thigh + shank length over
the step, so they do not depend on the camera distance.
"""

from __future__ import annotations

import numpy as np

from gait.events import StepEvents
from gait.gather import at_frames, nan_max_rows, window_gather
from gait.landmarks import ANKLES, KNEES


def shank_angle_deg(xy_px: np.ndarray, direction: float) -> np.ndarray:
    """(frames, 2) shank (knee to ankle) angle from the image vertical, + with the ankle ahead of the knee."""
    shank = xy_px[:, ANKLES] - xy_px[:, KNEES]
    return np.degrees(np.arctan2(direction * shank[..., 0], shank[..., 1]))


def contact_metrics(
    ahead_px: np.ndarray,
    shank_deg: np.ndarray,
    knee_flexion: np.ndarray,
    events: StepEvents,
    leg_px: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-step values at initial contact: overstride, shank angle, knee flexion.

    Parameters
    ----------
    ahead_px : (frames, 2) float
        Ankle ahead of the mid-hip along the travel direction, pixels.
    shank_deg : (frames, 2) float
        :func:`shank_angle_deg`.
    knee_flexion : (frames, 2) float
        Knee flexion, degrees (0 = straight).
    events : StepEvents
    leg_px : (n,) float
        Leg length of each step, pixels.

    Returns
    -------
    dict
        ``overstride_leg_lengths``: ankle ahead of the mid-hip, leg lengths;
        ``shank_angle_ic_deg``; ``knee_flexion_ic_deg``.
    """
    col, ic = events.leg_column, events.contact_frame
    return {
        "overstride_leg_lengths": at_frames(ahead_px, ic, col) / leg_px,
        "shank_angle_ic_deg": at_frames(shank_deg, ic, col),
        "knee_flexion_ic_deg": at_frames(knee_flexion, ic, col),
    }


def timing_metrics(time_s: np.ndarray, events: StepEvents) -> dict[str, np.ndarray]:
    """Per-step contact time (s) and duty factor (% of the stride in contact).

    Both carry the +-1 frame uncertainty of the events (+-1/fps in contact time).
    """
    contact_t = at_frames(time_s, events.contact_frame)
    contact_time = at_frames(time_s, events.toe_off_frame) - contact_t
    stride = at_frames(time_s, events.next_same_frame) - contact_t
    return {"contact_time_s": contact_time, "duty_factor_pct": 100.0 * contact_time / stride}


def vertical_oscillation(
    mid_hip_y_px: np.ndarray, events: StepEvents, leg_px: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-step range of the mid-hip height from contact to the next contact, in leg lengths."""
    rows = window_gather(mid_hip_y_px, events.contact_frame, events.end_frame)
    span = nan_max_rows(rows) - (-nan_max_rows(-rows))
    return {"vertical_oscillation_leg_lengths": span / leg_px}
