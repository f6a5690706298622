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
_W, _H, _L, _R, _T, _B = 560, 200, 56, 12, 14, 30

StepValues = Mapping[str, list[tuple[int, str, float]]]


def overlay_plot(change: MetricChange, before: StepValues, after: StepValues) -> Markup | None:
    """Each step's value of both visits, in clip order, with each visit's median dashed."""
    column = step_column(change.key, change.unit)
    series = []
    for values, colour, name in ((before, BEFORE_HEX, "before"), (after, AFTER_HEX, "after")):
        points = [(s, v) for s, side, v in values.get(column, []) if change.side in ("both", side)]
        series.append((points, colour, name))
    everything = [v for points, _, _ in series for _, v in points]
    if not everything:
        return None
    lo, hi = min(everything), max(everything)
    pad = (hi - lo) * 0.1 or max(abs(hi) * 0.1, 1e-3)
    lo, hi = lo - pad, hi + pad
    n = max(max((s for points, _, _ in series for s, _ in points), default=1), 2)

    def x(step: float) -> float:
        return _L + (step - 0.5) / n * (_W - _L - _R)

    def y(value: float) -> float:
        return _T + (hi - value) / (hi - lo) * (_H - _T - _B)

    parts = [
        f'<svg viewBox="0 0 {_W} {_H}" width="100%" role="img"'
        f' aria-label="{_esc(change.label)}, {change.side}">',
        f'<rect x="{_L}" y="{_T}" width="{_W - _L - _R}" height="{_H - _T - _B}"'
        ' fill="#fafafa" stroke="#ccc"/>',
    ]
    for tick in (lo + pad, (lo + hi) / 2, hi - pad):
        parts.append(
            f'<text x="{_L - 4}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{_num(tick)}</text>'
        )
    parts.append(
        f'<text x="{(_W + _L) / 2:.0f}" y="{_H - 6}" text-anchor="middle" font-size="11">step'
        f" (in clip order), {_esc(change.unit)}</text>"
    )
    for points, colour, name in series:
        if not points:
            continue
        median = _median([v for _, v in points])
        parts.append(
            f'<line x1="{_L}" x2="{_W - _R}" y1="{y(median):.1f}" y2="{y(median):.1f}" stroke="{colour}"'
            f' stroke-dasharray="6 4" stroke-width="1.5"/>'
        )
        shape = "circle" if name == "before" else "rect"
        for s, v in points:
            if shape == "circle":
                parts.append(
                    f'<circle class="{name}" cx="{x(s):.1f}" cy="{y(v):.1f}" r="4"'
                    f' fill="{colour}" stroke="white"/>'
                )
            else:
                parts.append(
                    f'<rect class="{name}" x="{x(s) - 4:.1f}" y="{y(v) - 4:.1f}" width="8" height="8"'
                    f' fill="{colour}" stroke="white"/>'
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


def _video_url(folder: Path, out_dir: Path) -> str | None:
    video = folder / "annotated.mp4"
    if not video.is_file():
        return None
    rel = os.path.relpath(video, out_dir)
    return quote(os.fsencode(rel).decode("utf-8", errors="backslashreplace")) + "#t=0.5"  # a frame, not black


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    digits = 3 if unit in ("leg lengths", "s") else 1
    return f"{value:.{digits}f}"


def render_compare_html(
    comparison: Comparison, steps: Sequence[StepValues], folders: Sequence[Path], out_dir: Path
) -> str:
    """The page: verdict table, overlaid per-step plots, both annotated videos side by side."""
    env = environment()
    rows: list[dict[str, Any]] = []
    for m in comparison.metrics:
        rows.append(
            {
                "m": m,
                "before": _fmt(m.before, m.unit),
                "after": _fmt(m.after, m.unit),
                "change": "-" if m.change is None else ("+" if m.change > 0 else "") + _fmt(m.change, m.unit),
                "dd": "-" if m.detectable_difference is None else _fmt(m.detectable_difference, m.unit),
                "cls": VERDICT_CLASS[m.verdict],
                "plot": overlay_plot(m, steps[0], steps[1]) if m.side == "both" else None,
            }
        )
    counts = {v: sum(r["m"].verdict == v for r in rows) for v in VERDICT_CLASS}
    return env.get_template("compare.html.j2").render(
        c=comparison,
        rows=rows,
        counts=counts,
        videos=[_video_url(f, out_dir) for f in folders],
        before_hex=BEFORE_HEX,
        after_hex=AFTER_HEX,
        version=__version__,
    )
