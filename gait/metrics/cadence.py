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
#: Step times further than this fraction from the median are left out of the mean (missed or
#: spurious contacts make steps about half or twice as long).
STEP_TIME_OUTLIER_FRACTION = 0.4
#: Below this cadence the clip is probably walking (or slowed down); running bands do not apply.
WALKING_CADENCE_SPM = 130.0


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


def cadence_from_step_times_spm(step_time_s: np.ndarray) -> float:
    """The clip's cadence: 60 / mean step time, over steps near the median step time.

    Steps further than ``STEP_TIME_OUTLIER_FRACTION`` from the median are left out.

    The one cadence estimator: the summaries, the report, the video and the CLI all show it.

    Per-step cadences are quantised by the frame rate (21 or 22 frames at 60 fps), so
    their median is biased; the mean step time is not.
    """
    t = step_time_s[np.isfinite(step_time_s)]
    if t.size == 0:
        return float("nan")
    median = np.median(t)
    inside = t[np.abs(t - median) <= STEP_TIME_OUTLIER_FRACTION * median]
    return float(60.0 / np.mean(inside))
