"""Per-frame timing from the analysis: which leg is in stance, and the latest contact of each side.

Stance is the engine's (its ``stance_left`` / ``stance_right`` traces); nothing here redefines it.
"""

from __future__ import annotations

import numpy as np

from gait.analysis import Analysis, Steps
from gait.present import SIDES

#: How long the ring at an initial contact lasts, seconds.
FLASH_S = 0.25


#: How long the foot-ahead distance stays on screen after a contact, seconds.
HOLD_S = 0.6


def stance_of(analysis: Analysis) -> np.ndarray:
    """(n_frames, 2) bool: the engine's stance of the left / right leg per frame (its ``stance_*`` traces)."""
    traces = analysis.traces
    if "stance_left" not in traces or "stance_right" not in traces:
        return np.zeros((analysis.n_frames, 2), bool)
    return np.column_stack((traces["stance_left"], traces["stance_right"])) > 0


def last_contact(steps: Steps, n_frames: int) -> np.ndarray:
    """(n_frames, 2) int: index into ``steps`` of the latest contact of each side, -1 before the first."""
    frames = np.arange(n_frames)
    out = np.full((n_frames, 2), -1)
    for col, side in enumerate(SIDES):
        rows = np.flatnonzero(steps.side == side)
        rows = rows[np.argsort(steps.contact_frame[rows])]
        idx = np.searchsorted(steps.contact_frame[rows], frames, side="right") - 1
        out[:, col] = np.where(idx >= 0, rows[np.clip(idx, 0, None)] if len(rows) else -1, -1)
    return out


def contact_age(steps: Steps, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame and side: the latest contact's step index (-1: none yet) and frames since it.

    Returns
    -------
    step : (n_frames, 2) int
        As :func:`last_contact`.
    age_frames : (n_frames, 2) int
        Frames since that contact; a large number where there is none.
    """
    step = last_contact(steps, n_frames)
    contact = steps.contact_frame[np.clip(step, 0, None)] if steps.n else np.zeros_like(step)
    age = np.arange(n_frames)[:, None] - contact
    return step, np.where(step >= 0, age, np.iinfo(np.int32).max)


def contact_on_screen(steps: Steps, n_frames: int, fps: float) -> np.ndarray:
    """(n_frames,) int: the step whose contact is shown (the latest of either side, for HOLD_S), -1: none."""
    step, age = contact_age(steps, n_frames)
    latest = np.argmin(age, axis=1)
    rows = np.arange(n_frames)
    return np.where(age[rows, latest] < max(2, round(HOLD_S * fps)), step[rows, latest], -1)
