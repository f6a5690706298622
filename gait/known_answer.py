"""Measured against known: the truth file that a synthetic bench clip carries beside it.

``scripts/synth.py`` writes ``clip.truth.json`` next to ``clip.mp4``; when it is there, ``gait
analyse`` shows each headline measurement beside its true value, so a first run on the sample
shows how far to trust the numbers. Real clips have no truth file and nothing changes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from gait.analysis import Analysis, Side

TRUTH_SCHEMA = "gait.bench.truth/1"
#: (metric key, side) pairs compared, in display order.
COMPARED: tuple[tuple[str, Side], ...] = (
    ("cadence_steps_per_min", "both"),
    ("pelvic_drop_markers_midstance_deg", "left"),
    ("pelvic_drop_markers_midstance_deg", "right"),
    ("pelvic_drop_markers_peak_deg", "left"),
    ("pelvic_drop_markers_peak_deg", "right"),
    ("hip_adduction_markers_peak_deg", "left"),
    ("hip_adduction_markers_peak_deg", "right"),
    ("pelvic_drop_midstance_deg", "left"),
    ("pelvic_drop_midstance_deg", "right"),
    ("hip_adduction_peak_deg", "left"),
    ("hip_adduction_peak_deg", "right"),
    ("femoral_adduction_peak_deg", "left"),
    ("femoral_adduction_peak_deg", "right"),
    ("overstride_leg_lengths", "left"),
    ("overstride_leg_lengths", "right"),
)


#: gait's key -> the truth's, where they differ: the stickers are judged against the true pelvis.
TRUTH_KEYS = {
    "pelvic_drop_markers_midstance_deg": "pelvic_drop_psis_midstance_deg",
    "pelvic_drop_markers_peak_deg": "pelvic_drop_psis_peak_deg",
    "hip_adduction_markers_peak_deg": "hip_adduction_peak_deg",
}


@dataclass(frozen=True)
class KnownAnswer:
    label: str
    unit: str
    side: Side
    measured: float
    true: float

    @property
    def error(self) -> float:
        return self.measured - self.true


def truth_path(video: Path) -> Path:
    return video.with_name(video.stem + ".truth.json")


def load_truth(video: Path) -> dict | None:
    """The bench truth beside ``video``, or None when there is none (every real clip)."""
    path = truth_path(video)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and doc.get("schema") == TRUTH_SCHEMA else None


def known_answers(analysis: Analysis, truth: dict) -> list[KnownAnswer]:
    """Each compared metric that gait measured and the truth defines, as (measured, true)."""
    out = []
    summary = truth.get("summary", {})
    for key, side in COMPARED:
        metric = analysis.metric(key, side)
        true_key = TRUTH_KEYS.get(key, key)
        true = summary.get(true_key if side == "both" else f"{true_key}.{side}")
        if metric is None or not metric.measurable or true is None or not math.isfinite(metric.median):
            continue
        out.append(KnownAnswer(metric.label, metric.unit, side, metric.median, float(true)))
    return out
