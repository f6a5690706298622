"""Machine-readable outputs: ``summary.json`` (schema ``gait.summary/1``) and ``steps.csv``.

Both files are written atomically (a temporary file, then a rename), so an interrupted run
never leaves a half-written file under the final name.

``summary.json`` layout (every measured value sits beside its unit)::

    schema        "gait.summary/1"
    generator     {"tool": "gait", "version", "pose": {"model", "backend", "mirrored"}}: what read
                  the landmarks ("mirrored": every frame also read as its mirror image and averaged)
    clip          the probe facts: file, width_px, height_px, fps, n_frames, duration_s, ...
    view          {"view", "confidence", "reason", "overridden"}
    capture       fps, duration, frame size, camera tilt (each {"value", "unit"}), quality notes,
                  and the capture checks (status and how to film better)
    steps         {"total", "left", "right"}: steps used
    metrics       one entry per metric and side: value (median), q1, q3, iqr, unit, steps_used,
                  confidence, band, measurable, reason, notes
    findings      code, metric_key, side, severity, value, unit, message
    worst_step    the step the report's still shows (``Analysis.worst_step``), or null
    advice        id, kind, title, body, why, steps, triggered_by, answers_findings (indices
                  into ``findings``), answers_symptoms
    symptoms      the symptom codes the runner reported
    disclaimer    the not-a-diagnosis statement
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from gait import __version__
from gait.advice import NOT_A_DIAGNOSIS, AdviceItem
from gait.analysis import Analysis, Finding, MetricSummary, jsonable
from gait.fsutil import atomic_path
from gait.markers import MIN_DIAMETER_PX
from gait.present import view_name
from gait.thresholds import MIN_STEPS_FOR_VERDICT
from gait.track import LANDMARK_INDEX
from gait.video import VideoInfo

#: Version tag of the summary.json layout; bump the number on any incompatible change.
SUMMARY_SCHEMA = "gait.summary/1"
#: Key suffix that repeats the unit, by unit; stripped from CSV column names ("x_deg" -> "x [deg]").
UNIT_SUFFIXES: dict[str, str] = {
    "deg": "_deg",
    "s": "_s",
    "steps/min": "_steps_per_min",
    "leg lengths": "_leg_lengths",
    "%": "_pct",
    "px": "_px",
}

Status = Literal["good", "fair", "poor", "unknown"]


@dataclass(frozen=True)
class CaptureCheck:
    """One capture-quality fact, how good it is, and how to film better."""

    name: str
    value: str
    status: Status
    tip: str


# ---------------------------------------------------------------------------------------------
# Steps table


def unit_of(analysis: Analysis, key: str) -> str:
    """Unit of a per-step metric: from its summary, else from the key's suffix, else ""."""
    summary = next((m for m in analysis.metrics if m.key == key), None)
    if summary:
        return summary.unit
    return next((unit for unit, suffix in UNIT_SUFFIXES.items() if key.endswith(suffix)), "")


def column_name(key: str, unit: str) -> str:
    """``("pelvic_drop_midstance_deg", "deg")`` -> ``"pelvic_drop_midstance [deg]"``."""
    suffix = UNIT_SUFFIXES.get(unit, "")
    stem = key[: -len(suffix)] if suffix and key.endswith(suffix) else key
    return f"{stem} [{unit}]" if unit else stem


def steps_table(analysis: Analysis) -> tuple[list[str], list[list[str]]]:
    """The steps as a header and rows of strings: one row per step, metrics with units in the header."""
    steps = analysis.steps
    header = [
        "step",
        "side",
        "contact_frame",
        "midstance_frame",
        "toe_off_frame",
        "end_frame",
        "contact_at [s]",
        "contact_time [s]",
        "step_time [s]",
    ]
    names = {k: column_name(k, unit_of(analysis, k)) for k in steps.values}
    keys = [k for k in steps.values if names[k] not in header]  # e.g. step_time_s is already there
    header += [names[k] for k in keys]
    at_s = frame_times(analysis, steps.contact_frame)
    columns: list[Iterable[object]] = [
        range(1, steps.n + 1),
        steps.side,
        steps.contact_frame,
        steps.midstance_frame,
        steps.toe_off_frame,
        steps.end_frame,
        at_s,
        steps.contact_time_s,
        steps.step_time_s,
        *(steps.values[k] for k in keys),
    ]
    rows = [[_cell(v) for v in row] for row in zip(*columns, strict=True)]
    return header, rows


def frame_times(analysis: Analysis, frames: np.ndarray) -> np.ndarray:
    """Clip time of frames, from the track's timestamps when present; NaN for -1.

    The one conversion from frame to time in the outputs (a variable-frame-rate clip's frames
    are not ``frame / fps`` apart).
    """
    frames = np.asarray(frames, int)
    track = analysis.track
    if track is not None and track.n_frames:
        times = track.time_s[np.clip(frames, 0, track.n_frames - 1)]
    else:
        times = frames / analysis.fps
    return np.where(frames >= 0, times, np.nan)


def _cell(value: object) -> str:
    """A CSV cell: ints as ints, floats to 4 decimals, NaN and -1 frames empty."""
    if isinstance(value, (float, np.floating)):
        return "" if not math.isfinite(value) else f"{float(value):.4f}".rstrip("0").rstrip(".")
    if isinstance(value, (int, np.integer)):
        return "" if value < 0 else str(int(value))
    return str(value)


def write_steps_csv(path: Path, analysis: Analysis) -> Path:
    """Write ``steps.csv`` (one row per step and side) atomically; return its path."""
    header, rows = steps_table(analysis)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write_text_atomic(path, buffer.getvalue())


def write_text_atomic(path: Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary file and a rename; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


# ---------------------------------------------------------------------------------------------
# Capture checks


def person_height_fraction(analysis: Analysis) -> float | None:
    """Median height of the person (nose to lowest heel) as a share of the frame height, or None."""
    track = analysis.track
    if track is None or not track.person_found.any():
        return None
    y = track.xy_px[:, :, 1]
    feet = np.fmax(y[:, LANDMARK_INDEX["left_heel"]], y[:, LANDMARK_INDEX["right_heel"]])
    height_px = feet - y[:, LANDMARK_INDEX["nose"]]
    finite = height_px[np.isfinite(height_px)]
    return float(np.median(finite) / track.frame_size_px[1]) if finite.size else None


def capture_checks(analysis: Analysis) -> list[CaptureCheck]:
    """Frame rate, person size, camera tilt, steps per side and view, each with a filming tip."""
    return [
        _fps_check(analysis.fps),
        _size_check(person_height_fraction(analysis)),
        _tilt_check(analysis.tilt_deg, analysis.view.view),
        _steps_check(analysis),
        _view_check(analysis),
        *_marker_check(analysis),
    ]


def _marker_check(analysis: Analysis) -> list[CaptureCheck]:
    """Rear views: the PSIS stickers, found or not, and their standing trial."""
    markers = analysis.markers
    if markers is None:
        return []
    tip = (
        "For pelvic drop put two round stickers (19-25 mm, a bright colour unlike your clothes) on the "
        "two dimples of the low back, and stand still on the belt for 2-3 s before you start running."
    )
    if not markers.found:
        return [CaptureCheck("PSIS stickers", "none found", "poor", tip)]
    if not markers.diameter_px >= MIN_DIAMETER_PX:
        small = f"{markers.colour}, {markers.diameter_px:.0f} px across: too small to measure (film closer)"
        return [CaptureCheck("PSIS stickers", small, "poor", tip)]
    seen = f"{markers.colour}, seen in {markers.found_share:.0%} of frames"
    if markers.standing_tilt_deg is None:
        return [CaptureCheck("PSIS stickers", f"{seen}; no standing trial", "fair", tip)]
    trial = f"standing trial {markers.standing_s:.1f} s, resting tilt {markers.standing_tilt_deg:+.1f}°"
    status: Status = "good" if markers.found_share >= 0.95 else "fair"
    return [CaptureCheck("PSIS stickers", f"{seen}; {trial}", status, tip)]


def _fps_check(fps: float) -> CaptureCheck:
    status: Status = "good" if fps >= 50 else "fair" if fps >= 29 else "poor"
    value = f"{fps:.1f} frames/s: contact timing is exact to about ±{1000 / fps:.0f} ms"
    tip = (
        "Film at 60 frames/s or faster so each landing is caught within a few ms. Slow motion works when "
        "the file keeps its real frame rate; one saved to play slowed is timed slowed (cadence reads low)."
    )
    return CaptureCheck("Frame rate", value, status, tip)


def _size_check(fraction: float | None) -> CaptureCheck:
    tip = "Frame the runner head to toe, filling at least half the picture height, from 3-5 m away."
    if fraction is None:
        return CaptureCheck("Runner size", "unknown", "unknown", tip)
    status: Status = "good" if fraction >= 0.5 else "fair" if fraction >= 0.3 else "poor"
    return CaptureCheck("Runner size", f"{fraction:.0%} of the frame height", status, tip)


def _tilt_check(tilt_deg: float | None, view: str) -> CaptureCheck:
    tip = (
        "Level the phone (turn on the camera grid or use a tripod with a level): in front and rear "
        "views a tilt adds to one side's pelvic drop and takes the same from the other's."
    )
    if tilt_deg is None or not math.isfinite(tilt_deg):
        return CaptureCheck("Camera tilt", "not estimated", "unknown", tip)
    limit = 1.0 if view in ("rear", "front") else 2.0
    status: Status = "good" if abs(tilt_deg) <= limit else "fair" if abs(tilt_deg) <= 3 * limit else "poor"
    return CaptureCheck("Camera tilt", f"{tilt_deg:+.1f}°", status, tip)


def _steps_check(analysis: Analysis) -> CaptureCheck:
    left, right = (int(np.sum(analysis.steps.side == s)) for s in ("left", "right"))
    fewest = min(left, right)
    status: Status = "good" if fewest >= MIN_STEPS_FOR_VERDICT else "fair" if fewest >= 4 else "poor"
    tip = (
        f"Record at least 15-20 s of steady running: {MIN_STEPS_FOR_VERDICT} or more steps per side give "
        "a stable median and allow a verdict."
    )
    return CaptureCheck("Steps", f"{left} left, {right} right", status, tip)


def _view_check(analysis: Analysis) -> CaptureCheck:
    view = analysis.view
    statuses: dict[str, Status] = {"high": "good", "moderate": "fair", "low": "poor"}
    status = statuses[view.certainty]
    tip = (
        "For pelvic drop and hip adduction film straight from behind (or in front) at hip height; "
        "for overstriding film from the side at hip height, square to the running direction."
    )
    value = f"{view_name(view.view)} ({view.confidence:.0%} sure{', set by you' if view.overridden else ''})"
    return CaptureCheck("View", value, status, tip)


# ---------------------------------------------------------------------------------------------
# summary.json


def build_summary(
    analysis: Analysis,
    advice: Sequence[AdviceItem],
    clip: VideoInfo | Mapping[str, Any] | None = None,
    symptoms: Collection[str] = (),
) -> dict[str, Any]:
    """The ``gait.summary/1`` document as a JSON-ready dict (NaN becomes null).

    Parameters
    ----------
    analysis : Analysis
        The metrics engine's result.
    advice : sequence of AdviceItem
        The advice from :func:`gait.advice.build_advice`.
    clip : VideoInfo or mapping, optional
        The clip's probe facts (``VideoInfo.to_dict()`` is used for a VideoInfo).
    symptoms : collection of str
        The symptom codes the runner reported.
    """
    steps = analysis.steps
    doc = {
        "schema": SUMMARY_SCHEMA,
        "generator": {"tool": "gait", "version": __version__, "pose": _pose(analysis)},
        "clip": clip.to_dict() if isinstance(clip, VideoInfo) else dict(clip or {}),
        "view": dataclasses.asdict(analysis.view),
        "capture": _capture(analysis),
        "steps": {
            "total": steps.n,
            "left": int(np.sum(steps.side == "left")),
            "right": int(np.sum(steps.side == "right")),
        },
        "metrics": [_metric(m) for m in analysis.metrics],
        "findings": [dataclasses.asdict(f) for f in analysis.findings],
        "symmetry": [dataclasses.asdict(c) | {"asymmetric": c.asymmetric} for c in analysis.symmetry],
        "worst_step": _worst(analysis),
        "person": analysis.person,
        "shots": [dataclasses.asdict(shot) for shot in analysis.shots],
        "markers": dataclasses.asdict(analysis.markers) if analysis.markers else None,
        "advice": [_advice(item, analysis.findings) for item in advice],
        "symptoms": sorted(symptoms),
        "disclaimer": NOT_A_DIAGNOSIS,
    }
    return jsonable(doc)


def _pose(analysis: Analysis) -> dict[str, Any] | None:
    """The pose model and backend that read the clip, and whether frames were also read mirrored."""
    raw = analysis.raw_track
    if raw is None:
        return None
    return {
        "model": raw.model,
        "backend": raw.meta.get("backend", "mediapipe"),
        "mirrored": bool(raw.meta.get("symmetric")),
    }


def _capture(analysis: Analysis) -> dict[str, Any]:
    width, height = analysis.frame_size_px
    return {
        "fps": {"value": analysis.fps, "unit": "frames/s"},  # as filmed: the video's times slowed_by
        "slowed_by": analysis.slowed_by,
        "duration": {"value": analysis.duration_s, "unit": "s"},
        "n_frames": analysis.n_frames,
        "frame_size": {"width": width, "height": height, "unit": "px"},
        "camera_tilt": {"value": analysis.tilt_deg, "unit": "deg"},
        "timing_resolution": {"value": 1.0 / analysis.fps, "unit": "s"},
        "quality_notes": list(analysis.quality_notes),
        "checks": [dataclasses.asdict(c) for c in capture_checks(analysis)],
    }


def _metric(m: MetricSummary) -> dict[str, Any]:
    return {
        "key": m.key,
        "label": m.label,
        "side": m.side,
        "value": m.median,
        "q1": m.q1,
        "q3": m.q3,
        "iqr": m.iqr,
        "unit": m.unit,
        "steps_used": m.n_steps,
        "enough_steps": m.enough_steps,
        "shown": m.shown() if m.measurable else None,
        "confidence": m.confidence,
        "band": m.band,
        "measurable": m.measurable,
        "reason": m.reason,
        "notes": list(m.notes),
    }


def _worst(analysis: Analysis) -> dict[str, Any] | None:
    worst = analysis.worst_step
    if worst is None:
        return None
    return {
        "step": worst.index + 1,
        "frame": worst.frame,
        "side": worst.side,
        "metric_key": worst.key,
        "value": worst.value,
        "unit": worst.unit,
    }


def _advice(item: AdviceItem, findings: Sequence[Finding]) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "why": item.why,
        "steps": list(item.steps),
        "triggered_by": list(item.triggered_by),
        "answers_findings": [i for i, f in enumerate(findings) if f in item.findings],
        "answers_symptoms": list(item.symptoms),
    }


def write_summary_json(path: Path, summary: Mapping[str, Any]) -> Path:
    """Write the summary as indented UTF-8 JSON, atomically; return its path."""
    return write_text_atomic(path, json.dumps(summary, indent=2, ensure_ascii=False, allow_nan=False) + "\n")
