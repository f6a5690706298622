"""Cadence: the personal target (+5 %, then +10 %, at most 180 steps/min) or a landing cue."""

from __future__ import annotations

import math
from collections.abc import Sequence

from gait.advice.words import CADENCE_BAND_SPM, CADENCE_STEP_UP, AdviceItem, measured_text
from gait.analysis import Finding, MetricSummary
from gait.metrics.catalogue import CADENCE_KEY
from gait.present import format_value


def cadence_target(advice: Sequence[AdviceItem]) -> tuple[int, int] | None:
    """The personal cadence target the advice set, steps/min (first and second stage), or None."""
    return next((item.target_spm for item in advice if item.target_spm), None)


def cadence_target_spm(measured_spm: float) -> tuple[int, int]:
    """The personal cadence target: +5 %, then +10 % of the measured cadence, never above 180 steps/min.

    Parameters
    ----------
    measured_spm : float
        The runner's measured cadence, steps per minute.

    Returns
    -------
    (int, int)
        First and second stage of the target, steps/min. Equal to the measured value (rounded)
        when the runner is already at or above the top of the 170-180 band.
    """
    top = CADENCE_BAND_SPM[1]
    if measured_spm >= top:
        return round(measured_spm), round(measured_spm)
    low, high = (min(measured_spm * (1 + f), top) for f in CADENCE_STEP_UP)
    return round(low), round(high)


def _cadence_summary(metrics: Sequence[MetricSummary]) -> MetricSummary | None:
    """The clip's cadence when the engine gave it a verdict (enough steps, running pace)."""
    summaries = [
        m for m in metrics if m.key == CADENCE_KEY and m.measurable and m.band and math.isfinite(m.median)
    ]
    return next((m for m in summaries if m.side == "both"), summaries[0] if summaries else None)


def cadence_advice(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem | None:
    """A personal cadence target when cadence is below the band or a hip or stride finding asks for one."""
    summary = _cadence_summary(metrics)
    # Judged on whole steps/min, as it is written, so "169.6" never reads "170, below 170".
    low_cadence = summary is not None and round(summary.median) < CADENCE_BAND_SPM[0]
    if not findings and not low_cadence:
        return None
    why = measured_text(findings, metrics) if findings else ""
    if summary is None:
        body = (
            "A slightly quicker step shortens each stride, so the foot lands closer under the body and each "
            "landing brakes less. Count your steps for 30 s on an easy run, double it, and aim first for 5 % "
            "more, then 10 % more, set on a metronome app or with music at that beat."
        )
        why = f"{why} Cadence had no verdict in this clip, so the target is relative."
        return AdviceItem("cadence_target", "form", "Take slightly quicker steps", body, why, tuple(findings))
    measured = summary.median
    if not any(f.metric_key == CADENCE_KEY for f in findings):
        below = f", below the {CADENCE_BAND_SPM[0]}-{CADENCE_BAND_SPM[1]} band" if low_cadence else ""
        why = f"{why} Cadence {format_value(measured, 'steps/min')}{below}.".strip()
    if measured >= CADENCE_BAND_SPM[1]:
        body = (
            f"Your cadence is already {measured:.0f} steps/min, so do not speed it up further. Think "
            "instead of landing with the foot under the hips, knee softly bent, and of pushing the ground "
            "back rather than reaching forward."
        )
        return AdviceItem("landing_cue", "form", "Land with the foot under you", body, why, tuple(findings))
    first, second = cadence_target_spm(measured)
    if second > first:
        title = f"Raise your cadence to {first}, then {second} steps/min"
        plan = (
            f"Practise in two stages: first {first} steps/min (+5 %) on easy runs for two to three weeks, "
            f"then {second} (+10 %) once the first feels natural."
        )
    else:
        title = f"Raise your cadence to {first} steps/min"
        plan = f"Practise at {first} steps/min on easy runs until it feels natural."
    body = (
        f"You ran at about {measured:.0f} steps/min. A slightly quicker step at the same speed shortens "
        "each stride, so the foot lands closer under the body and each landing brakes less; in laboratory "
        "studies, 10 % more steps per minute also lowered the peak hip adduction angle and the force the "
        f"gluteal muscles at the side of the hip must produce. {plan} Set a metronome app to the target, "
        "or choose music at that many beats per minute, and match it for a few minutes at a time, then "
        "longer. Keep your usual pace: the aim is shorter steps, not faster running. Go no higher than "
        f"{CADENCE_BAND_SPM[1]} steps/min, the top of the range usually recommended."
    )
    why = f"{why} Target: +5 %, then +10 % of your cadence, at most {CADENCE_BAND_SPM[1]} steps/min."
    return AdviceItem("cadence_target", "form", title, body, why, tuple(findings), target_spm=(first, second))
