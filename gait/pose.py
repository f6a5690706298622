"""Frames -> PoseTrack with MediaPipe PoseLandmarker. The only module that imports mediapipe.

The landmarker runs in VIDEO mode: it tracks the person from frame to frame (the detector
runs only when tracking is lost), which needs strictly increasing timestamps.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from gait import person, shots
from gait.errors import ModelError, NoPersonError
from gait.fsutil import sha256_file
from gait.logs import quiet_native_chatter
from gait.models import ResolvedModel, resolve_model
from gait.track import LANDMARK_NAMES, MIRROR_INDEX, PoseTrack
from gait.video import Frame, VideoInfo, iter_frames, probe

#: Columns of one frame's detection: normalised x, y; visibility; presence; world x, y, z (m).
_N_COLS = 7
#: Confidence the landmarker needs to report / keep tracking a person (MediaPipe's default is 0.5).
MIN_CONFIDENCE = 0.5
#: Settings that change the landmarks, recorded in the track and in the cache key.
DEFAULT_MAX_SIDE_PX = 1280


class PoseEstimator:
    """One MediaPipe PoseLandmarker in VIDEO mode; use as a context manager.

    Parameters
    ----------
    model : ResolvedModel
        The ``.task`` bundle to run.
    max_side_px : int
        Frames larger than this on their long side are downscaled before inference (MediaPipe
        works on 256 px crops, so this costs no accuracy and saves colour-conversion time).
    """

    def __init__(
        self, model: ResolvedModel, max_side_px: int = DEFAULT_MAX_SIDE_PX, num_poses: int = 1
    ) -> None:
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model.path)),
            running_mode=vision.RunningMode.VIDEO if num_poses == 1 else vision.RunningMode.IMAGE,
            num_poses=num_poses,
            min_pose_detection_confidence=MIN_CONFIDENCE,
            min_pose_presence_confidence=MIN_CONFIDENCE,
            min_tracking_confidence=MIN_CONFIDENCE,
        )
        try:
            with quiet_native_chatter():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"MediaPipe could not load the model {model.path.name} ({exc}).") from exc
        self.max_side_px = max_side_px
        self.num_poses = num_poses
        self._last_ms = -1
        self.calls = 0

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        with quiet_native_chatter():
            self._landmarker.close()

    def detect(self, frame: Frame) -> np.ndarray:
        """Landmarks of the person in one frame, as a (33, 7) array; all NaN when nobody is found.

        With ``num_poses`` > 1 (IMAGE mode: every frame read afresh, see gait.person), a
        (num_poses, 33, 7) array, NaN-padded.
        """
        rgb = frame.downscaled(self.max_side_px).rgb
        time_ms = max(round(frame.time_s * 1000), self._last_ms + 1)
        self._last_ms = time_ms
        self.calls += 1
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
        with quiet_native_chatter() if self.calls == 1 else contextlib.nullcontext():  # first call warns once
            if self.num_poses == 1:
                result = self._landmarker.detect_for_video(image, time_ms)
            else:
                result = self._landmarker.detect(image)
        out = np.full((self.num_poses, len(LANDMARK_NAMES), _N_COLS), np.nan, np.float32)
        for i, (pose, world) in enumerate(
            zip(result.pose_landmarks, result.pose_world_landmarks, strict=True)
        ):
            out[i, :, :4] = [(p.x, p.y, p.visibility, p.presence) for p in pose]
            out[i, :, 4:] = [(p.x, p.y, p.z) for p in world]
        return out[0] if self.num_poses == 1 else out


def backend_model_sha256(model: str, backend: str) -> str:
    """The checksum naming the networks ``backend`` runs for ``model`` (raises ModelError)."""
    if backend == "onnx":
        from gait.onnx_pose import model_sha256

        return model_sha256(model)
    if backend != "mediapipe":
        raise ModelError(f"Pose backend {backend!r} is neither 'mediapipe' nor 'onnx'.")
    return resolve_model(model).sha256


class SymmetricEstimator:
    """Landmarks that are left/right symmetric by construction: each frame and its mirror image.

    The model reads an image and its mirror a few degrees apart at the hips (docs/validation.md).
    A second landmarker (with its own tracking) sees every frame flipped left-right; its result is
    flipped back, its left and right labels swapped, and the two are averaged, so a clip and its
    mirror image give exactly mirrored landmarks. Where only one pass finds the person, it is used.
    Costs a second inference per frame.
    """

    def __init__(self, model: ResolvedModel, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> None:
        self._plain = PoseEstimator(model, max_side_px)
        self._mirrored = PoseEstimator(model, max_side_px)

    def __enter__(self) -> SymmetricEstimator:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._plain.__exit__(*exc)
        self._mirrored.__exit__(*exc)

    def detect(self, frame: Frame) -> np.ndarray:
        plain = self._plain.detect(frame)
        flipped = self._mirrored.detect(frame.mirrored())[MIRROR_INDEX]
        flipped[:, 0] = 1.0 - flipped[:, 0]  # normalised x
        flipped[:, 4] = -flipped[:, 4]  # world x (m)
        return average_with_mirror(plain, flipped)


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


def track_from_detections(
    detections: np.ndarray, time_s: np.ndarray, info: VideoInfo, source_sha256: str, model: str, meta: dict
) -> PoseTrack:
    """Assemble a PoseTrack from stacked (frames, 33, 7) detections (normalised -> pixels)."""
    size = np.array([info.width_px, info.height_px], np.float32)
    return PoseTrack(
        xy_px=detections[:, :, :2] * size,
        visibility=detections[:, :, 2],
        presence=detections[:, :, 3],
        world_m=detections[:, :, 4:],
        time_s=np.asarray(time_s, np.float64),
        fps=info.fps,
        frame_size_px=(info.width_px, info.height_px),
        source_sha256=source_sha256,
        model=model,
        meta=meta,
    )


def detect_frames(
    frames: Iterable[Frame],
    estimator: PoseEstimator | SymmetricEstimator,
    on_frame: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Run the estimator over frames.

    Returns (frames, 33, 7) detections, (frames,) times in seconds, and the frames that start a
    new shot (hard cuts, found in the same pass from thumbnails).
    """
    rows, times = [], []
    cuts = shots.CutFinder()
    for frame in frames:
        rows.append(estimator.detect(frame))
        times.append(frame.time_s)
        cuts.add(frame.thumbnail)
        if on_frame is not None:
            on_frame(frame.index)
    return np.stack(rows), np.asarray(times), cuts.cut_frames()


def extract_track(
    path: Path | str,
    model: str = "full",
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    on_frame: Callable[[int], None] | None = None,
    source_sha256: str | None = None,
    info: VideoInfo | None = None,
    symmetric: bool = False,
    backend: str = "mediapipe",
    person_spec: person.PersonSpec | None = None,
    frames: Iterable[Frame] | None = None,
) -> PoseTrack:
    """Pose landmarks of every frame of a clip (``info``: its probe, if the caller already has it;
    ``frames``: its frames, if the caller decodes them, e.g. ahead in a thread and downscaled).

    ``person_spec``: which person to follow when several are in frame (gait.person); the default
    scans a few frames and reads several poses per frame only when a second person is seen.

    ``symmetric``: average each frame's landmarks with those of its mirror image
    (:class:`SymmetricEstimator`), at twice the inference cost. ``backend`` "onnx" runs the same
    networks under onnxruntime (gait.onnx_pose) instead of MediaPipe; there the mirror image of each
    frame's crop goes through the landmark network in the same call.

    Raises NoPersonError when nobody is found in any frame, VideoError for unreadable input,
    ModelError for a missing or corrupt model.
    """
    path = Path(path)
    info = info or probe(path)
    spec = person_spec or person.PersonSpec()
    person.check_supported(spec, backend, symmetric)
    person_meta = person.person_meta(spec, [], 0, multi=False, scanned=False)
    frames = iter_frames(path, info) if frames is None else frames
    if backend == "onnx":
        from gait.onnx_pose import OnnxPoseEstimator

        tracked = OnnxPoseEstimator(model, max_side_px).track(frames, on_frame, symmetric)
        detections, time_s, cuts = tracked.detections, tracked.time_s, tracked.cut_frames
        if tracked.mirrored is not None:
            detections = average_with_mirror(detections, tracked.mirrored)
        model_name, model_sha256 = model, backend_model_sha256(model, backend)
    else:
        resolved = resolve_model(model)
        detections, time_s, cuts, person_meta = _detect_mediapipe(
            path, info, resolved, max_side_px, on_frame, symmetric, spec, frames
        )
        model_name, model_sha256 = resolved.name, resolved.sha256
    meta = {
        "max_side_px": max_side_px,
        "symmetric": symmetric,
        "backend": backend,
        "model_sha256": model_sha256,
        "rotation_deg": info.rotation_deg,
        "cut_frames": cuts,
        "person": person_meta,
    }
    track = track_from_detections(
        detections, time_s, info, source_sha256 or sha256_file(path), model_name, meta
    )
    if not track.person_found.any():
        raise NoPersonError(
            f"No person was found in any of the {track.n_frames} frames of {path.name}:"
            " film the whole body from 3-5 m away, in good light."
        )
    return track


class SeveralPeople(Exception):
    """Raised by :func:`scan_for_people` at the frame where a second person was seen."""

    def __init__(self, at_frame: int) -> None:
        super().__init__(at_frame)
        self.at_frame = at_frame


def scan_for_people(
    frames: Iterable[Frame], info: VideoInfo, model: ResolvedModel, max_side_px: int
) -> Iterator[Frame]:
    """Pass the frames through; at :data:`gait.person.SCAN_FRAMES` frames spread over the clip, also
    read several poses, and raise :class:`SeveralPeople` when a second person of comparable size
    is there. Costs one landmarker and a few IMAGE-mode reads; no seeking, no second decoding.
    """
    picks = set(np.linspace(0, max(info.n_frames - 1, 0), person.SCAN_FRAMES).astype(int).tolist())
    with PoseEstimator(model, max_side_px, person.MAX_PEOPLE) as estimator:
        for frame in frames:
            if frame.index in picks:
                poses = estimator.detect(frame)
                size = (frame.bgr.shape[1], frame.bgr.shape[0])
                if person.people_seen(person.boxes_px(poses[None], size)) >= 2:
                    raise SeveralPeople(frame.index)
            yield frame


def _detect_mediapipe(
    path: Path,
    info: VideoInfo,
    model: ResolvedModel,
    max_side_px: int,
    on_frame: Callable[[int], None] | None,
    symmetric: bool,
    spec: person.PersonSpec,
    frames: Iterable[Frame],
) -> tuple[np.ndarray, np.ndarray, list[int], dict]:
    """One person per frame (VIDEO mode, fast) unless a person was chosen or the scan sees several;
    then the clip is decoded again (``frames`` serves the first read only)."""
    seen_at = None if spec.is_default else 0
    if seen_at is None:
        try:
            estimator_type = SymmetricEstimator if symmetric else PoseEstimator
            with estimator_type(model, max_side_px) as estimator:
                scanned = frames if symmetric else scan_for_people(frames, info, model, max_side_px)
                detections, time_s, cuts = detect_frames(scanned, estimator, on_frame)
            return (
                detections,
                time_s,
                cuts,
                person.person_meta(spec, [], 0, multi=False, scanned=not symmetric),
            )
        except SeveralPeople as seen:
            seen_at = seen.at_frame
    # read again with several poses per frame; the progress counts each frame once
    counted = (lambda i: on_frame(i) if i >= seen_at else None) if on_frame else None
    return _detect_people(path, info, model, max_side_px, counted, spec)


def _detect_people(
    path: Path,
    info: VideoInfo,
    model: ResolvedModel,
    max_side_px: int,
    on_frame: Callable[[int], None] | None,
    spec: person.PersonSpec,
) -> tuple[np.ndarray, np.ndarray, list[int], dict]:
    """Several poses in every frame, linked into people; the chosen person's detections and the facts."""
    with PoseEstimator(model, max_side_px, person.MAX_PEOPLE) as estimator:
        poses, time_s, cuts = detect_frames(iter_frames(path, info), estimator, on_frame)
    fps = len(time_s) / max(float(time_s[-1] - time_s[0]), 1e-6) if len(time_s) > 1 else info.fps
    detections, meta = person.select_person(poses, fps, (info.width_px, info.height_px), spec)
    return detections, time_s, cuts, meta
