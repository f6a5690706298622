"""The one place that chains the stages: video -> PoseTrack -> Analysis -> outputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gait import cache
from gait.fsutil import atomic_path
from gait.models import resolve_model
from gait.pose import DEFAULT_MAX_SIDE_PX, extract_track
from gait.track import LANDMARK_NAMES, PoseTrack
from gait.video import VideoInfo, probe, sha256_file


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
) -> TrackResult:
    """The clip's pose track, from the cache when this clip, model and settings were seen before.

    ``cache_dir`` None disables the cache.
    """
    info = probe(video)
    source_sha256 = sha256_file(video)
    resolved = resolve_model(model)
    key = cache.cache_key(source_sha256, resolved.sha256, {"max_side_px": max_side_px})
    if cache_dir is not None and (hit := cache.load(cache_dir, key, source_sha256, resolved.sha256)):
        return TrackResult(hit, info, from_cache=True)
    track = extract_track(video, model, max_side_px, on_frame, source_sha256=source_sha256)
    if cache_dir is not None:
        cache.store(cache_dir, key, track)
    return TrackResult(track, info, from_cache=False)


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
    npz, csv = out_dir / f"{stem}.pose.npz", out_dir / f"{stem}.pose.csv"
    out_dir.mkdir(parents=True, exist_ok=True)
    track.save(npz)
    try:
        write_track_csv(track, csv)
    except BaseException:
        npz.unlink(missing_ok=True)
        raise
    return npz, csv
