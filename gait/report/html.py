"""The self-contained HTML report: inline CSS, inline SVG plots, an inline still, no script, no CDN.

The page links the annotated video by a relative path, so the output folder can be copied
(e.g. to a USB stick) and opened offline. The template is rendered with autoescaping on:
every string from outside (file names, options, messages) is escaped; only the SVG plots
built in :mod:`gait.report.svg` (which escape their own text) are marked safe.
"""

from __future__ import annotations

import base64
import functools
import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import cv2
import jinja2
import numpy as np
from markupsafe import Markup

from gait import __version__
from gait.advice import (
    CADENCE_BAND_SPM,
    CADENCE_KEY,
    NOT_A_DIAGNOSIS,
    SYMPTOMS,
    AdviceItem,
    cadence_target,
    headline,
    too_few_steps_title,
)
from gait.analysis import Analysis, MetricSummary, view_family
from gait.metrics.catalogue import LEAD_KEYS
from gait.pose.person import describe as describe_person
from gait.present import SIDE_COLOUR_HEX, format_number, format_value, view_name
from gait.report.data import capture_checks, frame_times, unit_of, write_text_atomic
from gait.report.svg import BandEdge, StanceSeries, cadence_plot, stance_plot, steps_plot, sticker_diagram
from gait.thresholds import DEFAULT_THRESHOLDS, MIN_STEPS_FOR_VERDICT, UNVALIDATED, ThresholdTable
from gait.video import VideoInfo

#: Points across stance (0-100 %) at which traces are resampled.
STANCE_POINTS = 51
#: Longest side of the still embedded in the report, pixels.
STILL_MAX_SIDE_PX = 960
#: How many of the view's lead metrics (gait.metrics.catalogue.LEAD_KEYS) get a tile.
HEADLINE_TILES = 2
#: Axis titles for units.
UNIT_WORDS: dict[str, str] = {"deg": "degrees", "s": "seconds", "%": "percent"}
#: Advice sections of the report: (heading, kinds).
ADVICE_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("What to work on", ("exercise", "form")),
    ("Managing the load", ("load", "avoid")),
    ("About what you reported", ("symptom",)),
    ("General", ("general",)),
)


@dataclass(frozen=True)
class TraceSpec:
    """A per-frame trace plotted over stance, and where each side's signal comes from.

    ``sources`` maps a side to candidate (trace key, sign) pairs; the first key present in
    ``Analysis.traces`` is used, multiplied by its sign. The plot is left out when the
    summaries of ``metric_key`` say it is not measurable in this view.
    """

    title: str
    y_label: str
    metric_key: str
    sources: Mapping[str, tuple[tuple[str, float], ...]]


#: Traces shown over stance. ``pelvis_angle_deg`` is taken as positive when the right hip is
#: lower, so it reads as contralateral pelvic drop on left stance and, negated, on right stance.
STANCE_TRACES: tuple[TraceSpec, ...] = (
    TraceSpec(
        "Pelvic drop through stance, from the PSIS stickers",
        "degrees",
        "pelvic_drop_markers_midstance_deg",
        {"left": (("pelvis_marker_angle_deg", 1.0),), "right": (("pelvis_marker_angle_deg", -1.0),)},
    ),
    TraceSpec(
        "Pelvic drop through stance, from the pose model's hip points (not validated)",
        "degrees",
        "pelvic_drop_midstance_deg",
        {
            "left": (("pelvic_drop_left_deg", 1.0), ("pelvis_angle_deg", 1.0)),
            "right": (("pelvic_drop_right_deg", 1.0), ("pelvis_angle_deg", -1.0)),
        },
    ),
    TraceSpec(
        "Hip adduction through stance",
        "degrees",
        "hip_adduction_peak_deg",
        {"left": (("hip_adduction_left_deg", 1.0),), "right": (("hip_adduction_right_deg", 1.0),)},
    ),
)


@functools.cache
def environment() -> jinja2.Environment:
    """The one template environment of every page gait writes (report, batch index, comparison)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("gait", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_report_html(
    analysis: Analysis,
    advice: Sequence[AdviceItem],
    *,
    clip: VideoInfo | Mapping[str, Any] | None = None,
    video_file: str | None = None,
    still_bgr: np.ndarray | None = None,
    symptoms: Collection[str] = (),
    thresholds: ThresholdTable = DEFAULT_THRESHOLDS,
) -> str:
    """The report as one HTML string.

    Parameters
    ----------
    analysis : Analysis
        The metrics engine's result.
    advice : sequence of AdviceItem
        From :func:`gait.advice.build_advice`.
    clip : VideoInfo or mapping, optional
        Probe facts of the source clip (its ``file`` name titles the report).
    video_file : str, optional
        Path of the annotated video relative to the report (e.g. ``"run.annotated.mp4"``);
        None leaves the video out (``--no-video``).
    still_bgr : (h, w, 3) uint8 array, optional
        The annotated frame of the worst step (see :func:`gait.report.data.worst_step`).
    symptoms : collection of str
        The symptom codes the runner reported.
    thresholds : ThresholdTable
        The engine's threshold table (the one in its ``Config``); its bands are drawn behind
        the per-step plots.
    """
    context = {
        "title": _clip_name(clip, analysis),
        "version": __version__,
        "meta": _meta_line(analysis),
        "side_colour": SIDE_COLOUR_HEX,
        "headline": _headline(analysis, advice),
        "tiles": _tiles(analysis, advice),
        "runner": describe_person(analysis.person) if (analysis.person or {}).get("multi_pose") else "",
        "shots": _shots(analysis),
        "unvalidated_shown": _unvalidated_shown(analysis),
        "video_href": _href(video_file) if video_file else None,
        "still": _still(analysis, still_bgr),
        "stance_plots": _stance_plots(analysis),
        "step_plots": _step_plots(analysis, thresholds),
        "cadence_plot": _cadence_plot(analysis, advice),
        "table": _metric_rows(analysis),
        "unmeasured": _unmeasured(analysis),
        "advice_sections": _advice_sections(advice),
        "warnings": _warnings(advice),
        "symptoms": [SYMPTOMS.get(code, code) for code in sorted(symptoms)],
        "checks": capture_checks(analysis),
        "sticker_guide": Markup(sticker_diagram()) if analysis.markers is not None else None,
        "quality_notes": list(analysis.quality_notes),
        "disclaimer": NOT_A_DIAGNOSIS,
    }
    return environment().get_template("report.html.j2").render(context)


def write_report_html(path: Path, analysis: Analysis, advice: Sequence[AdviceItem], **kwargs: Any) -> Path:
    """Render the report (keyword arguments as :func:`render_report_html`) and write it atomically."""
    return write_text_atomic(path, render_report_html(analysis, advice, **kwargs))


# ---------------------------------------------------------------------------------------------
# Header and headline


def _clip_name(clip: VideoInfo | Mapping[str, Any] | None, analysis: Analysis) -> str:
    if isinstance(clip, VideoInfo):
        return clip.name
    if clip and clip.get("file"):
        return str(clip["file"])
    return f"{analysis.duration_s:.1f} s clip"


def _meta_line(analysis: Analysis) -> str:
    steps = analysis.steps
    left, right = int(np.sum(steps.side == "left")), int(np.sum(steps.side == "right"))
    return (
        f"{view_name(analysis.view.view).capitalize()} view · {steps.n} steps ({left} left, {right} right) · "
        f"{analysis.duration_s:.1f} s at {analysis.fps:.0f} frames/s"
        + (f" (filmed; it plays {analysis.slowed_by:g}x slower)" if analysis.slowed_by != 1 else "")
    )


def _headline(analysis: Analysis, advice: Sequence[AdviceItem]) -> dict[str, Any]:
    head = headline(advice, analysis.findings, analysis.metrics, analysis.view.view)
    confidence = analysis.view.confidence
    sure = analysis.view.certainty
    return {
        "title": head.title,
        "too_few": not head.alarm and bool(too_few_steps_title(analysis.metrics, MIN_STEPS_FOR_VERDICT)),
        "alarm": head.alarm,
        "lead": head.lead,
        "findings": [
            {"message": f.message, "side": f.side, "severity": f.severity} for f in analysis.findings
        ],
        "confidence": f"View recognised with {sure} confidence ({confidence:.0%}): {analysis.view.reason}",
    }


def _warnings(advice: Sequence[AdviceItem]) -> dict[str, Any]:
    """The warning-signs panel: actions for reported signs, then every sign, same-day ones first."""
    return {
        "actions": [item for item in advice if item.kind == "action"],
        "urgent": [item for item in advice if item.kind == "urgent"],
        "flags": [item for item in advice if item.kind == "red_flag"],
    }


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _tiles(analysis: Analysis, advice: Sequence[AdviceItem]) -> list[dict[str, Any]]:
    """Headline numbers: cadence, then the view's main metrics per side."""
    tiles = []
    cadence = analysis.metric(CADENCE_KEY, "both")
    if cadence and cadence.measurable:
        note = _steps(cadence.n_steps)
        if target := cadence_target(advice):
            low, high = target
            note += f" · target {low}, then {high}" if high > low else f" · target {low}"
        tiles.append(
            {
                "label": "Cadence",
                "values": [("", cadence.shown(), None)],
                "note": note,
            }
        )
    headline = 0
    for key in LEAD_KEYS.get(view_family(analysis.view.view), ()):
        per_side = [analysis.metric(key, side) for side in ("left", "right")]
        shown = [m for m in per_side if m is not None and m.measurable]
        if shown and headline < HEADLINE_TILES:
            headline += 1
            tiles.append(
                {
                    "label": shown[0].label,
                    "values": [(m.side, m.shown(), m.band) for m in shown],
                    "note": " · ".join(f"{m.side} {_steps(m.n_steps)}" for m in shown)
                    + (" · not validated: no verdict" if key in UNVALIDATED else ""),
                }
            )
    return tiles


def _shots(analysis: Analysis) -> list[dict[str, str]]:
    """One row per shot of a clip cut between shots: its time, steps and cadence."""
    return [
        {
            "shot": str(shot.shot),
            "time": f"{shot.start_s:.1f}-{shot.end_s:.1f} s",
            "steps": f"{shot.steps} ({shot.left}, {shot.right})",
            "cadence": shot.shown_cadence(),
        }
        for shot in analysis.shots
    ]


def _unvalidated_shown(analysis: Analysis) -> str:
    """'Contralateral pelvic drop at midstance and hip adduction ...': measured here, not judged."""
    labels = list(dict.fromkeys(m.label for m in analysis.metrics if m.key in UNVALIDATED and m.measurable))
    if not labels:
        return ""
    words = [labels[0]] + [label[:1].lower() + label[1:] for label in labels[1:]]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# ---------------------------------------------------------------------------------------------
# Media


def _href(video_file: str) -> str:
    """A relative URL for a file path: each part percent-encoded (``#``, ``?``, ``<`` stay literal)."""
    return "/".join(quote(part, safe="") for part in PurePosixPath(video_file.replace("\\", "/")).parts)


def _still(analysis: Analysis, still_bgr: np.ndarray | None) -> dict[str, str] | None:
    if still_bgr is None:
        return None
    height, width = still_bgr.shape[:2]
    scale = min(1.0, STILL_MAX_SIDE_PX / max(height, width))
    if scale < 1:
        still_bgr = cv2.resize(
            still_bgr, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        )
    ok, jpeg = cv2.imencode(".jpg", still_bgr, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        return None
    worst = analysis.worst_step
    caption = "The step with the largest value"
    if worst is not None:
        time_s = float(frame_times(analysis, np.array([worst.frame]))[0])
        caption = (
            f"Step {worst.index + 1}, {worst.side} stance, at {time_s:.2f} s: "
            f"{worst.label[:1].lower()}{worst.label[1:]} {format_value(worst.value, worst.unit)}"
        )
    return {
        "src": "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii"),
        "caption": caption,
    }


# ---------------------------------------------------------------------------------------------
# Plots


def stance_profile(
    trace: np.ndarray, start: np.ndarray, stop: np.ndarray, points: int = STANCE_POINTS
) -> np.ndarray:
    """(steps, points) the trace resampled over each step's stance, 0-100 %, by linear interpolation.

    Parameters
    ----------
    trace : (frames,) float
        A per-frame signal.
    start, stop : (steps,) int
        First and last frame of each stance; a stance with ``stop <= start`` or outside the
        trace gives a row of NaN.
    """
    start, stop = np.asarray(start, float), np.asarray(stop, float)
    position = start[:, None] + np.linspace(0, 1, points)[None, :] * (stop - start)[:, None]
    valid = (start >= 0) & (stop > start) & (stop <= len(trace) - 1)
    position = np.clip(position, 0, max(len(trace) - 1, 0))
    below = np.floor(position).astype(int)
    above = np.minimum(below + 1, len(trace) - 1)
    weight = position - below
    out = trace[below] * (1 - weight) + trace[above] * weight
    return np.where(valid[:, None], out, np.nan)


def _trace_for(analysis: Analysis, spec: TraceSpec, side: str) -> np.ndarray | None:
    for key, sign in spec.sources.get(side, ()):
        if key in analysis.traces:
            return sign * np.asarray(analysis.traces[key], float)
    return None


def _stance_plots(analysis: Analysis) -> list[dict[str, Any]]:
    steps = analysis.steps
    ends = steps.stance_end_frame
    plots = []
    for spec in STANCE_TRACES:
        summaries = [m for m in analysis.metrics if m.key == spec.metric_key]
        if summaries and not any(m.measurable for m in summaries):
            continue
        series = []
        for side in ("left", "right"):
            trace = _trace_for(analysis, spec, side)
            chosen = steps.side == side
            if trace is None or not chosen.any():
                continue
            rows = stance_profile(trace, steps.contact_frame[chosen], ends[chosen])
            rows = rows[np.isfinite(rows).all(axis=1)]
            if len(rows):
                pct = np.linspace(0, 100, rows.shape[1])
                series.append(StanceSeries(side, pct, rows.mean(axis=0), rows.std(axis=0), len(rows)))
        if series:
            caption = "Line: mean over the steps of each side; band: ± one standard deviation."
            plots.append(
                {
                    "title": spec.title,
                    "svg": Markup(stance_plot(series, spec.title, spec.y_label)),
                    "caption": caption,
                }
            )
    return plots


def band_edges(table: ThresholdTable) -> dict[str, list[BandEdge]]:
    """The threshold table as value ranges per band, for drawing behind the per-step plots."""
    out = {}
    for key, band in table.bands.items():
        edges = (
            [-math.inf, *band.cuts, math.inf] if band.higher_is_worse else [math.inf, *band.cuts, -math.inf]
        )
        names = ("normal", "mild", "moderate", "severe")
        out[key] = [
            BandEdge(n, min(a, b), max(a, b)) for n, a, b in zip(names, edges, edges[1:], strict=False)
        ]
    return out


def _step_plots(analysis: Analysis, thresholds: ThresholdTable) -> list[dict[str, Any]]:
    """Per-step plots of the view's headline metrics and of every metric with threshold bands."""
    steps = analysis.steps
    bands = band_edges(thresholds)
    wanted = [
        *LEAD_KEYS.get(view_family(analysis.view.view), ()),
        *(k for k in bands if k != CADENCE_KEY),
    ]
    keys = [k for k in dict.fromkeys(wanted) if k in steps.values]
    plots = []
    for key in keys:
        values = np.asarray(steps.values[key], float)
        summaries = [m for m in analysis.metrics if m.key == key]
        if not np.isfinite(values).any() or (summaries and not any(m.measurable for m in summaries)):
            continue
        label = summaries[0].label if summaries else key.replace("_", " ")
        unit = unit_of(analysis, key)
        y_label = UNIT_WORDS.get(unit, unit)
        svg = steps_plot(np.arange(1, steps.n + 1), steps.side, values, label, y_label, bands.get(key, ()))
        caption = "Each dot is one step, coloured by the stance leg; dashed lines: each side's median."
        plots.append({"title": label, "svg": Markup(svg), "caption": caption})
    return plots


def _cadence_plot(analysis: Analysis, advice: Sequence[AdviceItem]) -> dict[str, Any] | None:
    steps = analysis.steps
    # The engine's per-step cadence (60 / step time), as in steps.csv.
    cadence = np.asarray(steps.values.get(CADENCE_KEY, np.full(steps.n, np.nan)), float)
    if not np.isfinite(cadence).any():
        return None
    time_s = frame_times(analysis, steps.contact_frame)
    svg = cadence_plot(time_s, cadence, steps.side, CADENCE_BAND_SPM, cadence_target(advice))
    caption = (
        "Each dot is one step (60 / step time), coloured by the leg that landed; green band: "
        f"{CADENCE_BAND_SPM[0]}-{CADENCE_BAND_SPM[1]} steps/min."
    )
    return {"title": "Cadence", "svg": Markup(svg), "caption": caption}


# ---------------------------------------------------------------------------------------------
# Tables and advice


def _cell(m: MetricSummary, common_notes: Collection[str], verdict: str) -> dict[str, Any]:
    """One table cell: value, band, what was judged (Analysis.verdict, when more than the band),
    spread, steps, confidence and the notes peculiar to this side."""
    notes = "; ".join(n for n in m.notes if n not in common_notes)
    if verdict and verdict != m.band:
        notes = f"{verdict}; {notes}" if notes else verdict
    if not m.measurable:
        return {"value": "not measurable", "spread": m.reason, "band": None, "steps": "", "notes": notes}
    spread = (
        f"IQR {format_number(m.q1, m.unit)} to {format_value(m.q3, m.unit)}"
        if math.isfinite(m.iqr) and m.enough_steps
        else ""
    )
    return {
        "value": m.shown(),
        "spread": spread,
        "band": m.band,
        "steps": f"{_steps(m.n_steps)} · {m.confidence:.0%} confidence",
        "notes": notes,
    }


def _unmeasured(analysis: Analysis) -> list[dict[str, Any]]:
    """Metrics not measurable on any side in this clip, grouped by the reason."""
    measured = {m.key for m in analysis.metrics if m.measurable}
    groups: dict[str, list[str]] = {}
    for m in analysis.metrics:
        labels = groups.setdefault(m.reason.rstrip("."), [])
        if m.key not in measured and m.label not in labels:
            labels.append(m.label)
    return [{"reason": reason, "labels": labels} for reason, labels in groups.items() if labels]


def _metric_rows(analysis: Analysis) -> list[dict[str, Any]]:
    """One row per metric measurable on some side: label, shared notes, and left, right, both cells."""
    by_key: dict[str, list[MetricSummary]] = {}
    for m in analysis.metrics:
        by_key.setdefault(m.key, []).append(m)
    rows = []
    for summaries in by_key.values():
        if not any(m.measurable for m in summaries):
            continue
        common = set.intersection(*(set(m.notes) for m in summaries))
        row: dict[str, Any] = {"label": summaries[0].label, "notes": sorted(common)}
        row |= {side: None for side in ("left", "right", "both")}
        row |= {m.side: _cell(m, common, analysis.verdict(m)) for m in summaries}
        rows.append(row)
    return rows


def _advice_sections(advice: Sequence[AdviceItem]) -> list[dict[str, Any]]:
    sections = []
    for heading, kinds in ADVICE_SECTIONS:
        items = [item for item in advice if item.kind in kinds and item.id != "not_a_diagnosis"]
        if items:
            sections.append({"heading": heading, "items": items})
    return sections
