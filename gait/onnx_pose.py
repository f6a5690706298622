"""Frames -> pose detections with the BlazePose networks under onnxruntime (``--backend onnx``).

The same three networks MediaPipe's PoseLandmarker runs (converted from the ``.task`` bundles by
``scripts/convert_onnx.py``), with the graph's glue written in numpy: SSD anchors and weighted
non-maximum suppression for the detector, the rotated square region from two keypoints, the affine
crop to the 256 px landmark input, heat-map refinement, and projection back to the frame.

What differs from MediaPipe, on purpose: MediaPipe crops frame ``t`` with the region that frame
``t - 1``'s landmarks predict, one frame at a time. Here a batch of frames shares one region; after
the batch each frame's own prediction is compared with the region it was cropped with, and from the
first frame where they differ by more than :data:`REGION_TOLERANCE` (or where the pose is lost) the
rest of the batch is run again. A runner on a treadmill stays in place, so most batches stand.
The batch size adapts: it halves after a rerun and doubles after a clean batch. Batches pay on a
GPU; on a CPU a crop costs no less in a batch, so there the default is one frame per call (exactly
MediaPipe's tracking), and mirror pairs are the only batching.

Like PoseLandmarker in VIDEO mode, the output landmarks are smoothed over time (One Euro filters,
a low-pass on visibility; :func:`smooth`), while the next frame's region comes from the unsmoothed
auxiliary landmarks.

This module imports onnxruntime, never mediapipe; it returns the same ``(frames, 33, 7)``
detections as :mod:`gait.pose` (normalised x, y; visibility; presence; world x, y, z in metres).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from gait import shots
from gait.errors import ModelError
from gait.models import MODELS_DIR, file_sha256
from gait.track import LANDMARK_INDEX, LANDMARK_NAMES
from gait.video import Frame

#: ONNX networks: name -> (file in MODELS_DIR, sha256). Built by scripts/convert_onnx.py.
ONNX_MODELS: dict[str, tuple[str, str]] = {
    "detector": ("pose_detector.onnx", "6f8160adf334a79505de75a7bcf0378e8186624bba3e9708b9c6da5bc2307201"),
    "full": ("pose_landmarks_full.onnx", "97f483857ce252b3ecf82e53b55fe93ecc03532251cb2240f7390c9995285c99"),
    "heavy": (
        "pose_landmarks_heavy.onnx",
        "1b53e705d5c5f23a99a1fe647a3809ba885b51ad73d2750c27223be3664fe696",
    ),
}
#: Side of the detector's square input (pixels).
DETECTOR_SIZE = 224
#: Side of the landmark network's square input (pixels).
LANDMARK_SIZE = 256
#: Landmarks the network returns: 33 pose points, 2 auxiliary (hip centre, scale point), 4 unused.
N_NETWORK_LANDMARKS = 39
#: Detector score, pose presence and tracking confidence needed (MediaPipe's and gait's 0.5).
MIN_CONFIDENCE = 0.5
#: Detector boxes overlapping the best by more than this IoU are merged into it (weighted NMS; the
#: PoseDetectorGraphOptions default).
NMS_IOU = 0.5
#: The region is the square through both keypoints' distance x 2, enlarged by this factor.
REGION_SCALE = 1.25
#: Heat-map refinement window (heat-map cells) and the confidence a cell needs to refine.
HEATMAP_KERNEL = 7
HEATMAP_MIN_CONFIDENCE = 0.5
#: A frame's predicted region may differ from the one its batch used by this much (centre shift
#: and size change as a fraction of the region's side; rotation in radians) before the rest of the
#: batch is run again with the new region.
REGION_TOLERANCE = (0.03, 0.03, math.radians(3.0))
#: Most frames per landmark-network call on a GPU (mirrors add as many crops again). On a CPU a
#: crop costs no less in a batch, and a batch's reruns waste crops, so the CPU default is 1.
DEFAULT_BATCH_GPU = 16
#: Columns of one frame's detection, as in gait.pose.
N_COLS = 7
#: Mirror image of each landmark: the same point of the other side.
MIRROR_INDEX = np.array(
    [
        LANDMARK_INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
        for n in LANDMARK_NAMES
    ]
)


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


def crop(image: np.ndarray, region: Region, size: int) -> np.ndarray:
    """The region of ``image`` warped to a ``size`` x ``size`` square (bilinear, black outside)."""
    return cv2.warpAffine(
        image,
        crop_matrix(region, size),
        (size, size),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )


def to_image_px(points_unit: np.ndarray, region: Region) -> np.ndarray:
    """Points in crop units ((..., 2), 0-1 across the crop) -> working-image pixels."""
    c, s = math.cos(region.rotation_rad), math.sin(region.rotation_rad)
    x = (points_unit[..., 0] - 0.5) * region.side_px
    y = (points_unit[..., 1] - 0.5) * region.side_px
    return np.stack([c * x - s * y + region.cx_px, s * x + c * y + region.cy_px], axis=-1)


def ssd_anchors() -> np.ndarray:
    """(2254, 2) anchor centres of the pose detector, in 0-1 input units (MediaPipe's
    SsdAnchorsCalculator: strides 8, 16, 32, 32, 32; two anchors per layer; fixed anchor size)."""
    centres = []
    for stride, per_cell in ((8, 2), (16, 2), (32, 6)):
        n = math.ceil(DETECTOR_SIZE / stride)
        grid = (np.stack(np.meshgrid(np.arange(n), np.arange(n)), -1).reshape(-1, 2) + 0.5) / n
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


_ANCHORS = ssd_anchors()


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, float32."""
    return (1 / (1 + np.exp(-np.clip(x, -80, 80)))).astype(np.float32)


def decode_detection(raw_boxes: np.ndarray, raw_scores: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The best person in one detector output, as (score, (2, 2) keypoints 0-1): hip centre and
    scale point after weighted non-maximum suppression; None below :data:`MIN_CONFIDENCE`.

    ``raw_boxes``: (2254, 12) box centre, size and 4 keypoints relative to the anchors, in input
    pixels; ``raw_scores``: (2254,) logits.
    """
    scores = sigmoid(raw_scores.reshape(-1))
    keep = scores >= MIN_CONFIDENCE
    if not keep.any():
        return None
    raw, scores, anchors = raw_boxes[keep] / DETECTOR_SIZE, scores[keep], _ANCHORS[keep]
    centre = raw[:, :2] + anchors
    half = np.abs(raw[:, 2:4]) / 2
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    keypoints = raw[:, 4:8].reshape(-1, 2, 2) + anchors[:, None, :]
    best = int(np.argmax(scores))
    lo = np.maximum(boxes[:, :2], boxes[best, :2])
    hi = np.minimum(boxes[:, 2:], boxes[best, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    iou = inter / np.maximum(area + area[best] - inter, 1e-12)
    group = iou > NMS_IOU
    group[best] = True
    weights = scores[group] / scores[group].sum()
    return float(scores[best]), np.einsum("n,nkc->kc", weights, keypoints[group])


def refine_from_heatmap(xy_unit: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """Landmarks (B, L, 2) in crop units moved to the heat-map's weighted mean around them.

    ``heatmap``: (B, H, W, L) logits. As MediaPipe's RefineLandmarksFromHeatmap: a
    :data:`HEATMAP_KERNEL` window around the landmark's cell, weights sigmoid(logit), cells indexed
    from 0 without a half-cell offset; only where the window's best weight reaches
    :data:`HEATMAP_MIN_CONFIDENCE`.
    """
    b, h, w, n = heatmap.shape
    col = np.trunc(xy_unit[..., 0] * w).astype(int)  # C++ int conversion truncates
    row = np.trunc(xy_unit[..., 1] * h).astype(int)
    inside = (col >= 0) & (col < w) & (row >= 0)  # MediaPipe checks the column twice, not the row's top
    offsets = np.arange(HEATMAP_KERNEL) - (HEATMAP_KERNEL - 1) // 2
    rows = row[..., None] + offsets  # (B, L, K)
    cols = col[..., None] + offsets
    valid = ((rows >= 0) & (rows < h))[..., :, None] & ((cols >= 0) & (cols < w))[..., None, :]
    bi = np.arange(b)[:, None, None, None]
    li = np.arange(n)[None, :, None, None]
    window = heatmap[bi, np.clip(rows, 0, h - 1)[..., :, None], np.clip(cols, 0, w - 1)[..., None, :], li]
    weight = sigmoid(window) * valid  # (B, L, K, K)
    total = weight.sum(axis=(2, 3))
    safe = np.maximum(total, 1e-12)
    mean_col = (weight.sum(axis=2) * cols).sum(axis=2) / safe
    mean_row = (weight.sum(axis=3) * rows).sum(axis=2) / safe
    refine = inside & (weight.max(axis=(2, 3)) >= HEATMAP_MIN_CONFIDENCE) & (total > 0)
    out = xy_unit.copy()
    out[..., 0] = np.where(refine, mean_col / w, xy_unit[..., 0])
    out[..., 1] = np.where(refine, mean_row / h, xy_unit[..., 1])
    return out


@dataclass(frozen=True)
class OneEuro:
    """Settings of one of MediaPipe's One Euro filters (cut-offs in Hz)."""

    min_cutoff_hz: float
    beta: float
    derivate_cutoff_hz: float = 1.0


#: PoseLandmarker's smoothing in VIDEO mode (pose_landmarks_detector_graph.cc): image landmarks,
#: scaled by the tracking region's side; world landmarks, scaled by their own extent.
IMAGE_FILTER = OneEuro(0.05, 80.0)
WORLD_FILTER = OneEuro(0.1, 40.0)
#: Low-pass weight of the newest visibility (VisibilitySmoothingCalculator).
VISIBILITY_ALPHA = 0.1


def _alpha(cutoff_hz: np.ndarray | float, rate_hz: float) -> np.ndarray:
    tau = 1 / (2 * np.pi * np.asarray(cutoff_hz))
    return 1 / (1 + tau * rate_hz)


def one_euro(values: np.ndarray, time_ms: np.ndarray, scale: np.ndarray, settings: OneEuro) -> np.ndarray:
    """MediaPipe's One Euro filter along the first axis of ``values`` (frames, ...), restarted
    after every frame that holds NaN (no person), as the graph resets its filters then.

    ``time_ms``: integer milliseconds, the timestamps MediaPipe was given; ``scale``: (frames,)
    object size dividing the speed. As MediaPipe: a frame whose timestamp is not later than the
    previous filtered one passes through unfiltered (the first frame at 0 ms does), and the first
    frame of a run has no speed.
    """
    out = values.copy()
    last_ms = 0
    rate_hz = 30.0
    raw = smoothed = speed = None
    for i in range(len(values)):
        value = values[i]
        if np.isnan(value).any():
            last_ms, raw = 0, None
            continue
        if last_ms >= time_ms[i]:
            continue
        if last_ms != 0:
            rate_hz = 1000.0 / (time_ms[i] - last_ms)
        last_ms = int(time_ms[i])
        if raw is None:
            raw, smoothed, speed = value, value, np.zeros_like(value)
            continue
        dvalue = (value - raw) * rate_hz / scale[i]
        speed = speed + _alpha(settings.derivate_cutoff_hz, rate_hz) * (dvalue - speed)
        a = _alpha(settings.min_cutoff_hz + settings.beta * np.abs(speed), rate_hz)
        smoothed = smoothed + a * (value - smoothed)
        raw = value
        out[i] = smoothed
    return out


def low_pass(values: np.ndarray, alpha: float) -> np.ndarray:
    """Exponential smoothing along the first axis, restarted after frames holding NaN."""
    out = values.copy()
    for i in range(1, len(values)):
        if not (np.isnan(out[i]).any() or np.isnan(out[i - 1]).any()):
            out[i] = alpha * values[i] + (1 - alpha) * out[i - 1]
    return out


def smooth(
    detections: np.ndarray, side_px: np.ndarray, time_ms: np.ndarray, size_px: tuple[int, int]
) -> np.ndarray:
    """PoseLandmarker's temporal smoothing of (frames, 33, 7) detections (see :data:`IMAGE_FILTER`).

    ``side_px``: each frame's next tracking region side in working-image pixels; ``size_px``: the
    working image's (width, height).
    """
    out = detections.copy()
    size = np.asarray(size_px, np.float64)
    out[..., :2] = one_euro(detections[..., :2] * size, time_ms, side_px, IMAGE_FILTER) / size
    out[..., 2] = low_pass(detections[..., 2], VISIBILITY_ALPHA)
    world = detections[..., 4:]
    extent = (np.ptp(world[..., 0], axis=1) + np.ptp(world[..., 1], axis=1)) / 2
    out[..., 4:] = one_euro(world, time_ms, extent, WORLD_FILTER)
    return out


def choose_providers(available: Sequence[str]) -> list[str]:
    """CUDA first when this onnxruntime build has it (onnxruntime-gpu), then the CPU."""
    return [p for p in ("CUDAExecutionProvider",) if p in available] + ["CPUExecutionProvider"]


def resolve_onnx(name: str) -> tuple[Path, str]:
    """Path and checked sha256 of one converted network ("detector", "full" or "heavy")."""
    if name not in ONNX_MODELS:
        raise ModelError(
            f"The onnx backend runs the bundled 'full' or 'heavy' model, not {name!r};"
            " use --backend mediapipe for another .task file."
        )
    file_name, expected = ONNX_MODELS[name]
    path = MODELS_DIR / file_name
    fix = "restore it with `git checkout models/` or rebuild it with scripts/convert_onnx.py"
    if not path.is_file():
        raise ModelError(f"The ONNX pose network {path} is missing; {fix}.")
    actual = file_sha256(path)
    if actual != expected:
        raise ModelError(f"The ONNX pose network {path} is corrupt (sha256 {actual[:12]}…); {fix}.")
    return path, actual


def model_sha256(model: str) -> str:
    """One checksum naming the detector and landmark networks together (for the cache key)."""
    return sha256_file_pair(resolve_onnx("detector")[1], resolve_onnx(model)[1])


def sha256_file_pair(a: str, b: str) -> str:
    """A sha256 over two hex digests."""
    import hashlib

    return hashlib.sha256(f"{a}:{b}".encode()).hexdigest()


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
        import onnxruntime as ort

        detector_path, _ = resolve_onnx("detector")
        landmark_path, _ = resolve_onnx(model)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # shared CPUs
        chosen = list(providers or choose_providers(ort.get_available_providers()))
        try:
            self._detector = ort.InferenceSession(str(detector_path), options, providers=chosen)
            self._landmarks = ort.InferenceSession(str(landmark_path), options, providers=chosen)
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(f"onnxruntime could not load the pose networks ({exc}).") from exc
        self.providers = self._landmarks.get_providers()
        self.max_side_px = max_side_px
        cuda = "CUDAExecutionProvider" in self.providers
        self.batch_size = max(1, batch_size or (DEFAULT_BATCH_GPU if cuda else 1))
        self._outputs = self._landmark_output_order()
        self.landmark_calls = 0
        self.detector_calls = 0
        self.crops = 0

    def _landmark_output_order(self) -> dict[str, str]:
        """Output names by role, recognised from their shapes."""
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
        return roles

    # --- the two networks --------------------------------------------------------------------------

    def working_image(self, bgr: np.ndarray) -> np.ndarray:
        """The frame as the networks see it: downscaled to ``max_side_px``, RGB."""
        scale = self.max_side_px / max(bgr.shape[:2])
        if scale < 1:
            bgr = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def detect_region(self, rgb: np.ndarray) -> Region | None:
        """The person region the detector finds in the whole image, or None."""
        h, w = rgb.shape[:2]
        square = Region(w / 2, h / 2, float(max(w, h)), 0.0)  # letterbox: the image centred, black bars
        tensor = crop(rgb, square, DETECTOR_SIZE).astype(np.float32) / 127.5 - 1
        self.detector_calls += 1
        raw_boxes, raw_scores = self._detector.run(None, {self._detector.get_inputs()[0].name: tensor[None]})
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
        crops = np.stack([crop(im, region, LANDMARK_SIZE) for im in images])
        if mirror:
            crops = np.concatenate([crops, crops[:, :, ::-1]])
        tensor = crops.astype(np.float32) / 255
        self.landmark_calls += 1
        self.crops += len(tensor)
        names = self._outputs
        raw_lm, presence, heatmap, world = self._landmarks.run(
            [names["landmarks"], names["presence"], names["heatmap"], names["world"]],
            {self._landmarks.get_inputs()[0].name: tensor},
        )
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
        presence = presence.reshape(-1)
        lost = presence < MIN_CONFIDENCE
        out[lost] = np.nan
        following = [None if lost[i] else region_from_keypoints(xy_px[i, 33], xy_px[i, 34]) for i in range(n)]
        return Landmarks(out[:n], following, out[n:][:, MIRROR_INDEX] if mirror else None)

    # --- a whole clip -------------------------------------------------------------------------------

    def track(
        self, frames: Iterable[Frame], on_frame: Callable[[int], None] | None = None, mirror: bool = False
    ) -> TrackedFrames:
        """Detections of every frame, smoothed over time as MediaPipe's VIDEO mode smooths them."""
        done = _Settled()
        times: list[float] = []
        pending: list[np.ndarray] = []
        region: Region | None = None
        batch = self.batch_size
        cut_finder = shots.CutFinder()
        size_px = (0, 0)
        for frame in frames:
            image = self.working_image(frame.bgr)
            size_px = (image.shape[1], image.shape[0])
            pending.append(image)
            times.append(frame.time_s)
            cut_finder.add(frame.bgr)
            if on_frame is not None:
                on_frame(frame.index)
            while len(pending) >= batch:
                region, batch, n = self._advance(pending, region, batch, done, mirror)
                del pending[:n]
        while pending:
            region, batch, n = self._advance(pending, region, batch, done, mirror)
            del pending[:n]
        time_s = np.asarray(times, np.float64)
        time_ms = video_time_ms(time_s)
        raw = done.stack(done.rows)
        side = np.asarray(done.sides, np.float64)
        mirrored = smooth(done.stack(done.mirrored), side, time_ms, size_px) if mirror else None
        cuts = cut_finder.cut_frames()
        return TrackedFrames(smooth(raw, side, time_ms, size_px), time_s, cuts, mirrored)

    def _advance(
        self, pending: list[np.ndarray], region: Region | None, batch: int, done: _Settled, mirror: bool
    ) -> tuple[Region | None, int, int]:
        """Settle the first frames of ``pending``; returns the region for the next frame, the next
        batch size and how many frames were settled (at least one)."""
        if region is None:
            region = self.detect_region(pending[0])
            if region is None:
                done.add(None, [None], mirror)
                return None, batch, 1
        result = self.landmarks(pending[:batch], region, mirror)
        for i, following in enumerate(result.following):
            if following is None:  # lost: no pose here; the next frame runs the detector
                done.add(result, result.following[: i + 1], mirror)
                return None, max(1, batch // 2), i + 1
            if i + 1 < len(result.following) and region.differs(following):
                done.add(result, result.following[: i + 1], mirror)
                return following, max(1, batch // 2), i + 1
        done.add(result, result.following, mirror)
        return result.following[-1], min(self.batch_size, batch * 2), len(result.following)


@dataclass(frozen=True)
class Landmarks:
    """One landmark-network call: (B, 33, 7) detections (NaN where the pose presence is below
    :data:`MIN_CONFIDENCE`), each frame's region for the next frame (None: lost), and, for mirrored
    calls, the detections from the mirrored crops mapped back (left and right swapped)."""

    detections: np.ndarray
    following: list[Region | None]
    mirrored: np.ndarray | None = None


@dataclass(frozen=True)
class TrackedFrames:
    """A clip's detections: (frames, 33, 7) as gait.pose.detect_frames returns them, the times in
    seconds, the frames that start a new shot, and the mirrored pass's detections when asked for."""

    detections: np.ndarray
    time_s: np.ndarray
    cut_frames: list[int]
    mirrored: np.ndarray | None = None


class _Settled:
    """Frames whose detections are final, in order."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.mirrored: list[np.ndarray] = []
        self.sides: list[float] = []

    def add(self, result: Landmarks | None, following: Sequence[Region | None], mirror: bool) -> None:
        n = len(following)
        nobody = np.full((n, 33, N_COLS), np.nan, np.float32)
        self.rows.append(nobody if result is None else result.detections[:n])
        if mirror:
            self.mirrored.append(nobody if result is None or result.mirrored is None else result.mirrored[:n])
        self.sides.extend(np.nan if r is None else r.side_px for r in following)

    @staticmethod
    def stack(rows: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(rows) if rows else np.empty((0, 33, N_COLS), np.float32)


def video_time_ms(time_s: np.ndarray) -> np.ndarray:
    """The integer millisecond timestamps gait.pose gives MediaPipe (strictly increasing)."""
    out = np.empty(len(time_s), np.int64)
    last = -1
    for i, t in enumerate(time_s):
        last = out[i] = max(round(float(t) * 1000), last + 1)
    return out
