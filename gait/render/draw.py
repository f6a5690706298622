"""Drawing primitives for the annotators: sizes that scale with the frame, outlined text and lines, colours.

One drawing unit is a thousandth of the frame's longer side (:class:`Scale`), so lines and text keep
the same share of the picture on a phone and on a laptop. Side colours are the report's
(:data:`gait.present.SIDE_COLOUR_HEX`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from gait.present import SIDE_COLOUR_HEX
from gait.track import LANDMARK_INDEX

FONT = cv2.FONT_HERSHEY_DUPLEX


WHITE = (255, 255, 255)


INK = (20, 20, 20)


GREY = (210, 210, 210)


YELLOW = (60, 220, 255)


def hex_to_bgr(colour: str) -> tuple[int, int, int]:
    """``"#1E88E5"`` -> ``(229, 136, 30)``, the order OpenCV draws in."""
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return blue, green, red


SIDE_BGR: dict[str, tuple[int, int, int]] = {side: hex_to_bgr(c) for side, c in SIDE_COLOUR_HEX.items()}


@dataclass(frozen=True)
class Scale:
    """Drawing sizes for one frame size: ``px(k)`` is ``k`` thousandths of the longer side."""

    unit_px: float

    @classmethod
    def of(cls, frame: np.ndarray) -> Scale:
        """The scale of a (height, width, 3) frame."""
        return cls(max(frame.shape[:2]) / 1000)

    def px(self, k: float) -> int:
        """``k`` drawing units in whole pixels, at least 1."""
        return max(1, round(k * self.unit_px))


def _font_scale(height_px: int) -> float:
    """The Hershey font scale whose capital letters are ``height_px`` tall."""
    (_, cap_px), _ = cv2.getTextSize("H", FONT, 1.0, 1)
    return height_px / cap_px


def text_width(text: str, height_px: int) -> int:
    """Width in pixels of ``text`` drawn by :func:`draw_text` at cap height ``height_px``."""
    scale, thick = _font_scale(height_px), max(1, round(height_px / 11))
    parts = text.split("°")
    widths = [cv2.getTextSize(p, FONT, scale, thick)[0][0] for p in parts]
    return sum(widths) + (len(parts) - 1) * _degree_advance(height_px)


def _degree_advance(height_px: int) -> int:
    return max(4, round(height_px * 0.45))


def draw_text(
    frame: np.ndarray,
    text: str,
    org_px: tuple[int, int],
    height_px: int,
    colour: tuple[int, int, int] = WHITE,
) -> int:
    """Draw outlined text with its baseline-left at ``org_px``; the degree sign is drawn as a ring.

    The glyphs are drawn once into a mask and the outline is that mask grown by a few pixels, so the
    outline sits exactly round each letter (a second, thicker putText advances wider and drifts to
    the right along the line). Returns the width drawn, in pixels.
    """
    scale, thick = _font_scale(height_px), max(1, round(height_px / 11))
    halo = max(1, round(height_px / 12))
    width = text_width(text, height_px)
    pad = halo + thick + 2
    top, bottom = height_px + pad, round(0.45 * height_px) + pad  # above and below the baseline
    mask = np.zeros((top + bottom, width + 2 * pad), np.uint8)
    x, y = pad, top
    for i, part in enumerate(text.split("°")):
        if i:
            radius = max(2, round(height_px * 0.12))
            cv2.circle(
                mask,
                (x + radius + max(1, thick // 2), y - height_px + radius),
                radius,
                255,
                thick,
                cv2.LINE_AA,
            )
            x += _degree_advance(height_px)
        if part:
            cv2.putText(mask, part, (x, y), FONT, scale, 255, thick, cv2.LINE_AA)
            x += cv2.getTextSize(part, FONT, scale, thick)[0][0]
    outline = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * halo + 1, 2 * halo + 1)))
    _paint(frame, outline, (org_px[0] - pad, org_px[1] - top), INK)
    _paint(frame, mask, (org_px[0] - pad, org_px[1] - top), colour)
    return x - pad


def _paint(
    frame: np.ndarray, alpha: np.ndarray, at_px: tuple[int, int], colour: tuple[int, int, int]
) -> None:
    """Blend ``colour`` into ``frame`` through the 0-255 ``alpha`` mask placed with its top-left at ``at_px``
    (clipped to the frame)."""
    x0, y0 = at_px
    h, w = alpha.shape
    fx0, fy0 = max(x0, 0), max(y0, 0)
    fx1, fy1 = min(x0 + w, frame.shape[1]), min(y0 + h, frame.shape[0])
    if fx1 <= fx0 or fy1 <= fy0:
        return
    weight = alpha[fy0 - y0 : fy1 - y0, fx0 - x0 : fx1 - x0].astype(np.float32) * (1 / 255)
    roi = frame[fy0:fy1, fx0:fx1]
    paint = np.empty_like(roi)
    paint[:] = colour
    roi[:] = cv2.blendLinear(paint, roi, weight, 1 - weight)


def draw_label(
    frame: np.ndarray,
    text: str,
    org_px: tuple[int, int],
    height_px: int,
    colour: tuple[int, int, int] = WHITE,
) -> None:
    """Text on a dark box, moved inside the frame if it would stick out; ``org_px`` is baseline-left."""
    pad = max(2, height_px // 3)
    width = text_width(text, height_px)
    frame_h, frame_w = frame.shape[:2]
    x = min(max(org_px[0], pad), frame_w - width - pad)
    y = min(max(org_px[1], height_px + pad), frame_h - pad)
    shade(frame, x - pad, y - height_px - pad, x + width + pad, y + pad)
    draw_text(frame, text, (x, y), height_px, colour)


def shade(frame: np.ndarray, x0: int, y0: int, x1: int, y1: int, keep: float = 0.35) -> None:
    """Darken a rectangle (clipped to the frame) to ``keep`` of its brightness, for panels."""
    height, width = frame.shape[:2]
    x0, x1 = max(0, x0), min(width, x1)
    y0, y1 = max(0, y0), min(height, y1)
    if x1 > x0 and y1 > y0:
        frame[y0:y1, x0:x1] = cv2.convertScaleAbs(frame[y0:y1, x0:x1], alpha=keep)


@dataclass(frozen=True)
class Overlay:
    """A drawing that is the same on every frame it is on, made once and laid over each frame.

    Shading scales the pixel underneath and anti-aliased ink blends with it, so every pixel of such
    a drawing is ``ink + keep * frame``: drawing it once over black and once over white gives both.
    Laying it over a frame then costs two passes over its box, not the text drawn again.
    ``ink`` and ``keep`` (255 = the frame shows through unchanged) are (height, width, 3) uint8.
    """

    x0_px: int
    y0_px: int
    ink: np.ndarray
    keep: np.ndarray

    @classmethod
    def of(cls, draw: Callable[[np.ndarray], object], frame_shape: tuple[int, ...]) -> Overlay:
        """The overlay of ``draw(frame)`` (which draws in place) on frames of ``frame_shape``."""
        black, white = np.zeros(frame_shape, np.uint8), np.full(frame_shape, 255, np.uint8)
        draw(black)
        draw(white)
        rows, cols = np.nonzero(((black != 0) | (white != 255)).any(axis=2))
        if not rows.size:
            return cls(0, 0, black[:0, :0], white[:0, :0])
        box = np.s_[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
        return cls(int(cols.min()), int(rows.min()), black[box].copy(), cv2.subtract(white[box], black[box]))

    def lay_over(self, frame: np.ndarray) -> np.ndarray:
        """Lay the overlay over ``frame`` (in place) and return it."""
        height, width = self.ink.shape[:2]
        roi = frame[self.y0_px : self.y0_px + height, self.x0_px : self.x0_px + width]
        cv2.multiply(roi, self.keep, dst=roi, scale=1 / 255)
        cv2.add(roi, self.ink, dst=roi)
        return frame


def dashed_line(
    frame: np.ndarray,
    p0: np.ndarray,
    p1: np.ndarray,
    colour: tuple[int, int, int],
    thickness: int,
    dash_px: int,
) -> None:
    """A dashed line from ``p0`` to ``p1`` (pixel coordinates)."""
    length = float(np.hypot(*(p1 - p0)))
    n_dashes = max(1, int(length // (2 * dash_px)))
    starts = np.linspace(0.0, 1.0, n_dashes, endpoint=False)
    ends = starts + 0.5 / n_dashes
    a = np.rint(p0 + np.outer(starts, p1 - p0))
    b = np.rint(p0 + np.outer(ends, p1 - p0))
    dashes = np.stack([a, b], axis=1).astype(np.int32)  # (dashes, 2 ends, xy): one call draws them all
    cv2.polylines(frame, list(dashes), False, colour, thickness, cv2.LINE_AA)


def pt(xy: np.ndarray) -> tuple[int, int]:
    return round(float(xy[0])), round(float(xy[1]))


def line(frame: np.ndarray, a: np.ndarray, b: np.ndarray, colour: tuple[int, int, int], thick: int) -> None:
    """An outlined line, skipped when an end is missing (NaN)."""
    if np.isnan(a).any() or np.isnan(b).any():
        return
    cv2.line(frame, pt(a), pt(b), colour, thick, cv2.LINE_AA)


def ix(name: str) -> int:
    return LANDMARK_INDEX[name]
