"""Frontal-view annotator: the pelvis line with the engine's levelled pelvis angle, and each stance
femur's adduction against the vertical (femoral adduction, the validated frontal measure)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from gait.analysis import Analysis
from gait.metrics.hip import femur_px
from gait.present import SIDES, format_value
from gait.render.draw import (
    INK,
    SIDE_BGR,
    WHITE,
    YELLOW,
    Scale,
    dashed_line,
    draw_label,
    ix,
    pt,
    text_width,
)
from gait.render.timing import stance_of
from gait.track import PoseTrack

#: Below this hip-line angle the pelvis is drawn as "level", degrees.
LEVEL_DEG = 0.5


class PelvisAnnotator:
    """Frontal views: the pelvis line with the engine's pelvis angle, and each stance femur's adduction.

    The hip line is drawn through and beyond both hips, with a dashed line for the true horizontal
    as the camera saw it (the image horizontal turned by the camera roll), and the engine's levelled
    pelvis angle printed with the side of the lower hip. For the stance leg, the femur is drawn
    from the hip joint centre the engine measures from (gait.metrics.hip.femur_px) with a dashed
    true vertical beside it, and the engine's femoral adduction (positive toward the midline) is
    printed at the knee.

    Parameters
    ----------
    track : PoseTrack
        The cleaned track (where to draw).
    stance : (frames, 2) bool array
        Left / right stance per frame (see :func:`stance_of`).
    pelvis_angle_deg : (frames,) float
        The engine's ``pelvis_angle_deg`` trace: positive when the right hip is lower.
    adduction_deg : (frames, 2) float
        The engine's ``femoral_adduction_left_deg`` / ``femoral_adduction_right_deg`` traces.
    tilt_deg : float
        The camera roll the engine levelled by (clockwise positive; 0 when unknown).
    stickers_px : (frames, 2, 2) float array, optional
        The PSIS stickers (left, right): the line is drawn through them, each ringed, and
        ``pelvis_angle_deg`` is then their levelled angle (``pelvis_marker_angle_deg``).
    """

    def __init__(
        self,
        track: PoseTrack,
        stance: np.ndarray,
        pelvis_angle_deg: np.ndarray,
        adduction_deg: np.ndarray,
        tilt_deg: float = 0.0,
        stickers_px: np.ndarray | None = None,
    ) -> None:
        self.hips = track.xy_px[:, [ix("left_hip"), ix("right_hip")]].astype(float)
        #: The line's two ends: the PSIS stickers when there are, else the hip points.
        self.stickers = stickers_px
        self.line_ends = self.hips if stickers_px is None else np.asarray(stickers_px, float)
        self.knees = track.xy_px[:, [ix("left_knee"), ix("right_knee")]].astype(float)
        self.joint_centres = self.knees - femur_px(track.xy_px)
        self.stance = stance
        self.angle_deg = np.asarray(pelvis_angle_deg, float)
        self.adduction_deg = np.asarray(adduction_deg, float)
        roll = math.radians(tilt_deg)
        #: Direction of a true horizontal in the image: a clockwise roll turns it clockwise on screen.
        self.horizontal = np.array([math.cos(roll), math.sin(roll)])
        self.vertical = np.array([-math.sin(roll), math.cos(roll)])  # downward

    @classmethod
    def of(cls, analysis: Analysis, track: PoseTrack) -> PelvisAnnotator | None:
        """The annotator for an analysis whose traces hold the pelvis and hip angles, else None. With
        PSIS stickers the pelvis line is drawn through them, with their angle."""
        traces = analysis.traces
        keys = ("pelvis_angle_deg", "femoral_adduction_left_deg", "femoral_adduction_right_deg")
        if not all(k in traces for k in keys):
            return None
        adduction = np.column_stack((traces[keys[1]], traces[keys[2]]))
        stance = stance_of(analysis)
        if "pelvis_marker_angle_deg" in traces:
            stickers = np.stack(
                [
                    np.column_stack((traces[f"psis_marker_x_{side}_px"], traces[f"psis_marker_y_{side}_px"]))
                    for side in SIDES
                ],
                axis=1,
            )
            angle = traces["pelvis_marker_angle_deg"]
            return cls(track, stance, angle, adduction, analysis.tilt_deg or 0.0, stickers)
        return cls(track, stance, traces[keys[0]], adduction, analysis.tilt_deg or 0.0)

    def label(self, frame_index: int) -> str:
        """The pelvis text at a frame: ``"Pelvis (unvalidated) 4.2°, R hip lower"`` from the hip
        points, ``"Pelvis (PSIS) 4.2°, R side lower"`` from the stickers (empty when unknown)."""
        angle = self.angle_deg[frame_index] if frame_index < len(self.angle_deg) else math.nan
        if not math.isfinite(angle):
            return ""
        source, part = (" (PSIS)", "side") if self.stickers is not None else (" (unvalidated)", "hip")
        if abs(angle) < LEVEL_DEG:
            return f"Pelvis{source} level"
        lower = "R" if angle > 0 else "L"
        return f"Pelvis{source} {format_value(abs(angle), 'deg')}, {lower} {part} lower"

    def _line(self, frame_index: int, s: Scale) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """The pelvis line's midpoint and its two drawn ends at a frame (None where there is none)."""
        if not 0 <= frame_index < len(self.line_ends) or np.isnan(self.line_ends[frame_index]).any():
            return None
        left, right = self.line_ends[frame_index]
        mid, along = (left + right) / 2, right - left
        span = float(np.hypot(*along))
        if span < 1:
            return None
        reach = (0.5 * span + s.px(60)) * along / span
        return mid, mid - reach, mid + reach

    def label_box(self, frame_index: int, frame_shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
        """Where the pelvis label goes at a frame, ``(x0, y0, x1, y1)`` in pixels: right of the line, else
        left of it, else (a narrow frame) centred below it; None without a label. The report's still
        keeps it whole."""
        s = Scale(max(frame_shape[:2]) / 1000)
        line, label = self._line(frame_index, s), self.label(frame_index)
        if line is None or not label:
            return None
        mid, *ends = line
        left_end, right_end = sorted(ends, key=lambda p: float(p[0]))
        text_h, gap, width = s.px(18), s.px(16), text_width(label, s.px(18))
        pad = max(2, text_h // 3)  # as draw_label moves it inside the frame
        x = int(right_end[0]) + gap
        y = int(right_end[1]) + text_h // 2
        if x + width + pad > frame_shape[1]:
            x, y = int(left_end[0]) - gap - width, int(left_end[1]) + text_h // 2
        if x < pad:
            x, y = int(mid[0]) - width // 2, int(max(left_end[1], right_end[1])) + gap + text_h
        x = min(max(x, pad), frame_shape[1] - width - pad)
        y = min(max(y, text_h + pad), frame_shape[0] - pad)
        return x - pad, y - text_h - pad, x + width + pad, y + pad

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        s = Scale.of(frame_bgr)
        line = self._line(frame_index, s)
        if line is None:
            return frame_bgr
        mid, start, end = line
        reach = float(np.hypot(*(end - mid)))
        horizontal = self.horizontal
        dashed_line(frame_bgr, mid - reach * horizontal, mid + reach * horizontal, WHITE, s.px(2), s.px(10))
        cv2.line(frame_bgr, pt(start), pt(end), INK, s.px(8), cv2.LINE_AA)
        cv2.line(frame_bgr, pt(start), pt(end), YELLOW, s.px(5), cv2.LINE_AA)
        box = self.label_box(frame_index, frame_bgr.shape)
        if box is not None:
            pad = max(2, s.px(18) // 3)
            draw_label(frame_bgr, self.label(frame_index), (box[0] + pad, box[3] - pad), s.px(18), YELLOW)
        if self.stickers is not None:
            for point in self.line_ends[frame_index]:
                cv2.circle(frame_bgr, pt(point), s.px(9), INK, s.px(4), cv2.LINE_AA)
                cv2.circle(frame_bgr, pt(point), s.px(9), WHITE, s.px(2), cv2.LINE_AA)
        for col in np.flatnonzero(self.stance[frame_index]):
            self._femur(frame_bgr, frame_index, int(col), s)
        return frame_bgr

    def _femur(self, frame: np.ndarray, i: int, col: int, s: Scale) -> None:
        hip, knee = self.joint_centres[i, col], self.knees[i, col]
        if np.isnan(knee).any() or np.isnan(hip).any():
            return
        side = SIDES[col]
        length = float(np.hypot(*(knee - hip)))
        dashed_line(frame, hip, hip + length * self.vertical, WHITE, s.px(3), s.px(9))
        cv2.line(frame, pt(hip), pt(knee), SIDE_BGR[side], s.px(3), cv2.LINE_AA)
        angle = float(self.adduction_deg[i, col]) if i < len(self.adduction_deg) else math.nan
        if not math.isfinite(angle):
            return
        label = format_value(angle, "deg")
        outward = 1 if (hip - self.hips[i, 1 - col])[0] > 0 else -1
        x = int(knee[0]) + (s.px(26) if outward > 0 else -s.px(26) - text_width(label, s.px(20)))
        draw_label(frame, label, (x, int(knee[1]) + s.px(8)), s.px(20), SIDE_BGR[side])
