"""Hip and knee in frontal views: hip adduction, femoral adduction, knee projection angle, step width.

All angles are positive toward the midline (adduction, valgus). Hip adduction is measured
in the pelvis frame (Dingenen et al. 2018: the femur against the perpendicular to the hip
line), so it is free of camera roll; femoral adduction is against the image vertical, so
a roll of r shifts the two sides by +r and -r.
"""

from __future__ import annotations

import numpy as np

from gait.events import StepEvents
from gait.gather import at_frames, nan_max_rows, window_gather
from gait.landmarks import ANKLES, HIPS, KNEES, L_HIP, R_HIP, angle_in_basis_deg, mid_hip_px, unit

#: How much farther apart the true hip joint centres are than the pose model's hip points: MediaPipe
#: sits each hip point about 12% of the hip width inside the joint centre. Median over the
#: known-answer bench's rear and front clips (five bodies, three camera set-ups: 1.26-1.39,
#: docs/validation.md). Widening about the mid-hip keeps the hip line's angle.
HIP_JOINT_WIDTH_RATIO = 1.30


def femur_px(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2, 2) left and right femur, hip joint centre to knee: the joint centres are the
    model's hip points spread about their midpoint by :data:`HIP_JOINT_WIDTH_RATIO`."""
    mid = mid_hip_px(xy_px)[:, None, :]
    return xy_px[:, KNEES] - (mid + (xy_px[:, HIPS] - mid) * HIP_JOINT_WIDTH_RATIO)


def pelvis_axes(xy_px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit axes of the pelvis frame per frame: (down, toward_left), each ``(frames, 2)``.

    ``toward_left`` runs from the right hip to the left hip; ``down`` is perpendicular to
    it, on the side of the image's downward direction.
    """
    toward_left = unit(xy_px[:, L_HIP] - xy_px[:, R_HIP])
    perp = np.column_stack((-toward_left[:, 1], toward_left[:, 0]))
    down = perp * np.where(perp[:, 1] >= 0, 1.0, -1.0)[:, None]
    return down, toward_left


def _medial_axes(toward_left: np.ndarray) -> np.ndarray:
    """(frames, 2, 2) unit vector toward the midline for the left leg (column 0) and right leg."""
    return np.stack((-toward_left, toward_left), axis=1)


def hip_adduction_deg(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2) femur (hip to knee) angle from the pelvis perpendicular, + toward the midline."""
    down, toward_left = pelvis_axes(xy_px)
    return angle_in_basis_deg(femur_px(xy_px), down[:, None, :], _medial_axes(toward_left))


def femoral_adduction_deg(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2) femur angle from the image vertical, + toward the midline (image-horizontal)."""
    femur = femur_px(xy_px)
    other_side = np.sign(xy_px[:, HIPS[::-1], 0] - xy_px[:, HIPS, 0])
    medial = np.stack((other_side, np.zeros_like(other_side)), axis=-1)
    return angle_in_basis_deg(femur, np.array([0.0, 1.0]), medial)


def marker_hip_adduction_deg(femoral_adduction: np.ndarray, marker_tilt_deg: np.ndarray) -> np.ndarray:
    """(frames, 2) femur against the perpendicular to the PSIS sticker line, + toward the midline.

    The pelvis-referenced hip adduction of the 2D studies: femoral adduction to the vertical plus the
    pelvis tilt toward the other side (a pelvis dropping on the right adducts the left hip by as
    much, and abducts the right). ``marker_tilt_deg``: right side lower positive, levelled.
    """
    return femoral_adduction + np.column_stack((marker_tilt_deg, -marker_tilt_deg))


def knee_fppa_deg(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2) knee frontal-plane projection angle, + valgus (knee medial of the hip-ankle line).

    The thigh's angle minus the shank's angle in the pelvis frame: 0 when hip, knee and
    ankle are collinear in the image. A 2D projection: it does not equal 3D knee valgus.
    """
    down, toward_left = pelvis_axes(xy_px)
    medial = _medial_axes(toward_left)
    thigh = angle_in_basis_deg(femur_px(xy_px), down[:, None, :], medial)
    shank = angle_in_basis_deg(xy_px[:, ANKLES] - xy_px[:, KNEES], down[:, None, :], medial)
    return thigh - shank


def foot_offset_px(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2) ankle's horizontal distance from the mid-hip toward its own side, pixels.

    Negative when the foot is across the midline (crossover).
    """
    own_side = np.sign(xy_px[:, HIPS, 0] - xy_px[:, HIPS[::-1], 0])
    return (xy_px[:, ANKLES, 0] - mid_hip_px(xy_px)[:, None, 0]) * own_side


def peak_over_stance(per_leg: np.ndarray, events: StepEvents) -> np.ndarray:
    """(n,) maximum of the stance leg's signal over each step's stance."""
    rows = window_gather(per_leg, events.contact_frame, events.stance_end_frame, events.leg_column)
    return nan_max_rows(rows)


def hip_metrics(
    hip_adduction: np.ndarray,
    femoral_adduction: np.ndarray,
    fppa: np.ndarray,
    foot_offset: np.ndarray,
    events: StepEvents,
    leg_px: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-step hip and knee metrics of frontal views.

    Parameters
    ----------
    hip_adduction, femoral_adduction, fppa : (frames, 2) float
        :func:`hip_adduction_deg`, :func:`femoral_adduction_deg`, :func:`knee_fppa_deg`.
    foot_offset : (frames, 2) float
        :func:`foot_offset_px`.
    events : StepEvents
    leg_px : (n,) float
        Leg length of each step, pixels.

    Returns
    -------
    dict
        ``hip_adduction_peak_deg``, ``femoral_adduction_peak_deg``, ``knee_fppa_peak_deg``,
        ``foot_midline_offset_leg_lengths`` (at midstance) and ``step_width_leg_lengths``
        (this foot's plus the previous step's offset, when that step was the other leg).
    """
    offset = at_frames(foot_offset, events.midstance_frame, events.leg_column) / leg_px
    previous = np.concatenate(([np.nan], offset[:-1]))
    alternates = np.concatenate(([False], events.is_left[1:] != events.is_left[:-1]))
    return {
        "hip_adduction_peak_deg": peak_over_stance(hip_adduction, events),
        "femoral_adduction_peak_deg": peak_over_stance(femoral_adduction, events),
        "knee_fppa_peak_deg": peak_over_stance(fppa, events),
        "foot_midline_offset_leg_lengths": offset,
        "step_width_leg_lengths": np.where(alternates, offset + previous, np.nan),
    }
