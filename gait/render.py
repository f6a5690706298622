"""Annotators that draw the analysis on video frames.

Each annotator is configured once in its constructor (per-frame geometry is precomputed with
numpy) and has one method, ``annotate(frame_bgr, frame_index) -> frame_bgr``, which draws on
the frame in place and returns it. :class:`Annotator` composes them for one clip.

Sizes scale with the frame: one drawing unit is a thousandth of the frame's longer side, so
lines and text keep the same share of the picture on a phone and on a laptop. Colours by the
person's side (:data:`SIDE_COLOUR_HEX`) are the ones the HTML report uses.

Notes
-----
Frames must be the upright frames the pose track was measured on (same size); scale the
finished frames down afterwards (e.g. with ``H264Writer(max_height_px=...)``). Every number
drawn is read from the :class:`~gait.analysis.Analysis` (its summaries, steps and per-frame
traces), never recomputed here: the pelvis angle is the engine's levelled trace, drawn against
the true horizontal as the tilted camera saw it, and the panel shows the report's medians.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import cv2
import numpy as np

from gait.analysis import Analysis, Steps, view_family
from gait.metrics.catalogue import CADENCE_KEY
from gait.present import SIDE_COLOUR_HEX, SIDES, format_short, format_value
from gait.track import LANDMARK_INDEX, PoseTrack

#: Below this hip-line angle the pelvis is drawn as "level", degrees.
LEVEL_DEG = 0.5
#: How long the ring at an initial contact lasts, seconds.
FLASH_S = 0.25
#: How long the foot-ahead distance stays on screen after a contact, seconds.
HOLD_S = 0.6
#: Height of the gait strip along the bottom, drawing units.
STRIP_UNITS = 44
#: Blocks across the head box that the face blur averages down to.
BLUR_CELLS = 10
#: Face landmarks used to place the blur box.
FACE_LANDMARKS = tuple(range(11))
#: Short names for the heads-up panel, by metric key; other keys use the metric's label.
SHORT_LABELS: dict[str, str] = {
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
#: Metrics shown in the heads-up panel, in order of preference, by view family.
HUD_KEYS: dict[str, tuple[str, ...]] = {
    "frontal": ("pelvic_drop_midstance_deg", "hip_adduction_peak_deg", "femoral_adduction_peak_deg"),
    "side": ("overstride_leg_lengths", "shank_angle_ic_deg", "knee_flexion_ic_deg"),
}
#: Per-step metrics printed for the latest landing in side view: (text before, unit, text after).
CONTACT_LINES: dict[str, tuple[str, str, str]] = {
    "overstride_leg_lengths": ("Foot ", "leg lengths", " ahead"),
    "shank_angle_ic_deg": ("Shank ", "deg", ""),
    "knee_flexion_ic_deg": ("Knee flexion ", "deg", ""),
}

_FONT = cv2.FONT_HERSHEY_DUPLEX
_WHITE = (255, 255, 255)
_INK = (20, 20, 20)
_GREY = (210, 210, 210)
_YELLOW = (60, 220, 255)


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


# ---------------------------------------------------------------------------------------------
# Drawing primitives


def _font_scale(height_px: int) -> float:
    """The Hershey font scale whose capital letters are ``height_px`` tall."""
    (_, cap_px), _ = cv2.getTextSize("H", _FONT, 1.0, 1)
    return height_px / cap_px


def text_width(text: str, height_px: int) -> int:
    """Width in pixels of ``text`` drawn by :func:`draw_text` at cap height ``height_px``."""
    scale, thick = _font_scale(height_px), max(1, round(height_px / 11))
    parts = text.split("°")
    widths = [cv2.getTextSize(p, _FONT, scale, thick)[0][0] for p in parts]
    return sum(widths) + (len(parts) - 1) * _degree_advance(height_px)


def _degree_advance(height_px: int) -> int:
    return max(4, round(height_px * 0.45))


def draw_text(
    frame: np.ndarray,
    text: str,
    org_px: tuple[int, int],
    height_px: int,
    colour: tuple[int, int, int] = _WHITE,
) -> int:
    """Draw outlined text with its baseline-left at ``org_px``; the degree sign is drawn as a ring.

    Returns the width drawn, in pixels.
    """
    scale, thick = _font_scale(height_px), max(1, round(height_px / 11))
    outline = thick + max(2, round(height_px / 6))
    x, y = org_px
    for i, part in enumerate(text.split("°")):
        if i:
            radius = max(2, round(height_px * 0.12))
            centre = (x + radius + max(1, thick // 2), y - height_px + radius)
            cv2.circle(frame, centre, radius, _INK, outline, cv2.LINE_AA)
            cv2.circle(frame, centre, radius, colour, thick, cv2.LINE_AA)
            x += _degree_advance(height_px)
        if part:
            cv2.putText(frame, part, (x, y), _FONT, scale, _INK, outline, cv2.LINE_AA)
            cv2.putText(frame, part, (x, y), _FONT, scale, colour, thick, cv2.LINE_AA)
            x += cv2.getTextSize(part, _FONT, scale, thick)[0][0]
    return x - org_px[0]


def draw_label(
    frame: np.ndarray,
    text: str,
    org_px: tuple[int, int],
    height_px: int,
    colour: tuple[int, int, int] = _WHITE,
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
    a = np.rint(p0 + np.outer(starts, p1 - p0)).astype(int)
    b = np.rint(p0 + np.outer(ends, p1 - p0)).astype(int)
    for (ax, ay), (bx, by) in zip(a, b, strict=True):
        cv2.line(frame, (int(ax), int(ay)), (int(bx), int(by)), colour, thickness, cv2.LINE_AA)


def _pt(xy: np.ndarray) -> tuple[int, int]:
    return round(float(xy[0])), round(float(xy[1]))


def _line(frame: np.ndarray, a: np.ndarray, b: np.ndarray, colour: tuple[int, int, int], thick: int) -> None:
    """An outlined line, skipped when an end is missing (NaN)."""
    if np.isnan(a).any() or np.isnan(b).any():
        return
    cv2.line(frame, _pt(a), _pt(b), colour, thick, cv2.LINE_AA)


# ---------------------------------------------------------------------------------------------
# Per-frame timing from the steps


def stance_of(analysis: Analysis) -> np.ndarray:
    """(n_frames, 2) bool: the engine's stance of the left / right leg per frame (its ``stance_*`` traces)."""
    traces = analysis.traces
    if "stance_left" not in traces or "stance_right" not in traces:
        return np.zeros((analysis.n_frames, 2), bool)
    return np.column_stack((traces["stance_left"], traces["stance_right"])) > 0


def last_contact(steps: Steps, n_frames: int) -> np.ndarray:
    """(n_frames, 2) int: index into ``steps`` of the latest contact of each side, -1 before the first."""
    frames = np.arange(n_frames)
    out = np.full((n_frames, 2), -1)
    for col, side in enumerate(SIDES):
        rows = np.flatnonzero(steps.side == side)
        rows = rows[np.argsort(steps.contact_frame[rows])]
        idx = np.searchsorted(steps.contact_frame[rows], frames, side="right") - 1
        out[:, col] = np.where(idx >= 0, rows[np.clip(idx, 0, None)] if len(rows) else -1, -1)
    return out


def contact_age(steps: Steps, n_frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per frame and side: the latest contact's step index (-1: none yet) and frames since it.

    Returns
    -------
    step : (n_frames, 2) int
        As :func:`last_contact`.
    age_frames : (n_frames, 2) int
        Frames since that contact; a large number where there is none.
    """
    step = last_contact(steps, n_frames)
    contact = steps.contact_frame[np.clip(step, 0, None)] if steps.n else np.zeros_like(step)
    age = np.arange(n_frames)[:, None] - contact
    return step, np.where(step >= 0, age, np.iinfo(np.int32).max)


# ---------------------------------------------------------------------------------------------
# Annotators


class FrameAnnotator(Protocol):
    """Anything that draws on a frame: ``annotate(frame_bgr, frame_index) -> frame_bgr``."""

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray: ...


_LEG_SEGMENTS = (
    ("hip", "knee"),
    ("knee", "ankle"),
    ("ankle", "heel"),
    ("heel", "foot_index"),
    ("ankle", "foot_index"),
)
_LEG_JOINTS = ("hip", "knee", "ankle", "heel", "foot_index")
_TORSO = (
    ("left_shoulder", "right_shoulder"),
    ("left_shoulder", "left_hip"),
    ("right_shoulder", "right_hip"),
    ("left_hip", "right_hip"),
)
_ARMS = (("shoulder", "elbow"), ("elbow", "wrist"))


def _ix(name: str) -> int:
    return LANDMARK_INDEX[name]


class SkeletonAnnotator:
    """The body outline, with the legs thick and coloured by side and the stance leg haloed.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track; frames with NaN landmarks draw nothing for those points.
    stance : (frames, 2) bool array, optional
        Left / right stance per frame (see :func:`stance_of`); the stance leg gets a white halo
        and a bar under the foot.
    """

    def __init__(self, track: PoseTrack, stance: np.ndarray | None = None) -> None:
        self.xy_px = track.xy_px
        self.stance = stance if stance is not None else np.zeros((track.n_frames, 2), bool)

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < len(self.xy_px):
            return frame_bgr
        pts, s = self.xy_px[frame_index], Scale.of(frame_bgr)
        for a, b in _TORSO:
            _line(frame_bgr, pts[_ix(a)], pts[_ix(b)], _INK, s.px(5))
            _line(frame_bgr, pts[_ix(a)], pts[_ix(b)], _GREY, s.px(2.5))
        for col, side in enumerate(SIDES):
            for a, b in _ARMS:
                _line(frame_bgr, pts[_ix(f"{side}_{a}")], pts[_ix(f"{side}_{b}")], SIDE_BGR[side], s.px(2))
            self._leg(frame_bgr, pts, side, bool(self.stance[frame_index, col]), s)
        return frame_bgr

    @staticmethod
    def _leg(frame: np.ndarray, pts: np.ndarray, side: str, in_stance: bool, s: Scale) -> None:
        colour = SIDE_BGR[side]
        segments = [(pts[_ix(f"{side}_{a}")], pts[_ix(f"{side}_{b}")]) for a, b in _LEG_SEGMENTS]
        if in_stance:
            for a, b in segments:
                _line(frame, a, b, _WHITE, s.px(18))
            _ground_bar(frame, pts, side, s)
        for a, b in segments:
            _line(frame, a, b, _INK, s.px(10))
        for a, b in segments:
            _line(frame, a, b, colour, s.px(6))
        for joint in _LEG_JOINTS:
            xy = pts[_ix(f"{side}_{joint}")]
            if not np.isnan(xy).any():
                cv2.circle(frame, _pt(xy), s.px(6), _INK, -1, cv2.LINE_AA)
                cv2.circle(frame, _pt(xy), s.px(4), _WHITE if in_stance else colour, -1, cv2.LINE_AA)


def _ground_bar(frame: np.ndarray, pts: np.ndarray, side: str, s: Scale) -> None:
    """A short bar under the stance foot, in the side's colour."""
    foot = pts[[_ix(f"{side}_heel"), _ix(f"{side}_foot_index")]]
    if np.isnan(foot).any():
        return
    y = int(foot[:, 1].max()) + s.px(10)
    x0, x1 = int(foot[:, 0].min()) - s.px(14), int(foot[:, 0].max()) + s.px(14)
    cv2.line(frame, (x0, y), (x1, y), _INK, s.px(9), cv2.LINE_AA)
    cv2.line(frame, (x0, y), (x1, y), SIDE_BGR[side], s.px(6), cv2.LINE_AA)


class ContactAnnotator:
    """An expanding ring and a "contact" tag at the foot for a moment after each initial contact.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track (for the foot position).
    steps : Steps
        The steps; each step's ``contact_frame`` is an initial contact of its ``side``.
    """

    def __init__(self, track: PoseTrack, steps: Steps) -> None:
        self.xy_px = track.xy_px
        flash_frames = max(2, round(FLASH_S * track.fps))
        _, age = contact_age(steps, track.n_frames)
        #: (frames, 2) float: 0 at the contact frame rising to 1 when the flash ends; NaN: no flash.
        self.phase = np.where(age < flash_frames, age / flash_frames, np.nan)

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < len(self.phase):
            return frame_bgr
        s = Scale.of(frame_bgr)
        for col, side in enumerate(SIDES):
            phase = self.phase[frame_index, col]
            foot = self._foot(frame_index, side)
            if np.isnan(phase) or foot is None:
                continue
            radius = s.px(18 + 30 * phase)
            cv2.circle(frame_bgr, _pt(foot), radius, _INK, s.px(9 - 5 * phase), cv2.LINE_AA)
            cv2.circle(frame_bgr, _pt(foot), radius, _YELLOW, s.px(6 - 4 * phase), cv2.LINE_AA)
            tag = f"{side[0].upper()} contact"
            x = int(foot[0]) - text_width(tag, s.px(16)) // 2
            draw_text(frame_bgr, tag, (x, int(foot[1]) + radius + s.px(26)), s.px(16), SIDE_BGR[side])
        return frame_bgr

    def _foot(self, frame_index: int, side: str) -> np.ndarray | None:
        for name in (f"{side}_heel", f"{side}_ankle"):
            xy = self.xy_px[frame_index, _ix(name)]
            if not np.isnan(xy).any():
                return xy
        return None


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
        cv2.line(frame_bgr, (x, y0 + s.px(3)), (x, height - s.px(3)), _WHITE, s.px(3), cv2.LINE_AA)
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
                        cv2.line(strip, (xa, top), (xa, top + row_h), _WHITE, s.px(2))
            self._cache[(width, height)] = (strip, height - strip_h)
        return self._cache[(width, height)]


class PelvisAnnotator:
    """Frontal views: the pelvis line with the engine's pelvis angle, and each stance femur's adduction.

    The hip line is drawn through and beyond both hips, with a dashed line for the true horizontal
    as the camera saw it (the image horizontal turned by the camera roll), and the engine's levelled
    pelvis angle printed with the side of the lower hip. For the stance leg, a dashed line
    perpendicular to the pelvis shows a neutral femur, and the engine's hip adduction (positive
    toward the midline) is printed at the knee.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track (where to draw).
    stance : (frames, 2) bool array
        Left / right stance per frame (see :func:`stance_of`).
    pelvis_angle_deg : (frames,) float
        The engine's ``pelvis_angle_deg`` trace: positive when the right hip is lower.
    adduction_deg : (frames, 2) float
        The engine's ``hip_adduction_left_deg`` / ``hip_adduction_right_deg`` traces.
    tilt_deg : float
        The camera roll the engine levelled by (clockwise positive; 0 when unknown).
    """

    def __init__(
        self,
        track: PoseTrack,
        stance: np.ndarray,
        pelvis_angle_deg: np.ndarray,
        adduction_deg: np.ndarray,
        tilt_deg: float = 0.0,
    ) -> None:
        self.hips = track.xy_px[:, [_ix("left_hip"), _ix("right_hip")]].astype(float)
        self.knees = track.xy_px[:, [_ix("left_knee"), _ix("right_knee")]].astype(float)
        self.stance = stance
        self.angle_deg = np.asarray(pelvis_angle_deg, float)
        self.adduction_deg = np.asarray(adduction_deg, float)
        roll = math.radians(tilt_deg)
        #: Direction of a true horizontal in the image: a clockwise roll turns it clockwise on screen.
        self.horizontal = np.array([math.cos(roll), math.sin(roll)])

    @classmethod
    def of(cls, analysis: Analysis, track: PoseTrack) -> PelvisAnnotator | None:
        """The annotator for an analysis whose traces hold the pelvis and hip angles, else None."""
        traces = analysis.traces
        keys = ("pelvis_angle_deg", "hip_adduction_left_deg", "hip_adduction_right_deg")
        if not all(k in traces for k in keys):
            return None
        adduction = np.column_stack((traces[keys[1]], traces[keys[2]]))
        return cls(track, stance_of(analysis), traces[keys[0]], adduction, analysis.tilt_deg or 0.0)

    def label(self, frame_index: int) -> str:
        """The pelvis text at a frame, e.g. ``"Pelvis 4.2°, R hip lower"`` (empty when unknown)."""
        angle = self.angle_deg[frame_index] if frame_index < len(self.angle_deg) else math.nan
        if not math.isfinite(angle):
            return ""
        if abs(angle) < LEVEL_DEG:
            return "Pelvis level"
        lower = "R" if angle > 0 else "L"
        return f"Pelvis {format_value(abs(angle), 'deg')}, {lower} hip lower"

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < len(self.hips) or np.isnan(self.hips[frame_index]).any():
            return frame_bgr
        s = Scale.of(frame_bgr)
        left, right = self.hips[frame_index]
        mid, along = (left + right) / 2, right - left
        span = float(np.hypot(*along))
        if span < 1:
            return frame_bgr
        unit = along / span
        reach = 0.5 * span + s.px(60)
        horizontal = self.horizontal
        dashed_line(frame_bgr, mid - reach * horizontal, mid + reach * horizontal, _WHITE, s.px(2), s.px(10))
        cv2.line(frame_bgr, _pt(mid - reach * unit), _pt(mid + reach * unit), _INK, s.px(8), cv2.LINE_AA)
        cv2.line(frame_bgr, _pt(mid - reach * unit), _pt(mid + reach * unit), _YELLOW, s.px(5), cv2.LINE_AA)
        label = self.label(frame_index)
        ends = sorted((mid - reach * unit, mid + reach * unit), key=lambda p: float(p[0]))
        text_h, gap = s.px(18), s.px(16)
        x = int(ends[1][0]) + gap
        if x + text_width(label, text_h) > frame_bgr.shape[1]:
            x = int(ends[0][0]) - gap - text_width(label, text_h)
        end = ends[1] if x > mid[0] else ends[0]
        if label:
            draw_label(frame_bgr, label, (x, int(end[1]) + text_h // 2), text_h, _YELLOW)
        for col in np.flatnonzero(self.stance[frame_index]):
            self._femur(frame_bgr, frame_index, int(col), unit, s)
        return frame_bgr

    def _femur(self, frame: np.ndarray, i: int, col: int, unit: np.ndarray, s: Scale) -> None:
        hip, knee = self.hips[i, col], self.knees[i, col]
        if np.isnan(knee).any():
            return
        down = np.array([-unit[1], unit[0]]) * (1 if unit[0] >= 0 else -1)
        down = down if down[1] > 0 else -down
        length = float(np.hypot(*(knee - hip)))
        dashed_line(frame, hip, hip + length * down, _WHITE, s.px(3), s.px(9))
        side = SIDES[col]
        angle = float(self.adduction_deg[i, col]) if i < len(self.adduction_deg) else math.nan
        if not math.isfinite(angle):
            return
        label = format_value(angle, "deg")
        outward = 1 if (hip - self.hips[i, 1 - col])[0] > 0 else -1
        x = int(knee[0]) + (s.px(26) if outward > 0 else -s.px(26) - text_width(label, s.px(20)))
        draw_label(frame, label, (x, int(knee[1]) + s.px(8)), s.px(20), SIDE_BGR[side])


def contact_on_screen(steps: Steps, n_frames: int, fps: float) -> np.ndarray:
    """(n_frames,) int: the step whose contact is shown (the latest of either side, for HOLD_S), -1: none."""
    step, age = contact_age(steps, n_frames)
    latest = np.argmin(age, axis=1)
    rows = np.arange(n_frames)
    return np.where(age[rows, latest] < max(2, round(HOLD_S * fps)), step[rows, latest], -1)


class SideViewAnnotator:
    """Side views: the vertical through the mid-hip, and an arrow from it to the foot at each contact.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track.
    steps : Steps
        The steps; the arrow shows where the heel was at the latest contact.
    """

    def __init__(self, track: PoseTrack, steps: Steps) -> None:
        xy = track.xy_px
        self.mid_hip = (xy[:, _ix("left_hip")] + xy[:, _ix("right_hip")]) / 2
        shoulders = xy[:, [_ix("left_shoulder"), _ix("right_shoulder")], 1]
        feet = xy[:, [_ix(f"{s}_{p}") for s in SIDES for p in ("heel", "foot_index")], 1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames: nobody found
            self.top, self.bottom = np.nanmin(shoulders, axis=1), np.nanmax(feet, axis=1)
        self.heels = xy[:, [_ix("left_heel"), _ix("right_heel")]]
        self.steps = steps
        self.showing = contact_on_screen(steps, track.n_frames, track.fps)

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < len(self.mid_hip) or np.isnan(self.mid_hip[frame_index]).any():
            return frame_bgr
        s = Scale.of(frame_bgr)
        hip = self.mid_hip[frame_index]
        top = self.top[frame_index] if np.isfinite(self.top[frame_index]) else hip[1] - s.px(200)
        bottom = self.bottom[frame_index] if np.isfinite(self.bottom[frame_index]) else hip[1] + s.px(300)
        p0, p1 = np.array([hip[0], top - s.px(20)]), np.array([hip[0], bottom + s.px(20)])
        dashed_line(frame_bgr, p0, p1, _INK, s.px(6), s.px(12))
        dashed_line(frame_bgr, p0, p1, _WHITE, s.px(3), s.px(12))
        if self.showing[frame_index] >= 0:
            self._arrow(frame_bgr, int(self.showing[frame_index]), s)
        return frame_bgr

    def _arrow(self, frame: np.ndarray, step: int, s: Scale) -> None:
        """Arrow from the hip vertical to the heel as it was at contact."""
        c, side = int(self.steps.contact_frame[step]), str(self.steps.side[step])
        if side not in SIDES:
            return
        heel, hip = self.heels[c, SIDES.index(side)], self.mid_hip[c]
        if np.isnan(heel).any() or np.isnan(hip).any():
            return
        start, end = (int(hip[0]), int(heel[1])), _pt(heel)
        cv2.arrowedLine(frame, start, end, _INK, s.px(8), cv2.LINE_AA, tipLength=0.15)
        cv2.arrowedLine(frame, start, end, SIDE_BGR[side], s.px(5), cv2.LINE_AA, tipLength=0.15)


class ContactPanelAnnotator:
    """Side views: the latest landing's numbers (foot ahead, shank, knee) in the bottom-left corner.

    Parameters
    ----------
    steps : Steps
        The steps; ``values`` keys in :data:`CONTACT_LINES` are printed.
    n_frames, fps : int, float
        Length and frame rate of the clip.
    bottom_margin : int
        Drawing units kept free at the bottom (e.g. for the gait strip).
    """

    def __init__(self, steps: Steps, n_frames: int, fps: float, bottom_margin: int = 0) -> None:
        self.steps = steps
        self.showing = contact_on_screen(steps, n_frames, fps)
        self.bottom_margin = bottom_margin

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < len(self.showing) or self.showing[frame_index] < 0:
            return frame_bgr
        step = int(self.showing[frame_index])
        side = str(self.steps.side[step])
        lines = [f"{side.capitalize()} foot landing"] + [
            f"{before}{format_value(float(self.steps.values[k][step]), unit)}{after}"
            for k, (before, unit, after) in CONTACT_LINES.items()
            if k in self.steps.values and np.isfinite(self.steps.values[k][step])
        ]
        if len(lines) == 1 or side not in SIDES:
            return frame_bgr
        s = Scale.of(frame_bgr)
        text_h, line_h, pad = s.px(17), s.px(30), s.px(12)
        width = max(text_width(line, text_h) for line in lines) + 2 * pad
        x0, y1 = s.px(12), frame_bgr.shape[0] - s.px(12 + self.bottom_margin)
        y0 = y1 - len(lines) * line_h - pad
        shade(frame_bgr, x0, y0, x0 + width, y1)
        for row, line in enumerate(lines):
            colour = _WHITE if row == 0 else SIDE_BGR[side]
            draw_text(frame_bgr, line, (x0 + pad, y0 + pad + text_h + row * line_h), text_h, colour)
        return frame_bgr


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
        self.cadence = format_value(cadence.median, cadence.unit) if cadence and cadence.measurable else "-"
        #: (label, left text, right text) per metric row.
        self.rows: list[tuple[str, str, str]] = []
        for key in list(keys)[:3]:
            summaries = [analysis.metric(key, side) for side in SIDES]
            known = next((m for m in summaries if m is not None), None)
            label = SHORT_LABELS.get(key, known.label[:16] if known else key[:16])
            texts = [
                format_short(m.median, m.unit) if m is not None and m.measurable else "-" for m in summaries
            ]
            self.rows.append((label, texts[0], texts[1]))

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < self.n_frames:
            return frame_bgr
        s = Scale.of(frame_bgr)
        text_h, line_h, pad = s.px(17), s.px(34), s.px(14)
        label_w = max([text_width("Cadence", text_h)] + [text_width(r[0], text_h) for r in self.rows])
        col_w = text_width("00.0°", text_h) + s.px(18)
        width = pad * 3 + label_w + max(2 * col_w, text_width("000 steps/min", text_h))
        height = pad * 2 + line_h * (2 + len(self.rows)) - s.px(8)
        if not self.rows:
            height -= line_h
        x0 = s.px(12) if self.corner == "left" else frame_bgr.shape[1] - s.px(12) - width
        shade(frame_bgr, x0, s.px(12), x0 + width, s.px(12) + height)
        x, y = x0 + pad, s.px(12) + pad + text_h
        draw_text(frame_bgr, "Cadence", (x, y), text_h, _GREY)
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
            draw_text(frame_bgr, label, (x, y), text_h, _GREY)
            for col, side in enumerate(SIDES):
                draw_text(frame_bgr, texts[col], (x + label_w + pad + col * col_w, y), text_h, SIDE_BGR[side])
        return frame_bgr


class FaceBlur:
    """Blur the head region, from the face landmarks, for sharing clips privately.

    The box is centred on the face landmarks (nose, eyes, ears, mouth) and sized from the
    shoulder width and the torso length, so it covers the whole head in front, rear and side
    views. Frames where the face was not found reuse the nearest found box within ``hold_s``.

    Parameters
    ----------
    track : PoseTrack
        The track (raw or cleaned).
    hold_s : float
        How long a box is kept over frames with no face landmarks, seconds.
    """

    def __init__(self, track: PoseTrack, hold_s: float = 0.5) -> None:
        boxes = head_boxes(track)
        found = np.flatnonzero(np.isfinite(boxes[:, 0]))
        frames = np.arange(track.n_frames)
        self.boxes = np.zeros((track.n_frames, 4), int)
        #: (frames,) bool: whether a box is blurred in each frame.
        self.valid = np.zeros(track.n_frames, bool)
        if found.size:
            pos = np.clip(np.searchsorted(found, frames), 1, found.size) - 1
            nearest = np.where(
                np.abs(found[pos] - frames) <= np.abs(found[np.minimum(pos + 1, found.size - 1)] - frames),
                found[pos],
                found[np.minimum(pos + 1, found.size - 1)],
            )
            self.valid = np.abs(nearest - frames) <= hold_s * track.fps
            self.boxes[self.valid] = np.rint(boxes[nearest[self.valid]]).astype(int)

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not 0 <= frame_index < len(self.boxes) or not self.valid[frame_index]:
            return frame_bgr
        x0, y0, x1, y1 = self.boxes[frame_index]
        height, width = frame_bgr.shape[:2]
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(width, x1), min(height, y1)
        if x1 - x0 < 2 or y1 - y0 < 2:
            return frame_bgr
        roi = frame_bgr[y0:y1, x0:x1]
        # Average the box down to about 10 x 10 blocks, soften them, and scale back up smoothly:
        # no facial detail survives, and the cost is that of a tiny image.
        cells = max(1, round(BLUR_CELLS * (y1 - y0) / (x1 - x0)))
        small = cv2.resize(roi, (BLUR_CELLS, cells), interpolation=cv2.INTER_AREA)
        small = cv2.GaussianBlur(small, (0, 0), 1.0)
        frame_bgr[y0:y1, x0:x1] = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_LINEAR)
        return frame_bgr


def head_boxes(track: PoseTrack) -> np.ndarray:
    """(frames, 4) head boxes ``x0, y0, x1, y1`` in pixels; NaN where no face landmark was found.

    The box is centred halfway between the face landmarks' centre and the ears (the skull
    lies behind the face in side view). The half-size is the largest of 0.6 x shoulder width,
    0.4 x torso length and 1.5 x the spread of the face landmarks, so the box still covers the
    head in side view (narrow shoulders) and close up.
    """
    xy = track.xy_px.astype(float)
    face = xy[:, list(FACE_LANDMARKS)]
    ears = xy[:, [_ix("left_ear"), _ix("right_ear")]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames: no face found
        face_centre = np.nanmean(face, axis=1)
        spread = np.nanmax(np.linalg.norm(face - face_centre[:, None], axis=-1), axis=1)
        # Halfway between the face and the ears: in side view the skull lies behind the face.
        centre = np.nanmean(np.stack([face_centre, np.nanmean(ears, axis=1)]), axis=0)
    shoulders = xy[:, [_ix("left_shoulder"), _ix("right_shoulder")]]
    hips = xy[:, [_ix("left_hip"), _ix("right_hip")]]
    shoulder_w = np.linalg.norm(shoulders[:, 0] - shoulders[:, 1], axis=-1)
    torso = np.linalg.norm(shoulders.mean(1) - hips.mean(1), axis=-1)
    half = np.fmax(np.fmax(0.6 * shoulder_w, 0.4 * torso), 1.5 * spread)
    cx, cy = (
        centre[:, 0],
        centre[:, 1] - 0.2 * half,
    )  # the crown is further above the eyes than the chin below
    return np.stack([cx - half, cy - half, cx + half, cy + half], axis=1)


def hud_corner(track: PoseTrack) -> Literal["left", "right"]:
    """The top corner away from the runner: "right" when the runner is mostly in the left half."""
    mid_x = (track.xy_px[:, _ix("left_hip"), 0] + track.xy_px[:, _ix("right_hip"), 0]) / 2
    finite = mid_x[np.isfinite(mid_x)]
    return "right" if finite.size and np.median(finite) < track.frame_size_px[0] / 2 else "left"


def hud_keys(analysis: Analysis) -> list[str]:
    """The per-side metrics the heads-up panel shows for this clip's view (those measured on a side)."""
    usable = list(
        dict.fromkeys(m.key for m in analysis.metrics if m.side in SIDES and m.measurable and m.n_steps)
    )
    preferred = [k for k in HUD_KEYS.get(view_family(analysis.view.view), ()) if k in usable]
    return (preferred or usable)[:3]


class Annotator:
    """Everything drawn on a frame of the annotated video, for one analysed clip.

    Parameters
    ----------
    analysis : Analysis
        The metrics engine's result (view, steps, metrics).
    track : PoseTrack
        The cleaned pose track the analysis was computed from.
    blur_faces : bool
        Blur the head region first (``--blur-faces``).

    Examples
    --------
    >>> annotate = Annotator(analysis, track, blur_faces=True).annotate  # doctest: +SKIP
    >>> for frame in iter_frames(video):  # doctest: +SKIP
    ...     writer.write(annotate(frame.bgr, frame.index))
    """

    def __init__(self, analysis: Analysis, track: PoseTrack, blur_faces: bool = False) -> None:
        stance = stance_of(analysis)
        family = view_family(analysis.view.view)
        self.layers: list[FrameAnnotator] = []
        if blur_faces:
            self.layers.append(FaceBlur(track))
        steps = analysis.steps
        if family == "side":
            self.layers.append(SideViewAnnotator(track, steps))
        self.layers.append(SkeletonAnnotator(track, stance))
        pelvis = PelvisAnnotator.of(analysis, track) if family == "frontal" else None
        if pelvis is not None:
            self.layers.append(pelvis)
        self.layers.append(ContactAnnotator(track, steps))
        if family == "side":
            self.layers.append(
                ContactPanelAnnotator(steps, track.n_frames, track.fps, STRIP_UNITS if steps.n else 0)
            )
        if steps.n:
            self.layers.append(GaitStripAnnotator(steps, track.n_frames))
        self.layers.append(HudAnnotator(analysis, hud_keys(analysis), hud_corner(track)))
        self.size_px = track.frame_size_px

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        """Draw every layer on ``frame_bgr`` (in place) and return it."""
        height, width = frame_bgr.shape[:2]
        if (width, height) != tuple(self.size_px):
            raise ValueError(
                f"frame is {width}x{height} but the pose track is {self.size_px[0]}x{self.size_px[1]}: "
                "annotate the upright source frames, then scale the output"
            )
        for layer in self.layers:
            frame_bgr = layer.annotate(frame_bgr, frame_index)
        return frame_bgr
