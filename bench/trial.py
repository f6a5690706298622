"""A clip's timeline: an optional quiet-standing trial, then the running cycle.

A standing trial lets a marker-based measure subtract the markers' placement error (the line
between the stickers when the pelvis is level). The standing lasts a whole number of frames, so
every running event of the truth moves by exactly that many frames; the belt stands still until
the running starts. Over the first ``BLEND_S`` of running (before the first contact, which is at
``RunSpec.first_contact_s``) each segment's transform eases from the standing pose into the cycle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial.transform import Rotation

from bench.body import SEGMENTS
from bench.motion import Pose, RunningCycle, smoothstep

#: Standing -> running transition (s of running time); must end before the first contact.
BLEND_S = 0.22
#: The segment whose transform carries each joint (used where the pose is a blend of two).
JOINT_SEGMENT = {
    "spine": "trunk",
    "neck": "trunk",
    "head": "trunk",
    **{
        f"{joint}.{s}": f"{segment}.{s}" if segment != "pelvis" else "pelvis"
        for s in ("L", "R")
        for joint, segment in (
            ("psis", "pelvis"),
            ("hip", "thigh"),
            ("knee", "shank"),
            ("ankle", "foot"),
            ("heel", "foot"),
            ("ball", "foot"),
            ("toe", "foot"),
            ("shoulder", "upperarm"),
            ("elbow", "forearm"),
            ("wrist", "forearm"),
        )
    },
}


@dataclass(frozen=True)
class Trial:
    """``standing_frames`` frames of standing at ``fps``, then ``cycle`` from its time 0."""

    cycle: RunningCycle
    fps: float
    standing_frames: int = 0

    @classmethod
    def of(cls, cycle: RunningCycle, fps: float, standing_s: float) -> Trial:
        """``standing_s`` rounded to whole frames."""
        return cls(cycle, fps, max(0, round(standing_s * fps)))

    @property
    def start_s(self) -> float:
        """Clip time (s) at which the running cycle's time 0 falls."""
        return self.standing_frames / self.fps

    def running_time(self, t: np.ndarray) -> np.ndarray:
        return np.asarray(t, float) - self.start_s

    def belt_offset_m(self, frame: int) -> float:
        """How far the belt has run at ``frame`` (m): still while standing."""
        return self.cycle.belt_mps * max(0, frame - self.standing_frames) / self.fps

    def pose(self, t: np.ndarray, drop_scale: float = 1.0) -> Pose:
        """The pose at clip times ``t``; with no standing, exactly ``cycle.pose(t)``."""
        t = np.asarray(t, float)
        if self.standing_frames == 0:
            return self.cycle.pose(t, drop_scale)
        tr = self.running_time(t)
        run = self.cycle.pose(np.maximum(tr, 0.0), drop_scale)
        stand = self.cycle.standing_pose(len(t))
        w = np.where(tr < 0, 0.0, smoothstep(tr / BLEND_S))
        return blend(stand, run, w, self.cycle.body.joints)


def blend(a: Pose, b: Pose, w: np.ndarray, rest_joints: dict[str, np.ndarray]) -> Pose:
    """Per-frame blend of two poses' segment transforms (0: ``a``, 1: ``b``).

    Rotations are slerped and each segment's rest centroid moves on a straight line; frames at
    w = 0 or 1 are ``a`` or ``b`` exactly, joints included. Joints in between follow their segment.
    """
    n, k = w.shape[0], len(SEGMENTS)
    ww = np.broadcast_to(w[:, None], (n, k)).reshape(-1)
    ra = Rotation.from_matrix(a.rotations.reshape(-1, 3, 3))
    rb = Rotation.from_matrix(b.rotations.reshape(-1, 3, 3))
    rot = (
        (ra * Rotation.from_rotvec((ra.inv() * rb).as_rotvec() * ww[:, None])).as_matrix().reshape(n, k, 3, 3)
    )
    # Move each segment's hinge (its first joint, a good pivot) linearly, so limbs stay attached.
    mid_hip = (rest_joints["hip.L"] + rest_joints["hip.R"]) / 2
    pivots = np.stack([rest_joints[PIVOT[s]] if s in PIVOT else mid_hip for s in SEGMENTS])  # (k, 3)
    pa = np.einsum("nkij,kj->nki", a.rotations, pivots) + a.translations
    pb = np.einsum("nkij,kj->nki", b.rotations, pivots) + b.translations
    p = pa + (pb - pa) * w[:, None, None]
    trans = p - np.einsum("nkij,kj->nki", rot, pivots)
    ends = (w <= 0.0)[:, None, None], (w >= 1.0)[:, None, None]
    rot = np.where(ends[0][..., None], a.rotations, np.where(ends[1][..., None], b.rotations, rot))
    trans = np.where(ends[0], a.translations, np.where(ends[1], b.translations, trans))
    joints = {}
    for name, value_a in a.joints.items():
        seg = SEGMENTS.index(JOINT_SEGMENT[name])
        mid = np.einsum("nij,j->ni", rot[:, seg], rest_joints[name]) + trans[:, seg]
        joints[name] = np.where(
            (w <= 0.0)[:, None], value_a, np.where((w >= 1.0)[:, None], b.joints[name], mid)
        )
    return Pose(rot, trans, joints)


#: Each segment's hinge joint (rest position), the point a blend moves in a straight line (the
#: pelvis: the mid-hip).
PIVOT = {
    "trunk": "spine",
    **{
        f"{seg}.{s}": f"{joint}.{s}"
        for s in ("L", "R")
        for seg, joint in (
            ("thigh", "hip"),
            ("shank", "knee"),
            ("foot", "ankle"),
            ("upperarm", "shoulder"),
            ("forearm", "elbow"),
        )
    },
}
