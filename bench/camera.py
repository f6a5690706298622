"""A pinhole phone camera placed around the runner: views, height, distance, pitch and roll.

Pixel coordinates follow OpenCV (x right, y down, origin at the top-left pixel's corner).
``roll_deg`` uses gait's tilt convention: positive when the scene appears rotated clockwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

#: Horizontal direction from the runner to the camera, and the camera's look direction, per view.
VIEW_AZIMUTH_DEG = {"rear": 180.0, "front": 0.0, "side_right": -90.0, "side_left": 90.0}


@dataclass(frozen=True)
class Camera:
    view: str = "rear"
    width_px: int = 720
    height_px: int = 1280
    height_m: float | None = None  # lens above the floor; None: the runner's hip height
    distance_m: float = 3.2  # horizontal, from the runner's mid-hip
    pitch_deg: float | None = None  # + looking down; None: aimed at the hips
    roll_deg: float = 0.0
    fov_long_side_deg: float = 65.0  # a phone's main camera
    target_height_m: float = 0.85  # the point the camera is aimed at when pitch is None
    mirror: bool = False  # the picture flipped left-right, as a selfie camera or an editor would

    @property
    def focal_px(self) -> float:
        return max(self.width_px, self.height_px) / 2 / np.tan(np.radians(self.fov_long_side_deg) / 2)

    def placed(self, hip_height_m: float) -> Camera:
        """This camera with its defaults resolved for a runner whose hips are ``hip_height_m`` high."""
        height = hip_height_m if self.height_m is None else self.height_m
        pitch = self.pitch_deg
        if pitch is None:
            pitch = float(np.degrees(np.arctan2(height - hip_height_m, self.distance_m)))
        return replace(self, height_m=height, pitch_deg=pitch, target_height_m=hip_height_m)

    def level(self) -> Camera:
        """The same camera without roll: the reference the roll-free truth is measured in."""
        return replace(self, roll_deg=0.0)

    def extrinsics(self) -> tuple[np.ndarray, np.ndarray]:
        """World-to-camera rotation (rows: right, down, forward) and the camera centre."""
        assert self.height_m is not None and self.pitch_deg is not None, "call placed() first"
        az = np.radians(VIEW_AZIMUTH_DEG[self.view])
        centre = np.array([self.distance_m * np.cos(az), self.distance_m * np.sin(az), self.height_m])
        pitch = np.radians(self.pitch_deg)
        look = -np.array([np.cos(az), np.sin(az), 0.0])
        forward = np.cos(pitch) * look + np.array([0.0, 0.0, -np.sin(pitch)])
        right = np.cross(forward, [0.0, 0.0, 1.0])
        right /= np.linalg.norm(right)
        down = np.cross(forward, right)
        roll = np.radians(self.roll_deg)
        right, down = np.cos(roll) * right - np.sin(roll) * down, np.sin(roll) * right + np.cos(roll) * down
        return np.stack([right, down, forward]), centre

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        rot, centre = self.extrinsics()
        return (points - centre) @ rot.T

    def project(self, points: np.ndarray) -> np.ndarray:
        """World points (..., 3) to pixels (..., 2)."""
        cam = self.to_camera(points)
        f = self.focal_px
        x = f * cam[..., 0] / cam[..., 2] + self.width_px / 2
        if self.mirror:
            x = self.width_px - x
        return np.stack([x, f * cam[..., 1] / cam[..., 2] + self.height_px / 2], axis=-1)
