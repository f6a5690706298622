"""Annotators of the body in any view: the skeleton, the contact flash, and the face blur."""

from __future__ import annotations

import warnings

import cv2
import numpy as np

from gait.analysis import Steps
from gait.present import SIDES
from gait.render.draw import GREY, INK, SIDE_BGR, WHITE, YELLOW, Scale, draw_text, ix, line, pt, text_width
from gait.render.timing import FLASH_S, contact_age
from gait.track import PoseTrack

#: Blocks across the head box that the face blur averages down to.
BLUR_CELLS = 10


#: Face landmarks used to place the blur box.
FACE_LANDMARKS = tuple(range(11))


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
            line(frame_bgr, pts[ix(a)], pts[ix(b)], INK, s.px(5))
            line(frame_bgr, pts[ix(a)], pts[ix(b)], GREY, s.px(2.5))
        for col, side in enumerate(SIDES):
            for a, b in _ARMS:
                line(frame_bgr, pts[ix(f"{side}_{a}")], pts[ix(f"{side}_{b}")], SIDE_BGR[side], s.px(2))
            self._leg(frame_bgr, pts, side, bool(self.stance[frame_index, col]), s)
        return frame_bgr

    @staticmethod
    def _leg(frame: np.ndarray, pts: np.ndarray, side: str, in_stance: bool, s: Scale) -> None:
        colour = SIDE_BGR[side]
        segments = [(pts[ix(f"{side}_{a}")], pts[ix(f"{side}_{b}")]) for a, b in _LEG_SEGMENTS]
        if in_stance:
            for a, b in segments:
                line(frame, a, b, WHITE, s.px(18))
            _ground_bar(frame, pts, side, s)
        for a, b in segments:
            line(frame, a, b, INK, s.px(10))
        for a, b in segments:
            line(frame, a, b, colour, s.px(6))
        for joint in _LEG_JOINTS:
            xy = pts[ix(f"{side}_{joint}")]
            if not np.isnan(xy).any():
                cv2.circle(frame, pt(xy), s.px(6), INK, -1, cv2.LINE_AA)
                cv2.circle(frame, pt(xy), s.px(4), WHITE if in_stance else colour, -1, cv2.LINE_AA)


def _ground_bar(frame: np.ndarray, pts: np.ndarray, side: str, s: Scale) -> None:
    """A short bar under the stance foot, in the side's colour."""
    foot = pts[[ix(f"{side}_heel"), ix(f"{side}_foot_index")]]
    if np.isnan(foot).any():
        return
    y = int(foot[:, 1].max()) + s.px(10)
    x0, x1 = int(foot[:, 0].min()) - s.px(14), int(foot[:, 0].max()) + s.px(14)
    cv2.line(frame, (x0, y), (x1, y), INK, s.px(9), cv2.LINE_AA)
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
            cv2.circle(frame_bgr, pt(foot), radius, INK, s.px(9 - 5 * phase), cv2.LINE_AA)
            cv2.circle(frame_bgr, pt(foot), radius, YELLOW, s.px(6 - 4 * phase), cv2.LINE_AA)
            tag = f"{side[0].upper()} contact"
            x = int(foot[0]) - text_width(tag, s.px(16)) // 2
            draw_text(frame_bgr, tag, (x, int(foot[1]) + radius + s.px(26)), s.px(16), SIDE_BGR[side])
        return frame_bgr

    def _foot(self, frame_index: int, side: str) -> np.ndarray | None:
        for name in (f"{side}_heel", f"{side}_ankle"):
            xy = self.xy_px[frame_index, ix(name)]
            if not np.isnan(xy).any():
                return xy
        return None


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
    ears = xy[:, [ix("left_ear"), ix("right_ear")]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames: no face found
        face_centre = np.nanmean(face, axis=1)
        spread = np.nanmax(np.linalg.norm(face - face_centre[:, None], axis=-1), axis=1)
        # Halfway between the face and the ears: in side view the skull lies behind the face.
        centre = np.nanmean(np.stack([face_centre, np.nanmean(ears, axis=1)]), axis=0)
    shoulders = xy[:, [ix("left_shoulder"), ix("right_shoulder")]]
    hips = xy[:, [ix("left_hip"), ix("right_hip")]]
    shoulder_w = np.linalg.norm(shoulders[:, 0] - shoulders[:, 1], axis=-1)
    torso = np.linalg.norm(shoulders.mean(1) - hips.mean(1), axis=-1)
    half = np.fmax(np.fmax(0.6 * shoulder_w, 0.4 * torso), 1.5 * spread)
    cx, cy = (
        centre[:, 0],
        centre[:, 1] - 0.2 * half,
    )  # the crown is further above the eyes than the chin below
    return np.stack([cx - half, cy - half, cx + half, cy + half], axis=1)
