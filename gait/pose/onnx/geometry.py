"""Rotated square regions of an image: from the detector's or the landmarks' two key points, to a
network's square input (the crop) and back (the projection)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

#: The region is the square through both keypoints' distance x 2, enlarged by this factor.
REGION_SCALE = 1.25
#: A frame's predicted region may differ from the one its batch used by this much (centre shift
#: and size change as a fraction of the region's side; rotation in radians) before the rest of the
#: batch is run again with the new region.
REGION_TOLERANCE = (0.03, 0.03, math.radians(3.0))


@dataclass(frozen=True)
class Region:
    """A rotated square region of the working image: centre and side in pixels, rotation in radians
    (clockwise in the image, 0 = upright person)."""

    cx_px: float
    cy_px: float
    side_px: float
    rotation_rad: float

    def differs(self, other: Region, tolerance: tuple[float, float, float] = REGION_TOLERANCE) -> bool:
        """Whether ``other`` is too far from this region to reuse this crop in its place."""
        shift = math.hypot(other.cx_px - self.cx_px, other.cy_px - self.cy_px) / self.side_px
        size = abs(other.side_px / self.side_px - 1)
        turn = abs((other.rotation_rad - self.rotation_rad + math.pi) % (2 * math.pi) - math.pi)
        return shift > tolerance[0] or size > tolerance[1] or turn > tolerance[2]


def region_from_keypoints(centre_px: np.ndarray, scale_px: np.ndarray) -> Region:
    """MediaPipe's pose region: centred on the hip centre, upright along hip -> scale point, side
    2 x their distance x :data:`REGION_SCALE` (AlignmentPointsRects + RectTransformation)."""
    dx, dy = float(scale_px[0] - centre_px[0]), float(scale_px[1] - centre_px[1])
    rotation = math.pi / 2 - math.atan2(-dy, dx)
    rotation = (rotation + math.pi) % (2 * math.pi) - math.pi
    side = 2 * math.hypot(dx, dy) * REGION_SCALE
    return Region(float(centre_px[0]), float(centre_px[1]), side, rotation)


def crop_matrix(region: Region, size: int) -> np.ndarray:
    """(2, 3) affine map from crop pixels (u, v) to working-image pixels: the crop's corners are
    the region's corners."""
    c, s = math.cos(region.rotation_rad), math.sin(region.rotation_rad)
    k = region.side_px / size
    half = region.side_px / 2
    return np.array(
        [
            [c * k, -s * k, region.cx_px - c * half + s * half],
            [s * k, c * k, region.cy_px - s * half - c * half],
        ]
    )


def crop(image: np.ndarray, region: Region, size: int, replicate: bool = False) -> np.ndarray:
    """The region of ``image`` warped to a ``size`` x ``size`` square (bilinear).

    Outside the image the crop is black, or with ``replicate`` the nearest edge pixel repeated.
    MediaPipe letterboxes the detector's input in black but fills the landmark network's crop by
    replication: a side-view runner's region often reaches past the frame's edges, and a black band
    there moves the legs' landmarks by several pixels.
    """
    return cv2.warpAffine(
        image,
        crop_matrix(region, size),
        (size, size),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE if replicate else cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )


def to_image_px(points_unit: np.ndarray, region: Region) -> np.ndarray:
    """Points in crop units ((..., 2), 0-1 across the crop) -> working-image pixels."""
    c, s = math.cos(region.rotation_rad), math.sin(region.rotation_rad)
    x = (points_unit[..., 0] - 0.5) * region.side_px
    y = (points_unit[..., 1] - 0.5) * region.side_px
    return np.stack([c * x - s * y + region.cx_px, s * x + c * y + region.cy_px], axis=-1)
