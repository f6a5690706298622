"""Report writers: ``summary.json``, ``steps.csv`` and the self-contained ``report.html``.

The pipeline calls :func:`write_reports` once per clip (or the three writers separately).
Every writer is atomic: a temporary file beside the target, renamed only when complete.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gait.advice import AdviceItem
from gait.analysis import Analysis
from gait.report.data import (
    SUMMARY_SCHEMA,
    build_summary,
    capture_checks,
    steps_table,
    write_steps_csv,
    write_summary_json,
)
from gait.report.html import band_edges, render_report_html, write_report_html
from gait.thresholds import DEFAULT_THRESHOLDS, ThresholdTable
from gait.video import VideoInfo

__all__ = [
    "SUMMARY_SCHEMA",
    "band_edges",
    "build_summary",
    "capture_checks",
    "render_report_html",
    "steps_table",
    "write_report_html",
    "write_reports",
    "write_steps_csv",
    "write_summary_json",
]


def write_reports(
    out_dir: Path,
    analysis: Analysis,
    advice: Sequence[AdviceItem],
    *,
    clip: VideoInfo | Mapping[str, Any] | None = None,
    video_file: str | None = None,
    still_bgr: np.ndarray | None = None,
    symptoms: Collection[str] = (),
    thresholds: ThresholdTable = DEFAULT_THRESHOLDS,
) -> dict[str, Path]:
    """Write ``summary.json``, ``steps.csv`` and ``report.html`` into ``out_dir``.

    Parameters are those of :func:`build_summary` and :func:`render_report_html`;
    ``video_file`` is relative to ``out_dir``.

    Returns
    -------
    dict
        ``{"summary": path, "steps": path, "report": path}``.
    """
    out_dir = Path(out_dir)
    summary = build_summary(analysis, advice, clip, symptoms)
    return {
        "summary": write_summary_json(out_dir / "summary.json", summary),
        "steps": write_steps_csv(out_dir / "steps.csv", analysis),
        "report": write_report_html(
            out_dir / "report.html",
            analysis,
            advice,
            clip=clip,
            video_file=video_file,
            still_bgr=still_bgr,
            symptoms=symptoms,
            thresholds=thresholds,
        ),
    }
