"""The MediaPipe backend of the pose stage (PoseLandmarker). The only module that imports mediapipe.

The landmarker runs in VIDEO mode: it tracks the person from frame to frame (the detector
runs only when tracking is lost), which needs strictly increasing timestamps.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from gait.errors import ModelError
from gait.logs import quiet_native_chatter
from gait.models import ResolvedModel, resolve_model
from gait.pose import person, shots
from gait.pose.estimator import DEFAULT_MAX_SIDE_PX, Reading
from gait.pose.mirror import SymmetricDetector
from gait.track import LANDMARK_NAMES
from gait.video import Frame, VideoInfo

#: Columns of one frame's detection: normalised x, y; visibility; presence; world x, y, z (m).
_N_COLS = 7
#: Confidence the landmarker needs to report / keep tracking a person (MediaPipe's default is 0.5).
MIN_CONFIDENCE = 0.5


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

        With ``num_poses`` > 1 (IMAGE mode: every frame read afresh, see gait.pose.person), a
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


def detect_frames(
    frames: Iterable[Frame],
    estimator: PoseEstimator | SymmetricDetector,
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


class SeveralPeople(Exception):
    """Raised by :func:`scan_for_people` at the frame where a second person was seen."""

    def __init__(self, at_frame: int) -> None:
        super().__init__(at_frame)
        self.at_frame = at_frame


def scan_for_people(
    frames: Iterable[Frame], info: VideoInfo, model: ResolvedModel, max_side_px: int
) -> Iterator[Frame]:
    """Pass the frames through; at :data:`gait.pose.person.SCAN_FRAMES` frames spread over the clip, also
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


class MediaPipeBackend:
    """The :class:`gait.pose.estimator.Estimator` that runs MediaPipe's PoseLandmarker.

    One person per frame in VIDEO mode (fast: the detector runs only when tracking is lost), with
    a few frames spread over the clip also read for several people (:func:`scan_for_people`); where
    a second person is seen, or a person was chosen, every frame is read for several poses and the
    runner picked among them (gait.pose.person).
    """

    name = "mediapipe"

    def __init__(self, model: str, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> None:
        self.model = resolve_model(model)
        self.model_name, self.model_sha256 = self.model.name, self.model.sha256
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
        if spec.is_default:
            try:
                detector = self._symmetric() if symmetric else PoseEstimator(self.model, self.max_side_px)
                with detector:
                    scanned = (
                        frames if symmetric else scan_for_people(frames, info, self.model, self.max_side_px)
                    )
                    detections, time_s, cuts = detect_frames(scanned, detector, on_frame)
                meta = person.person_meta(spec, [], 0, multi=False, scanned=not symmetric)
                return Reading(detections, time_s, cuts, meta)
            except SeveralPeople as seen:
                seen_at = seen.at_frame
        else:
            seen_at = 0
        # read again with several poses per frame; the progress counts each frame once
        counted = (lambda i: on_frame(i) if i >= seen_at else None) if on_frame else None
        with PoseEstimator(self.model, self.max_side_px, person.MAX_PEOPLE) as estimator:
            poses, time_s, cuts = detect_frames(reopen(), estimator, counted)
        fps = len(time_s) / max(float(time_s[-1] - time_s[0]), 1e-6) if len(time_s) > 1 else info.fps
        detections, meta = person.select_person(poses, fps, (info.width_px, info.height_px), spec)
        return Reading(detections, time_s, cuts, meta)

    def _symmetric(self) -> SymmetricDetector:
        return SymmetricDetector(
            PoseEstimator(self.model, self.max_side_px), PoseEstimator(self.model, self.max_side_px)
        )
