"""PoseTrack: the pose landmarks of one clip as arrays, with save/load to ``.npz``.

A frame where nobody was found holds NaN; frames are never dropped, so index ``i`` of
every array is frame ``i`` of the video.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gait.errors import CacheError
from gait.fsutil import atomic_path

#: MediaPipe Pose landmark names, in model order (33 points). Left/right are the person's sides.
LANDMARK_NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
#: Landmark name -> index into the landmark axis.
LANDMARK_INDEX: dict[str, int] = {name: i for i, name in enumerate(LANDMARK_NAMES)}
#: For each landmark, the index of the same point on the other side (the nose's is itself).
MIRROR_INDEX = np.array(
    [
        LANDMARK_INDEX[n.replace("left", "@").replace("right", "left").replace("@", "right")]
        for n in LANDMARK_NAMES
    ]
)

#: Version of the ``.npz`` layout; a cache written by another version is rebuilt.
TRACK_FORMAT_VERSION = 2


@dataclass(frozen=True, eq=False)
class PoseTrack:
    """Pose landmarks of every frame of one clip.

    Attributes
    ----------
    xy_px : (frames, 33, 2) float
        Image landmarks in pixels of the upright frame, x right, y down. NaN: no person.
    visibility : (frames, 33) float
        Model's likelihood that each landmark is visible (not occluded), 0-1. NaN: no person.
    presence : (frames, 33) float
        Model's likelihood that each landmark is in the frame, 0-1. NaN: no person.
    world_m : (frames, 33, 3) float
        Metric 3D landmarks, hip-centred, in metres. NaN: no person.
    time_s : (frames,) float
        Presentation time of each frame, seconds from the first frame (from the container,
        so variable-frame-rate clips stay correct).
    fps : float
        Nominal frame rate of the clip (frames / duration).
    frame_size_px : (width, height)
        Size of the upright frame the landmarks refer to.
    source_sha256 : str
        Content hash of the video file the track came from.
    model : str
        Pose model used ("full", "heavy" or a file name).
    meta : dict
        JSON-serialisable facts: the settings, the rotation, and ``cut_frames`` (frames that start
        a new shot of an edited clip).
    """

    xy_px: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    world_m: np.ndarray
    time_s: np.ndarray
    fps: float
    frame_size_px: tuple[int, int]
    source_sha256: str = ""
    model: str = ""
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = self.xy_px.shape[0]
        problems = []
        if self.xy_px.shape != (n, len(LANDMARK_NAMES), 2):
            problems.append(f"xy_px has shape {self.xy_px.shape}, expected ({n}, 33, 2)")
        for name in ("visibility", "presence"):
            if getattr(self, name).shape != (n, len(LANDMARK_NAMES)):
                problems.append(f"{name} has shape {getattr(self, name).shape}, expected ({n}, 33)")
        if self.world_m.shape != (n, len(LANDMARK_NAMES), 3):
            problems.append(f"world_m has shape {self.world_m.shape}, expected ({n}, 33, 3)")
        if self.time_s.shape != (n,):
            problems.append(f"time_s has shape {self.time_s.shape}, expected ({n},)")
        if n > 1 and not np.all(np.diff(self.time_s) > 0):
            problems.append("time_s is not strictly increasing")
        if problems:
            raise ValueError("Invalid PoseTrack: " + "; ".join(problems))

    @property
    def n_frames(self) -> int:
        """Number of frames (including frames with no person)."""
        return int(self.xy_px.shape[0])

    @property
    def person_found(self) -> np.ndarray:
        """(frames,) bool: True where the model returned a pose."""
        return ~np.isnan(self.xy_px[:, LANDMARK_INDEX["left_hip"], 0])

    def xy(self, name: str) -> np.ndarray:
        """(frames, 2) pixel coordinates of one landmark by name."""
        return self.xy_px[:, LANDMARK_INDEX[name]]

    def mirrored(self) -> PoseTrack:
        """The track of the horizontally mirrored video, as a pose model labels it: x becomes
        ``width - x`` (world x changes sign) and each landmark takes its partner's side. Its own
        inverse: the mirrored track of a pass over mirrored frames lies on the original frames."""
        xy, world = self.xy_px[:, MIRROR_INDEX].copy(), self.world_m[:, MIRROR_INDEX].copy()
        xy[..., 0] = self.frame_size_px[0] - xy[..., 0]
        world[..., 0] = -world[..., 0]
        return self.replace(
            xy_px=xy,
            visibility=self.visibility[:, MIRROR_INDEX],
            presence=self.presence[:, MIRROR_INDEX],
            world_m=world,
        )

    def retimed(self, slowed_by: float) -> PoseTrack:
        """The track in the time it was filmed in, for a clip that plays ``slowed_by`` times slower (a
        phone's slow motion exported slowed): times divided, the frame rate multiplied, the factor in
        ``meta["slowed_by"]``."""
        if slowed_by == 1:
            return self
        return self.replace(
            time_s=self.time_s / slowed_by,
            fps=self.fps * slowed_by,
            meta=self.meta | {"slowed_by": float(slowed_by)},
        )

    def replace(self, **changes: object) -> PoseTrack:
        """A copy with some fields replaced (arrays are validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def empty(cls, time_s: np.ndarray, fps: float, frame_size_px: tuple[int, int], **kw: object) -> PoseTrack:
        """A track of ``len(time_s)`` frames with nobody in any of them (all NaN)."""
        n = len(time_s)
        nan = np.full
        return cls(
            xy_px=nan((n, 33, 2), np.nan, np.float32),
            visibility=nan((n, 33), np.nan, np.float32),
            presence=nan((n, 33), np.nan, np.float32),
            world_m=nan((n, 33, 3), np.nan, np.float32),
            time_s=np.asarray(time_s, np.float64),
            fps=fps,
            frame_size_px=frame_size_px,
            **kw,  # type: ignore[arg-type]
        )

    def save(self, path: Path) -> None:
        """Write the track to ``path`` (``.npz``) atomically: a temporary file, then a rename."""
        path = Path(path)
        header = {
            "format_version": TRACK_FORMAT_VERSION,
            "fps": self.fps,
            "frame_size_px": list(self.frame_size_px),
            "source_sha256": self.source_sha256,
            "model": self.model,
            "meta": self.meta,
            "landmark_names": list(LANDMARK_NAMES),
        }
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:  # a unique temporary name per writer
            np.savez_compressed(
                fh,
                xy_px=self.xy_px,
                visibility=self.visibility,
                presence=self.presence,
                world_m=self.world_m,
                time_s=self.time_s,
                header=np.array(json.dumps(header)),
            )

    @classmethod
    def load(cls, path: Path) -> PoseTrack:
        """Read a track written by :meth:`save`; raise CacheError if it is corrupt or foreign."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                header = json.loads(str(data["header"]))
                arrays = {k: data[k] for k in ("xy_px", "visibility", "presence", "world_m", "time_s")}
        except (OSError, KeyError, ValueError, zipfile.BadZipFile, json.JSONDecodeError, EOFError) as exc:
            raise CacheError(
                f"The pose track file {path} is unreadable ({exc}); it will be rebuilt."
            ) from exc
        if header.get("format_version") != TRACK_FORMAT_VERSION or header.get("landmark_names") != list(
            LANDMARK_NAMES
        ):
            raise CacheError(f"The pose track file {path} was written by another version of gait.")
        try:
            return cls(
                **arrays,
                fps=float(header["fps"]),
                frame_size_px=(int(header["frame_size_px"][0]), int(header["frame_size_px"][1])),
                source_sha256=str(header["source_sha256"]),
                model=str(header["model"]),
                meta=dict(header["meta"]),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise CacheError(
                f"The pose track file {path} is inconsistent ({exc}); it will be rebuilt."
            ) from exc
