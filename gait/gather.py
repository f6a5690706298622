"""Gathers of per-frame signals at event frames or over windows, and NaN-aware row reductions.

Per-step helpers gather values at event frames or over ``[start, stop]`` windows without a
Python loop over frames or steps; shared by events and metrics (below both).
"""

from __future__ import annotations

import numpy as np


def at_frames(values: np.ndarray, frames: np.ndarray, column: np.ndarray | None = None) -> np.ndarray:
    """Gather ``values`` at ``frames``; frames outside the clip (e.g. -1) give NaN.

    Parameters
    ----------
    values : (frames,) or (frames, k) float
        A per-frame signal, or ``k`` signals side by side.
    frames : (n,) int
        Frame index per step.
    column : (n,) int, optional
        For 2-D ``values``, which column to take for each step (e.g. the stance leg).
    """
    frames = np.asarray(frames, dtype=np.int64)
    valid = (frames >= 0) & (frames < len(values))
    safe = np.clip(frames, 0, max(len(values) - 1, 0))
    out = values[safe] if column is None else values[safe, column]
    out = np.asarray(out, dtype=float).copy()
    out[~valid] = np.nan
    return out


def window_gather(
    values: np.ndarray, start: np.ndarray, stop: np.ndarray, column: np.ndarray | None = None
) -> np.ndarray:
    """Gather a signal over inclusive windows ``[start, stop]``, padded with NaN.

    Parameters
    ----------
    values : (frames,) or (frames, k) float
        A per-frame signal, or ``k`` signals side by side.
    start, stop : (n,) int
        First and last frame of each window; a window with ``start < 0`` or ``stop < start``
        is empty (all NaN).
    column : (n,) int, optional
        For 2-D ``values``, the column to gather for each window.

    Returns
    -------
    (n, width) float
        Row ``i`` holds ``values[start[i] : stop[i] + 1]`` followed by NaN padding.
    """
    start = np.asarray(start, dtype=np.int64)
    stop = np.asarray(stop, dtype=np.int64)
    valid = (start >= 0) & (stop >= start) & (stop < len(values))
    length = np.where(valid, stop - start + 1, 0)
    width = max(int(length.max(initial=0)), 1)
    offsets = np.arange(width)
    idx = np.clip(start[:, None] + offsets[None, :], 0, max(len(values) - 1, 0))
    out = values[idx] if column is None else values[idx, np.asarray(column)[:, None]]
    out = np.asarray(out, dtype=float).copy()
    out[offsets[None, :] >= length[:, None]] = np.nan
    return out


def nan_max_rows(rows: np.ndarray) -> np.ndarray:
    """Row-wise maximum ignoring NaN; NaN for an all-NaN row (no warning)."""
    filled = np.where(np.isnan(rows), -np.inf, rows)
    out = filled.max(axis=1, initial=-np.inf)
    return np.where(np.isinf(out), np.nan, out)


def nan_argmax_rows(rows: np.ndarray) -> np.ndarray:
    """Row-wise argmax ignoring NaN; -1 for an all-NaN row."""
    filled = np.where(np.isnan(rows), -np.inf, rows)
    idx = filled.argmax(axis=1)
    return np.where(np.isinf(filled.max(axis=1, initial=-np.inf)), -1, idx)


def nan_median_rows(rows: np.ndarray) -> np.ndarray:
    """Row-wise median ignoring NaN; NaN for an all-NaN row (no warning)."""
    n_valid = np.sum(~np.isnan(rows), axis=1)
    out = np.full(len(rows), np.nan)
    ok = n_valid > 0
    if ok.any():
        out[ok] = np.nanmedian(rows[ok], axis=1)
    return out
