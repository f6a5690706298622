"""A procedural running cycle with exact event times: segment poses for every frame.

The legs are driven by their ankles: in stance the foot rolls heel -> flat -> ball on a treadmill
belt moving backward at constant speed (so it never slides on the belt), in swing the ankle follows
a smooth recovery loop; a two-link inverse kinematics with the knee pointing forward places the
knee. The pelvis carries the vertical oscillation (lowest at midstance), a contralateral drop that
peaks at midstance of each stance (``cpd_*_deg``), and axial rotation; the trunk leans forward and
counter-rotates; the arms swing opposite to the legs.

Lateral foot placement is chosen so that the 3D hip adduction (thigh against the pelvis, frontal
plane) at midstance is ``hip_adduction_*_deg``. The truth file reports what was actually rendered,
measured on the projected joints, so these parameters are targets, not claims.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from bench.body import SEGMENTS, Body, rest_frame

SIDES = ("L", "R")
#: Stance sub-phases: heel rocker until S1, foot flat until S2, then the heel rises over the ball.
S1, S2 = 0.15, 0.55
#: Knee flexion in quiet standing (deg): knees soft, not locked.
STANDING_KNEE_FLEXION_DEG = 5.0


@dataclass(frozen=True)
class RunSpec:
    """What the runner does. Angles in degrees, lengths in metres unless named otherwise."""

    cadence_spm: float = 170.0
    cpd_left_deg: float = 4.0  # peak contralateral pelvic drop in left stance (right hip lower)
    cpd_right_deg: float = 4.0
    hip_adduction_left_deg: float = 10.0  # 3D hip adduction at midstance, left stance
    hip_adduction_right_deg: float = 10.0
    overstride_leg_lengths: float = 0.2  # ankle ahead of the mid-hip at initial contact
    trunk_lean_deg: float = 6.0
    duty_factor: float = 0.34  # contact time / stride time
    vertical_oscillation_m: float = 0.07
    pelvic_rotation_deg: float = 5.0  # axial rotation amplitude
    arm_swing_deg: float = 28.0
    elbow_flexion_deg: float = 85.0
    knee_flexion_ic_deg: float = 20.0
    first_contact_s: float = 0.25  # time of the first left contact
    heel_strike_deg: float = 12.0  # foot angle (toe up) at contact
    toe_off_deg: float = 30.0  # plantar flexion of the foot at toe-off


@dataclass(frozen=True)
class Pose:
    """Segment transforms and world joint positions for a batch of times.

    ``rotations`` (t, segments, 3, 3) and ``translations`` (t, segments, 3) map rest to posed
    (``x' = R x + t``); ``joints`` maps a joint name to (t, 3) world positions.
    """

    rotations: np.ndarray
    translations: np.ndarray
    joints: dict[str, np.ndarray]


def rot_x(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def rot_y(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, z, s], -1), np.stack([z, o, z], -1), np.stack([-s, z, c], -1)], -2)


def rot_z(a: np.ndarray) -> np.ndarray:
    c, s = np.cos(a), np.sin(a)
    o, z = np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


def place_segment(
    rotations: np.ndarray,
    translations: np.ndarray,
    segment: str,
    rest_pivot: np.ndarray,
    rest_axes: np.ndarray,
    pivot: np.ndarray,
    axes: np.ndarray,
) -> None:
    """Set ``segment``'s transform (in place) so that its rest pivot and axes land on ``pivot``, ``axes``."""
    k = SEGMENTS.index(segment)
    rot = axes @ rest_axes.T
    rotations[:, k] = rot
    translations[:, k] = pivot - rot @ rest_pivot


def smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


class RunningCycle:
    """The cycle of one body running to ``spec``; :meth:`pose` evaluates it at any times."""

    def __init__(self, body: Body, spec: RunSpec) -> None:
        self.body, self.spec = body, spec
        j = body.joints
        self.thigh_m, self.shank_m = body.thigh_m, body.shank_m
        self.leg_m = self.thigh_m + self.shank_m
        self.step_s = 60.0 / spec.cadence_spm
        self.stride_s = 2 * self.step_s
        self.contact_s = spec.duty_factor * self.stride_s
        self.mid_hip_rest = (j["hip.L"] + j["hip.R"]) / 2
        self.hip_half_width_m = float(j["hip.L"][1] - j["hip.R"][1]) / 2
        # Foot geometry in the sagittal plane (x forward, z up), relative to the ankle.
        self.heel_rel = (j["heel.L"] - j["ankle.L"])[[0, 2]]
        self.ball_rel = (j["ball.L"] - j["ankle.L"])[[0, 2]]
        self.x_ic_m = spec.overstride_leg_lengths * self.leg_m
        self.ankle_ic_z = self._foot_on_heel(np.radians(spec.heel_strike_deg))[1]
        self.foot_y = {s: self._foot_y(s) for s in SIDES}
        # Mid-hip height at contact from the knee flexion there; the oscillation is centred so.
        a, b = self.thigh_m, self.shank_m
        reach_ic = np.sqrt(a * a + b * b + 2 * a * b * np.cos(np.radians(spec.knee_flexion_ic_deg)))
        lateral = self.hip_half_width_m - abs(self.foot_y["L"])
        h_ic = self.ankle_ic_z + np.sqrt(reach_ic**2 - self.x_ic_m**2 - lateral**2)
        phase_ic = 2 * np.pi * (-self.contact_s / 2) / self.step_s
        self.hip_mean_z = h_ic + spec.vertical_oscillation_m / 2 * np.cos(phase_ic)
        self.belt_mps = self._belt_speed()

    # --- pelvis -------------------------------------------------------------------------------
    def contact_times(self, side: str, t_end: float) -> np.ndarray:
        first = self.spec.first_contact_s + (0 if side == "L" else self.step_s)
        return np.arange(first - self.stride_s, t_end + self.stride_s, self.stride_s)

    def since_contact(self, side: str, t: np.ndarray) -> np.ndarray:
        first = self.spec.first_contact_s + (0 if side == "L" else self.step_s)
        return np.mod(t - first, self.stride_s)

    def hip_height(self, t: np.ndarray) -> np.ndarray:
        mid = self.spec.first_contact_s + self.contact_s / 2
        return self.hip_mean_z - self.spec.vertical_oscillation_m / 2 * np.cos(
            2 * np.pi * (t - mid) / self.step_s
        )

    def pelvis_drop_deg(self, t: np.ndarray) -> np.ndarray:
        """Right hip below left (deg): + in left stance by cpd_left, - in right stance by cpd_right."""
        out = np.zeros_like(t)
        for side, amount in (("L", self.spec.cpd_left_deg), ("R", -self.spec.cpd_right_deg)):
            s = self.since_contact(side, t) / self.contact_s
            out += np.where(s < 1, amount * np.sin(np.pi * np.clip(s, 0, 1)) ** 2, 0.0)
        return out

    def pelvis_rotation(self, t: np.ndarray, drop_scale: float = 1.0) -> np.ndarray:
        """Pelvis orientation; ``drop_scale`` < 1 shrinks only the frontal-plane drop (soft-tissue lag)."""
        phase = 2 * np.pi * self.since_contact("L", t) / self.stride_s
        yaw = -np.radians(self.spec.pelvic_rotation_deg) * np.cos(phase)  # left hip forward at left contact
        drop = self.pelvis_drop_deg(t)
        return rot_z(yaw) @ rot_x(np.radians(drop if drop_scale == 1.0 else drop_scale * drop))

    def hip_centres(self, t: np.ndarray) -> dict[str, np.ndarray]:
        rot = self.pelvis_rotation(t)
        centre = np.stack([np.zeros_like(t), np.zeros_like(t), self.hip_height(t)], -1)
        return {s: centre + rot @ (self.body.joints[f"hip.{s}"] - self.mid_hip_rest) for s in SIDES}

    # --- feet ---------------------------------------------------------------------------------
    def _foot_on_heel(self, angle: float) -> np.ndarray:
        """Ankle (x, z) relative to a heel on the floor at x = 0, foot pitched ``angle`` toe-up."""
        c, s = np.cos(angle), np.sin(angle)
        rel = -self.heel_rel
        return np.array([c * rel[0] - s * rel[1], s * rel[0] + c * rel[1]])

    def _foot_y(self, side: str) -> float:
        """Lateral ankle position giving the asked hip adduction at midstance."""
        spec = self.spec
        add = spec.hip_adduction_left_deg if side == "L" else spec.hip_adduction_right_deg
        drop = spec.cpd_left_deg if side == "L" else spec.cpd_right_deg
        sign = 1.0 if side == "L" else -1.0
        hip_y = sign * self.hip_half_width_m
        height = 0.85 * self.leg_m  # hip above ankle at midstance, near enough for a target
        return hip_y - sign * height * np.tan(np.radians(add - drop))

    def stance_ankle(self, tau: np.ndarray, belt_mps: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Ankle (x, z) and foot pitch (rad, + toe up) at ``tau`` seconds after contact."""
        v = self.belt_mps if belt_mps is None else belt_mps
        s = tau / self.contact_s
        heel0 = self.x_ic_m - self._foot_on_heel(np.radians(self.spec.heel_strike_deg))[0]
        heel = heel0 - v * tau
        ball = heel + (self.ball_rel[0] - self.heel_rel[0])
        pitch = np.where(
            s < S1,
            np.radians(self.spec.heel_strike_deg) * (1 - smoothstep(s / S1)),
            np.where(s > S2, -np.radians(self.spec.toe_off_deg) * smoothstep((s - S2) / (1 - S2)), 0.0),
        )
        pivot_x = np.where(s > S2, ball, heel)
        rel = np.where((s > S2)[..., None], -self.ball_rel, -self.heel_rel)
        c, sn = np.cos(pitch), np.sin(pitch)
        x = pivot_x + c * rel[..., 0] - sn * rel[..., 1]
        z = sn * rel[..., 0] + c * rel[..., 1]
        return np.stack([x, z], -1), pitch

    def _belt_speed(self) -> float:
        """The fastest belt (m/s, up to 4) whose toe-off the leg still reaches (<= 99% of its length)."""
        tau = np.linspace(0, self.contact_s, 40)
        hip_z = self.hip_height(self.spec.first_contact_s + tau)
        for v in np.arange(4.0, 0.5, -0.05):
            xz, _ = self.stance_ankle(tau, v)
            reach = np.hypot(xz[:, 0], hip_z - xz[:, 1])
            if reach.max() <= 0.99 * self.leg_m:
                return float(v)
        raise ValueError("this body cannot reach its toe-off at any belt speed; lower the overstride")

    def ankle(self, side: str, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World ankle positions (t, 3) and foot pitch (t,) of one leg."""
        tau = self.since_contact(side, t)
        stance = tau < self.contact_s
        xz, pitch = self.stance_ankle(np.minimum(tau, self.contact_s))
        # Swing: a spline from toe-off back to the next contact, matching the stance velocities.
        swing_s = self.stride_s - self.contact_s
        dt = 1e-4
        start, p_start = self.stance_ankle(np.array([self.contact_s]))
        start_v = (start - self.stance_ankle(np.array([self.contact_s - dt]))[0]) / dt
        end, p_end = self.stance_ankle(np.array([0.0]))
        end_v = (self.stance_ankle(np.array([dt]))[0] - end) / dt
        leg = self.leg_m
        knots = np.array([0.0, 0.35, 0.88, 1.0]) * swing_s
        xs = np.array([start[0, 0], -0.22 * leg, self.x_ic_m + 0.05 * leg, end[0, 0]])
        zs = np.array([start[0, 1], 0.42 * leg, self.ankle_ic_z + 0.04 * leg, end[0, 1]])
        spline_x = CubicSpline(knots, xs, bc_type=((1, start_v[0, 0]), (1, end_v[0, 0])))
        spline_z = CubicSpline(knots, zs, bc_type=((1, start_v[0, 1]), (1, end_v[0, 1])))
        u = np.clip(tau - self.contact_s, 0, swing_s)
        swing_pitch = p_start[0] + (p_end[0] - p_start[0]) * smoothstep(u / swing_s)
        x = np.where(stance, xz[:, 0], spline_x(u))
        z = np.where(stance, xz[:, 1], spline_z(u))
        pitch = np.where(stance, pitch, swing_pitch)
        y = np.full_like(t, self.foot_y[side])
        return np.stack([x, y, z], -1), pitch

    # --- the whole body -----------------------------------------------------------------------
    def pose(self, t: np.ndarray, drop_scale: float = 1.0) -> Pose:
        """The running pose at times ``t`` (s).

        ``drop_scale`` as in :meth:`pelvis_rotation`, applied to the pelvis segment and the PSIS
        joints only (the markers of a lagging skin ride such a pelvis; the legs keep the true one).
        """
        t = np.asarray(t, float)
        j = self.body.joints
        n = len(t)
        rotations = np.zeros((n, len(SEGMENTS), 3, 3))
        translations = np.zeros((n, len(SEGMENTS), 3))
        joints: dict[str, np.ndarray] = {}
        fwd, left, up = np.eye(3)

        def place(
            segment: str, rest_pivot: np.ndarray, rest_axes: np.ndarray, pivot: np.ndarray, axes: np.ndarray
        ) -> None:
            place_segment(rotations, translations, segment, rest_pivot, rest_axes, pivot, axes)

        def bone(
            segment: str,
            head: str,
            tail: str,
            at: np.ndarray,
            to: np.ndarray,
            rest_ref: np.ndarray,
            ref: np.ndarray,
        ) -> None:
            """Limb segment from joint ``head`` to ``tail``, posed ``at`` -> ``to``, hinge toward ``ref``."""
            place(segment, j[head], rest_frame(j[tail] - j[head], rest_ref), at, rest_frame(to - at, ref))

        pelvis_rot = self.pelvis_rotation(t, drop_scale)
        mid_hip = np.stack([np.zeros(n), np.zeros(n), self.hip_height(t)], -1)
        place("pelvis", self.mid_hip_rest, np.eye(3), mid_hip, pelvis_rot)
        hips = self.hip_centres(t)
        for s in SIDES:
            joints[f"psis.{s}"] = mid_hip + pelvis_rot @ (j[f"psis.{s}"] - self.mid_hip_rest)

        lean = rot_y(np.full(n, np.radians(self.spec.trunk_lean_deg)))
        yaw_pelvis = np.arctan2(pelvis_rot[:, 1, 0], pelvis_rot[:, 0, 0])
        trunk_rot = rot_z(-0.6 * yaw_pelvis) @ lean
        spine = mid_hip + pelvis_rot @ (j["spine"] - self.mid_hip_rest)
        place("trunk", j["spine"], np.eye(3), spine, trunk_rot)
        for name in ("neck", "head"):
            joints[name] = spine + trunk_rot @ (j[name] - j["spine"])

        a, b = self.thigh_m, self.shank_m
        for s in SIDES:
            ankle, pitch = self.ankle(s, t)
            hip = hips[s]
            d_vec = ankle - hip
            d = np.linalg.norm(d_vec, axis=1, keepdims=True)
            d_clip = np.clip(d, abs(a - b) + 1e-3, a + b - 1e-4)
            ankle = hip + d_vec / d * d_clip
            u = d_vec / d
            along = (a * a - b * b + d_clip**2) / (2 * d_clip)
            pole = np.broadcast_to(fwd, u.shape)
            perp = pole - (pole * u).sum(1, keepdims=True) * u
            perp /= np.linalg.norm(perp, axis=1, keepdims=True)
            knee = hip + along * u + np.sqrt(np.maximum(a * a - along**2, 0)) * perp
            bone(f"thigh.{s}", f"hip.{s}", f"knee.{s}", hip, knee, fwd, pole)
            bone(f"shank.{s}", f"knee.{s}", f"ankle.{s}", knee, ankle, fwd, pole)
            foot_axis = np.stack([np.cos(pitch), np.zeros(n), np.sin(pitch)], -1)
            foot_up = np.stack([-np.sin(pitch), np.zeros(n), np.cos(pitch)], -1)
            rest_foot = rest_frame(j[f"toe.{s}"] - j[f"heel.{s}"], up)
            foot_frame = rest_frame(foot_axis, foot_up)
            place(f"foot.{s}", j[f"ankle.{s}"], rest_foot, ankle, foot_frame)
            foot_rot = foot_frame @ rest_foot.T
            for name in ("heel", "ball", "toe"):
                joints[f"{name}.{s}"] = ankle + foot_rot @ (j[f"{name}.{s}"] - j[f"ankle.{s}"])
            joints[f"hip.{s}"], joints[f"knee.{s}"], joints[f"ankle.{s}"] = hip, knee, ankle

            # Arms: swing opposite to the same-side leg, elbows flexed, in the trunk's frame.
            sign = 1.0 if s == "L" else -1.0
            phase = 2 * np.pi * self.since_contact(s, t) / self.stride_s
            swing = -np.radians(self.spec.arm_swing_deg) * np.cos(phase)  # arm back at own-side contact
            abduct = np.radians(12.0)
            upper_dir = np.stack([np.sin(swing), np.full(n, sign * np.sin(abduct)), -np.cos(swing)], -1)
            bend = swing + np.radians(self.spec.elbow_flexion_deg)
            fore_dir = np.stack([np.sin(bend), np.full(n, -sign * 0.25), -np.cos(bend)], -1)
            shoulder = spine + trunk_rot @ (j[f"shoulder.{s}"] - j["spine"])
            upper_len = np.linalg.norm(j[f"elbow.{s}"] - j[f"shoulder.{s}"])
            fore_len = np.linalg.norm(j[f"wrist.{s}"] - j[f"elbow.{s}"])
            upper_w = np.einsum("nij,nj->ni", trunk_rot, upper_dir)
            fore_w = np.einsum("nij,nj->ni", trunk_rot, fore_dir)
            left_w = trunk_rot @ left
            elbow = shoulder + upper_len * upper_w / np.linalg.norm(upper_w, axis=1, keepdims=True)
            wrist = elbow + fore_len * fore_w / np.linalg.norm(fore_w, axis=1, keepdims=True)
            bone(f"upperarm.{s}", f"shoulder.{s}", f"elbow.{s}", shoulder, elbow, left, left_w)
            bone(f"forearm.{s}", f"elbow.{s}", f"wrist.{s}", elbow, wrist, left, left_w)
            joints[f"shoulder.{s}"], joints[f"elbow.{s}"], joints[f"wrist.{s}"] = shoulder, elbow, wrist
        return Pose(rotations, translations, joints)

    def standing_pose(self, n: int) -> Pose:
        """Quiet standing, ``n`` identical frames: upright, pelvis level and square to the camera,
        feet flat about hip-width apart under the hips, knees slightly soft, arms at the sides with
        the elbows a little bent. The mid-hip is at x = y = 0, as in running."""
        j = self.body.joints
        rotations = np.zeros((n, len(SEGMENTS), 3, 3))
        translations = np.zeros((n, len(SEGMENTS), 3))
        joints: dict[str, np.ndarray] = {}
        fwd, left, up = np.eye(3)
        a, b = self.thigh_m, self.shank_m
        lateral_m = 0.015  # each ankle this much outside its hip
        reach = np.sqrt(a * a + b * b + 2 * a * b * np.cos(np.radians(STANDING_KNEE_FLEXION_DEG)))
        hip_z = float(j["ankle.L"][2] + np.sqrt(reach**2 - lateral_m**2))
        mid_hip = np.array([0.0, 0.0, hip_z])
        shift = mid_hip - self.mid_hip_rest  # pelvis and trunk: the rest pose, moved

        def place(
            segment: str, rest_pivot: np.ndarray, rest_axes: np.ndarray, pivot: np.ndarray, axes: np.ndarray
        ) -> None:
            place_segment(rotations, translations, segment, rest_pivot, rest_axes, pivot, axes)

        def bone(segment: str, head: str, tail: str, at: np.ndarray, to: np.ndarray, ref: np.ndarray) -> None:
            place(segment, j[head], rest_frame(j[tail] - j[head], ref), at, rest_frame(to - at, ref))

        eye = np.eye(3)
        place("pelvis", self.mid_hip_rest, eye, mid_hip, eye)
        place("trunk", self.mid_hip_rest, eye, mid_hip, eye)
        for name in ("neck", "head"):  # the running pose's joint names, no more
            joints[name] = j[name] + shift
        for s, sign in (("L", 1.0), ("R", -1.0)):
            joints[f"psis.{s}"] = j[f"psis.{s}"] + shift
            hip = j[f"hip.{s}"] + shift
            ankle = np.array([hip[0] - 0.01, hip[1] + sign * lateral_m, j["ankle.L"][2]])
            knee = two_link_knee(hip[None], ankle[None], a, b, fwd)[0]
            bone(f"thigh.{s}", f"hip.{s}", f"knee.{s}", hip, knee, fwd)
            bone(f"shank.{s}", f"knee.{s}", f"ankle.{s}", knee, ankle, fwd)
            rest_foot = rest_frame(j[f"toe.{s}"] - j[f"heel.{s}"], up)
            place(f"foot.{s}", j[f"ankle.{s}"], rest_foot, ankle, rest_frame(np.array([1.0, 0.0, 0.0]), up))
            foot_rot = rotations[0, SEGMENTS.index(f"foot.{s}")]
            for name in ("heel", "ball", "toe"):
                joints[f"{name}.{s}"] = ankle + foot_rot @ (j[f"{name}.{s}"] - j[f"ankle.{s}"])
            joints[f"hip.{s}"], joints[f"knee.{s}"], joints[f"ankle.{s}"] = hip, knee, ankle
            shoulder = j[f"shoulder.{s}"] + shift
            upper_len = np.linalg.norm(j[f"elbow.{s}"] - j[f"shoulder.{s}"])
            fore_len = np.linalg.norm(j[f"wrist.{s}"] - j[f"elbow.{s}"])
            upper_dir = np.array([0.03, sign * 0.16, -1.0])  # down, clear of the hips
            bend = np.radians(25.0)
            fore_dir = np.array([np.sin(bend), sign * 0.05, -np.cos(bend)])
            elbow = shoulder + upper_len * upper_dir / np.linalg.norm(upper_dir)
            wrist = elbow + fore_len * fore_dir / np.linalg.norm(fore_dir)
            bone(f"upperarm.{s}", f"shoulder.{s}", f"elbow.{s}", shoulder, elbow, left)
            bone(f"forearm.{s}", f"elbow.{s}", f"wrist.{s}", elbow, wrist, left)
            joints[f"shoulder.{s}"], joints[f"elbow.{s}"], joints[f"wrist.{s}"] = shoulder, elbow, wrist
        return Pose(rotations, translations, {k: np.tile(v, (n, 1)) for k, v in joints.items()})


def two_link_knee(
    hip: np.ndarray, ankle: np.ndarray, thigh_m: float, shank_m: float, pole: np.ndarray
) -> np.ndarray:
    """Knee positions (n, 3) for hips and ankles (n, 3) within reach, bending toward ``pole``."""
    d_vec = ankle - hip
    d = np.linalg.norm(d_vec, axis=1, keepdims=True)
    u = d_vec / d
    along = (thigh_m**2 - shank_m**2 + d**2) / (2 * d)
    perp = pole - (pole * u).sum(1, keepdims=True) * u
    perp /= np.linalg.norm(perp, axis=1, keepdims=True)
    return hip + along * u + np.sqrt(np.maximum(thigh_m**2 - along**2, 0)) * perp
