"""Frames -> pose detections with the BlazePose networks under onnxruntime (``--backend onnx``).

The same three networks MediaPipe's PoseLandmarker runs (converted from the ``.task`` bundles by
``scripts/convert_onnx.py``), with the graph's glue written in numpy (:mod:`gait.pose.onnx`): SSD
anchors and weighted non-maximum suppression for the detector, the rotated square region from two
keypoints, the affine crop to the 256 px landmark input, heat-map refinement, and projection back to
the frame.

Like PoseLandmarker in VIDEO mode, frame ``t`` is cropped with the region that frame ``t - 1``'s
(unsmoothed) auxiliary landmarks place, and the output landmarks are smoothed over time
(:func:`gait.pose.onnx.smoothing.smooth`).

Batches: a batch of frames shares one region; each frame's own prediction is compared with the
region it was cropped with, and from the first frame where they differ by more than
:data:`gait.pose.onnx.geometry.REGION_TOLERANCE` (or where the pose is lost) the rest of the batch is
run again. A runner on a treadmill stays in place, so most batches stand. The batch size adapts: it
halves after a rerun and doubles after a clean batch. Batches pay on a GPU; on a CPU a crop costs
no less in a batch, so there the default is one frame per call (exactly MediaPipe's tracking), and
mirror pairs are the only batching.

This module imports onnxruntime, never mediapipe; it returns the same ``(frames, 33, 7)``
detections as :mod:`gait.pose` (normalised x, y; visibility; presence; world x, y, z in metres).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gait.errors import ModelError
from gait.pose import person, shots
from gait.pose.estimator import DEFAULT_MAX_SIDE_PX, Reading
from gait.pose.mirror import average_with_mirror
from gait.pose.onnx.decode import (
    LANDMARK_SIZE,
    N_COLS,
    N_NETWORK_LANDMARKS,
    refine_from_heatmap,
)
from gait.pose.onnx.detector import DETECTOR_SIZE, MIN_CONFIDENCE, decode_detection, sigmoid
from gait.pose.onnx.geometry import Region, crop, region_from_keypoints, to_image_px
from gait.pose.onnx.sessions import choose_providers, model_sha256, open_sessions, resolve_onnx
from gait.pose.onnx.smoothing import smooth, video_time_ms
from gait.track import MIRROR_INDEX
from gait.video import Frame, VideoInfo

__all__ = [
    "DEFAULT_BATCH_GPU",
    "Landmarks",
    "OnnxBackend",
    "OnnxPoseEstimator",
    "TrackedFrames",
    "choose_providers",
    "model_sha256",
    "resolve_onnx",
]

#: Most frames per landmark-network call on a GPU (mirrors add as many crops again). On a CPU a
#: crop costs no less in a batch, and a batch's reruns waste crops, so the CPU default is 1.
DEFAULT_BATCH_GPU = 16


@dataclass(frozen=True)
class Landmarks:
    """One landmark-network call on B crops of one region.

    ``detections``: (B, 33, 7), NaN where the pose presence is below :data:`MIN_CONFIDENCE`;
    ``aux_px``: (B, 2, 2) the auxiliary hip centre and scale point in working-image pixels, which
    place the next frame's region; ``lost``: (B,) presence below :data:`MIN_CONFIDENCE`;
    ``mirrored``: for mirrored calls, the detections from the mirrored crops mapped back (left and
    right swapped).
    """

    detections: np.ndarray
    aux_px: np.ndarray
    lost: np.ndarray
    mirrored: np.ndarray | None = None


@dataclass(frozen=True)
class TrackedFrames:
    """A clip's detections: (frames, 33, 7) as gait.pose.detect_frames returns them, the times in
    seconds, the frames that start a new shot, and the mirrored pass's detections when asked for."""

    detections: np.ndarray
    time_s: np.ndarray
    cut_frames: list[int]
    mirrored: np.ndarray | None = None


class OnnxPoseEstimator:
    """The detector and one landmark network in onnxruntime sessions, with batched tracking.

    Parameters
    ----------
    model : str
        "full" or "heavy".
    max_side_px : int
        Frames larger than this on their long side are downscaled first, as in gait.pose.
    batch_size : int or None
        Most frames per landmark-network call (the batch adapts below it); None:
        :data:`DEFAULT_BATCH_GPU` with CUDA, else 1.
    threads : int or None
        CPU threads per session; None: all cores this process may use.
    providers : sequence of str or None
        onnxruntime execution providers; None: :func:`choose_providers`.
    """

    def __init__(
        self,
        model: str = "full",
        max_side_px: int = 1280,
        batch_size: int | None = None,
        threads: int | None = None,
        providers: Sequence[str] | None = None,
    ) -> None:
        self._detector, self._landmarks = open_sessions(model, threads, providers)
        self.providers = self._landmarks.get_providers()
        self.max_side_px = max_side_px
        cuda = "CUDAExecutionProvider" in self.providers
        self.batch_size = max(1, batch_size or (DEFAULT_BATCH_GPU if cuda else 1))
        self._outputs = self._landmark_output_order()
        self._detector_input = self._detector.get_inputs()[0].name
        self._landmark_input = self._landmarks.get_inputs()[0].name
        self.landmark_calls = 0
        self.detector_calls = 0
        self.crops = 0

    def _landmark_output_order(self) -> list[str]:
        """Output names of landmarks, presence, heat map and world landmarks, known by shape."""
        roles = {}
        for out in self._landmarks.get_outputs():
            shape = tuple(out.shape[1:])
            role = {
                (N_NETWORK_LANDMARKS * 5,): "landmarks",
                (1,): "presence",
                (LANDMARK_SIZE // 4, LANDMARK_SIZE // 4, N_NETWORK_LANDMARKS): "heatmap",
                (N_NETWORK_LANDMARKS * 3,): "world",
            }.get(shape)
            if role:
                roles[role] = out.name
        if len(roles) != 4:
            raise ModelError("The ONNX landmark network does not have BlazePose's outputs.")
        return [roles[r] for r in ("landmarks", "presence", "heatmap", "world")]

    # --- the two networks --------------------------------------------------------------------------

    def working_image(self, frame: Frame) -> np.ndarray:
        """The frame as the networks see it: downscaled to ``max_side_px``, RGB (as MediaPipe's is;
        made on the decoding thread when the pose pass prepared it, :meth:`Frame.for_pose`)."""
        return frame.downscaled(self.max_side_px).rgb

    def detect_region(self, rgb: np.ndarray) -> Region | None:
        """The person region the detector finds in the whole image, or None."""
        h, w = rgb.shape[:2]
        square = Region(w / 2, h / 2, float(max(w, h)), 0.0)  # letterbox: the image centred, black bars
        tensor = crop(rgb, square, DETECTOR_SIZE).astype(np.float32) / 127.5 - 1
        self.detector_calls += 1
        raw_boxes, raw_scores = self._detector.run(None, {self._detector_input: tensor[None]})
        if raw_boxes.shape[-1] != 12:
            raw_boxes, raw_scores = raw_scores, raw_boxes
        found = decode_detection(raw_boxes[0], raw_scores[0])
        if found is None:
            return None
        keypoints_px = to_image_px(found[1], square)
        return region_from_keypoints(keypoints_px[0], keypoints_px[1])

    def landmarks(self, images: Sequence[np.ndarray], region: Region, mirror: bool = False) -> Landmarks:
        """Run the landmark network on the same region of several images in one call.

        With ``mirror``, each crop's horizontal mirror image goes through in the same call.
        """
        crops = np.stack([crop(im, region, LANDMARK_SIZE, replicate=True) for im in images])
        if mirror:
            crops = np.concatenate([crops, crops[:, :, ::-1]])
        tensor = crops.astype(np.float32) / 255
        self.landmark_calls += 1
        self.crops += len(tensor)
        raw_lm, presence, heatmap, world = self._landmarks.run(self._outputs, {self._landmark_input: tensor})
        n = len(images)
        raw_lm = raw_lm.reshape(len(tensor), N_NETWORK_LANDMARKS, 5)
        xy_unit = refine_from_heatmap(raw_lm[..., :2] / LANDMARK_SIZE, heatmap)
        if mirror:  # a flipped crop's point at u is at 1 - u of the real crop, on the other side
            xy_unit[n:, ..., 0] = 1 - xy_unit[n:, ..., 0]
        xy_px = to_image_px(xy_unit, region)
        c, s = math.cos(region.rotation_rad), math.sin(region.rotation_rad)
        world = world.reshape(len(tensor), N_NETWORK_LANDMARKS, 3)
        if mirror:
            world[n:, ..., 0] = -world[n:, ..., 0]
        h, w = images[0].shape[:2]
        out = np.empty((len(tensor), 33, N_COLS), np.float32)
        out[..., :2] = xy_px[:, :33] / (w, h)
        out[..., 2] = sigmoid(raw_lm[:, :33, 3])
        out[..., 3] = sigmoid(raw_lm[:, :33, 4])
        out[..., 4] = c * world[:, :33, 0] - s * world[:, :33, 1]
        out[..., 5] = s * world[:, :33, 0] + c * world[:, :33, 1]
        out[..., 6] = world[:, :33, 2]
        lost = presence.reshape(-1) < MIN_CONFIDENCE
        out[lost] = np.nan
        mirrored = out[n:][:, MIRROR_INDEX] if mirror else None
        return Landmarks(out[:n], xy_px[:n, 33:35], lost[:n], mirrored)

    # --- a whole clip -------------------------------------------------------------------------------

    def track(
        self, frames: Iterable[Frame], on_frame: Callable[[int], None] | None = None, mirror: bool = False
    ) -> TrackedFrames:
        """Detections of every frame, smoothed over time as MediaPipe's VIDEO mode smooths them."""
        done = _Settled(mirror)
        times: list[float] = []
        pending: list[np.ndarray] = []
        region: Region | None = None
        batch = self.batch_size
        cut_finder = shots.CutFinder()
        size_px = (0, 0)
        for frame in frames:
            image = self.working_image(frame)
            size_px = (image.shape[1], image.shape[0])
            pending.append(image)
            times.append(frame.time_s)
            cut_finder.add(frame.thumbnail)
            if on_frame is not None:
                on_frame(frame.index)
            while len(pending) >= batch:
                region, batch, n = self._advance(pending, region, batch, done)
                del pending[:n]
        while pending:
            region, batch, n = self._advance(pending, region, batch, done)
            del pending[:n]
        time_s = np.asarray(times, np.float64)
        time_ms = video_time_ms(time_s)
        side = np.asarray(done.sides, np.float64)
        mirrored = smooth(done.stack(done.mirrored), side, time_ms, size_px) if mirror else None
        cuts = cut_finder.cut_frames()
        return TrackedFrames(smooth(done.stack(done.rows), side, time_ms, size_px), time_s, cuts, mirrored)

    def _advance(
        self, pending: list[np.ndarray], region: Region | None, batch: int, done: _Settled
    ) -> tuple[Region | None, int, int]:
        """Settle the first frames of ``pending``; returns the region for the next frame, the next
        batch size and how many frames were settled (at least one)."""
        if region is None:
            region = self.detect_region(pending[0])
            if region is None:
                done.add(None, [math.nan])
                return None, batch, 1
        result = self.landmarks(pending[:batch], region, done.mirror)
        sides: list[float] = []
        following: Region | None = region
        for i in range(len(result.lost)):
            if result.lost[i]:  # no pose here; the next frame runs the detector
                done.add(result, [*sides, math.nan])
                return None, max(1, batch // 2), i + 1
            following = region_from_keypoints(*result.aux_px[i])
            sides.append(following.side_px)  # it scales the smoothing, as in MediaPipe
            if i + 1 < len(result.lost) and region.differs(following):
                done.add(result, sides)
                return following, max(1, batch // 2), i + 1
        done.add(result, sides)
        return following, min(self.batch_size, batch * 2), len(sides)


class _Settled:
    """Frames whose detections are final, in order, with each frame's own region side."""

    def __init__(self, mirror: bool) -> None:
        self.mirror = mirror
        self.rows: list[np.ndarray] = []
        self.mirrored: list[np.ndarray] = []
        self.sides: list[float] = []

    def add(self, result: Landmarks | None, sides: Sequence[float]) -> None:
        n = len(sides)
        nobody = np.full((n, 33, N_COLS), np.nan, np.float32)
        self.rows.append(nobody if result is None else result.detections[:n])
        if self.mirror:
            self.mirrored.append(nobody if result is None or result.mirrored is None else result.mirrored[:n])
        self.sides.extend(sides)

    @staticmethod
    def stack(rows: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(rows) if rows else np.empty((0, 33, N_COLS), np.float32)


class OnnxBackend:
    """The :class:`gait.pose.estimator.Estimator` that runs the networks under onnxruntime; each
    frame's mirror image goes through the landmark network in the same call as the frame."""

    name = "onnx"

    def __init__(self, model: str, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> None:
        self.model_name, self.model_sha256 = model, model_sha256(model)
        self.max_side_px = max_side_px

    def read(
        self,
        frames: Iterable[Frame],
        reopen: Callable[[], Iterable[Frame]],
        info: VideoInfo,
        symmetric: bool,
        spec: person.PersonSpec,
        on_frame: Callable[[int], None] | None,
    ) -> Reading:
        tracked = OnnxPoseEstimator(self.model_name, self.max_side_px).track(frames, on_frame, symmetric)
        detections = tracked.detections
        if tracked.mirrored is not None:
            detections = average_with_mirror(detections, tracked.mirrored)
        meta = person.person_meta(spec, [], 0, multi=False, scanned=False)
        return Reading(detections, tracked.time_s, tracked.cut_frames, meta)
