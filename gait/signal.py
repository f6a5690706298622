"""Signal conditioning of a PoseTrack: swap repair, visibility gating, gap filling, low-pass.

Every step is a pure function from arrays to arrays; :func:`clean_track` chains them into
PoseTrack -> :class:`CleanedTrack`. The order matters:

1. repair left/right leg swaps from temporal continuity (on the raw points, before any
   gating can hide the jump that reveals a swap);
2. drop points whose visibility is below a threshold (they become NaN);
3. fill gaps of at most ``max_gap_s`` by linear interpolation (longer gaps stay NaN);
4. low-pass each contiguous run with a zero-phase Butterworth filter whose cutoff follows
   the frame rate and the step frequency (:func:`choose_cutoff_hz`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, detrend, sosfiltfilt

from gait.metrics.common import (
    ANKLES,
    HEELS,
    HIPS,
    KNEES,
    TOES,
    leg_length_px,
    mid_hip_px,
    norm,
)
from gait.track import PoseTrack

#: Landmarks of each leg chain that swap together: hip, knee, ankle, heel, toe (left, right).
LEFT_CHAIN = np.array([HIPS[0], KNEES[0], ANKLES[0], HEELS[0], TOES[0]])
RIGHT_CHAIN = np.array([HIPS[1], KNEES[1], ANKLES[1], HEELS[1], TOES[1]])

#: Order of the zero-phase Butterworth low-pass (applied forward and backward, so the
#: effective order is twice this and the phase lag is zero).
FILTER_ORDER = 4
#: Cutoff as a multiple of the step frequency. Running kinematics have little power above
#: the 4th harmonic of the step frequency (8th of the stride frequency); the
#: pose-model jitter we want to remove is broadband, so higher cutoffs only let noise in.
CUTOFF_STEP_HARMONICS = 4.0
#: Floor on the cutoff: Sports2D's default for walking is 6 Hz; running never needs less.
MIN_CUTOFF_HZ = 6.0
#: Ceiling on the cutoff as a fraction of the Nyquist frequency, so the filter always does
#: something and its response stays well-behaved near Nyquist.
MAX_CUTOFF_NYQUIST_FRACTION = 0.8
#: Cutoff used when no step frequency can be estimated from the mid-hip bounce.
DEFAULT_CUTOFF_HZ = 12.0
#: Band searched for the step frequency of the mid-hip bounce: 72-270 steps/min.
STEP_BAND_HZ = (1.2, 4.5)


@dataclass(frozen=True, eq=False)
class CleanedTrack:
    """The cleaned track and what cleaning did to it.

    Attributes
    ----------
    track : PoseTrack
        The conditioned track (same frames as the input).
    swapped : (frames,) bool
        Frames whose left and right leg chains were exchanged by the swap repair.
    filled_points : int
        Number of landmark coordinates filled by gap interpolation.
    dropped_points : int
        Number of landmark coordinates set to NaN for low visibility.
    step_frequency_hz : float
        Step frequency of the mid-hip bounce used to choose the cutoff (NaN if none).
    cutoff_hz : float
        Low-pass cutoff that was applied.
    """

    track: PoseTrack
    swapped: np.ndarray
    filled_points: int
    dropped_points: int
    step_frequency_hz: float
    cutoff_hz: float


def repair_leg_swaps(
    xy_px: np.ndarray, scale_px: float, min_jump: float = 0.3, ratio: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Undo left/right leg-label swaps detected from frame-to-frame continuity.

    Between consecutive frames with a person, the cost of keeping the labels is the mean
    displacement of each leg chain's points; the cost of a swap is the mean distance from
    each leg to the *other* leg's previous position. A frame where swapping is much cheaper
    (``d_swap < ratio * d_keep``) and the kept labels would jump by more than
    ``min_jump * scale_px`` toggles the swap state; the state is the running parity of
    those toggles, so a swapped stretch is undone between its two jumps.

    Parameters
    ----------
    xy_px : (frames, 33, 2) float
        Landmarks in pixels; NaN where missing.
    scale_px : float
        A body scale in pixels (leg length).
    min_jump : float
        Smallest label jump, in units of ``scale_px``, that can reveal a swap.
    ratio : float
        How much cheaper the swapped labelling must be.

    Returns
    -------
    xy_px : (frames, 33, 2) float
        A copy with the leg chains exchanged on swapped frames.
    swapped : (frames,) bool
        True on frames that were exchanged.

    Notes
    -----
    A swap that begins or ends while the legs overlap (they cross twice per stride in a
    side view) leaves no jump and cannot be seen by continuity alone.
    """
    left, right = xy_px[:, LEFT_CHAIN], xy_px[:, RIGHT_CHAIN]
    frames = len(xy_px)
    present = np.isfinite(left).any(axis=(1, 2)) & np.isfinite(right).any(axis=(1, 2))
    prev = _previous_true_index(present)
    has_prev = present & (prev >= 0)
    prev_safe = np.maximum(prev, 0)
    d_keep = _mean_point_distance(left, left[prev_safe]) + _mean_point_distance(right, right[prev_safe])
    d_swap = _mean_point_distance(left, right[prev_safe]) + _mean_point_distance(right, left[prev_safe])
    with np.errstate(invalid="ignore"):
        toggle = has_prev & (d_swap < ratio * d_keep) & (d_keep > min_jump * scale_px)
    swapped = (np.cumsum(toggle) % 2).astype(bool) if frames else np.zeros(0, bool)
    out = xy_px.copy()
    rows = np.flatnonzero(swapped)
    out[rows[:, None], LEFT_CHAIN[None, :]] = xy_px[rows[:, None], RIGHT_CHAIN[None, :]]
    out[rows[:, None], RIGHT_CHAIN[None, :]] = xy_px[rows[:, None], LEFT_CHAIN[None, :]]
    return out, swapped


def _previous_true_index(mask: np.ndarray) -> np.ndarray:
    """For each frame, the index of the last earlier frame where ``mask`` is True, else -1."""
    idx = np.where(mask, np.arange(len(mask)), -1)
    last = np.maximum.accumulate(idx) if len(idx) else idx
    return np.concatenate(([-1], last[:-1])) if len(idx) else idx


def _mean_point_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Mean over points of the distance between ``a`` and ``b``, ``(frames,)``; NaN-tolerant."""
    d = norm(a - b)
    count = np.sum(np.isfinite(d), axis=1)
    total = np.nansum(d, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def drop_low_visibility(xy_px: np.ndarray, visibility: np.ndarray, min_visibility: float) -> np.ndarray:
    """A copy of ``xy_px`` with points whose visibility is below ``min_visibility`` set to NaN."""
    out = xy_px.copy()
    with np.errstate(invalid="ignore"):
        out[visibility < min_visibility] = np.nan
    return out


def fill_short_gaps(values: np.ndarray, max_gap_frames: int) -> np.ndarray:
    """Linearly interpolate NaN gaps of at most ``max_gap_frames`` along axis 0.

    Gaps at the start or end of a series, and longer gaps, stay NaN: interpolating across
    them would invent motion.

    Parameters
    ----------
    values : (frames, ...) float
        Any number of series along the first axis.
    max_gap_frames : int
        Longest gap (in frames) to fill.

    Returns
    -------
    (frames, ...) float
        A filled copy.
    """
    shape = values.shape
    x = values.reshape(shape[0], -1).astype(float, copy=True)
    missing = np.isnan(x)
    cols = np.flatnonzero(missing.any(axis=0))
    if max_gap_frames < 1 or cols.size == 0:
        return x.reshape(shape)
    sub, miss = x[:, cols], missing[:, cols]
    frames = shape[0]
    rows = np.arange(frames)[:, None]
    prev = np.maximum.accumulate(np.where(miss, -1, rows), axis=0)
    nxt = np.minimum.accumulate(np.where(miss, frames, rows)[::-1], axis=0)[::-1]
    fill = miss & (prev >= 0) & (nxt < frames) & (nxt - prev - 1 <= max_gap_frames)
    r, c = np.nonzero(fill)
    p, n = prev[r, c], nxt[r, c]
    weight = (r - p) / (n - p)
    sub[r, c] = sub[p, c] + weight * (sub[n, c] - sub[p, c])
    x[:, cols] = sub
    return x.reshape(shape)


def _true_runs(mask: np.ndarray) -> np.ndarray:
    """``(runs, 2)`` start/stop (exclusive) of the runs of True in a 1-D boolean array."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return np.column_stack((np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def lowpass_zero_phase(values: np.ndarray, fps: float, cutoff_hz: float, order: int = FILTER_ORDER) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0, filtering each finite run separately.

    NaN stays NaN: series are grouped by their pattern of missing frames, and each run of
    finite frames is filtered on its own (``scipy.signal.sosfiltfilt``), so no value
    leaks across a gap. Runs too short for the filter's edge padding are left unfiltered.

    Parameters
    ----------
    values : (frames, ...) float
        Series along the first axis.
    fps : float
        Sampling rate in frames per second.
    cutoff_hz : float
        -3 dB frequency of each pass (the forward-backward response is -6 dB there).
    order : int
        Butterworth order of each pass.

    Returns
    -------
    (frames, ...) float
        The filtered copy.
    """
    shape = values.shape
    x = values.reshape(shape[0], -1).astype(float, copy=True)
    if shape[0] == 0 or x.shape[1] == 0:
        return x.reshape(shape)
    sos = butter(order, cutoff_hz, fs=fps, output="sos")
    padlen = 3 * (2 * len(sos) + 1)
    finite = np.isfinite(x)
    patterns, group = np.unique(finite.T, axis=0, return_inverse=True)
    group = np.ravel(group)
    for g, pattern in enumerate(patterns):
        cols = np.flatnonzero(group == g)
        for start, stop in _true_runs(pattern):
            if stop - start > padlen:
                block = np.ascontiguousarray(x[start:stop, cols].T, dtype=np.float32)
                x[start:stop, cols] = sosfiltfilt(sos, block, axis=-1).T
    return x.reshape(shape)


def dominant_frequency_hz(signal: np.ndarray, fps: float, band_hz: tuple[float, float] = STEP_BAND_HZ) -> float:
    """Frequency of the largest spectral peak of ``signal`` inside ``band_hz``.

    NaN samples are interpolated, the series is linearly detrended, Hann-windowed and
    zero-padded (at least 16384 points), and the peak is refined by parabolic
    interpolation of the log magnitude. If the spectrum at twice the peak frequency is at
    least half the peak, the peak is taken to be a sub-harmonic and the double is returned
    (a runner's mid-hip bounces once per step; asymmetry adds a stride-rate component).

    Returns
    -------
    float
        Frequency in Hz, or NaN when fewer than two seconds of data are available.
    """
    y = np.asarray(signal, dtype=float)
    ok = np.isfinite(y)
    if ok.sum() < 2 * fps:
        return float("nan")
    idx = np.arange(len(y))
    y = np.interp(idx, idx[ok], y[ok])
    y = detrend(y) * np.hanning(len(y))
    n_fft = max(1 << int(np.ceil(np.log2(len(y)))), 16384)
    spectrum = np.abs(np.fft.rfft(y, n_fft))
    freqs = np.fft.rfftfreq(n_fft, 1.0 / fps)
    in_band = np.flatnonzero((freqs >= band_hz[0]) & (freqs <= min(band_hz[1], fps / 2)))
    if in_band.size < 3:
        return float("nan")
    k = int(in_band[np.argmax(spectrum[in_band])])
    double = int(round(2 * k))
    if double <= in_band[-1] and spectrum[max(double - 2, 0) : double + 3].max() >= 0.5 * spectrum[k]:
        k = double - 2 + int(np.argmax(spectrum[max(double - 2, 0) : double + 3]))
    return float(freqs[k] + _parabolic_offset(np.log(spectrum[k - 1 : k + 2] + 1e-12)) * freqs[1])


def _parabolic_offset(three: np.ndarray) -> float:
    """Sub-bin offset (-0.5..0.5) of the vertex of a parabola through three samples."""
    if len(three) < 3:
        return 0.0
    a, b, c = three
    denom = a - 2 * b + c
    return float(np.clip(0.5 * (a - c) / denom, -0.5, 0.5)) if denom != 0 else 0.0


def choose_cutoff_hz(fps: float, step_frequency_hz: float) -> float:
    """Low-pass cutoff from the frame rate and the step frequency.

    ``CUTOFF_STEP_HARMONICS`` times the step frequency (about 11-13 Hz at 170-190
    steps/min), at least ``MIN_CUTOFF_HZ``, at most ``MAX_CUTOFF_NYQUIST_FRACTION`` of the
    Nyquist frequency; ``DEFAULT_CUTOFF_HZ`` when the step frequency is unknown.
    """
    target = CUTOFF_STEP_HARMONICS * step_frequency_hz if np.isfinite(step_frequency_hz) else DEFAULT_CUTOFF_HZ
    ceiling = MAX_CUTOFF_NYQUIST_FRACTION * fps / 2
    return float(min(max(target, MIN_CUTOFF_HZ), ceiling))


def clean_track(
    track: PoseTrack,
    *,
    min_visibility: float = 0.3,
    max_gap_s: float = 0.1,
    cutoff_hz: float | None = None,
    landmarks: Sequence[int] | None = None,
) -> CleanedTrack:
    """Condition a raw PoseTrack: swap repair, visibility gating, gap filling, low-pass.

    Parameters
    ----------
    track : PoseTrack
        The track as the pose model gave it.
    min_visibility : float
        Points less visible than this become NaN before gap filling.
    max_gap_s : float
        Longest gap filled by interpolation, in seconds.
    cutoff_hz : float, optional
        Force the low-pass cutoff; by default :func:`choose_cutoff_hz`.
    landmarks : sequence of int, optional
        Landmarks to gate, fill and filter (default: all 33); the others pass through
        after swap repair.

    Returns
    -------
    CleanedTrack
    """
    xy = track.xy_px.astype(float)
    scale_px = float(np.nanmedian(leg_length_px(xy))) if np.isfinite(xy).any() else float("nan")
    xy, swapped = repair_leg_swaps(xy, scale_px)
    vis = track.visibility.copy()
    vis[swapped[:, None] & np.isin(np.arange(33), LEFT_CHAIN)[None, :]] = track.visibility[swapped][:, RIGHT_CHAIN]
    vis[swapped[:, None] & np.isin(np.arange(33), RIGHT_CHAIN)[None, :]] = track.visibility[swapped][:, LEFT_CHAIN]
    sel = np.arange(33) if landmarks is None else np.asarray(landmarks)
    part = xy[:, sel]
    gated = drop_low_visibility(part, vis[:, sel], min_visibility)
    dropped = int(np.sum(np.isnan(gated)) - np.sum(np.isnan(part)))
    filled = fill_short_gaps(gated, int(np.floor(max_gap_s * track.fps + 1e-9)))
    n_filled = int(np.sum(np.isnan(gated)) - np.sum(np.isnan(filled)))
    xy_filled = xy.copy()
    xy_filled[:, sel] = filled
    f_step = dominant_frequency_hz(mid_hip_px(xy_filled)[:, 1], track.fps)
    cutoff = choose_cutoff_hz(track.fps, f_step) if cutoff_hz is None else float(cutoff_hz)
    xy_filled[:, sel] = lowpass_zero_phase(filled, track.fps, cutoff)
    cleaned = track.replace(xy_px=xy_filled, visibility=vis)
    return CleanedTrack(cleaned, swapped, n_filled, dropped, f_step, cutoff)
