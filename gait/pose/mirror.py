"""Reading a runner and its mirror image, and combining the two: the pose stage's one mirror rule.

The pose model reads an image and its mirror a few degrees apart at the hips (docs/validation.md),
so in a rear or front view, where left and right are compared, each frame is read both ways: the
mirror image's detections are flipped back onto the frame with left and right exchanged
(:func:`unmirror`; the ONNX backend does the same in its crops' coordinates, in the same network
call) and the two are averaged (:func:`average_with_mirror`). A clip and its mirror image then give
exactly mirrored landmarks.
"""

from __future__ import annotations

import warnings
from types import TracebackType
from typing import Protocol

import numpy as np

from gait.track import MIRROR_INDEX, PoseTrack
from gait.video import Frame


class FrameDetector(Protocol):
    """Reads one frame at a time (tracking from one frame to the next): ``detect(frame) -> (33, 7)``."""

    def detect(self, frame: Frame) -> np.ndarray: ...

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None: ...


def unmirror(detections: np.ndarray) -> np.ndarray:
    """Detections ``(..., 33, 7)`` of a mirror image mapped back onto the frame: normalised x and world
    x flipped, left and right landmarks exchanged."""
    back = detections[..., MIRROR_INDEX, :].copy()
    back[..., 0] = 1.0 - back[..., 0]  # normalised x
    back[..., 4] = -back[..., 4]  # world x (m)
    return back


def average_with_mirror(plain: np.ndarray, mirrored: np.ndarray) -> np.ndarray:
    """The mean of detections ``(..., 33, C)``, columns 0-1 the point, and their mirror pass's (already
    flipped back and side-swapped); where only one found the person, that one.

    The two passes may name the sides differently: the model can read a runner's back in one image
    and the front in its mirror, or cross the legs in one of them. So in each frame each left/right
    pair of the mirror pass is exchanged where that puts it nearer the plain pass's pair; averaging
    a left knee with a right one would put both in the middle. The choice is the same for a clip and
    for its mirror image, so the two still give mirrored landmarks (sides named by the plain pass).
    """
    partner = mirrored[..., MIRROR_INDEX, :]
    own = np.linalg.norm(plain[..., :2] - mirrored[..., :2], axis=-1)
    cross = np.linalg.norm(plain[..., :2] - partner[..., :2], axis=-1)
    swap = cross + cross[..., MIRROR_INDEX] < own + own[..., MIRROR_INDEX]  # NaN: False, kept as is
    both = np.stack([plain, np.where(swap[..., None], partner, mirrored)])
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a frame where neither pass found anyone
        return np.nanmean(both, axis=0).astype(np.float32)


class SymmetricDetector:
    """Two frame detectors, one reading each frame as it is and one its mirror image (each with its own
    tracking); their readings combined by :func:`average_with_mirror`. Costs a second inference per
    frame."""

    def __init__(self, plain: FrameDetector, mirrored: FrameDetector) -> None:
        self._plain, self._mirrored = plain, mirrored

    def __enter__(self) -> SymmetricDetector:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._plain.__exit__(*exc)
        self._mirrored.__exit__(*exc)

    def detect(self, frame: Frame) -> np.ndarray:
        return average_with_mirror(
            self._plain.detect(frame), unmirror(self._mirrored.detect(frame.mirrored()))
        )


def with_mirror_pass(track: PoseTrack, mirror: PoseTrack) -> PoseTrack:
    """``track`` averaged with a pass over the mirrored frames (``mirror``, already mapped back onto the
    frames by :meth:`PoseTrack.mirrored`)."""

    def columns(t: PoseTrack) -> np.ndarray:
        return np.concatenate([t.xy_px, t.visibility[..., None], t.presence[..., None], t.world_m], axis=-1)

    both = average_with_mirror(columns(track), columns(mirror))
    return track.replace(
        xy_px=both[..., :2],
        visibility=both[..., 2],
        presence=both[..., 3],
        world_m=both[..., 4:],
        meta=track.meta | {"symmetric": True, "mirror_pass": True},
    )
