"""Side-view annotators: the mid-hip vertical with the foot-ahead arrow, and the latest landing's numbers."""

from __future__ import annotations

import warnings

import cv2
import numpy as np

from gait.analysis import Steps
from gait.present import SIDES, format_value
from gait.render.draw import (
    INK,
    SIDE_BGR,
    WHITE,
    Scale,
    dashed_line,
    draw_text,
    ix,
    pt,
    shade,
    text_width,
)
from gait.render.timing import contact_on_screen
from gait.track import PoseTrack

#: Per-step metrics printed for the latest landing in side view: (text before, unit, text after).
CONTACT_LINES: dict[str, tuple[str, str, str]] = {
    "overstride_leg_lengths": ("Foot ", "leg lengths", " ahead"),
    "shank_angle_ic_deg": ("Shank ", "deg", ""),
    "knee_flexion_ic_deg": ("Knee flexion ", "deg", ""),
}


def contact_line(key: str, value: float) -> str:
    """One line of the landing panel: "Foot 0.12 leg lengths ahead", "Foot 0.02 leg lengths behind"."""
    before, unit, after = CONTACT_LINES[key]
    if after == " ahead" and value < 0:
        value, after = -value, " behind"
    return f"{before}{format_value(value, unit)}{after}"


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
        self.mid_hip = (xy[:, ix("left_hip")] + xy[:, ix("right_hip")]) / 2
        shoulders = xy[:, [ix("left_shoulder"), ix("right_shoulder")], 1]
        feet = xy[:, [ix(f"{s}_{p}") for s in SIDES for p in ("heel", "foot_index")], 1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames: nobody found
            self.top, self.bottom = np.nanmin(shoulders, axis=1), np.nanmax(feet, axis=1)
        self.heels = xy[:, [ix("left_heel"), ix("right_heel")]]
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
        dashed_line(frame_bgr, p0, p1, INK, s.px(6), s.px(12))
        dashed_line(frame_bgr, p0, p1, WHITE, s.px(3), s.px(12))
        if self.showing[frame_index] >= 0:
            self._arrow(frame_bgr, int(self.showing[frame_index]), s)
        return frame_bgr

    def _arrow(self, frame: np.ndarray, step: int, s: Scale) -> None:
        """Arrow from the hip vertical to the heel as it was at contact, where the step has an
        overstride (none where the clip cannot give it: the feet out of frame)."""
        c, side = int(self.steps.contact_frame[step]), str(self.steps.side[step])
        overstride = self.steps.values.get("overstride_leg_lengths")
        if side not in SIDES or overstride is None or not np.isfinite(overstride[step]):
            return
        heel, hip = self.heels[c, SIDES.index(side)], self.mid_hip[c]
        if np.isnan(heel).any() or np.isnan(hip).any():
            return
        start, end = (int(hip[0]), int(heel[1])), pt(heel)
        cv2.arrowedLine(frame, start, end, INK, s.px(8), cv2.LINE_AA, tipLength=0.15)
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
            contact_line(k, float(self.steps.values[k][step]))
            for k in CONTACT_LINES
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
            colour = WHITE if row == 0 else SIDE_BGR[side]
            draw_text(frame_bgr, line, (x0 + pad, y0 + pad + text_h + row * line_h), text_h, colour)
        return frame_bgr
