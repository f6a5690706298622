"""PSIS skin markers in rear views: two round stickers over the posterior superior iliac spines, found
in every frame, and the standing trial that gives their resting tilt.

The pose model's hip points follow the thighs, not the pelvis (docs/validation.md), so the pelvis line
of the 2D clinical method is drawn through two stickers instead (Dingenen et al. 2018). Per frame:

1. a search window from the pose model's hips and shoulders (the low back of the followed runner:
   a second person's stickers, a shoe or a logo far from it are never looked at);
2. pixels of the stickers' colour (hue within :data:`HUE_TOLERANCE_DEG`, saturated and not dark),
   as connected blobs of a sticker's size and roundness;
3. the pair that fits two stickers over a pelvis: about level, a plausible distance apart for the
   hip width, centred on the mid-hip, alike in size; a blob much smaller than that sticker's usual
   size is part-covered (a shirt hem) and left out rather than read off-centre;
4. each sticker's centre as the weighted centroid of its colour score (sub-pixel: the anti-aliased
   rim counts in proportion).

Left is the image left in a rear view (the runner's back is to the camera). Over the clip, a frame
far from its neighbours is dropped, gaps up to :data:`MAX_BRIDGED_S` are bridged by linear
interpolation and longer ones stay empty, with a note. The colour is found without being told
(the hue whose pairs are found most often in frames spread over the clip) unless named.

The standing trial (:func:`standing_frames`) is the still stretch at the start of a clip, before
running starts: the stickers' tilt there holds their placement error and the camera's roll, which
the engine subtracts.
"""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from gait.errors import InputError
from gait.options import NAMED_HUES_DEG, hue_of
from gait.track import LANDMARK_INDEX, PoseTrack
from gait.video import Frame, VideoInfo, frames_at, iter_frames

#: A pixel belongs to a sticker when its hue is this close to the sticker's (deg) ...
HUE_TOLERANCE_DEG = 22.0
#: ... and it is this saturated and bright (OpenCV's 0-255 scale). Skin is below 0.5 saturation.
MIN_SATURATION, MIN_VALUE = 120, 60
#: Sticker diameter against the pose model's hip-point width: 22 mm on about 140 mm (PSIS are about
#: 90 mm apart); the search allows a wide range around it.
DIAMETER_PER_HIP_WIDTH = (0.05, 0.45)
#: Distance between the two stickers against the hip-point width (PSIS about 0.6 of it).
SEPARATION_PER_HIP_WIDTH = (0.25, 1.4)
#: Largest tilt of the sticker line accepted, deg: pelvic drop stays well under 15 deg.
MAX_LINE_TILT_DEG = 25.0
#: A blob below this fraction of its sticker's usual area is part-covered: left out (on the bench a
#: half-covered sticker read 0.47-0.66 of its area, uncovered ones 0.91-1.09 in 90% of frames).
MIN_AREA_FRACTION = 0.75
#: Gaps up to this long are bridged by interpolation; longer ones stay empty (noted).
MAX_BRIDGED_S = 0.25
#: A frame whose sticker line turns more than this (deg), stretches more than this share, or whose
#: midpoint shifts against the mid-hip more than this (hip widths), from its neighbours' median, is
#: dropped (a wrong blob).
MAX_TURN_DEG, MAX_STRETCH, MAX_SHIFT_HIP_WIDTHS = 6.0, 0.25, 0.25
#: A named colour is looked for this far either side of its nominal hue (deg): cameras and light
#: shift it.
NAMED_HUE_REACH_DEG = 35.0
#: Stickers smaller than this across (px) are not measured: on the bench 3-4 px stickers (22 mm at
#: 5 m, 720x1280) read pelvic drop with a slope of 0.74; 5-7 px ones (3.2 m) with 1.00
#: (docs/validation.md).
MIN_DIAMETER_PX = 5.0
#: Frames sampled over the clip to find the stickers' colour.
COLOUR_SAMPLE_FRAMES = 40
#: Markers count as found in the clip when pairs are found in at least this share of sampled frames.
MIN_FOUND_SHARE = 0.5
#: Standing: the leading still stretch, at least this long (s), ankles and hips moving less than
#: this many leg lengths within any 0.5 s; its last 0.3 s (the start of running) is left out.
MIN_STANDING_S, STILL_LEG_LENGTHS, STANDING_MARGIN_S = 1.0, 0.08, 0.3


@dataclass(frozen=True)
class MarkerTrack:
    """The two PSIS stickers through a clip.

    Attributes
    ----------
    xy_px : (frames, 2, 2) float
        Left and right sticker centres, image pixels (x right, y down), after bridging; NaN where
        there is no sticker pair.
    found : (frames,) bool
        Frames where the pair was seen (before bridging).
    searched : (frames,) bool
        Frames where the runner was there to look at.
    hue_deg : float
        The stickers' hue.
    colour_named : bool
        True when the user named the colour, False when it was found.
    diameter_px : float
        Median sticker diameter.
    long_gaps_s : tuple of (start_s, end_s)
        Gaps too long to bridge.
    standing : (first, end) frames
        The standing trial at the start of the clip ((0, 0) when there is none).
    resting_from, resting_tilt :
        The name of a separate standing clip and the resting tilt it gave (:func:`resting_tilt_of`),
        which then stands for the standing trial.
    block_check : (measured, expected low, expected high), deg
        The set-up check (``--static-block-mm``, gait.metrics.pelvis.block_check).
    """

    xy_px: np.ndarray
    found: np.ndarray
    searched: np.ndarray
    hue_deg: float
    colour_named: bool
    diameter_px: float
    long_gaps_s: tuple[tuple[float, float], ...] = ()
    standing: tuple[int, int] = (0, 0)
    resting_from: str = ""  # a separate standing clip (``--static``) gave the resting tilt
    resting_tilt: float | None = None  # ... this one
    block_check: tuple[float, float, float] | None = None  # measured, expected low and high (deg)

    @property
    def usable(self) -> bool:
        """Both stickers seen in at least :data:`MIN_FOUND_SHARE` of the frames showing the runner, and
        at least :data:`MIN_DIAMETER_PX` across (:attr:`too_small`)."""
        return self.detection_rate >= MIN_FOUND_SHARE and not self.too_small

    @property
    def too_small(self) -> bool:
        """Found, but smaller in the picture than the bench validated them."""
        return self.detection_rate >= MIN_FOUND_SHARE and not self.diameter_px >= MIN_DIAMETER_PX

    @property
    def colour_name(self) -> str:
        """The nearest named colour to the stickers' hue."""
        if not math.isfinite(self.hue_deg):
            return "none"
        distance = {k: abs((h - self.hue_deg + 180.0) % 360.0 - 180.0) for k, h in NAMED_HUES_DEG.items()}
        return min(distance, key=lambda k: distance[k])

    @property
    def detection_rate(self) -> float:
        """Share of the frames showing the runner in which both stickers were seen."""
        n = int(self.searched.sum())
        return float((self.found & self.searched).sum()) / n if n else 0.0

    def line_tilt_deg(self) -> np.ndarray:
        """(frames,) the sticker line's angle below the image horizontal on the right sticker's side,
        degrees (the convention of :func:`gait.metrics.pelvis.right_hip_drop_deg`)."""
        left, right = self.xy_px[:, 0], self.xy_px[:, 1]
        return np.degrees(np.arctan2(right[:, 1] - left[:, 1], np.abs(left[:, 0] - right[:, 0])))

    def standing_tilt_deg(self) -> float | None:
        """Median sticker-line tilt over the standing trial, or None without one (or without
        stickers seen in most of it)."""
        if self.resting_from:
            return self.resting_tilt
        first, end = self.standing
        if end <= first or self.found[first:end].mean() < 0.8:
            return None
        return float(np.nanmedian(self.line_tilt_deg()[first:end]))


# --------------------------------------------------------------------------- one frame


def search_window(xy_px: np.ndarray, frame_size_px: tuple[int, int]) -> tuple[slice, slice, float] | None:
    """Rows, columns and hip width (px) of the low back in one frame's landmarks (33, 2), or None."""
    hips = xy_px[[LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]]
    shoulders = xy_px[[LANDMARK_INDEX["left_shoulder"], LANDMARK_INDEX["right_shoulder"]]]
    if not (np.isfinite(hips).all() and np.isfinite(shoulders).all()):
        return None
    mid_hip, mid_shoulder = hips.mean(axis=0), shoulders.mean(axis=0)
    torso = float(np.linalg.norm(mid_shoulder - mid_hip))
    hip_width = max(float(np.linalg.norm(hips[0] - hips[1])), 0.25 * torso)
    half = 0.9 * hip_width
    width, height = frame_size_px
    x0, x1 = int(max(mid_hip[0] - half, 0)), int(min(mid_hip[0] + half, width))
    y0, y1 = int(max(mid_hip[1] - 0.5 * torso, 0)), int(min(mid_hip[1] + 0.12 * torso, height))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return slice(y0, y1), slice(x0, x1), hip_width


def colour_score(hsv: np.ndarray, hue_deg: float) -> np.ndarray:
    """(h, w) 0-1: how much each pixel looks like the sticker (hue closeness times saturation)."""
    hue = hsv[..., 0].astype(np.float32) * (360.0 / 256.0)  # COLOR_BGR2HSV_FULL: 0-255
    distance = np.abs((hue - hue_deg + 180.0) % 360.0 - 180.0)
    closeness = np.clip(1.0 - distance / HUE_TOLERANCE_DEG, 0.0, 1.0)
    sat = np.clip((hsv[..., 1].astype(np.float32) - 0.6 * MIN_SATURATION) / (0.8 * MIN_SATURATION), 0, 1)
    bright = hsv[..., 2] >= MIN_VALUE
    return closeness * sat * bright


@dataclass(frozen=True)
class Blob:
    x_px: float
    y_px: float
    area_px: float


def blobs(score: np.ndarray, bgr: np.ndarray, hip_width_px: float, origin: tuple[int, int]) -> list[Blob]:
    """Sticker-sized, round blobs of ``score`` with their centres (frame pixels).

    A centre is the centroid of each pixel's share of sticker: a rim pixel that is part sticker,
    part background lies between the two colours in proportion, so its distance from the
    background's colour over the sticker's is that share (linear unmixing). Weighting by the colour
    score instead biased centres by up to 0.2 px with the rim's sub-pixel phase.
    """
    mask = (score >= 0.5).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    lo, hi = (f * hip_width_px for f in DIAMETER_PER_HIP_WIDTH)
    min_area, max_area = max(math.pi / 4 * max(lo, 2.5) ** 2, 4.0), math.pi / 4 * hi**2
    out = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if not (min_area <= area <= max_area) or max(w, h) > 2.2 * min(w, h) or area < 0.45 * w * h:
            continue
        y0, y1 = max(y - 3, 0), min(y + h + 3, score.shape[0])  # room for a background ring
        x0, x1 = max(x - 3, 0), min(x + w + 3, score.shape[1])
        patch = bgr[y0:y1, x0:x1].astype(np.float32)
        inside = labels[y0:y1, x0:x1] == i
        near = cv2.dilate(inside.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        ring = ~cv2.dilate(near.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        core = inside & (score[y0:y1, x0:x1] >= 0.8 * score[y0:y1, x0:x1][inside].max())
        if not ring.any() or not core.any():
            continue
        background, sticker = np.median(patch[ring], axis=0), np.median(patch[core], axis=0)
        span = sticker - background
        share = np.clip(((patch - background) @ span) / max(float(span @ span), 1e-6), 0.0, 1.0) * near
        total = float(share.sum())
        ys, xs = np.mgrid[y0:y1, x0:x1]
        cx = float((share * xs).sum() / total) + origin[0]
        cy = float((share * ys).sum() / total) + origin[1]
        out.append(Blob(cx, cy, total))
    return out


def best_pair(found: list[Blob], hip_width_px: float, mid_hip_x_px: float) -> tuple[Blob, Blob] | None:
    """The two blobs that fit stickers over a pelvis (image-left first), or None."""
    best, best_cost = None, math.inf
    lo, hi = (f * hip_width_px for f in SEPARATION_PER_HIP_WIDTH)
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            left, right = (a, b) if a.x_px < b.x_px else (b, a)
            dx, dy = right.x_px - left.x_px, right.y_px - left.y_px
            if not lo <= dx <= hi or abs(dy) > math.tan(math.radians(MAX_LINE_TILT_DEG)) * dx:
                continue
            size_ratio = max(a.area_px, b.area_px) / max(min(a.area_px, b.area_px), 1e-9)
            off_centre = abs((left.x_px + right.x_px) / 2 - mid_hip_x_px) / hip_width_px
            if size_ratio > 3.0 or off_centre > 0.4:
                continue
            cost = off_centre + 0.3 * math.log(size_ratio) + abs(dx / hip_width_px - 0.6)
            if cost < best_cost:
                best, best_cost = (left, right), cost
    return best


def find_pair(bgr: np.ndarray, xy_px: np.ndarray, hue_deg: float) -> tuple[np.ndarray, np.ndarray] | None:
    """One frame's sticker centres ((2, 2): left, right) and areas (2,), or None."""
    height, width = bgr.shape[:2]
    window = search_window(xy_px, (width, height))
    if window is None:
        return None
    rows, cols, hip_width = window
    hsv = cv2.cvtColor(bgr[rows, cols], cv2.COLOR_BGR2HSV_FULL)
    score = colour_score(hsv, hue_deg)
    mid_hip_x = float(xy_px[[LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], 0].mean())
    pair = best_pair(blobs(score, bgr[rows, cols], hip_width, (cols.start, rows.start)), hip_width, mid_hip_x)
    if pair is None:
        return None
    return np.array([[b.x_px, b.y_px] for b in pair]), np.array([b.area_px for b in pair])


def candidate_hues(bgr: np.ndarray, xy_px: np.ndarray) -> np.ndarray:
    """Hues (deg) of the saturated pixels in one frame's search window."""
    height, width = bgr.shape[:2]
    window = search_window(xy_px, (width, height))
    if window is None:
        return np.empty(0)
    hsv = cv2.cvtColor(bgr[window[0], window[1]], cv2.COLOR_BGR2HSV_FULL).reshape(-1, 3)
    keep = (hsv[:, 1] >= MIN_SATURATION) & (hsv[:, 2] >= MIN_VALUE)
    return hsv[keep, 0].astype(float) * (360.0 / 256.0)


# --------------------------------------------------------------------------- the clip


def find_colour(
    frames: Iterable[Frame], track: PoseTrack, near_deg: float | None = None, max_candidates: int = 4
) -> float | None:
    """The hue whose sticker pairs are found in the most sampled frames (at least
    :data:`MIN_FOUND_SHARE` of them), or None: no stickers in this clip. ``near_deg``: only hues within
    :data:`NAMED_HUE_REACH_DEG` of it (a named colour, as this camera and light render it)."""
    sample = list(frames)
    hues = np.concatenate([candidate_hues(f.bgr, track.xy_px[f.index]) for f in sample] or [np.empty(0)])
    if near_deg is not None:
        hues = hues[np.abs((hues - near_deg + 180.0) % 360.0 - 180.0) <= NAMED_HUE_REACH_DEG]
    if hues.size < 20:
        return None
    counts, edges = np.histogram(hues, bins=36, range=(0.0, 360.0))
    smooth = counts + 0.5 * (np.roll(counts, 1) + np.roll(counts, -1))
    local = np.flatnonzero((smooth >= np.roll(smooth, 1)) & (smooth > np.roll(smooth, -1)))
    peaks = local[np.argsort(smooth[local])[::-1][:max_candidates]]  # a shirt's hue fills one peak only
    best_hue, best_share = None, 0.0
    for peak in peaks:
        if smooth[peak] < 10:
            continue
        in_bin = hues[np.abs((hues - edges[peak] - 5.0 + 180.0) % 360.0 - 180.0) <= 15.0]
        hue = float(np.degrees(np.angle(np.exp(1j * np.radians(in_bin)).mean()))) % 360.0
        share = np.mean([find_pair(f.bgr, track.xy_px[f.index], hue) is not None for f in sample])
        if share > best_share:
            best_hue, best_share = hue, float(share)
    return best_hue if best_share >= MIN_FOUND_SHARE else None


def track_markers(
    frames: Iterable[Frame], track: PoseTrack, hue_deg: float, colour_named: bool
) -> MarkerTrack:
    """Find the sticker pair in every frame, drop outliers, bridge short gaps (see the module doc)."""
    n = track.n_frames
    xy = np.full((n, 2, 2), np.nan)
    area = np.full((n, 2), np.nan)
    searched = track.person_found.copy()
    for frame in frames:
        if frame.index >= n or not searched[frame.index]:
            continue
        hit = find_pair(frame.bgr, track.xy_px[frame.index], hue_deg)
        if hit is not None:
            xy[frame.index], area[frame.index] = hit
    hips = track.xy_px[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]]
    hip_width = float(np.nanmedian(np.linalg.norm(hips[:, 0] - hips[:, 1], axis=1)))
    xy = _drop_part_covered(xy, area)
    xy = _drop_jumps(xy, hips.mean(axis=1), track.fps, hip_width)
    found = np.isfinite(xy).all(axis=(1, 2))
    bridged, long_gaps = _bridge(xy, found, track.time_s, MAX_BRIDGED_S)
    diameter = float(2 * np.sqrt(np.nanmedian(area) / math.pi)) if np.isfinite(area).any() else math.nan
    return MarkerTrack(
        bridged, found, searched, hue_deg, colour_named, diameter, long_gaps, standing_frames(track)
    )


def _drop_part_covered(xy: np.ndarray, area: np.ndarray) -> np.ndarray:
    """NaN where either sticker's blob is well below its usual area (part-covered: off-centre)."""
    usual = np.nanmedian(area, axis=0) if np.isfinite(area).any() else np.full(2, np.nan)
    small = np.any(area < MIN_AREA_FRACTION * usual, axis=1)
    return np.where(small[:, None, None], np.nan, xy)


def _drop_jumps(xy: np.ndarray, mid_hip_px: np.ndarray, fps: float, hip_width_px: float) -> np.ndarray:
    """NaN where the pair departs from its neighbours over 0.2 s (a wrong blob taken): its line
    turning by more than :data:`MAX_TURN_DEG` or changing length by more than :data:`MAX_STRETCH`, or
    its midpoint moving against the pose model's mid-hip by more than :data:`MAX_SHIFT_HIP_WIDTHS`.
    Judged on these relative measures, not on positions: the whole pelvis moves fast at every
    landing (7 px in 3 frames at 30 fps), and that motion must be kept."""
    half = max(2, round(0.1 * fps))

    def departs(series: np.ndarray, limit: float) -> np.ndarray:
        windows = sliding_window_view(np.pad(series, half, mode="edge"), 2 * half + 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # windows with no sticker at all
            median = np.nanmedian(windows, axis=1)
        return np.abs(series - median) > limit

    line = xy[:, 1] - xy[:, 0]
    turn_deg = np.degrees(np.arctan2(line[:, 1], line[:, 0]))
    length = np.linalg.norm(line, axis=1)
    shift = (xy.mean(axis=1) - mid_hip_px) / hip_width_px
    bad = departs(turn_deg, MAX_TURN_DEG) | departs(length / np.nanmedian(length), MAX_STRETCH)
    bad |= departs(shift[:, 0], MAX_SHIFT_HIP_WIDTHS) | departs(shift[:, 1], MAX_SHIFT_HIP_WIDTHS)
    return np.where(bad[:, None, None], np.nan, xy)


def _bridge(
    xy: np.ndarray, found: np.ndarray, time_s: np.ndarray, max_gap_s: float
) -> tuple[np.ndarray, tuple[tuple[float, float], ...]]:
    """Linear interpolation over gaps up to ``max_gap_s`` between found frames; the longer gaps."""
    out = np.where(found[:, None, None], xy, np.nan)
    idx = np.flatnonzero(found)
    long_gaps = []
    for a, b in itertools.pairwise(idx):
        if b - a <= 1:
            continue
        if time_s[b] - time_s[a] <= max_gap_s:
            w = ((time_s[a + 1 : b] - time_s[a]) / (time_s[b] - time_s[a]))[:, None, None]
            out[a + 1 : b] = (1 - w) * xy[a] + w * xy[b]
        else:
            long_gaps.append((float(time_s[a + 1]), float(time_s[b - 1])))
    return out, tuple(long_gaps)


def standing_frames(track: PoseTrack) -> tuple[int, int]:
    """The standing trial: the still stretch from the first frame with the runner, before running
    starts, less its last :data:`STANDING_MARGIN_S`; (0, 0) when shorter than :data:`MIN_STANDING_S`.

    Still: within any 0.5 s the mid-ankle, the mid-hip and the height of one foot over the other
    move less than :data:`STILL_LEG_LENGTHS` leg lengths.
    """
    xy = track.xy_px
    ankles = xy[:, [LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]]]
    hips = xy[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]]
    # Label-free (the pose model swaps a still runner's parallel legs): the mid-points, and how far
    # one foot is above the other.
    points = np.column_stack(
        (ankles.mean(axis=1), hips.mean(axis=1), np.abs(np.diff(ankles[:, :, 1], axis=1)))
    )
    leg = np.linalg.norm(hips.mean(axis=1) - ankles.mean(axis=1), axis=1)
    leg_px = float(np.nanmedian(leg)) if np.isfinite(leg).any() else math.nan
    seen = np.flatnonzero(track.person_found)
    if not seen.size or not math.isfinite(leg_px):
        return (0, 0)
    first = int(seen[0])
    window = max(2, round(0.5 * track.fps))
    if track.n_frames - first < window:
        return (0, 0)
    chunks = sliding_window_view(points[first:], window, axis=0)  # (starts, columns, window)
    with np.errstate(invalid="ignore"):
        still = np.isfinite(chunks).all(axis=(1, 2)) & (
            np.ptp(chunks, axis=2).max(axis=1) <= STILL_LEG_LENGTHS * leg_px
        )
    moving = np.flatnonzero(~still)
    end = first + (int(moving[0]) if moving.size else len(still))  # the first window that is not still
    end = end + window - 1 if end > first else first  # the last window that was still ends here
    end -= round(STANDING_MARGIN_S * track.fps)
    return (first, end) if (end - first) / track.fps >= MIN_STANDING_S else (0, 0)


def find_markers(video: Path, info: VideoInfo, track: PoseTrack, colour: str | None) -> MarkerTrack:
    """The stickers of a rear-view clip: their hue, found in frames spread over the clip (near
    ``colour`` when it is named), then every frame. Not :attr:`MarkerTrack.usable` when no pair is
    found in most of the frames."""
    seen = np.flatnonzero(track.person_found)
    picks = seen[np.linspace(0, len(seen) - 1, min(COLOUR_SAMPLE_FRAMES, len(seen))).astype(int)]
    near = hue_of(colour) if colour else None
    hue = find_colour(frames_at(video, picks), track, near) if seen.size else None
    if hue is None:
        n, nan = track.n_frames, math.nan
        return MarkerTrack(np.full((n, 2, 2), nan), np.zeros(n, bool), track.person_found, nan, False, nan)
    return track_markers(iter_frames(video, info), track, hue, colour is not None)


def resting_tilt_of(static: Path, info: VideoInfo, track: PoseTrack, hue_deg: float) -> float:
    """A separate standing clip's sticker tilt (deg), found in its still frames with the running
    clip's hue (``--static``: filmed from the same place). InputError when it holds no still stretch
    with both stickers in view."""
    still = track_markers(iter_frames(static, info), track, hue_deg, True)
    first, end = standing_frames(track)
    if end <= first or still.found[first:end].mean() < 0.8:
        raise InputError(
            f"{static.name} shows no second of standing still with both stickers in view: film 2-3 s "
            "of standing from behind, from where the run was filmed."
        )
    return float(np.nanmedian(still.line_tilt_deg()[first:end]))
