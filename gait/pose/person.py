"""Which person is the runner: follow each person through the clip, rank them, keep one.

MediaPipe's landmarker in VIDEO mode follows one person from frame to frame; asked for several
(``num_poses`` > 1) it returned one pose per frame on the two-runner test clip, flipping between
the runners. So a clip with several people is read frame by frame in IMAGE mode with several
poses (:class:`gait.pose.MultiPoseEstimator`), and this module links those poses into identities
by the overlap of their boxes (a Hungarian assignment per frame), ranks the identities (largest,
most central, most persistent first) and keeps the one asked for. A short scan of a few frames
decides whether a clip has more than one person at all; a clip with one keeps the fast
single-person path. Pure numpy and scipy: the pose module runs the model.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from gait.errors import InputError, NoPersonError

#: Poses read per frame once a clip has several people.
MAX_PEOPLE = 4
#: Frames spread over the clip that the scan for a second person reads.
SCAN_FRAMES = 6
#: A second pose counts as a person (not a distant passer-by) when it is at least this tall
#: relative to the tallest pose in the same frame.
MIN_RELATIVE_HEIGHT = 0.4
#: A pose joins an identity when its box centre lies within this fraction of the body's height of the
#: identity's last box centre. (Box overlap was tried first: a pose that briefly spreads over the
#: neighbouring runner broke the overlap and split one runner into several identities.)
MAX_LINK_SHIFT = 0.5
#: A pose left over after the assignment whose box centre lies this close (fraction of the height)
#: to a pose assigned in the same frame is the model reading the same person twice: it is dropped.
DUPLICATE_SHIFT = 0.2
#: A frame where the chosen person's mid-hip lies further than this fraction of their height from
#: its running median (over :data:`GLITCH_WINDOW` frames) is a pose that slid onto someone else:
#: it is blanked (the signal stage fills short gaps).
GLITCH_SHIFT = 0.15
GLITCH_WINDOW = 9
#: An identity not seen for longer than this ends; a pose seen later starts a new one.
MAX_LINK_GAP_S = 1.0
#: Identities seen in fewer than this fraction of the frames that show anyone are not ranked
#: (a passer-by, a pose flickering on a background figure).
MIN_PERSISTENCE = 0.1
#: Version of the way people are found and chosen, in the pose cache key (tracks cached before
#: the choice existed followed whoever MediaPipe found first).
PEOPLE_SCHEME = 1
#: How the default choice is made, in words for the outputs.
DEFAULT_RULE = "the largest, most central and most persistent person"


@dataclass(frozen=True)
class PersonSpec:
    """Which person to follow: the ``rank``-th by :func:`rank_identities` (1: the default), or the
    one nearest ``point_px`` (x, y in pixels of the upright frame)."""

    rank: int = 1
    point_px: tuple[float, float] | None = None

    @classmethod
    def parse(cls, text: str | None) -> PersonSpec:
        """``None``/"" -> the default; "N" -> the N-th person; "X,Y" -> the person nearest that point.

        Raises ValueError with a sentence for the command line.
        """
        text = (text or "").strip()
        if not text:
            return cls()
        if re.fullmatch(r"\d+", text):
            if int(text) < 1:
                raise ValueError("--person N counts from 1 (the default runner).")
            return cls(rank=int(text))
        parts = text.split(",")
        try:
            x, y = (float(p) for p in parts)
        except ValueError:
            raise ValueError(
                f"--person takes a number (2: the second person) or a point X,Y in pixels, not {text!r}."
            ) from None
        if not (math.isfinite(x) and math.isfinite(y)):
            raise ValueError(f"--person X,Y needs finite pixel coordinates, not {text!r}.")
        return cls(point_px=(x, y))

    @property
    def is_default(self) -> bool:
        return self.point_px is None and self.rank == 1

    @property
    def key(self) -> str:
        """A short text naming the choice (cache key, summary.json): "1", "2" or "x,y"."""
        if self.point_px is not None:
            return f"{self.point_px[0]:g},{self.point_px[1]:g}"
        return str(self.rank)


def boxes_px(poses: np.ndarray, frame_size_px: tuple[int, int]) -> np.ndarray:
    """(..., 4) boxes x0, y0, x1, y1 in pixels around (..., 33, >=2) normalised landmarks (NaN: none)."""
    xy = poses[..., :2] * np.asarray(frame_size_px, float)
    with np.errstate(invalid="ignore"):
        found = np.isfinite(xy[..., 0]).any(axis=-1)
        filled = np.where(found[..., None, None], xy, 0.0)
        box = np.concatenate((np.nanmin(filled, axis=-2), np.nanmax(filled, axis=-2)), axis=-1)
    return np.where(found[..., None], box, np.nan)


def centre_shift(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(n, m) distance between the centres of boxes ``a`` (n, 4) and ``b`` (m, 4) over the taller's height."""
    centre_a, centre_b = (a[:, :2] + a[:, 2:]) / 2, (b[:, :2] + b[:, 2:]) / 2
    dist = np.linalg.norm(centre_a[:, None] - centre_b[None, :], axis=-1)
    tall = np.maximum((a[:, 3] - a[:, 1])[:, None], (b[:, 3] - b[:, 1])[None, :])
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(dist / tall, nan=np.inf)


def people_seen(boxes: np.ndarray) -> int:
    """How many people of comparable size the frames of (frames, poses, 4) boxes show at most.

    A pose shorter than :data:`MIN_RELATIVE_HEIGHT` of the tallest one in its frame is not counted,
    nor one centred within :data:`DUPLICATE_SHIFT` of a taller one (the same person read twice).
    """
    most = 0
    for frame in boxes.reshape(-1, *boxes.shape[-2:]):  # a few frames: the scan's
        found = frame[np.isfinite(frame).all(axis=-1)]
        height = found[:, 3] - found[:, 1]
        found = found[np.argsort(-height)][np.sort(-height) <= -MIN_RELATIVE_HEIGHT * height.max(initial=0)]
        people: list[np.ndarray] = []
        for box in found:
            if not people or centre_shift(box[None], np.asarray(people)).min() > DUPLICATE_SHIFT:
                people.append(box)
        most = max(most, len(people))
    return most


def link_identities(boxes: np.ndarray, fps: float) -> np.ndarray:
    """(frames, poses) identity of every pose (-1: no pose), linking (frames, poses, 4) boxes.

    Each frame's poses are assigned to the identities seen within :data:`MAX_LINK_GAP_S` by the
    Hungarian method on the distance to each identity's last box centre (:func:`centre_shift`); a
    pose further than :data:`MAX_LINK_SHIFT` from every free identity starts a new one, unless it
    duplicates a pose already assigned in the frame (:data:`DUPLICATE_SHIFT`), when it is dropped.
    """
    from scipy.optimize import linear_sum_assignment  # here: importing gait.pose.person stays light

    n_frames, n_poses = boxes.shape[:2]
    ids = np.full((n_frames, n_poses), -1, int)
    last_box: list[np.ndarray] = []
    last_frame: list[int] = []
    max_gap = max(1, round(MAX_LINK_GAP_S * fps))
    for f in range(n_frames):
        present = np.flatnonzero(np.isfinite(boxes[f, :, 0]))
        if not present.size:
            continue
        alive = [i for i, seen in enumerate(last_frame) if f - seen <= max_gap]
        assigned: dict[int, int] = {}
        if alive:
            shift = centre_shift(boxes[f, present], np.stack([last_box[i] for i in alive]))
            rows, cols = linear_sum_assignment(np.minimum(shift, 1e6))
            assigned = {
                int(r): alive[c] for r, c in zip(rows, cols, strict=True) if shift[r, c] <= MAX_LINK_SHIFT
            }
        placed = list(assigned)
        for r, pose in enumerate(present):
            if r in assigned:
                continue
            if (
                placed
                and centre_shift(boxes[f, pose][None], boxes[f, present[placed]]).min() <= DUPLICATE_SHIFT
            ):
                continue  # the same person read twice
            assigned[r] = len(last_box)
            placed.append(r)
            last_box.append(boxes[f, pose])
            last_frame.append(f)
        for r, identity in assigned.items():
            ids[f, present[r]] = identity
            last_box[identity], last_frame[identity] = boxes[f, present[r]], f
    return ids


@dataclass(frozen=True)
class Identity:
    """One person followed through the clip and why they rank where they do."""

    id: int
    frames: int  # frames the person is seen in
    height_fraction: float  # median box height / frame height
    centrality: float  # median 1 - |box centre x - frame centre| / half the frame width
    score: float  # sum over the frames seen of height fraction x centrality
    box_px: tuple[float, float, float, float]  # median box

    @property
    def centre_px(self) -> tuple[float, float]:
        x0, y0, x1, y1 = self.box_px
        return (x0 + x1) / 2, (y0 + y1) / 2


def rank_identities(boxes: np.ndarray, ids: np.ndarray, frame_size_px: tuple[int, int]) -> list[Identity]:
    """Identities seen in at least :data:`MIN_PERSISTENCE` of the frames showing anyone, best first.

    The score sums, over the frames a person is seen in, their height as a fraction of the frame's
    times how central they are: large, central and persistent all count.
    """
    width, height = frame_size_px
    anyone = int((ids >= 0).any(axis=1).sum())
    ranked = []
    for identity in np.unique(ids[ids >= 0]):
        mine = boxes[ids == identity]
        if len(mine) < MIN_PERSISTENCE * anyone:
            continue
        tall = (mine[:, 3] - mine[:, 1]) / height
        central = np.clip(1 - np.abs((mine[:, 0] + mine[:, 2]) / 2 - width / 2) / (width / 2), 0, 1)
        box = np.median(mine, axis=0)
        ranked.append(
            Identity(
                int(identity),
                len(mine),
                float(np.median(tall)),
                float(np.median(central)),
                float(np.sum(tall * central)),
                (float(box[0]), float(box[1]), float(box[2]), float(box[3])),
            )
        )
    return sorted(ranked, key=lambda p: -p.score)


def choose(ranked: list[Identity], spec: PersonSpec) -> int:
    """The index into ``ranked`` of the person ``spec`` asks for (NoPersonError when there is none)."""
    if not ranked:
        raise NoPersonError("No person was followed long enough in this clip to be analysed.")
    if spec.point_px is not None:
        x, y = spec.point_px
        return int(np.argmin([math.dist((x, y), p.centre_px) for p in ranked]))
    if spec.rank > len(ranked):
        raise NoPersonError(
            f"--person {spec.rank} asks for the {_ordinal(spec.rank)} person, but this clip shows "
            f"{len(ranked)} {'person' if len(ranked) == 1 else 'people'} long enough to follow."
        )
    return spec.rank - 1


def _ordinal(n: int) -> str:
    return f"{n}{'tsnrhtdd'[(n // 10 % 10 != 1) * (n % 10 < 4) * n % 10 :: 4]}"


def select_person(
    poses: np.ndarray, fps: float, frame_size_px: tuple[int, int], spec: PersonSpec
) -> tuple[np.ndarray, dict[str, Any]]:
    """The chosen person's (frames, 33, cols) detections out of (frames, poses, 33, cols), and the
    facts for ``PoseTrack.meta["person"]`` (see :func:`person_meta`)."""
    boxes = boxes_px(poses, frame_size_px)
    ids = link_identities(boxes, fps)
    ranked = rank_identities(boxes, ids, frame_size_px)
    index = choose(ranked, spec)
    chosen = ranked[index]
    out = np.full((poses.shape[0], *poses.shape[2:]), np.nan, poses.dtype)
    frame, slot = np.nonzero(ids == chosen.id)
    out[frame] = poses[frame, slot]
    glitches = glitch_frames(out, frame_size_px)
    out[glitches] = np.nan
    return out, person_meta(spec, ranked, index, multi=True) | {"glitch_frames": int(glitches.sum())}


def glitch_frames(poses: np.ndarray, frame_size_px: tuple[int, int]) -> np.ndarray:
    """(frames,) bool: frames of one person's (frames, 33, cols) poses whose mid-hip jumps off its
    running median by more than :data:`GLITCH_SHIFT` of the person's height."""
    hips = (poses[:, 23, :2] + poses[:, 24, :2]) / 2 * np.asarray(frame_size_px, float)
    boxes = boxes_px(poses, frame_size_px)
    height = np.nanmedian(boxes[:, 3] - boxes[:, 1]) if np.isfinite(boxes[:, 0]).any() else np.nan
    half = GLITCH_WINDOW // 2
    padded = np.pad(hips, ((half, half), (0, 0)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, GLITCH_WINDOW, axis=0)
    with warnings.catch_warnings(), np.errstate(invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows: nobody seen around there
        median = np.nanmedian(windows, axis=-1)
        return np.linalg.norm(hips - median, axis=-1) > GLITCH_SHIFT * height


def person_meta(
    spec: PersonSpec, ranked: list[Identity], index: int, multi: bool, scanned: bool = True
) -> dict[str, Any]:
    """JSON facts on the choice: what was asked, how many people, the chosen one's rank and box.

    ``scanned`` False: nobody looked for other people (``--backend onnx``, ``--symmetric``).
    """
    chosen = ranked[index] if ranked else None
    how = (
        f"the person nearest ({spec.point_px[0]:g}, {spec.point_px[1]:g}) px"
        if spec.point_px is not None
        else DEFAULT_RULE
        if spec.rank == 1
        else f"the {_ordinal(spec.rank)} by size, centrality and persistence"
    )
    return {
        "requested": spec.key,
        "people": len(ranked) if multi else 1,
        "rank": index + 1,
        "how": how,
        "multi_pose": multi,
        "scanned": scanned,
        "frames": chosen.frames if chosen else None,
        "box_px": [round(v, 1) for v in chosen.box_px] if chosen else None,
    }


def check_supported(spec: PersonSpec, backend: str, symmetric: bool) -> None:
    """Raise InputError when a chosen person cannot be followed with these pose settings."""
    if spec.is_default:
        return
    if backend != "mediapipe":
        raise InputError(f"--person is not supported with --backend {backend}: use --backend mediapipe.")
    if symmetric:
        raise InputError("--person is not supported with --symmetric yet: leave out one of the two.")


def describe(meta: dict[str, Any] | None) -> str:
    """One sentence on who was followed, from ``PoseTrack.meta["person"]`` ("" when unknown)."""
    if not meta:
        return ""
    people = meta.get("people") or 1
    if not meta.get("scanned", True):
        return "Runner: whoever the pose model found (others are looked for with default pose settings only)."
    if not meta.get("multi_pose"):
        return f"Runner: the only person seen ({SCAN_FRAMES} frames spread over the clip checked for others)."
    others = (
        f"; --person {2 if meta['rank'] == 1 else 1} or --person X,Y follows another" if people > 1 else ""
    )
    return f"Runner: person {meta['rank']} of {people}, {meta['how']}{others}."
