"""Cadence from step events, cross-checked against the mid-hip bounce.

Cadence (steps/min) = 60 / step time, where a step runs from one leg's initial contact
to the other leg's. The mid-hip bounces once per step, so the dominant frequency of its
vertical motion is an independent estimate; when the two disagree the events are
suspect and the confidence is lowered.
"""

from __future__ import annotations

import numpy as np

from gait.events import StepEvents
from gait.gather import at_frames
from gait.signal import dominant_frequency_hz

#: Relative difference between event and bounce cadence that is still full agreement.
AGREEMENT_TOLERANCE = 0.03
#: Relative difference at which the agreement factor reaches its floor.
DISAGREEMENT_FLOOR_AT = 0.15
#: Lowest agreement factor.
AGREEMENT_FLOOR = 0.3
#: Step times further than this fraction from the typical step are left out of the cadence (missed or
#: spurious contacts make steps about half or twice as long).
STEP_TIME_OUTLIER_FRACTION = 0.4
#: Below this cadence the clip is probably walking (or slowed down); running bands do not apply.
WALKING_CADENCE_SPM = 130.0


def cadence_spm(step_time_s: np.ndarray, is_left: np.ndarray, outlier_fraction: float) -> float:
    """Steps per minute from a straight line through the step events, one intercept per side.

    Steps within ``outlier_fraction`` of the typical step (the median over pairs of consecutive
    steps; a missed or spurious event makes a step ~2x or ~1/2x long) are chained into runs of
    consecutive steps. Within each run the event times (cumulative step times) are fitted
    against the step number with a common slope and one intercept per run and side, so a
    timing bias that differs between the legs (the far leg's contact found early in a side
    view, say) cancels and every event counts, not only a run's first and last (the mean step
    time is their difference over the count). Falls back to 60 / mean step time when the
    steps are too few for the fit.
    """
    t = np.asarray(step_time_s, float)
    finite = np.isfinite(t)
    if not finite.any():
        return float("nan")
    pairs = (t[:-1] + t[1:]) / 2  # a leg-dependent bias alternates long and short steps; pairs don't
    typical = np.median(pairs[np.isfinite(pairs)]) if np.isfinite(pairs).any() else np.median(t[finite])
    valid = finite & (np.abs(t - typical) <= outlier_fraction * typical)
    if not valid.any():  # no step near the typical pair: no pace to speak of
        return float("nan")
    numbers, times, groups = [], [], []
    run = 0
    for i in range(len(t)):
        if not valid[i]:
            run += 1
            continue
        if i == 0 or not valid[i - 1]:
            numbers.append(0.0)
            times.append(0.0)
            groups.append((run, bool(is_left[i])))
        numbers.append(numbers[-1] + 1)
        times.append(times[-1] + t[i])
        groups.append((run, not bool(is_left[i])))
    keys = sorted(set(groups))
    design = np.zeros((len(numbers), 1 + len(keys)))
    design[:, 0] = numbers
    design[np.arange(len(groups)), 1 + np.array([keys.index(g) for g in groups])] = 1
    if len(numbers) - len(keys) < 2:  # no two events of one side in one run: nothing to fit
        return float(60.0 / np.mean(t[valid]))
    slope = np.linalg.lstsq(design, np.asarray(times), rcond=None)[0][0]
    return float(60.0 / slope)


def step_metrics(time_s: np.ndarray, events: StepEvents) -> dict[str, np.ndarray]:
    """Per-step step time (s) and the cadence it implies (steps/min); NaN where the step has no end.

    Side views time a step from contact to the next contact. Frontal views, whose
    contact is only an estimate, time it from midstance to the next midstance (the lowest
    mid-hip point, a sharper event); over a clip both give the same mean.
    """
    if events.method == "frontal":
        next_mid = np.concatenate((events.midstance_frame[1:], [-1]))
        end = np.where(events.end_frame >= 0, next_mid, -1)
        step_time = at_frames(time_s, end) - at_frames(time_s, events.midstance_frame)
    else:
        step_time = at_frames(time_s, events.end_frame) - at_frames(time_s, events.contact_frame)
    return {"step_time_s": step_time, "cadence_steps_per_min": 60.0 / step_time}


def bounce_cadence_spm(mid_hip_y_px: np.ndarray, fps: float) -> float:
    """Cadence from the dominant frequency of the mid-hip's vertical bounce, steps/min (NaN if none)."""
    return 60.0 * dominant_frequency_hz(mid_hip_y_px, fps)


def agreement_factor(events_spm: float, bounce_spm: float) -> float:
    """Confidence factor (AGREEMENT_FLOOR-1) from the relative difference of the two cadences.

    1 up to ``AGREEMENT_TOLERANCE``, falling linearly to ``AGREEMENT_FLOOR`` at
    ``DISAGREEMENT_FLOOR_AT``; 0.7 when the bounce cadence is unknown.
    """
    if not (np.isfinite(events_spm) and np.isfinite(bounce_spm)):
        return 0.7
    rel = abs(events_spm - bounce_spm) / events_spm
    frac = (rel - AGREEMENT_TOLERANCE) / (DISAGREEMENT_FLOOR_AT - AGREEMENT_TOLERANCE)
    return float(1.0 - (1.0 - AGREEMENT_FLOOR) * np.clip(frac, 0.0, 1.0))
