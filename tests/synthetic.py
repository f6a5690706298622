"""A parametric runner for known-answer tests: synthetic PoseTracks whose metrics are known.

The body moves in its own frame (u: toward the person's left, v: up, w: forward, all in
pixels; ground at v = 0) and is projected orthographically into a rear, front or side
view. Every quantity a test checks is set by a parameter or follows from the geometry in
closed form (:class:`Truth`), never from the code under test.

Kinematics of each leg over its stride phase ``p`` in [0, 1) (0 = initial contact):

* stance (``p < duty``): the ankle moves from ``overstride`` ahead of the mid-hip to
  ``foot_behind`` behind it along a half cosine, on the ground;
* swing: it comes back along a half cosine and rises by ``swing_height * sin^2``;
* the knee follows from two-segment inverse kinematics (thigh = shank = half the leg);
* the mid-hip is lowest at each midstance (``p = duty / 2``) with a cosine bounce;
* pelvic obliquity, femoral adduction and trunk lean follow a ``sin^2`` bump over each
  stance, peaking at midstance at the value asked for;
* the hip landmarks sit where the pose model puts them, closer together than the hip joint
  centres the thighs hang from (:data:`gait.metrics.hip.HIP_JOINT_WIDTH_RATIO`, measured on the
  known-answer bench), so the femur's angles come out right only if gait undoes that.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gait.metrics.hip import HIP_JOINT_WIDTH_RATIO
from gait.track import LANDMARK_INDEX, PoseTrack

I = LANDMARK_INDEX  # noqa: E741
LEG_CHAIN = ("hip", "knee", "ankle", "heel", "foot_index")

#: Body proportions as fractions of the leg length (thigh + shank).
HIP_HALF_WIDTH = 0.12
SHOULDER_HALF_WIDTH = 0.2
TORSO = 0.6
ANKLE_HEIGHT = 0.07
HEEL_BACK = 0.06
TOE_FORWARD = 0.18
HIP_HEIGHT_LOW = 0.88  # hip above the ankle at midstance


@dataclass(frozen=True)
class RunnerSpec:
    """Parameters of the synthetic runner (angles in degrees, lengths in leg lengths)."""

    view: str = "rear"  # rear, front, side_right, side_left
    cadence_spm: float = 170.0
    duration_s: float = 20.0
    fps: float = 60.0
    frame_size_px: tuple[int, int] = (960, 720)
    leg_length_px: float = 300.0
    duty_factor: float = 0.35
    overstride: float = 0.3
    foot_behind: float = 0.25
    swing_height: float = 0.3
    vertical_oscillation: float = 0.06
    pelvic_drop_deg: tuple[float, float] = (5.0, 2.0)  # (left stance, right stance)
    femoral_adduction_deg: tuple[float, float] = (0.0, 0.0)
    trunk_lean_deg: tuple[float, float] = (0.0, 0.0)  # toward the stance side
    start_phase: float = 0.13  # left-leg stride phase at t = 0
    noise_px: float = 0.0
    roll_deg: float = 0.0  # image rotation, clockwise on screen
    yaw_deg: float = 0.0  # body turned about the vertical axis (0 = square to the view)
    gaps_s: tuple[tuple[float, float], ...] = ()  # (start, duration): no person
    swaps_s: tuple[tuple[float, float], ...] = ()  # (start, duration): leg labels exchanged
    seed: int = 0


@dataclass(frozen=True)
class Truth:
    """What the analyser should find, from the construction."""

    contact_s: dict[str, np.ndarray]
    midstance_s: dict[str, np.ndarray]
    toe_off_s: dict[str, np.ndarray]
    cadence_spm: float
    contact_time_s: float
    duty_factor_pct: float
    overstride_leg_lengths: float
    knee_flexion_ic_deg: float
    shank_angle_ic_deg: float
    vertical_oscillation_leg_lengths: float
    pelvic_drop_deg: dict[str, float] = field(default_factory=dict)
    hip_adduction_deg: dict[str, float] = field(default_factory=dict)
    femoral_adduction_deg: dict[str, float] = field(default_factory=dict)
    fppa_deg: dict[str, float] = field(default_factory=dict)
    trunk_lean_deg: dict[str, float] = field(default_factory=dict)


def _leg_phase_kinematics(p: np.ndarray, s: RunnerSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ankle ahead of the mid-hip, ankle lift above its stance height, stance bump (all in leg lengths)."""
    d, a, b = s.duty_factor, s.overstride, s.foot_behind
    stance = p < d
    swing_frac = np.clip((p - d) / (1 - d), 0, 1)
    ahead = np.where(
        stance,
        (a - b) / 2 + (a + b) / 2 * np.cos(np.pi * p / d),
        (a - b) / 2 - (a + b) / 2 * np.cos(np.pi * swing_frac),
    )
    lift = np.where(stance, 0.0, s.swing_height * np.sin(np.pi * swing_frac) ** 2)
    bump = np.where(stance, np.sin(np.pi * p / d) ** 2, 0.0)
    return ahead, lift, bump


def _knee_wv(hip: np.ndarray, ankle: np.ndarray, leg: float) -> np.ndarray:
    """Knee in the sagittal (w, v) plane by two-segment IK, bent forward; (frames, 2)."""
    d = ankle - hip
    r = np.linalg.norm(d, axis=-1)
    if np.any(r >= leg):
        raise ValueError("synthetic runner: the leg cannot reach the foot; lower the hip or the overstride")
    direction = d / r[:, None]
    perp = np.column_stack((-direction[:, 1], direction[:, 0]))
    return hip + direction * (r / 2)[:, None] + perp * np.sqrt((leg / 2) ** 2 - (r / 2) ** 2)[:, None]


def _body_uvw(s: RunnerSpec, t: np.ndarray) -> np.ndarray:
    """All 33 landmarks in the body frame (u left, v up, w forward), pixels; (frames, 33, 3)."""
    leg = s.leg_length_px
    stride_s = 120.0 / s.cadence_spm
    p_left = (t / stride_s + s.start_phase) % 1.0
    phases = {"left": p_left, "right": (p_left + 0.5) % 1.0}
    kin = {side: _leg_phase_kinematics(p, s) for side, p in phases.items()}
    bump_l, bump_r = kin["left"][2], kin["right"][2]
    obliquity = np.radians(s.pelvic_drop_deg[0] * bump_l - s.pelvic_drop_deg[1] * bump_r)  # + right hip lower
    lean = np.radians(s.trunk_lean_deg[0] * bump_l - s.trunk_lean_deg[1] * bump_r)  # + toward the left
    hip_v = leg * (
        ANKLE_HEIGHT
        + HIP_HEIGHT_LOW
        + s.vertical_oscillation / 2 * (1 - np.cos(4 * np.pi * (p_left - s.duty_factor / 2)))
    )
    out = np.zeros((len(t), 33, 3))
    half = HIP_HALF_WIDTH * leg
    for side, sign in (("left", 1.0), ("right", -1.0)):
        ahead, lift, bump = kin[side]
        hip = np.column_stack(
            (sign * half * np.cos(obliquity), hip_v + sign * half * np.sin(obliquity), 0 * t)
        )
        ankle_wv = np.column_stack((ahead * leg, (ANKLE_HEIGHT + lift) * leg))
        knee_wv = _knee_wv(np.column_stack((0 * t, hip[:, 1])), ankle_wv, leg)
        adduction = np.radians(s.femoral_adduction_deg[0 if side == "left" else 1]) * bump
        knee_u = hip[:, 0] - sign * (hip[:, 1] - knee_wv[:, 1]) * np.tan(adduction)
        ground_v = ankle_wv[:, 1] - ANKLE_HEIGHT * leg
        mid = np.column_stack((0 * t, hip_v, 0 * t))
        out[:, I[f"{side}_hip"]] = mid + (hip - mid) / HIP_JOINT_WIDTH_RATIO
        out[:, I[f"{side}_knee"]] = np.column_stack((knee_u, knee_wv[:, 1], knee_wv[:, 0]))
        out[:, I[f"{side}_ankle"]] = np.column_stack((knee_u, ankle_wv[:, 1], ankle_wv[:, 0]))
        out[:, I[f"{side}_heel"]] = np.column_stack((knee_u, ground_v, ankle_wv[:, 0] - HEEL_BACK * leg))
        out[:, I[f"{side}_foot_index"]] = np.column_stack(
            (knee_u, ground_v, ankle_wv[:, 0] + TOE_FORWARD * leg)
        )
    _add_upper_body(out, hip_v, lean, leg)
    return out


def _add_upper_body(out: np.ndarray, hip_v: np.ndarray, lean: np.ndarray, leg: float) -> None:
    """Shoulders, head and arms above the mid-hip, leaning laterally by ``lean`` (radians)."""
    centre = np.column_stack((TORSO * leg * np.sin(lean), hip_v + TORSO * leg * np.cos(lean), 0 * lean))
    offsets = {
        "left_shoulder": (SHOULDER_HALF_WIDTH, 0, 0),
        "right_shoulder": (-SHOULDER_HALF_WIDTH, 0, 0),
        "nose": (0, 0.33, 0.08),
        "left_eye_inner": (0.02, 0.36, 0.06),
        "left_eye": (0.03, 0.36, 0.06),
        "left_eye_outer": (0.04, 0.36, 0.05),
        "right_eye_inner": (-0.02, 0.36, 0.06),
        "right_eye": (-0.03, 0.36, 0.06),
        "right_eye_outer": (-0.04, 0.36, 0.05),
        "left_ear": (0.07, 0.34, -0.02),
        "right_ear": (-0.07, 0.34, -0.02),
        "mouth_left": (0.02, 0.29, 0.07),
        "mouth_right": (-0.02, 0.29, 0.07),
        "left_elbow": (0.22, -0.3, -0.05),
        "right_elbow": (-0.22, -0.3, -0.05),
    }
    for hand in ("wrist", "pinky", "index", "thumb"):
        offsets[f"left_{hand}"] = (0.2, -0.4, 0.15)
        offsets[f"right_{hand}"] = (-0.2, -0.4, 0.15)
    for name, (du, dv, dw) in offsets.items():
        out[:, I[name]] = centre + leg * np.array([du, dv, dw])


def _project(uvw: np.ndarray, s: RunnerSpec) -> np.ndarray:
    """Orthographic projection into the image (x right, y down), then the camera roll."""
    width, height = s.frame_size_px
    cx, ground_y = width / 2, 0.92 * height
    yaw = np.radians(s.yaw_deg)
    u0, v, w0 = uvw[..., 0], uvw[..., 1], uvw[..., 2]
    u, w = u0 * np.cos(yaw) - w0 * np.sin(yaw), u0 * np.sin(yaw) + w0 * np.cos(yaw)
    horizontal = {"rear": -u, "front": u, "side_right": w, "side_left": -w}[s.view]
    xy = np.stack((cx + horizontal, ground_y - v), axis=-1)
    return rotate_xy(xy, s.roll_deg, (width / 2, height / 2))


def rotate_xy(xy: np.ndarray, angle_deg: float, centre: tuple[float, float]) -> np.ndarray:
    """Rotate image points clockwise on screen (y down) by ``angle_deg`` about ``centre``."""
    a = np.radians(angle_deg)
    d = xy - np.asarray(centre)
    rot = np.stack(
        (d[..., 0] * np.cos(a) - d[..., 1] * np.sin(a), d[..., 0] * np.sin(a) + d[..., 1] * np.cos(a)), -1
    )
    return rot + np.asarray(centre)


def _frames_in(t: np.ndarray, windows: tuple[tuple[float, float], ...]) -> np.ndarray:
    """(frames,) bool: frames whose time falls in any (start, duration) window."""
    mask = np.zeros(len(t), bool)
    for start, duration in windows:
        mask |= (t >= start) & (t < start + duration)
    return mask


def _swap_labels(values: np.ndarray, frames: np.ndarray, names: tuple[str, ...]) -> None:
    """Exchange left and right landmarks named ``names`` on ``frames`` in place."""
    for name in names:
        li, ri = I[f"left_{name}"], I[f"right_{name}"]
        values[frames, li], values[frames, ri] = values[frames, ri].copy(), values[frames, li].copy()


def make_run(spec: RunnerSpec | None = None, /, **changes: object) -> tuple[PoseTrack, Truth]:
    """Build a synthetic PoseTrack and its ground truth.

    Parameters
    ----------
    spec : RunnerSpec, optional
        Base parameters; keyword ``changes`` override its fields.

    Returns
    -------
    (PoseTrack, Truth)
    """
    s = RunnerSpec(**changes) if spec is None else RunnerSpec(**{**spec.__dict__, **changes})  # type: ignore[arg-type]
    n = round(s.duration_s * s.fps)
    t = np.arange(n) / s.fps
    uvw = _body_uvw(s, t)
    xy = _project(uvw, s)
    rng = np.random.default_rng(s.seed)
    xy = xy + rng.normal(0.0, s.noise_px, xy.shape) if s.noise_px > 0 else xy
    visibility = np.full((n, 33), 0.95)
    if s.view.startswith("side"):
        far = "left" if s.view == "side_right" else "right"
        visibility[:, [I[f"{far}_{name}"] for name in LEG_CHAIN]] = 0.7
    swapped = _frames_in(t, s.swaps_s)
    _swap_labels(xy, swapped, LEG_CHAIN)
    _swap_labels(visibility, swapped, LEG_CHAIN)
    presence = np.full((n, 33), 0.99)
    gone = _frames_in(t, s.gaps_s)
    xy[gone] = np.nan
    visibility[gone] = np.nan
    presence[gone] = np.nan
    world = (uvw[:, :, [0, 1, 2]] - uvw[:, [I["left_hip"]], :]) * (0.9 / s.leg_length_px)
    world[gone] = np.nan
    track = PoseTrack(
        xy_px=xy,
        visibility=visibility,
        presence=presence,
        world_m=world,
        time_s=t,
        fps=s.fps,
        frame_size_px=s.frame_size_px,
        model="synthetic",
    )
    return track, truth_of(s)


def truth_of(s: RunnerSpec) -> Truth:
    """Ground truth of a spec, in closed form from the construction."""
    stride_s = 120.0 / s.cadence_spm
    first_left = ((1.0 - s.start_phase) % 1.0) * stride_s
    k = np.arange(-1, int(s.duration_s / stride_s) + 2)
    contact = {"left": first_left + k * stride_s, "right": first_left + (k + 0.5) * stride_s}
    contact = {side: c[(c >= 0) & (c < s.duration_s)] for side, c in contact.items()}
    d = s.duty_factor
    # Mid-hip height above the ankle at contact (no pelvic obliquity then: the other leg swings).
    hip_above_ankle = HIP_HEIGHT_LOW + s.vertical_oscillation / 2 * (1 - np.cos(4 * np.pi * (0 - d / 2)))
    r = np.hypot(s.overstride, hip_above_ankle)  # hip to ankle, leg lengths
    beta = np.arctan2(s.overstride, hip_above_ankle)  # hip-ankle line ahead of vertical
    gamma = np.arccos(r)  # thigh (and shank) off that line in an isosceles triangle of sides 1/2
    drop = dict(zip(("left", "right"), s.pelvic_drop_deg, strict=True))
    femoral = dict(zip(("left", "right"), s.femoral_adduction_deg, strict=True))
    return Truth(
        contact_s=contact,
        midstance_s={side: c + d * stride_s / 2 for side, c in contact.items()},
        toe_off_s={side: c + d * stride_s for side, c in contact.items()},
        cadence_spm=s.cadence_spm,
        contact_time_s=d * stride_s,
        duty_factor_pct=100 * d,
        overstride_leg_lengths=s.overstride,
        knee_flexion_ic_deg=float(180 - np.degrees(2 * np.arcsin(r))),
        shank_angle_ic_deg=float(np.degrees(beta - gamma)),
        vertical_oscillation_leg_lengths=s.vertical_oscillation,
        pelvic_drop_deg=drop,
        hip_adduction_deg={side: drop[side] + femoral[side] for side in drop},
        femoral_adduction_deg=femoral,
        fppa_deg=femoral,
        trunk_lean_deg=dict(zip(("left", "right"), s.trunk_lean_deg, strict=True)),
    )


def rotate_track(track: PoseTrack, angle_deg: float) -> PoseTrack:
    """The track of the video rotated clockwise on screen by ``angle_deg`` about its centre."""
    width, height = track.frame_size_px
    return track.replace(xy_px=rotate_xy(track.xy_px, angle_deg, (width / 2, height / 2)))
