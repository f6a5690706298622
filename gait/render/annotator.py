"""The annotator of one analysed clip: the layers for its view, composed in drawing order."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gait.analysis import Analysis, view_family
from gait.render.body import ContactAnnotator, FaceBlur, SkeletonAnnotator
from gait.render.frontal import PelvisAnnotator
from gait.render.panels import STRIP_UNITS, GaitStripAnnotator, HudAnnotator, hud_corner, hud_keys
from gait.render.person import RunnerMarker
from gait.render.side import ContactPanelAnnotator, SideViewAnnotator
from gait.render.timing import stance_of
from gait.track import PoseTrack


class FrameAnnotator(Protocol):
    """Anything that draws on a frame: ``annotate(frame_bgr, frame_index) -> frame_bgr``."""

    def annotate(self, frame_bgr: np.ndarray, frame_index: int) -> np.ndarray: ...


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
        self.layers.append(RunnerMarker(analysis, track))
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

    def label_boxes(self, frame_index: int, frame_shape: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
        """The boxes ``(x0, y0, x1, y1)`` of the labels drawn beside the body at a frame, which a crop
        of the frame (the report's still) must keep whole."""
        boxes = (
            getattr(layer, "label_box", lambda *_: None)(frame_index, frame_shape) for layer in self.layers
        )
        return [box for box in boxes if box is not None]
