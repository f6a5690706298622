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
from scipy.ndimage import median_filter
from scipy.signal import butter, detrend, find_peaks, sosfiltfilt

from gait.landmarks import ANKLES, HEELS, HIPS, KNEES, TOES, leg_length_px, mid_hip_px, norm
from gait.track import PoseTrack

#: Landmarks of each leg chain that swap together: hip, knee, ankle, heel, toe (left, right).
LEFT_CHAIN = np.array([HIPS[0], KNEES[0], ANKLES[0], HEELS[0], TOES[0]])
RIGHT_CHAIN = np.array([HIPS[1], KNEES[1], ANKLES[1], HEELS[1], TOES[1]])

#: Length of the running median that leg-swap repair compares each frame with (swaps
#: up to about half of it, ~0.12 s, are repaired; real ones last 1-5 frames at 60 fps).
SWAP_WINDOW_S = 0.25
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
    xy_px: np.ndarray, scale_px: float, window_frames: int = 9, min_offset: float = 0.15, ratio: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Undo left/right leg-label swaps detected from temporal continuity.

    Each leg chain (hip, knee, ankle, heel, toe) is reduced to its centroid, and a
    reference path of each label is its running median over ``window_frames`` frames:
    the pose model's swaps are brief glitches (one to a few frames, seen on real
    side-view clips), so the median follows the true leg through them. A frame is
    swapped when the exchanged labels sit much closer to the reference paths than the
    given ones (``cost_swap < ratio * cost_keep``) and the given ones are off their
    paths by more than ``min_offset * scale_px``.

    Parameters
    ----------
    xy_px : (frames, 33, 2) float
        Landmarks in pixels; NaN where missing.
    scale_px : float
        A body scale in pixels (leg length).
    window_frames : int
        Length of the running median (odd); swaps shorter than half of it are repaired.
    min_offset : float
        Smallest departure from the reference paths, in units of ``scale_px``, that can
        reveal a swap.
    ratio : float
        How much closer the swapped labelling must be.

    Returns
    -------
    xy_px : (frames, 33, 2) float
        ``xy_px`` with the leg chains exchanged on swapped frames (a copy if any).
    swapped : (frames,) bool
        True on frames that were exchanged.

    Notes
    -----
    A swap that lasts longer than half the window moves the reference with it and is
    not repaired; while the legs overlap (twice per stride in a side view) a swap is
    invisible and harmless.
    """
    swapped = detect_leg_swaps(
        xy_px[:, LEFT_CHAIN], xy_px[:, RIGHT_CHAIN], scale_px, window_frames, min_offset, ratio
    )
    return swap_leg_chains(xy_px, swapped), swapped


def detect_leg_swaps(
    left: np.ndarray,
    right: np.ndarray,
    scale_px: float,
    window_frames: int = 9,
    min_offset: float = 0.15,
    ratio: float = 0.5,
) -> np.ndarray:
    """(frames,) bool: frames whose leg labels are swapped (see :func:`repair_leg_swaps`).

    Parameters
    ----------
    left, right : (frames, points, 2) float
        The two leg chains as labelled by the pose model.
    """
    centroids = np.concatenate((_nan_centroid(left), _nan_centroid(right)), axis=1)  # (frames, 4)
    present = np.isfinite(centroids).all(axis=1)
    if present.sum() < 3:
        return np.zeros(len(left), bool)
    idx = np.flatnonzero(present)
    reference = median_filter(centroids[idx], size=(max(window_frames | 1, 3), 1), mode="nearest")
    cl, cr, rl, rr = centroids[idx, :2], centroids[idx, 2:], reference[:, :2], reference[:, 2:]
    cost_keep = norm(cl - rl) + norm(cr - rr)
    cost_swap = norm(cl - rr) + norm(cr - rl)
    swapped = np.zeros(len(left), bool)
    swapped[idx] = (cost_swap < ratio * cost_keep) & (cost_keep > min_offset * scale_px)
    return swapped


def _nan_centroid(points: np.ndarray) -> np.ndarray:
    """(frames, 2) mean of the finite points of each frame (NaN when none)."""
    finite = np.isfinite(points).all(axis=2, keepdims=True)
    count = finite.sum(axis=1)
    total = np.where(finite, points, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def swap_leg_chains(values: np.ndarray, swapped: np.ndarray) -> np.ndarray:
    """``values`` (landmarks on axis 1) with the leg chains exchanged on ``swapped`` frames.

    A copy when any frame is swapped; ``values`` itself otherwise.
    """
    if not swapped.any():
        return values
    out = values.copy()
    rows = np.flatnonzero(swapped)[:, None]
    out[rows, LEFT_CHAIN[None, :]] = values[rows, RIGHT_CHAIN[None, :]]
    out[rows, RIGHT_CHAIN[None, :]] = values[rows, LEFT_CHAIN[None, :]]
    return out


def level_xy(xy_px: np.ndarray, tilt_deg: float, frame_size_px: tuple[int, int]) -> np.ndarray:
    """Landmarks as a level camera would have seen them: undo a roll of ``tilt_deg`` (+ clockwise).

    A camera rolled by r makes the scene appear rotated clockwise by r; rotating every point
    counter-clockwise by r about the frame centre removes it, so a true horizontal is horizontal
    again and roll-sensitive angles (pelvic drop, femoral adduction, trunk lean) lose the +r / -r
    they gained on the two sides.
    """
    if tilt_deg == 0:
        return xy_px
    a = np.radians(-tilt_deg)
    centre = np.asarray(frame_size_px, float) / 2
    d = xy_px - centre
    x = d[..., 0] * np.cos(a) - d[..., 1] * np.sin(a)
    y = d[..., 0] * np.sin(a) + d[..., 1] * np.cos(a)
    return np.stack((x, y), axis=-1) + centre


def body_scale_px(xy_px: np.ndarray, max_samples: int = 20000) -> float:
    """Median thigh + shank length in pixels (on at most ``max_samples`` evenly spaced frames)."""
    step = max(1, len(xy_px) // max_samples)
    legs = leg_length_px(xy_px[::step])
    return float(np.nanmedian(legs)) if np.isfinite(legs).any() else float("nan")


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


def _finite_runs_by_pattern(finite: np.ndarray) -> list[tuple[tuple[int, int], np.ndarray]]:
    """Runs of finite frames shared by groups of columns: ``[((start, stop), columns), ...]``.

    Columns with the same pattern of missing frames (typically all landmarks of a frame
    with no person) are grouped, so each run is filtered for all of them in one call.
    """
    if finite.all():
        return [((0, finite.shape[0]), np.arange(finite.shape[1]))]
    packed = np.packbits(finite, axis=0)
    groups: dict[bytes, list[int]] = {}
    for col in range(finite.shape[1]):
        groups.setdefault(packed[:, col].tobytes(), []).append(col)
    out = []
    for cols in groups.values():
        for start, stop in _true_runs(finite[:, cols[0]]):
            out.append(((int(start), int(stop)), np.array(cols)))
    return out


def lowpass_zero_phase(
    values: np.ndarray, fps: float, cutoff_hz: float, order: int = FILTER_ORDER
) -> np.ndarray:
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
    for rows, cols in _finite_runs_by_pattern(np.isfinite(x)):
        if rows[1] - rows[0] > padlen:
            block = np.ascontiguousarray(x[rows[0] : rows[1], cols].T, dtype=np.float32)
            x[rows[0] : rows[1], cols] = sosfiltfilt(sos, block, axis=-1).T
    return x.reshape(shape)


def dominant_frequency_hz(
    signal: np.ndarray, fps: float, band_hz: tuple[float, float] = STEP_BAND_HZ
) -> float:
    """Frequency of the largest spectral peak (a local maximum) of ``signal`` inside ``band_hz``.

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
    peaks, _ = find_peaks(spectrum)
    peaks = peaks[(freqs[peaks] >= band_hz[0]) & (freqs[peaks] <= min(band_hz[1], fps / 2))]
    if peaks.size == 0:
        return float("nan")
    k = int(peaks[np.argmax(spectrum[peaks])])
    double = peaks[np.abs(peaks - 2 * k) <= 2]
    if double.size and spectrum[double].max() >= 0.5 * spectrum[k]:
        k = int(double[np.argmax(spectrum[double])])
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
    target = (
        CUTOFF_STEP_HARMONICS * step_frequency_hz if np.isfinite(step_frequency_hz) else DEFAULT_CUTOFF_HZ
    )
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
    raw = track.xy_px
    chains = raw[:, np.concatenate((LEFT_CHAIN, RIGHT_CHAIN))].astype(float)
    n_chain = len(LEFT_CHAIN)
    window = int(2 * round(SWAP_WINDOW_S * track.fps / 2) + 1)
    swapped = detect_leg_swaps(chains[:, :n_chain], chains[:, n_chain:], body_scale_px(raw), window)
    vis = swap_leg_chains(track.visibility, swapped)
    sel = np.arange(raw.shape[1]) if landmarks is None else np.asarray(landmarks)
    xy = swap_leg_chains(raw, swapped)
    xy = xy.copy() if xy is raw else xy  # the output: the raw dtype, cleaned landmarks replaced below
    part = xy[:, sel].astype(float)
    missing_raw = int(np.isnan(part).sum())
    part = drop_low_visibility(part, vis[:, sel], min_visibility)
    missing_gated = int(np.isnan(part).sum())
    filled = fill_short_gaps(part, int(np.floor(max_gap_s * track.fps + 1e-9)))
    hips = [int(np.flatnonzero(sel == h)[0]) for h in HIPS if h in sel]
    bounce = filled[:, hips, 1].mean(axis=1) if len(hips) == 2 else mid_hip_px(raw)[:, 1]
    f_step = dominant_frequency_hz(bounce, track.fps)
    cutoff = choose_cutoff_hz(track.fps, f_step) if cutoff_hz is None else float(cutoff_hz)
    xy[:, sel] = lowpass_zero_phase(filled, track.fps, cutoff)
    n_filled = missing_gated - int(np.isnan(filled).sum())
    cleaned = track.replace(
        xy_px=xy,
        visibility=vis,
        presence=swap_leg_chains(track.presence, swapped),
        world_m=swap_leg_chains(track.world_m, swapped),
    )
    return CleanedTrack(cleaned, swapped, n_filled, missing_gated - missing_raw, f_step, cutoff)
