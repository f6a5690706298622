"""Findings: what the summarised metrics say, as data for the advice and the report.

Rules:

* no verdict (band None, no finding) for a side with fewer than ``min_steps`` steps;
* a finding for every banded metric in :data:`FINDING_CODES` whose band is not "normal";
* for roll-sensitive metrics (camera roll shifts the two sides by +r and -r) the band of
  each side is judged on the median minus the tilt uncertainty, so a tilted camera cannot
  create a finding;
* an "asymmetry" finding only when the left-right difference exceeds the detectable
  difference plus twice the tilt uncertainty (a roll of r moves the difference by 2r).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from gait.analysis import Finding, MetricSummary
from gait.metrics.catalogue import CATALOGUE
from gait.thresholds import BandName, ThresholdTable

Severity = Literal["mild", "moderate", "severe"]

#: Metric key -> finding code raised when its band is mild or worse.
FINDING_CODES: dict[str, str] = {
    "pelvic_drop_midstance_deg": "pelvic_drop_high",
    "hip_adduction_peak_deg": "hip_adduction_high",
    "overstride_leg_lengths": "overstriding",
    "shank_angle_ic_deg": "shank_angle_high",
    "cadence_steps_per_min": "cadence_low",
}

#: Decimal places used when a value is written in a message, per unit.
DECIMALS = {"deg": 1, "leg lengths": 2, "steps/min": 0, "s": 3, "%": 1}


def format_value(value: float, unit: str) -> str:
    """``value`` with its unit, rounded for reading (e.g. ``"5.2 deg"``)."""
    return f"{value:.{DECIMALS.get(unit, 2)}f} {unit}"


def verdict_band(
    summary: MetricSummary, table: ThresholdTable, tilt_uncertainty_deg: float, min_steps: int
) -> BandName | None:
    """The band a summary earns, or None (too few steps, not measurable, or no band).

    Roll-sensitive per-side values are judged on ``median - tilt_uncertainty_deg``.
    """
    if not summary.measurable or summary.n_steps < min_steps:
        return None
    info = CATALOGUE.get(summary.key)
    value = summary.median
    if info is not None and info.roll_sensitive and summary.side != "both":
        value -= tilt_uncertainty_deg
    return table.classify(summary.key, value)


def _side_phrase(side: str) -> str:
    return "over both sides" if side == "both" else f"on {side} stance"


def band_findings(metrics: Sequence[MetricSummary]) -> list[Finding]:
    """One finding per banded summary in :data:`FINDING_CODES` whose band is mild or worse."""
    out = []
    for m in metrics:
        code = FINDING_CODES.get(m.key)
        info = CATALOGUE.get(m.key)
        if code is None or m.band in (None, "normal") or info is None:
            continue
        if info.per_side == (m.side == "both"):
            continue
        severity: Severity = (
            "severe" if m.band == "severe" else "moderate" if m.band == "moderate" else "mild"
        )
        message = (
            f"{m.label} {_side_phrase(m.side)}: {format_value(m.median, m.unit)} "
            f"(median of {m.n_steps} steps), {severity}."
        )
        out.append(Finding(code, m.key, m.side, severity, m.median, m.unit, message))
    return out


def asymmetry_findings(
    metrics: Sequence[MetricSummary], table: ThresholdTable, tilt_uncertainty_deg: float, min_steps: int
) -> list[Finding]:
    """Left-right differences larger than the detectable difference (plus the roll allowance)."""
    by_key = {(m.key, m.side): m for m in metrics}
    out = []
    for key, detectable in table.detectable_difference.items():
        left, right = by_key.get((key, "left")), by_key.get((key, "right"))
        if left is None or right is None or not (left.measurable and right.measurable):
            continue
        if min(left.n_steps, right.n_steps) < min_steps:
            continue
        diff = left.median - right.median
        info = CATALOGUE[key]
        allowance = detectable + (2 * tilt_uncertainty_deg if info.roll_sensitive else 0.0)
        if not math.isfinite(diff) or abs(diff) <= allowance:
            continue
        high, low = (left, right) if diff > 0 else (right, left)
        message = (
            f"{info.label} is {format_value(abs(diff), left.unit)} higher on {high.side} stance "
            f"({format_value(high.median, high.unit)}, {high.n_steps} steps) than on {low.side} stance "
            f"({format_value(low.median, low.unit)}, {low.n_steps} steps); differences up to "
            f"{format_value(allowance, left.unit)} are within measurement error here."
        )
        severity: Severity = "mild" if abs(diff) <= 2 * allowance else "moderate"
        out.append(Finding("asymmetry", key, high.side, severity, abs(diff), left.unit, message))
    return out


def make_findings(
    metrics: Sequence[MetricSummary], table: ThresholdTable, tilt_uncertainty_deg: float, min_steps: int
) -> tuple[Finding, ...]:
    """All findings, band findings first, then asymmetries."""
    return tuple(band_findings(metrics) + asymmetry_findings(metrics, table, tilt_uncertainty_deg, min_steps))
