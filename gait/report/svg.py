"""Small inline SVG plots for the HTML report, drawn in Python (no plotting library, no script).

Every function returns one ``<svg>`` element as a string. Text that reaches the SVG is escaped
here, so the caller may mark the result safe for the template.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gait.present import SIDE_COLOUR_HEX

#: Fill colours of the threshold bands, by band name; unknown names get a neutral grey.
BAND_FILL: dict[str, str] = {
    "normal": "#E7F4EA",
    "mild": "#FFF6DA",
    "moderate": "#FFE6CC",
    "severe": "#FDDCDC",
}
_AXIS = "#6B7280"
_GRID = "#E5E7EB"
_TEXT = "#374151"
_FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif"'


@dataclass(frozen=True)
class StanceSeries:
    """One side's trace over stance, time-normalised: mean and spread at each percent."""

    side: str
    pct: np.ndarray  # (k,) 0-100
    mean: np.ndarray  # (k,)
    spread: np.ndarray  # (k,) one standard deviation across steps
    n_steps: int


@dataclass(frozen=True)
class BandEdge:
    """A threshold band: values from ``low`` to ``high`` get the verdict ``name``."""

    name: str
    low: float
    high: float


@dataclass(frozen=True)
class _Axes:
    """Maps data to pixels inside a ``width`` x ``height`` SVG with fixed margins."""

    x_lim: tuple[float, float]
    y_lim: tuple[float, float]
    width: int = 540
    height: int = 270
    left: int = 52
    right: int = 14
    top: int = 14
    bottom: int = 46

    def x(self, v: np.ndarray | float) -> np.ndarray:
        lo, hi = self.x_lim
        return self.left + (np.asarray(v, float) - lo) / (hi - lo or 1) * (
            self.width - self.left - self.right
        )

    def y(self, v: np.ndarray | float) -> np.ndarray:
        lo, hi = self.y_lim
        return (
            self.height
            - self.bottom
            - (np.asarray(v, float) - lo) / (hi - lo or 1) * (self.height - self.top - self.bottom)
        )


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering ``[low, high]``."""
    span = high - low if high > low else 1.0
    raw = span / max(1, count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = [first + i * step for i in range(math.ceil((high - first) / step) + 1)]
    return [round(t, 10) for t in ticks]


def _fmt(v: float) -> str:
    return f"{v:.1f}"


def _points(xs: np.ndarray, ys: np.ndarray) -> str:
    return " ".join(
        f"{_fmt(x)},{_fmt(y)}" for x, y in zip(xs, ys, strict=True) if np.isfinite(x) and np.isfinite(y)
    )


def _text(
    x: float, y: float, text: str, anchor: str = "middle", size: int = 12, colour: str = _TEXT, **kw: str
) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{html.escape(v)}"' for k, v in kw.items())
    return (
        f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="{anchor}" font-size="{size}" fill="{colour}"{extra}>'
        f"{html.escape(text)}</text>"
    )


def _frame(
    ax: _Axes, x_ticks: Sequence[float], y_ticks: Sequence[float], x_label: str, y_label: str
) -> list[str]:
    """Grid lines, tick labels and axis titles."""
    out = []
    for t in y_ticks:
        y = float(ax.y(t))
        out.append(_hline(ax, y, f'stroke="{_GRID}"'))
        out.append(_text(ax.left - 6, y + 4, f"{t:g}", anchor="end", size=12, colour=_AXIS))
    base = ax.height - ax.bottom
    for t in x_ticks:
        x = float(ax.x(t))
        out.append(f'<line x1="{_fmt(x)}" x2="{_fmt(x)}" y1="{base}" y2="{base + 4}" stroke="{_AXIS}"/>')
        out.append(_text(x, base + 17, f"{t:g}", size=12, colour=_AXIS))
    out.append(_hline(ax, base, f'stroke="{_AXIS}"'))
    out.append(_text((ax.left + ax.width - ax.right) / 2, ax.height - 6, x_label, size=13))
    mid_y = (ax.top + base) / 2
    out.append(_text(15, mid_y, y_label, size=13, transform=f"rotate(-90 15 {_fmt(mid_y)})"))
    return out


def _hline(ax: _Axes, y: float, attrs: str) -> str:
    """A horizontal line across the plot area at pixel height ``y``."""
    return f'<line x1="{ax.left}" x2="{ax.width - ax.right}" y1="{_fmt(y)}" y2="{_fmt(y)}" {attrs}/>'


def _svg(ax: _Axes, title: str, body: list[str]) -> str:
    return (
        f'<svg class="plot" viewBox="0 0 {ax.width} {ax.height}" role="img" '
        f'aria-label="{html.escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" {_FONT}><title>{html.escape(title)}</title>'
        + "".join(body)
        + "</svg>"
    )


def _limits(
    values: Sequence[np.ndarray], include: Sequence[float] = (), pad: float = 0.08
) -> tuple[float, float]:
    finite = np.concatenate([np.asarray(v, float).ravel() for v in values] + [np.asarray(include, float)])
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    margin = (hi - lo) * pad or 1.0
    return lo - margin, hi + margin


def _legend(ax: _Axes, entries: Sequence[tuple[str, str]]) -> list[str]:
    """Colour swatches and names along the top right."""
    out, x = [], ax.width - ax.right
    for label, colour in reversed(entries):
        width = 7 * len(label) + 30
        x -= width
        out.append(f'<rect x="{x}" y="{ax.top - 2}" width="16" height="5" rx="2" fill="{colour}"/>')
        out.append(_text(x + 21, ax.top + 4, label, anchor="start", size=12))
    return out


def stance_plot(series: Sequence[StanceSeries], title: str, y_label: str) -> str:
    """Mean (line) and spread (band, ±1 SD) of each side's trace over 0-100 % of stance."""
    y_lim = _limits([s.mean + s.spread for s in series] + [s.mean - s.spread for s in series], include=[0])
    y_ticks = nice_ticks(*y_lim)
    ax = _Axes((0, 100), (min(y_ticks[0], y_lim[0]), max(y_ticks[-1], y_lim[1])), top=26)
    body = _frame(ax, (0, 25, 50, 75, 100), y_ticks, "% of stance (initial contact to toe-off)", y_label)
    if ax.y_lim[0] < 0 < ax.y_lim[1]:
        body.append(_hline(ax, float(ax.y(0)), f'stroke="{_AXIS}"'))
    for s in series:
        colour = SIDE_COLOUR_HEX[s.side]
        upper = _points(ax.x(s.pct), ax.y(s.mean + s.spread))
        lower = _points(ax.x(s.pct[::-1]), ax.y((s.mean - s.spread)[::-1]))
        body.append(f'<polygon points="{upper} {lower}" fill="{colour}" fill-opacity="0.16" stroke="none"/>')
        body.append(
            f'<polyline class="mean" data-side="{s.side}" points="{_points(ax.x(s.pct), ax.y(s.mean))}" '
            f'fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
        )
    body += _legend(
        ax, [(f"{s.side.capitalize()} stance (n={s.n_steps})", SIDE_COLOUR_HEX[s.side]) for s in series]
    )
    return _svg(ax, title, body)


def steps_plot(
    step_number: np.ndarray,
    side: np.ndarray,
    values: np.ndarray,
    title: str,
    y_label: str,
    bands: Sequence[BandEdge] = (),
) -> str:
    """Each step's value (a dot, coloured by stance side) in clip order, over the threshold bands."""
    finite_bands = [b for b in bands if math.isfinite(b.low) or math.isfinite(b.high)]
    edges = [e for b in finite_bands for e in (b.low, b.high) if math.isfinite(e)]
    y_lim = _limits([values], include=[0, *edges[:1]])
    y_ticks = nice_ticks(*y_lim)
    x_hi = max(2, int(step_number.max(initial=1)))
    ax = _Axes((0.5, x_hi + 0.5), (min(y_ticks[0], y_lim[0]), max(y_ticks[-1], y_lim[1])), top=26)
    body = [_band_rect(ax, b) for b in finite_bands]
    body += _frame(
        ax, nice_ticks(1, x_hi, 6)[1:] if x_hi > 6 else range(1, x_hi + 1), y_ticks, "step", y_label
    )
    for s in ("left", "right"):
        chosen = (side == s) & np.isfinite(values)
        if chosen.any():
            median_y = float(ax.y(np.median(values[chosen])))
            dashes = f'stroke="{SIDE_COLOUR_HEX[s]}" stroke-dasharray="6 4" stroke-width="1.5"'
            body.append(_hline(ax, median_y, dashes))
        body += [
            f'<circle class="step" data-side="{s}" cx="{_fmt(float(x))}" cy="{_fmt(float(y))}" r="4.5" '
            f'fill="{SIDE_COLOUR_HEX[s]}" stroke="white" stroke-width="1"/>'
            for x, y in zip(ax.x(step_number[chosen]), ax.y(values[chosen]), strict=True)
        ]
    body += _legend(
        ax, [("Left stance", SIDE_COLOUR_HEX["left"]), ("Right stance", SIDE_COLOUR_HEX["right"])]
    )
    return _svg(ax, title, body)


def _band_rect(ax: _Axes, band: BandEdge) -> str:
    lo = max(band.low, ax.y_lim[0]) if math.isfinite(band.low) else ax.y_lim[0]
    hi = min(band.high, ax.y_lim[1]) if math.isfinite(band.high) else ax.y_lim[1]
    if hi <= lo:
        return ""
    top, bottom = float(ax.y(hi)), float(ax.y(lo))
    fill = BAND_FILL.get(band.name, "#F3F4F6")
    label = _text(ax.width - ax.right - 4, bottom - 4, band.name, anchor="end", size=10, colour=_AXIS)
    return (
        f'<rect class="band" x="{ax.left}" y="{_fmt(top)}" width="{ax.width - ax.left - ax.right}" '
        f'height="{_fmt(bottom - top)}" fill="{fill}"/>' + (label if bottom - top > 14 else "")
    )


def cadence_plot(
    time_s: np.ndarray,
    cadence_spm: np.ndarray,
    side: np.ndarray,
    recommended: tuple[float, float],
    target: tuple[float, float] | None = None,
) -> str:
    """Cadence of each step over the clip, against the recommended band and the personal target."""
    include = [*recommended, *(target or ())]
    y_lim = _limits([cadence_spm], include=include, pad=0.15)
    y_ticks = nice_ticks(*y_lim)
    t_hi = float(np.nanmax(time_s)) if np.isfinite(time_s).any() else 1.0
    ax = _Axes((0, max(t_hi, 1.0)), (min(y_ticks[0], y_lim[0]), max(y_ticks[-1], y_lim[1])), top=26)
    low, high = (float(ax.y(v)) for v in recommended)
    body = [
        f'<rect class="band" x="{ax.left}" y="{_fmt(high)}" width="{ax.width - ax.left - ax.right}" '
        f'height="{_fmt(low - high)}" fill="{BAND_FILL["normal"]}"/>',
        _text(
            ax.left + 6,
            low - 5,
            f"{recommended[0]:g}-{recommended[1]:g} steps/min",
            anchor="start",
            size=11,
        ),
    ]
    if target is not None:
        t_low, t_high = (float(ax.y(v)) for v in target)
        body.append(
            f'<rect class="target" x="{ax.left}" y="{_fmt(t_high)}" width="{ax.width - ax.left - ax.right}" '
            f'height="{_fmt(max(t_low - t_high, 2))}" fill="none" stroke="#111827" stroke-dasharray="5 4"/>'
        )
        label = f"your target {target[0]:g}" + (f"-{target[1]:g}" if target[1] > target[0] else "")
        body.append(
            _text(ax.width - ax.right - 6, t_high - 5, label, anchor="end", size=11, colour="#111827")
        )
    body += _frame(ax, nice_ticks(0, ax.x_lim[1], 6), y_ticks, "time in the clip (s)", "steps/min")
    order = np.argsort(time_s)
    body.append(
        f'<polyline points="{_points(ax.x(time_s[order]), ax.y(cadence_spm[order]))}" fill="none" '
        f'stroke="{_AXIS}" stroke-width="1.2"/>'
    )
    for s in ("left", "right"):
        chosen = (side == s) & np.isfinite(cadence_spm)
        body += [
            f'<circle class="step" cx="{_fmt(float(x))}" cy="{_fmt(float(y))}" r="4" '
            f'fill="{SIDE_COLOUR_HEX[s]}"/>'
            for x, y in zip(ax.x(time_s[chosen]), ax.y(cadence_spm[chosen]), strict=True)
        ]
    return _svg(ax, "Cadence per step", body)


#: The sticker colour in the diagram.
STICKER_HEX = "#D61F8C"


def sticker_diagram() -> str:
    """Where the PSIS stickers go, seen from behind: the two dimples of the low back, the line
    through them, and how to check it (level when standing still; a 10 mm book under one foot
    tilts it about 3 deg)."""
    skin, shorts, ink = "#E8C4A8", "#3B4252", _TEXT
    body = [
        f'<path d="M70 20 C60 80 58 120 62 150 L238 150 C242 120 240 80 230 20 Z" fill="{skin}"/>',
        f'<path d="M58 150 L242 150 L252 250 L48 250 Z" fill="{shorts}"/>',
        '<line x1="150" y1="20" x2="150" y2="150" stroke="#C9A189" stroke-width="3" stroke-dasharray="6 5"/>',
        '<ellipse cx="122" cy="128" rx="11" ry="7" fill="#C9A189"/>',
        '<ellipse cx="178" cy="128" rx="11" ry="7" fill="#C9A189"/>',
        f'<line x1="92" y1="128" x2="208" y2="128" stroke="{ink}" stroke-width="2" stroke-dasharray="5 4"/>',
        f'<circle cx="122" cy="128" r="8" fill="{STICKER_HEX}" stroke="#fff" stroke-width="1.5"/>',
        f'<circle cx="178" cy="128" r="8" fill="{STICKER_HEX}" stroke="#fff" stroke-width="1.5"/>',
    ]
    labels = [
        _text(262, 112, "PSIS: the two dimples", "start", 13, ink),
        _text(262, 130, "of the low back, about", "start", 13, ink),
        _text(262, 148, "9 cm apart", "start", 13, ink),
        _text(262, 178, "Stickers 19-25 mm, a bright", "start", 13, ink),
        _text(262, 196, "colour unlike the clothes", "start", 13, ink),
        _text(240, 275, "Stand still 2-3 s before running: the line should be level", "middle", 13, ink),
        _text(240, 293, "(a 10 mm book under one foot tilts it about 3°)", "middle", 13, ink),
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 480 305" role="img" {_FONT} '
        'aria-label="Where the PSIS stickers go">' + "".join(body + labels) + "</svg>"
    )
