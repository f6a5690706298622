"""``compare.html``: before against after, one self-contained page (inline CSS and SVG)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from gait import __version__
from gait.comparison import Comparison, MetricChange, step_column
from gait.report.html import environment

#: Colours of the two visits in the plots.
BEFORE_HEX, AFTER_HEX = "#7f7f7f", "#d4380d"
#: Verdict -> CSS class.
VERDICT_CLASS = {
    "improved": "good",
    "worse": "bad",
    "within noise": "same",
    "changed": "changed",
    "not comparable": "na",
    "not validated": "na",
}
#: Plot geometry (viewBox units): width, height, left margin (ticks and the unit), right, top, bottom,
#: and the gap between the before and after panels.
_W, _H, _L, _R, _T, _B, _GAP = 420, 210, 58, 8, 24, 30, 14

StepValues = Mapping[str, list[tuple[int, str, float]]]


def plotted(changes: Sequence[MetricChange]) -> list[MetricChange]:
    """The metric sides that get a per-step plot: each side of a per-side metric, else its "both"."""
    per_side = {m.key for m in changes if m.side in ("left", "right")}
    return [m for m in changes if m.side in ("left", "right") or m.key not in per_side]


def overlay_plot(change: MetricChange, before: StepValues, after: StepValues) -> Markup | None:
    """Each step's value of one side (or both, for a metric of the whole stride) in clip order: before
    and after in two panels side by side on one y axis (its unit written above it), each visit's median
    dashed, so neither visit's points hide the other's."""
    column = step_column(change.key, change.unit)
    series = []
    for values, colour, name in ((before, BEFORE_HEX, "before"), (after, AFTER_HEX, "after")):
        points = [v for _, side, v in sorted(values.get(column, [])) if change.side in ("both", side)]
        series.append((points, colour, name))
    everything = [v for points, _, _ in series for v in points]
    if not everything:
        return None
    lo, hi = min(everything), max(everything)
    pad = (hi - lo) * 0.1 or max(abs(hi) * 0.1, 1e-3)
    lo, hi = lo - pad, hi + pad
    panel = (_W - _L - _R - _GAP) / 2

    def y(value: float) -> float:
        return _T + (hi - value) / (hi - lo) * (_H - _T - _B)

    parts = [
        f'<svg viewBox="0 0 {_W} {_H}" width="100%" role="img" class="steps-plot"'
        f' aria-label="{_esc(change.label)}, {change.side}: each step before and after,'
        f' in {_esc(change.unit)}">',
        f'<text class="y-unit" x="2" y="{_T - 7}" font-size="12" font-weight="600">'
        f"{_esc(change.unit)}</text>",
    ]
    for tick in (lo + pad, (lo + hi) / 2, hi - pad):
        parts.append(
            f'<text x="{_L - 5}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="12">{_num(tick)}</text>'
        )
    for i, (points, colour, name) in enumerate(series):
        x0 = _L + i * (panel + _GAP)
        parts.append(
            f'<g class="panel {name}"><rect x="{x0:.1f}" y="{_T}" width="{panel:.1f}" height="{_H - _T - _B}"'
            ' fill="#fafafa" stroke="#ccc"/>'
            f'<text x="{x0 + panel / 2:.1f}" y="{_T - 7}" text-anchor="middle" font-size="12"'
            f' fill="{colour}" font-weight="600">{name}, {len(points)} steps</text>'
        )
        if points:
            median = _median(points)
            parts.append(
                f'<line x1="{x0:.1f}" x2="{x0 + panel:.1f}" y1="{y(median):.1f}" y2="{y(median):.1f}"'
                f' stroke="{colour}" stroke-dasharray="6 4" stroke-width="1.5"/>'
            )
        for k, v in enumerate(points):
            cx = x0 + (k + 0.5) / len(points) * panel
            if name == "before":
                parts.append(
                    f'<circle class="before" cx="{cx:.1f}" cy="{y(v):.1f}" r="4" fill="{colour}"'
                    ' stroke="white"/>'
                )
            else:
                parts.append(
                    f'<rect class="after" x="{cx - 4:.1f}" y="{y(v) - 4:.1f}" width="8" height="8"'
                    f' fill="{colour}" stroke="white"/>'
                )
        parts.append("</g>")
    parts.append(
        f'<text x="{(_W + _L) / 2:.0f}" y="{_H - 9}" text-anchor="middle" font-size="12">'
        "each step, in clip order</text>"
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _num(value: float) -> str:
    return f"{value:.3g}" if math.isfinite(value) else ""


def _esc(text: str) -> str:
    return str(escape(text))


def _video_url(video: Path | None, out_dir: Path) -> str | None:
    if video is None:
        return None
    rel = os.path.relpath(video, out_dir)
    return quote(os.fsencode(rel).decode("utf-8", errors="backslashreplace")) + "#t=0.5"  # a frame, not black


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = 3 if unit in ("leg lengths", "s") else 1
    return f"{value:.{digits}f}"


def render_compare_html(
    comparison: Comparison, steps: Sequence[StepValues], videos: Sequence[Path | None], out_dir: Path
) -> str:
    """The page: verdict table, per-side plots of every step, both annotated videos side by side.

    ``videos``: each visit's annotated video (None without one), linked relative to ``out_dir``.
    """
    env = environment()
    rows: list[dict[str, Any]] = []
    with_plot = {id(m) for m in plotted(comparison.metrics)}
    for m in comparison.metrics:
        rows.append(
            {
                "m": m,
                "before": _fmt(m.before, m.unit),
                "after": _fmt(m.after, m.unit),
                "change": "-" if m.change is None else ("+" if m.change > 0 else "") + _fmt(m.change, m.unit),
                "dd": "-" if m.detectable_difference is None else _fmt(m.detectable_difference, m.unit),
                "cls": VERDICT_CLASS[m.verdict],
                "plot": overlay_plot(m, steps[0], steps[1]) if id(m) in with_plot else None,
            }
        )
    counts = {v: sum(r["m"].verdict == v for r in rows) for v in VERDICT_CLASS}
    return env.get_template("compare.html.j2").render(
        c=comparison,
        rows=rows,
        counts=counts,
        videos=[_video_url(v, out_dir) for v in videos],
        before_hex=BEFORE_HEX,
        after_hex=AFTER_HEX,
        version=__version__,
    )
