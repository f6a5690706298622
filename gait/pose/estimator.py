"""The pose stage's one interface: an :class:`Estimator` reads a clip's frames and gives a PoseTrack.

Two backends implement it, :mod:`gait.pose.mediapipe_backend` (the default) and
:mod:`gait.pose.onnx_backend`; :func:`open_estimator` is the one place a backend is chosen by its
name. Nothing outside :mod:`gait.pose` knows which ran, except what the track's ``meta`` records.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gait.errors import ModelError, NoPersonError
from gait.pose import person
from gait.track import PoseTrack
from gait.video import Frame, VideoInfo

#: The pose backends, the default first.
BACKENDS = ("mediapipe", "onnx")
#: Frames larger than this on their long side are downscaled before inference (the networks read
#: 256 px crops, so this costs no accuracy); recorded in the track and in the cache key.
DEFAULT_MAX_SIDE_PX = 1280


@dataclass(frozen=True)
class Reading:
    """What an estimator read from a clip: (frames, 33, 7) detections (normalised x, y; visibility;
    presence; world x, y, z in metres; NaN where nobody was found), the frame times in seconds, the
    frames that start a new shot, and who was followed (:func:`gait.pose.person.person_meta`)."""

    detections: np.ndarray
    time_s: np.ndarray
    cut_frames: list[int]
    person: dict


class Estimator(Protocol):
    """A pose backend: frames in, detections out."""

    name: str
    model_name: str
    model_sha256: str

    def read(
        self,
        frames: Iterable[Frame],
        reopen: Callable[[], Iterable[Frame]],
        info: VideoInfo,
        symmetric: bool,
        spec: person.PersonSpec,
        on_frame: Callable[[int], None] | None,
    ) -> Reading:
        """Read every frame of ``frames`` (``reopen`` gives them again from the start, should the
        reading have to begin anew); ``symmetric``: average each frame with its mirror image."""
        ...


def backend_model_sha256(model: str, backend: str) -> str:
    """The checksum naming the networks ``backend`` runs for ``model`` (raises ModelError)."""
    check_backend(backend)
    if backend == "onnx":
        from gait.pose.onnx.sessions import model_sha256

        return model_sha256(model)
    from gait.models import resolve_model

    return resolve_model(model).sha256


def check_backend(backend: str) -> None:
    """ModelError for a backend name that is not one of :data:`BACKENDS`."""
    if backend not in BACKENDS:
        raise ModelError(f"Pose backend {backend!r} is neither 'mediapipe' nor 'onnx'.")


def open_estimator(backend: str, model: str, max_side_px: int = DEFAULT_MAX_SIDE_PX) -> Estimator:
    """The estimator of ``backend`` for ``model`` (raises ModelError for an unknown one)."""
    check_backend(backend)
    if backend == "onnx":
        from gait.pose.onnx_backend import OnnxBackend

        return OnnxBackend(model, max_side_px)
    from gait.pose.mediapipe_backend import MediaPipeBackend

    return MediaPipeBackend(model, max_side_px)


def read_track(
    estimator: Estimator,
    frames: Iterable[Frame],
    reopen: Callable[[], Iterable[Frame]],
    info: VideoInfo,
    source_sha256: str,
    *,
    symmetric: bool = False,
    spec: person.PersonSpec | None = None,
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    on_frame: Callable[[int], None] | None = None,
) -> PoseTrack:
    """The PoseTrack ``estimator`` reads from a clip's frames, with what the reading was in its meta.

    Raises NoPersonError when nobody is found in any frame.
    """
    spec = spec or person.PersonSpec()
    person.check_supported(spec, estimator.name, symmetric)
    reading = estimator.read(frames, reopen, info, symmetric, spec, on_frame)
    meta = {
        "max_side_px": max_side_px,
        "symmetric": symmetric,
        "backend": estimator.name,
        "model_sha256": estimator.model_sha256,
        "rotation_deg": info.rotation_deg,
        "cut_frames": reading.cut_frames,
        "person": reading.person,
    }
    track = track_from_detections(
        reading.detections, reading.time_s, info, source_sha256, estimator.model_name, meta
    )
    if not track.person_found.any():
        raise NoPersonError(
            f"No person was found in any of the {track.n_frames} frames of {info.name}:"
            " film the whole body from 3-5 m away, in good light."
        )
    return track


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
