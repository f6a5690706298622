"""Landmark indices and small geometry on them, shared by signal, events and metrics (below all three).

Everything here is vectorised: per-frame helpers take ``(frames, 33, 2)`` pixel arrays and
return ``(frames,)`` or ``(frames, 2)`` arrays, without a Python loop over frames.
"""

from __future__ import annotations

import numpy as np

from gait.gather import nan_median_rows, window_gather
from gait.track import LANDMARK_INDEX

#: Landmark indices used by the metrics (MediaPipe Pose order; left/right are the person's sides).
NOSE = LANDMARK_INDEX["nose"]
L_EAR, R_EAR = LANDMARK_INDEX["left_ear"], LANDMARK_INDEX["right_ear"]
L_SHOULDER, R_SHOULDER = LANDMARK_INDEX["left_shoulder"], LANDMARK_INDEX["right_shoulder"]
L_HIP, R_HIP = LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]
L_KNEE, R_KNEE = LANDMARK_INDEX["left_knee"], LANDMARK_INDEX["right_knee"]
L_ANKLE, R_ANKLE = LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]
L_HEEL, R_HEEL = LANDMARK_INDEX["left_heel"], LANDMARK_INDEX["right_heel"]
L_TOE, R_TOE = LANDMARK_INDEX["left_foot_index"], LANDMARK_INDEX["right_foot_index"]

#: Per-leg landmark indices, column 0 = left leg, column 1 = right leg.
HIPS = np.array([L_HIP, R_HIP])
KNEES = np.array([L_KNEE, R_KNEE])
ANKLES = np.array([L_ANKLE, R_ANKLE])
HEELS = np.array([L_HEEL, R_HEEL])
TOES = np.array([L_TOE, R_TOE])

#: Landmarks the events and metrics use; only these are gated, gap-filled and low-passed.
USED_LANDMARKS = np.array(
    [
        *(NOSE, L_EAR, R_EAR, L_SHOULDER, R_SHOULDER, L_HIP, R_HIP, L_KNEE, R_KNEE),
        *(L_ANKLE, R_ANKLE, L_HEEL, R_HEEL, L_TOE, R_TOE),
    ]
)

#: Image "down" in pixel coordinates (y grows downward).
DOWN = np.array([0.0, 1.0])


def mid_hip_px(xy_px: np.ndarray) -> np.ndarray:
    """Mid-point of the two hip landmarks, ``(frames, 2)`` pixels."""
    return 0.5 * (xy_px[:, L_HIP] + xy_px[:, R_HIP])


def mid_shoulder_px(xy_px: np.ndarray) -> np.ndarray:
    """Mid-point of the two shoulder landmarks, ``(frames, 2)`` pixels."""
    return 0.5 * (xy_px[:, L_SHOULDER] + xy_px[:, R_SHOULDER])


def dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Dot product of 2-D vectors over the last axis (written out: faster than a length-2 reduction)."""
    return a[..., 0] * b[..., 0] + a[..., 1] * b[..., 1]


def norm(a: np.ndarray) -> np.ndarray:
    """Euclidean length of 2-D vectors over the last axis."""
    return np.hypot(a[..., 0], a[..., 1])


def unit(a: np.ndarray) -> np.ndarray:
    """``a`` scaled to unit length over the last axis (NaN where the length is 0 or NaN)."""
    length = norm(a)[..., None]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(length > 0, a / length, np.nan)


def angle_in_basis_deg(vec: np.ndarray, down: np.ndarray, medial: np.ndarray) -> np.ndarray:
    """Signed angle of ``vec`` from the ``down`` axis, positive toward ``medial``, in degrees.

    Parameters
    ----------
    vec, down, medial : (..., 2) float
        The vector to measure and two orthogonal unit axes of the reference frame.

    Returns
    -------
    (...,) float
        ``atan2(vec . medial, vec . down)`` in degrees: 0 when ``vec`` points along ``down``.
    """
    return np.degrees(np.arctan2(dot(vec, medial), dot(vec, down)))


def interior_angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Interior angle at ``b`` of the chain ``a-b-c`` in degrees (180 = straight)."""
    u, v = a - b, c - b
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    return np.degrees(np.arctan2(np.abs(cross), dot(u, v)))


def leg_length_px(xy_px: np.ndarray) -> np.ndarray:
    """Per-frame thigh + shank length of each leg, ``(frames, 2)`` pixels (column 0 = left).

    Thigh = hip to knee, shank = knee to ankle, both as seen in the image. In a side view
    they are the true segment lengths; in frontal views knee flexion foreshortens them
    during swing, so step-level normalisation uses the stance leg (see
    :func:`stance_leg_length_px`).
    """
    hip, knee, ankle = xy_px[:, HIPS], xy_px[:, KNEES], xy_px[:, ANKLES]
    return norm(knee - hip) + norm(ankle - knee)


def stance_leg_length_px(
    leg_px: np.ndarray, contact: np.ndarray, stance_end: np.ndarray, column: np.ndarray
) -> np.ndarray:
    """Median thigh + shank length of the stance leg over each step's stance, ``(n,)`` pixels.

    Measuring the leg in stance, where it is nearly straight and in the image plane, keeps
    the normalisation right when the runner's distance to the camera changes.

    Parameters
    ----------
    leg_px : (frames, 2) float
        :func:`leg_length_px`.
    contact, stance_end : (n,) int
        Stance window of each step.
    column : (n,) int
        Column of ``leg_px`` holding the stance leg.
    """
    return nan_median_rows(window_gather(leg_px, contact, stance_end, column))
