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

Modules: :mod:`~gait.render.draw` (primitives), :mod:`~gait.render.timing` (stance and contacts
per frame), one module per annotator family (:mod:`~gait.render.body`, :mod:`~gait.render.frontal`,
:mod:`~gait.render.side`, :mod:`~gait.render.panels`) and :mod:`~gait.render.annotator`, which
composes them for one clip.
"""

from gait.render.annotator import Annotator, FrameAnnotator
from gait.render.body import ContactAnnotator, FaceBlur, SkeletonAnnotator, head_boxes
from gait.render.draw import (
    SIDE_BGR,
    Scale,
    dashed_line,
    draw_label,
    draw_text,
    hex_to_bgr,
    shade,
    text_width,
)
from gait.render.frontal import PelvisAnnotator
from gait.render.panels import GaitStripAnnotator, HudAnnotator, hud_corner, hud_keys
from gait.render.side import ContactPanelAnnotator, SideViewAnnotator
from gait.render.timing import contact_age, contact_on_screen, last_contact, stance_of

__all__ = [
    "SIDE_BGR",
    "Annotator",
    "ContactAnnotator",
    "ContactPanelAnnotator",
    "FaceBlur",
    "FrameAnnotator",
    "GaitStripAnnotator",
    "HudAnnotator",
    "PelvisAnnotator",
    "Scale",
    "SideViewAnnotator",
    "SkeletonAnnotator",
    "contact_age",
    "contact_on_screen",
    "dashed_line",
    "draw_label",
    "draw_text",
    "head_boxes",
    "hex_to_bgr",
    "hud_corner",
    "hud_keys",
    "last_contact",
    "shade",
    "stance_of",
    "text_width",
]
