"""Findings: what the summarised metrics say, as data for the advice and the report.

Rules:

* no verdict (band None, no finding) for a side with fewer than ``min_steps`` steps;
* a finding for every banded metric in :data:`FINDING_CODES` whose band is not "normal";
* for roll-sensitive metrics (camera roll shifts the two sides by +r and -r) the band of
  each side is judged on the median minus the tilt uncertainty, so a tilted camera cannot
  create a finding;
* an "asymmetry" finding only when the left-right difference exceeds the detectable
  difference, plus the error the known-answer bench saw in that difference, plus twice the
  tilt uncertainty (a roll of r moves the difference by 2r).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from gait.analysis import Finding, MetricSummary, Steps, SymmetryCheck, WorstStep
from gait.metrics.catalogue import CATALOGUE, LEAD_KEYS
from gait.present import format_value
from gait.thresholds import UNVALIDATED, BandName, ThresholdTable

Severity = Literal["mild", "moderate", "severe"]

#: Metric key -> finding code raised when its band is mild or worse.
FINDING_CODES: dict[str, str] = {
    "pelvic_drop_midstance_deg": "pelvic_drop_high",
    "pelvic_drop_markers_midstance_deg": "pelvic_drop_high",
    "hip_adduction_peak_deg": "hip_adduction_high",
    "hip_adduction_markers_peak_deg": "hip_adduction_high",
    "overstride_leg_lengths": "overstriding",
    "shank_angle_ic_deg": "shank_angle_high",
    "cadence_steps_per_min": "cadence_low",
}


def verdict_band(
    summary: MetricSummary, table: ThresholdTable, tilt_uncertainty_deg: float, min_steps: int
) -> BandName | None:
    """The band a summary earns, or None (too few steps, not measurable, or no band).

    Roll-sensitive per-side values are judged on ``median - tilt_uncertainty_deg``.
    """
    if not summary.measurable or summary.n_steps < min_steps:
        return None
    if summary.key in table.judged_on_both_sides_only and summary.side != "both":
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


def symmetry_checks(
    metrics: Sequence[MetricSummary],
    table: ThresholdTable,
    tilt_uncertainty_deg: float,
    min_steps: int,
    symmetric: bool,
) -> tuple[SymmetryCheck, ...]:
    """Every left-right comparison that was judged: the difference of the sides' medians against
    the detectable difference plus the bench's error (for frames read with their mirror image or
    not) and the roll allowance, for metrics with a detectable difference and enough steps a side."""
    by_key = {(m.key, m.side): m for m in metrics}
    out = []
    for key, detectable in table.detectable_difference.items():
        left, right = by_key.get((key, "left")), by_key.get((key, "right"))
        if left is None or right is None or not (left.measurable and right.measurable):
            continue
        if min(left.n_steps, right.n_steps) < min_steps:
            continue
        diff = left.median - right.median
        if not math.isfinite(diff):
            continue
        roll = 2 * tilt_uncertainty_deg if CATALOGUE[key].roll_sensitive else 0.0
        allowance = detectable + table.asymmetry_error(key, symmetric) + roll
        out.append(SymmetryCheck(key, diff, allowance))
    return tuple(out)


def asymmetry_findings(metrics: Sequence[MetricSummary], checks: Sequence[SymmetryCheck]) -> list[Finding]:
    """The judged left-right differences larger than their allowance (:func:`symmetry_checks`)."""
    by_key = {(m.key, m.side): m for m in metrics}
    out = []
    for check in checks:
        if not check.asymmetric:
            continue
        left, right = by_key[(check.key, "left")], by_key[(check.key, "right")]
        high, low = (left, right) if check.difference > 0 else (right, left)
        diff, allowance = abs(check.difference), check.allowance
        message = (
            f"{CATALOGUE[check.key].label} is {format_value(diff, left.unit)} higher on {high.side} stance "
            f"({format_value(high.median, high.unit)}, {high.n_steps} steps) than on {low.side} stance "
            f"({format_value(low.median, low.unit)}, {low.n_steps} steps); differences up to "
            f"{format_value(allowance, left.unit)} are within measurement error here."
        )
        severity: Severity = "mild" if diff <= 2 * allowance else "moderate"
        out.append(Finding("asymmetry", check.key, high.side, severity, diff, left.unit, message))
    return out


def make_findings(metrics: Sequence[MetricSummary], checks: Sequence[SymmetryCheck]) -> tuple[Finding, ...]:
    """All findings, band findings first, then asymmetries (from the judged ``checks``)."""
    return tuple(band_findings(metrics) + asymmetry_findings(metrics, checks))


# --------------------------------------------------------------------------- the still


#: Order of severity, mildest first.
SEVERITY_ORDER: tuple[Severity, ...] = ("mild", "moderate", "severe")
#: Per-step timing metrics: a still frame says nothing about them.
TIMING_KEYS = frozenset({"cadence_steps_per_min", "step_time_s", "contact_time_s", "duty_factor_pct"})


def worst_step(
    steps: Steps, metrics: Sequence[MetricSummary], findings: Sequence[Finding]
) -> WorstStep | None:
    """The step to show as a still: the largest credible value of the most severe finding's metric.

    Timing findings (cadence, step time) have no telling still, so they are passed over; with no
    other finding the view's first validated lead metric is used. Values beyond the upper Tukey
    fence (Q3 + 1.5 IQR of that side's steps) are treated as tracking glitches and skipped, and so
    are steps where the runner is smaller than usual in the picture (hip width under the
    median of the same side's steps), so the still shows a well-resolved step. Returns None
    when no step has a value.
    """
    hip_width_px = steps.values.get("hip_width_px")
    ranked = sorted(
        (f for f in findings if f.metric_key in steps.values and f.metric_key not in TIMING_KEYS),
        key=lambda f: SEVERITY_ORDER.index(f.severity) if f.severity in SEVERITY_ORDER else -1,
        reverse=True,
    )
    candidates = [(f.metric_key, f.side) for f in ranked]
    # No finding to show: the view's first validated lead metric (an unvalidated one would pick a
    # "worst" step by a number gait itself does not trust).
    leads = [k for family in LEAD_KEYS.values() for k in family if k not in UNVALIDATED]
    candidates += [(k, "both") for k in leads if k in steps.values]
    for key, side in candidates:
        sides = ("left", "right") if side == "both" else (side,)
        on_side = np.isin(steps.side, sides)
        values = np.where(on_side, np.asarray(steps.values[key], float), np.nan)
        finite = values[np.isfinite(values)]
        if not finite.size:
            continue
        q1, q3 = np.percentile(finite, [25, 75])
        credible = np.where(
            (values <= q3 + 1.5 * (q3 - q1)) & _well_resolved(hip_width_px, on_side), values, np.nan
        )
        if not np.isfinite(credible).any():
            continue
        index = int(np.nanargmax(credible))
        at_contact = key.endswith("_ic_deg") or key.startswith("overstride")
        frame = steps.contact_frame[index] if at_contact else steps.midstance_frame[index]
        summary = next((m for m in metrics if m.key == key), None)
        info = CATALOGUE.get(key)
        label = summary.label if summary else info.label if info else key.replace("_", " ")
        unit = summary.unit if summary else info.unit if info else ""
        return WorstStep(index, int(frame), str(steps.side[index]), key, float(values[index]), unit, label)
    return None


def _well_resolved(hip_width_px: np.ndarray | None, on_side: np.ndarray) -> np.ndarray:
    """Steps whose hips are at least as far apart as the median step of the same side(s).

    Compared within the side: a pelvic drop narrows the hip line in the image, so a clip-wide
    median would pass over every step of the side that drops more, the very steps to show.
    """
    if hip_width_px is None or not np.isfinite(hip_width_px[on_side]).any():
        return np.ones(len(on_side), bool)
    return hip_width_px >= np.nanmedian(hip_width_px[on_side])
