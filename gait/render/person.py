"""The chosen runner's marker: which of several people in frame the measurements are of."""

from __future__ import annotations

import numpy as np

from gait.analysis import Analysis
from gait.render.draw import Scale, draw_label
from gait.track import PoseTrack

#: Colour of the runner's marker (BGR): a yellow that stands apart from the side colours.
MARKER_BGR = (0, 215, 255)


class RunnerMarker:
    """A label over the head of the person measured ("runner 1 of 2") when several were in frame.

    Built from ``Analysis.person`` (gait.pose.person's facts on the choice); draws nothing for a clip
    with one person.
    """

    def __init__(self, analysis: Analysis, track: PoseTrack) -> None:
        person = analysis.person or {}
        people = int(person.get("people") or 1)
        self.text = f"runner {person.get('rank', 1)} of {people}" if person.get("multi_pose") else ""
        xy = track.xy_px
        with np.errstate(invalid="ignore"):
            found = np.isfinite(xy[:, :, 0]).any(axis=1)
            filled = np.where(np.isfinite(xy), xy, np.nan)
            self.top_px = np.full((track.n_frames, 2), np.nan)
            self.top_px[found, 0] = np.nanmedian(filled[found, :, 0], axis=1)
            self.top_px[found, 1] = np.nanmin(filled[found, :, 1], axis=1)

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray:
        if not self.text or not 0 <= frame_index < len(self.top_px):
            return frame_bgr
        x, y = self.top_px[frame_index]
        if not (np.isfinite(x) and np.isfinite(y)):
            return frame_bgr
        s = Scale.of(frame_bgr)
        height = s.px(16)
        draw_label(frame_bgr, self.text, (int(x) - height * 3, int(y) - s.px(14)), height, MARKER_BGR)
        return frame_bgr
