"""Settings of the metrics engine, shared by its stages (signal, events, summaries, notes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gait.thresholds import DEFAULT_THRESHOLDS, MIN_STEPS_FOR_VERDICT, ThresholdTable


@dataclass(frozen=True)
class Config:
    """Settings of the engine (all have evidence-based or stated defaults; see docs/metrics.md).

    Attributes
    ----------
    min_visibility : float
        Landmarks less visible than this are dropped before gap filling.
    max_gap_s : float
        Longest gap filled by interpolation.
    cutoff_hz : float or None
        Force the low-pass cutoff (default: from the frame rate and step frequency).
    min_step_time_s, max_step_time_s : float
        Physiological range of one step (0.2 s = 300 steps/min, 1.0 s = 60 steps/min).
    min_steps_for_verdict : int
        Fewer steps on a side give values but no band or finding (Dingenen 2018 needed
        6.3 +- 0.3 steps for a stable mean).
    min_steps : int
        Fewer steps in the whole clip raise AnalysisError.
    min_person_s : float
        Less time with a person raises NoPersonInTrackError.
    min_fps : float
        Slower clips are refused: a running stance lasts a quarter of a second, so below this no
        step can be seen (a 1 fps clip was reported as "feet out of the frame").
    min_contact_fps : float
        Contact time and duty factor need at least this frame rate.
    unknown_tilt_deg : float
        Camera roll assumed when no tilt estimate is given (a hand-levelled phone).
    min_tilt_uncertainty_deg : float
        Least uncertainty granted to a measured tilt (the bench reads a 3 deg roll to 0.06 deg).
    min_hip_width_px : float
        Frontal-plane values of a step whose hips are closer than this in the image (a runner far
        away) are left out: 1 px of landmark error across 12 px of pelvis is 4.8 deg, beyond the
        detectable difference (about 3 deg). Medians over many steps hold up to about 15 px (the
        half-size metamorphic test), so the cut is set below that.
    thresholds : ThresholdTable
        Bands and detectable differences.
    """

    min_visibility: float = 0.3
    max_gap_s: float = 0.1
    cutoff_hz: float | None = None
    min_step_time_s: float = 0.2
    max_step_time_s: float = 1.0
    min_steps_for_verdict: int = MIN_STEPS_FOR_VERDICT
    min_steps: int = 2
    min_person_s: float = 1.0
    min_contact_fps: float = 25.0
    min_fps: float = 10.0
    unknown_tilt_deg: float = 2.0
    min_tilt_uncertainty_deg: float = 0.5
    min_hip_width_px: float = 12.0
    thresholds: ThresholdTable = field(default_factory=lambda: DEFAULT_THRESHOLDS)
