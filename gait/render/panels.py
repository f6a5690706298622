"""Panels over the picture: the heads-up panel of the clip's summaries and the gait strip along the bottom."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import cv2
import numpy as np

from gait.analysis import Analysis, MetricSummary, Steps, view_family
from gait.metrics.catalogue import CADENCE_KEY, LEAD_KEYS
from gait.present import SIDES
from gait.render.draw import GREY, SIDE_BGR, WHITE, Overlay, Scale, draw_text, ix, shade, text_width
from gait.thresholds import MIN_STEPS_FOR_VERDICT, UNVALIDATED
from gait.track import PoseTrack

#: Height of the gait strip along the bottom, drawing units.
STRIP_UNITS = 44


#: Short names for the heads-up panel, by metric key; other keys use the metric's label.
SHORT_LABELS: dict[str, str] = {
    "pelvic_drop_markers_midstance_deg": "Pelvic drop (PSIS)",
    "hip_adduction_markers_peak_deg": "Hip add. (PSIS)",
    "pelvic_drop_midstance_deg": "Pelvic drop",
    "pelvic_drop_peak_deg": "Pelvic drop pk",
    "hip_adduction_peak_deg": "Hip adduction",
    "femoral_adduction_peak_deg": "Femur adduction",
    "overstride_leg_lengths": "Overstride (leg len.)",
    "shank_angle_ic_deg": "Shank angle",
    "knee_flexion_ic_deg": "Knee flexion",
    "contact_time_s": "Contact (s)",
    "duty_factor_pct": "Duty factor (%)",
}


class GaitStripAnnotator:
    """A strip along the bottom: each side's stance periods as bars, contacts as ticks, a playhead.

    Parameters
    ----------
    steps : Steps
        The steps of the clip.
    n_frames : int
        Number of frames of the clip (the strip's full width).
    """

    def __init__(self, steps: Steps, n_frames: int) -> None:
        self.n_frames = max(1, n_frames)
        self.bars = [
            (SIDES.index(str(side)), int(c), int(e))
            for side, c, e in zip(steps.side, steps.contact_frame, steps.stance_end_frame, strict=True)
            if side in SIDES
        ]
        self._cache: dict[tuple[int, int], tuple[np.ndarray, int]] = {}

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        strip, y0 = self._strip(frame_bgr)
        height, width = frame_bgr.shape[:2]
        frame_bgr[y0:height] = strip
        s = Scale.of(frame_bgr)
        x0, x1 = self._span(width, s)
        x = x0 + round((x1 - x0) * min(frame_index, self.n_frames - 1) / max(1, self.n_frames - 1))
        cv2.line(frame_bgr, (x, y0 + s.px(3)), (x, height - s.px(3)), WHITE, s.px(3), cv2.LINE_AA)
        return frame_bgr

    @staticmethod
    def _span(width: int, s: Scale) -> tuple[int, int]:
        return s.px(40), width - s.px(12)

    def _strip(self, frame: np.ndarray) -> tuple[np.ndarray, int]:
        """The strip image for this frame size, drawn once and cached."""
        height, width = frame.shape[:2]
        if (width, height) not in self._cache:
            s = Scale.of(frame)
            strip_h = s.px(STRIP_UNITS)
            strip = np.full((strip_h, width, 3), 24, np.uint8)
            x0, x1 = self._span(width, s)
            row_h = (strip_h - s.px(12)) // 2
            for col, side in enumerate(SIDES):
                top = s.px(4) + col * (row_h + s.px(4))
                draw_text(strip, side[0].upper(), (s.px(12), top + row_h - s.px(3)), s.px(14), SIDE_BGR[side])
                for bar_col, start, end in self.bars:
                    if bar_col == col:
                        xa = x0 + (x1 - x0) * start // max(1, self.n_frames - 1)
                        xb = x0 + (x1 - x0) * max(end, start) // max(1, self.n_frames - 1)
                        cv2.rectangle(strip, (xa, top), (max(xb, xa + 1), top + row_h), SIDE_BGR[side], -1)
                        cv2.line(strip, (xa, top), (xa, top + row_h), WHITE, s.px(2))
            self._cache[(width, height)] = (strip, height - strip_h)
        return self._cache[(width, height)]


class HudAnnotator:
    """A heads-up panel: the clip's cadence and the per-side medians of the view's key metrics.

    The numbers are the analysis's summaries (the ones ``summary.json`` and the report give),
    written with the same formatting, so the video, the report and the JSON agree.

    Parameters
    ----------
    analysis : Analysis
        The analysis; its summaries give the values.
    keys : sequence of str
        Per-side metric keys to show (at most three are shown).
    corner : {"left", "right"}
        The top corner the panel sits in (choose the one away from the runner).
    """

    def __init__(
        self, analysis: Analysis, keys: Sequence[str], corner: Literal["left", "right"] = "left"
    ) -> None:
        self.corner = corner
        self.n_frames = analysis.n_frames
        cadence = analysis.metric(CADENCE_KEY, "both")
        self.cadence = cadence.shown() if cadence and cadence.measurable else "-"
        #: (label, left text, right text) per metric row.
        self.rows: list[tuple[str, str, str]] = []
        for key in list(keys)[:3]:
            summaries = [analysis.metric(key, side) for side in SIDES]
            known = next((m for m in summaries if m is not None), None)
            label = SHORT_LABELS.get(key, known.label[:16] if known else key[:16])
            if key in UNVALIDATED:
                label += " (unvalidated)"  # shown, not judged: docs/validation.md
            texts = [_cell(m) for m in summaries]
            self.rows.append((label, texts[0], texts[1]))
        #: One line under the rows explaining a value left out for too few steps (not one per cell).
        self.footnote = FEW_STEPS_NOTE if any(FEW_STEPS_MARK in t for r in self.rows for t in r[1:]) else ""
        self._overlays: dict[tuple[int, ...], Overlay] = {}

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < self.n_frames:
            return frame_bgr
        if frame_bgr.shape not in self._overlays:  # the same on every frame: drawn once
            self._overlays[frame_bgr.shape] = Overlay.of(self._draw, frame_bgr.shape)
        return self._overlays[frame_bgr.shape].lay_over(frame_bgr)

    def _draw(self, frame_bgr: np.ndarray) -> np.ndarray:
        s = Scale.of(frame_bgr)
        natural = self._width(s.px(17), s.px(14))
        fit = min(1.0, (frame_bgr.shape[1] - 2 * s.px(12)) / max(natural, 1))  # narrow clips: smaller
        text_h, line_h, pad = (max(8, round(s.px(units) * fit)) for units in (17, 34, 14))
        label_w = max([text_width("Cadence", text_h)] + [text_width(r[0], text_h) for r in self.rows])
        col_w = self._col_w(text_h)
        width = self._width(text_h, pad)
        height = pad * 2 + line_h * (2 + len(self.rows) + bool(self.footnote)) - s.px(8)
        if not self.rows:
            height -= line_h
        x0 = s.px(12) if self.corner == "left" else frame_bgr.shape[1] - s.px(12) - width
        shade(frame_bgr, x0, s.px(12), x0 + width, s.px(12) + height)
        x, y = x0 + pad, s.px(12) + pad + text_h
        draw_text(frame_bgr, "Cadence", (x, y), text_h, GREY)
        draw_text(frame_bgr, self.cadence, (x + label_w + pad, y), text_h)
        if not self.rows:
            return frame_bgr
        y += line_h
        for col, side in enumerate(SIDES):
            draw_text(
                frame_bgr, side.capitalize(), (x + label_w + pad + col * col_w, y), text_h, SIDE_BGR[side]
            )
        for label, *texts in self.rows:
            y += line_h
            draw_text(frame_bgr, label, (x, y), text_h, GREY)
            for col, side in enumerate(SIDES):
                draw_text(frame_bgr, texts[col], (x + label_w + pad + col * col_w, y), text_h, SIDE_BGR[side])
        if self.footnote:
            draw_text(frame_bgr, self.footnote, (x, y + line_h), round(text_h * 0.85), GREY)
        return frame_bgr

    def _col_w(self, text_h: int) -> int:
        """Width of a side's column at this text size."""
        widest = max(
            [text_width("00.0°", text_h)] + [text_width(t, text_h) for r in self.rows for t in r[1:]]
        )
        return widest + round(text_h * 18 / 17)

    def _width(self, text_h: int, pad: int) -> int:
        """The panel's width at this text size."""
        label_w = max([text_width("Cadence", text_h)] + [text_width(r[0], text_h) for r in self.rows])
        values_w = max(
            2 * self._col_w(text_h), text_width(max(self.cadence, "000 steps/min", key=len), text_h)
        )
        footnote_w = text_width(self.footnote, round(text_h * 0.85)) if self.footnote else 0
        return max(pad * 3 + label_w + values_w, 2 * pad + footnote_w)


#: A panel cell whose value rests on too few steps: the mark and the one line that explains it.
FEW_STEPS_MARK = "few"
FEW_STEPS_NOTE = f"few: under {MIN_STEPS_FOR_VERDICT} steps, no value shown"


def _cell(m: MetricSummary | None) -> str:
    """A panel cell: the value as everywhere else (MetricSummary.shown), "few (n)" for too few steps."""
    if m is None or not m.measurable:
        return "-"
    if not m.enough_steps:
        return f"{FEW_STEPS_MARK} ({m.n_steps if m.verdict_steps is None else m.verdict_steps})"
    return m.shown(short=True)


def hud_corner(track: PoseTrack) -> Literal["left", "right"]:
    """The top corner away from the runner: "right" when the runner is mostly in the left half."""
    mid_x = (track.xy_px[:, ix("left_hip"), 0] + track.xy_px[:, ix("right_hip"), 0]) / 2
    finite = mid_x[np.isfinite(mid_x)]
    return "right" if finite.size and np.median(finite) < track.frame_size_px[0] / 2 else "left"


def hud_keys(analysis: Analysis) -> list[str]:
    """The per-side metrics the heads-up panel shows for this clip's view (those measured on a side)."""
    usable = list(
        dict.fromkeys(m.key for m in analysis.metrics if m.side in SIDES and m.measurable and m.n_steps)
    )
    preferred = [k for k in LEAD_KEYS.get(view_family(analysis.view.view), ()) if k in usable]
    return (preferred or usable)[:3]
