"""Pelvis and trunk in frontal views: contralateral pelvic drop and lateral trunk lean.

Sign conventions (see docs/metrics.md): the pelvis trace is the angle of the hip line to
the image horizontal, positive when the person's RIGHT hip is lower. Contralateral pelvic
drop (CPD) of a step is that angle with the sign that makes it positive when the SWING
side's hip is lower: +trace on left stance, -trace on right stance. A camera roll of r
adds +r to one side and -r to the other; the mean of both sides is roll-free.
"""

from __future__ import annotations

import math

import numpy as np

from gait.errors import InputError
from gait.events import StepEvents
from gait.gather import at_frames, nan_max_rows, window_gather
from gait.landmarks import L_HIP, R_HIP, mid_hip_px, mid_shoulder_px


def right_hip_drop_deg(xy_px: np.ndarray) -> np.ndarray:
    """(frames,) angle of the hip line below the image horizontal on the right hip's side, degrees.

    ``atan2(y_right - y_left, |x_left - x_right|)``: independent of whether the person
    faces the camera (front) or away from it (rear).
    """
    left, right = xy_px[:, L_HIP], xy_px[:, R_HIP]
    return np.degrees(np.arctan2(right[:, 1] - left[:, 1], np.abs(left[:, 0] - right[:, 0])))


def trunk_lean_left_deg(xy_px: np.ndarray) -> np.ndarray:
    """(frames,) lateral lean of the trunk (mid-hip to mid-shoulder) from the image vertical, degrees.

    Positive toward the person's left, whichever side of the image that is (found per
    frame from the hip order).
    """
    trunk = mid_shoulder_px(xy_px) - mid_hip_px(xy_px)
    left_is_image_right = np.sign(xy_px[:, L_HIP, 0] - xy_px[:, R_HIP, 0])
    return np.degrees(np.arctan2(trunk[:, 0] * left_is_image_right, -trunk[:, 1]))


def stance_sign(events: StepEvents) -> np.ndarray:
    """(n,) +1 for left-stance steps, -1 for right-stance steps."""
    return np.where(events.is_left, 1.0, -1.0)


def pelvic_drop_deg(right_drop_deg: np.ndarray, events: StepEvents) -> dict[str, np.ndarray]:
    """Contralateral pelvic drop per step: at midstance and the peak over stance, degrees.

    Parameters
    ----------
    right_drop_deg : (frames,) float
        :func:`right_hip_drop_deg` of the track.
    events : StepEvents

    Returns
    -------
    dict
        ``pelvic_drop_midstance_deg`` and ``pelvic_drop_peak_deg``, each ``(n,)``;
        positive when the swing-side hip is lower.
    """
    sign = stance_sign(events)
    over_stance = window_gather(right_drop_deg, events.contact_frame, events.stance_end_frame)
    return {
        "pelvic_drop_midstance_deg": sign * at_frames(right_drop_deg, events.midstance_frame),
        "pelvic_drop_peak_deg": nan_max_rows(sign[:, None] * over_stance),
    }


def trunk_lean_deg(lean_left_deg: np.ndarray, events: StepEvents) -> dict[str, np.ndarray]:
    """Lateral trunk lean toward the stance side at midstance, per step, degrees."""
    return {
        "trunk_lean_midstance_deg": stance_sign(events) * at_frames(lean_left_deg, events.midstance_frame)
    }


def centred_stance(events: StepEvents) -> tuple[np.ndarray, np.ndarray]:
    """Each step's stance window centred on its midstance, as long as the clip's median stance: with
    the PSIS stickers midstance is the pelvis's lowest point (gait.events.with_pelvis_midstance),
    better placed than the foot-based window of a frontal view, whose length also varies with its
    detection errors (a window of one frame gave an excursion of exactly 0 on the bench)."""
    stance = events.stance_end_frame - events.contact_frame
    half = int(np.median(stance)) // 2 if events.n else 0  # a runner's stance lasts alike each step
    return events.midstance_frame - half, events.midstance_frame + half


def marker_pelvic_drop_deg(marker_tilt_deg: np.ndarray, events: StepEvents) -> dict[str, np.ndarray]:
    """Contralateral pelvic drop per step from the PSIS sticker line (gait.markers), degrees.

    ``marker_tilt_deg``: (frames,) the sticker line's tilt, right side lower positive, with the
    standing trial's resting tilt (or the camera roll) already subtracted. Returns the drop at
    midstance, its peak over the stance (:func:`centred_stance`) and the excursion from the start of
    that stance to the peak (a constant offset, such as a sticker placed higher on one side, cancels).
    A step whose stance has a frame without the stickers (a long gap, gait.markers) gets no values.
    """
    sign = stance_sign(events)
    start, stop = centred_stance(events)
    rows = window_gather(marker_tilt_deg, start, stop)
    seen = np.isfinite(rows).sum(axis=1) == stop - start + 1  # a stance the stickers were hidden in: out
    peak = np.where(seen, nan_max_rows(sign[:, None] * rows), np.nan)
    return {
        "pelvic_drop_markers_midstance_deg": np.where(
            seen, sign * at_frames(marker_tilt_deg, events.midstance_frame), np.nan
        ),
        "pelvic_drop_markers_peak_deg": peak,
        "pelvic_drop_markers_excursion_deg": peak - sign * at_frames(marker_tilt_deg, start),
    }


#: Distance between the hip joint centres of adults, mm (the pelvis turns about one of them when the
#: other foot stands on a block): about 150 in small women to 200 in large men (Bell et al. 1990
#: proportions of pelvic width).
HIP_JOINT_DISTANCE_MM = (150.0, 200.0)


def block_check(
    level_tilt_deg: float | None, block_tilt_deg: float, block_mm: float
) -> tuple[float, float, float]:
    """The set-up check: standing with ``block_mm`` under one foot tilts the pelvis by
    atan(block / hip joint distance). Returns the tilt measured (the block clip's less the run's own
    standing trial, ``level_tilt_deg``) and the range :data:`HIP_JOINT_DISTANCE_MM` predicts (the
    image cannot give the runner's hip width in mm). InputError without the run's standing trial."""
    if level_tilt_deg is None:
        raise InputError(
            "The block check compares the block clip with the run's own standing start: stand still "
            "for 2-3 s at the start of the run as well."
        )
    low, high = (math.degrees(math.atan(block_mm / d)) for d in HIP_JOINT_DISTANCE_MM[::-1])
    return block_tilt_deg - level_tilt_deg, low, high
