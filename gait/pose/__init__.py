"""The pose stage: a clip's frames -> its PoseTrack. :func:`pose_track` is what the rest of gait calls.

Here: the cache, the pass policy (whether to read the mirror image too), and the capture facts
measured in the same pass (the camera tilt's frames, shot cuts, the person scan). Behind it:
:mod:`~gait.pose.estimator` (the one interface, and the one place a backend is chosen by name),
:mod:`~gait.pose.mediapipe_backend` and :mod:`~gait.pose.onnx_backend` (the two backends),
:mod:`~gait.pose.mirror` (reading the mirror image and combining the two), :mod:`~gait.pose.person`
(who the runner is), :mod:`~gait.pose.shots` (hard cuts) and :mod:`~gait.pose.tilt` (camera roll).
Nothing outside this package knows which backend or mirror strategy ran, except what the track's
``meta`` records.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np

from gait import cache, stream
from gait.analysis import FRONTAL_VIEWS
from gait.fsutil import atomic_path, sha256_file, staged_output
from gait.options import ForcedView
from gait.pose.estimator import (
    DEFAULT_MAX_SIDE_PX,
    backend_model_sha256,
    check_backend,
    open_estimator,
    read_track,
)
from gait.pose.mirror import with_mirror_pass
from gait.pose.person import PEOPLE_SCHEME, PersonSpec, check_supported
from gait.pose.tilt import TiltEstimate, estimate_tilt
from gait.track import LANDMARK_NAMES, PoseTrack
from gait.video import Frame, VideoInfo, frames_at, iter_frames, probe
from gait.views import classify_view

#: Frames sampled across the clip to estimate the camera tilt.
TILT_SAMPLE_FRAMES = 8
#: The track's ``meta`` key of the camera tilt its pose pass measured (a TiltEstimate's fields, or None).
TILT_META = "camera_tilt"


@dataclass(frozen=True)
class TrackResult:
    """A pose track with where it came from."""

    track: PoseTrack
    info: VideoInfo
    from_cache: bool


def pose_track(
    video: Path,
    model: str = "full",
    cache_dir: Path | None = None,
    max_side_px: int = DEFAULT_MAX_SIDE_PX,
    on_frame: Callable[[int], None] | None = None,
    symmetric: bool | None = None,
    backend: str = "mediapipe",
    person: str | None = None,
    view: ForcedView | None = None,
) -> TrackResult:
    """The clip's pose track, from the cache when this clip, model, backend and settings were seen
    before.

    ``symmetric``: True reads every frame together with its mirror image (:mod:`gait.pose.mirror`);
    None (the default) does so only for a rear or front view of one runner (``view``, as forced
    with ``--view``, or else the first pass's), in a second pass over the mirrored frames: there
    left and right are compared, and the model reads a runner and its mirror image degrees apart
    (docs/validation.md); False never. ``cache_dir`` None disables the cache. ``backend``: one of
    :data:`gait.pose.estimator.BACKENDS`. ``person``: which person to follow (``--person``: "N" or
    "X,Y"; None: the default, see gait.pose.person); part of the cache key.
    """
    spec = PersonSpec.parse(person)
    check_backend(backend)
    check_supported(spec, backend, symmetric is True)
    info = probe(video)
    source_sha256 = sha256_file(video)
    model_sha256 = backend_model_sha256(model, backend)

    def cached(settings: dict, read: Callable[[], PoseTrack]) -> tuple[PoseTrack, bool]:
        key = cache.cache_key(source_sha256, model_sha256, settings)
        if cache_dir is not None and (hit := cache.load(cache_dir, key, source_sha256, model_sha256)):
            return hit, True
        track = read()
        if cache_dir is not None:
            cache.store(cache_dir, key, track)
        return track, False

    def read(mirror: bool) -> PoseTrack:
        tilt_frames = TiltFrames(info.n_frames, () if mirror else None)

        def model_input(frame: Frame) -> Frame:  # on the decoding thread
            small = tilt_frames.keep(frame).downscaled(max_side_px)
            return (small.mirrored() if mirror else small).for_pose()

        def reopen() -> Iterable[Frame]:
            return (f.downscaled(max_side_px) for f in iter_frames(video, info))

        estimator = open_estimator(backend, model, max_side_px)
        with contextlib.closing(stream.stage(model_input, iter_frames(video, info))) as frames:
            track = read_track(
                estimator,
                frames,
                reopen,
                info,
                source_sha256,
                symmetric=symmetric is True,
                spec=spec,
                max_side_px=max_side_px,
                on_frame=on_frame,
            )
        if mirror:
            return track.mirrored()
        if not tilt_frames.grays:
            return track
        tilt = tilt_frames.estimate(track)  # measured in the same pass; a cached track keeps it
        return track.replace(meta=track.meta | {TILT_META: None if tilt is None else asdict(tilt)})

    settings = pose_settings(max_side_px, symmetric is True, backend, spec)
    track, from_cache = cached(settings, lambda: read(mirror=False))
    if symmetric is None and wants_mirror_pass(track, view):
        mirror, mirror_from_cache = cached(settings | {"mirror_pass": True}, lambda: read(mirror=True))
        if not (mirror.meta.get("person") or {}).get("multi_pose"):  # its scan also saw one runner
            track, from_cache = with_mirror_pass(track, mirror), from_cache and mirror_from_cache
    return TrackResult(track, info, from_cache)


def wants_mirror_pass(track: PoseTrack, view: ForcedView | None = None) -> bool:
    """True for a rear or front view (``view`` when forced, else the track's) of one runner followed by
    default (not picked among several)."""
    person = track.meta.get("person") or {}
    seen = classify_view(track).view if view is None else view
    return seen in FRONTAL_VIEWS and not person.get("multi_pose")


def pose_settings(max_side_px: int, symmetric: bool, backend: str, spec: PersonSpec) -> dict:
    """The settings that change a pose track, for its cache key (the person chosen among them)."""
    return (
        {"max_side_px": max_side_px}
        | ({"symmetric": True} if symmetric else {})
        | ({"backend": backend} if backend != "mediapipe" else {})
        | {"person": spec.key, "people": PEOPLE_SCHEME}
    )


def write_track_csv(track: PoseTrack, path: Path) -> None:
    """A tidy CSV: one row per frame and landmark (frame, time_s, landmark, x_px, y_px, visibility)."""
    n, k = track.n_frames, len(LANDMARK_NAMES)
    table = np.empty(
        n * k,
        dtype=[("frame", "i4"), ("time_s", "f8"), ("landmark", "U16"), ("x", "f4"), ("y", "f4"), ("v", "f4")],
    )
    table["frame"] = np.repeat(np.arange(n), k)
    table["time_s"] = np.repeat(track.time_s, k)
    table["landmark"] = np.tile(np.asarray(LANDMARK_NAMES), n)
    table["x"] = track.xy_px[:, :, 0].ravel()
    table["y"] = track.xy_px[:, :, 1].ravel()
    table["v"] = track.visibility.ravel()
    with atomic_path(path) as tmp:
        np.savetxt(
            tmp,
            table,
            fmt="%d,%.4f,%s,%.2f,%.2f,%.3f",
            header="frame,time_s,landmark,x_px,y_px,visibility",
            comments="",
        )


def write_track(track: PoseTrack, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Write ``<stem>.pose.npz`` and ``<stem>.pose.csv`` into ``out_dir``; return their paths."""
    npz, csv = f"{stem}.pose.npz", f"{stem}.pose.csv"
    with staged_output(out_dir, names=(npz, csv)) as staged:
        track.save(staged.folder / npz)
        write_track_csv(track, staged.folder / csv)
    return out_dir / npz, out_dir / csv


class TiltFrames:
    """Grey copies of a few frames spread over the clip, kept as the frames stream past, from which
    :meth:`estimate` gives the camera tilt once the track shows where the runner was."""

    def __init__(self, n_frames: int, indices: Iterable[int] | None = None) -> None:
        spread = np.linspace(0, max(n_frames - 1, 0), TILT_SAMPLE_FRAMES).astype(int)
        self.wanted = {int(i) for i in (spread if indices is None else indices)}
        self.grays: dict[int, np.ndarray] = {}

    def keep(self, frame: Frame) -> Frame:
        """Keep a grey copy of ``frame`` if it is one of the wanted; return the frame."""
        if frame.index in self.wanted:
            self.grays[frame.index] = cv2.cvtColor(frame.bgr, cv2.COLOR_BGR2GRAY)
        return frame

    def estimate(self, track: PoseTrack) -> TiltEstimate | None:
        """Camera roll from the kept frames where the runner was found (the runner masked out)."""
        picks = [i for i in sorted(self.grays) if i < track.n_frames and track.person_found[i]]
        return estimate_tilt([self.grays[i] for i in picks], [person_box(track, i) for i in picks])


def camera_tilt(video: Path, track: PoseTrack) -> TiltEstimate | None:
    """Camera roll from background lines in a few frames spread over the clip, the runner masked out.

    Read from the track when its pose pass measured it (:func:`pose_track`); otherwise the frames
    are found by seeking, which costs a decoding from the nearest key frame each.
    """
    if TILT_META in track.meta:
        kept = track.meta[TILT_META]
        return None if kept is None else TiltEstimate(**kept)
    found = np.flatnonzero(track.person_found)
    picks = found[np.linspace(0, len(found) - 1, min(TILT_SAMPLE_FRAMES, len(found))).astype(int)]
    tilt_frames = TiltFrames(track.n_frames, picks)
    for frame in frames_at(video, picks):
        tilt_frames.keep(frame)
    return tilt_frames.estimate(track)


def person_box(track: PoseTrack, index: int, margin: float = 0.15) -> tuple[int, int, int, int]:
    """The runner's bounding box in one frame (x0, y0, x1, y1), widened by ``margin`` of its size."""
    xy = track.xy_px[index]
    (x0, y0), (x1, y1) = np.nanmin(xy, axis=0), np.nanmax(xy, axis=0)
    dx, dy = margin * (x1 - x0), margin * (y1 - y0)
    return int(x0 - dx), int(y0 - dy), int(x1 + dx), int(y1 + dy)
