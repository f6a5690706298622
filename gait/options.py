"""What ``gait analyse`` can be asked for: :class:`AnalyseOptions` and the ``--need`` names.

Kept apart from :mod:`gait.pipeline` so that a command which only reads earlier results (``gait
compare`` on output folders, ``gait --help``) does not load the pose model's libraries.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from gait.analysis import View
from gait.errors import InputError

#: ``--view side``: a side view whose running direction (side_left or side_right) gait finds itself.
SIDE: Literal["side"] = "side"
#: A view a user may force: one of :data:`gait.analysis.View`, or :data:`SIDE`.
ForcedView = View | Literal["side"]

#: ``--markers``: look for PSIS stickers in rear views, insist on them, or never look.
MARKER_MODES = ("auto", "psis", "none")

#: Sticker colours a user may name (``--marker-colour``), as hues in degrees (0-360).
NAMED_HUES_DEG = {
    "red": 0.0,
    "orange": 28.0,
    "yellow": 55.0,
    "green": 125.0,
    "cyan": 180.0,
    "blue": 220.0,
    "magenta": 300.0,
    "pink": 330.0,
}


def hue_of(colour: str) -> float:
    """A named colour or ``#rrggbb`` as a hue in degrees; InputError for anything else."""
    name = colour.strip().lower()
    if name in NAMED_HUES_DEG:
        return NAMED_HUES_DEG[name]
    try:
        if len(name) != 7 or not name.startswith("#"):
            raise ValueError(name)
        rgb = [int(name[i : i + 2], 16) / 255.0 for i in (1, 3, 5)]
    except ValueError:
        raise InputError(
            f"{colour!r} is not a colour gait knows: give one of {', '.join(NAMED_HUES_DEG)} or #rrggbb."
        ) from None
    return colorsys.rgb_to_hsv(*rgb)[0] * 360.0


#: Measurements a user can insist on with ``--need``: name -> the metric key that must be measurable.
NEEDS: dict[str, str] = {
    "pelvic-drop": "pelvic_drop_midstance_deg",
    "hip-adduction": "hip_adduction_peak_deg",
    "overstriding": "overstride_leg_lengths",
    "cadence": "cadence_steps_per_min",
}


@dataclass(frozen=True)
class AnalyseOptions:
    """What ``gait analyse`` was asked for (picklable, so batches can ship it to Dask workers)."""

    model: str = "full"
    backend: str = "mediapipe"  # or "onnx": gait.pose.onnx_backend
    view: ForcedView | None = None  # "side": the direction is found (gait.views.resolve_view)
    symptoms: tuple[str, ...] = ()
    slow: int = 0  # also write a copy N times slower; 0 or 1: none
    blur_faces: bool = False
    write_video: bool = True
    max_height_px: int | None = None
    cache_dir: Path | None = field(default=None)
    need: tuple[str, ...] = ()  # names from NEEDS that must be measurable, else nothing is written
    symmetric: bool | None = None  # average with the mirror image's landmarks; None: frontal views only
    slowed_by: float = 1.0  # the clip plays this many times slower than it was filmed (--slowed-by)
    person: str | None = None  # --person: "N" (N-th person) or "X,Y" (nearest that point); None: default
    markers: str = "auto"  # PSIS stickers in rear views: "auto" (looked for), "psis" (required), "none"
    marker_colour: str | None = None  # the stickers' colour (gait.markers.hue_of); None: found
    static: Path | None = None  # a separate standing clip giving the stickers' resting tilt ...
    static_block_mm: float | None = None  # ... or, standing on a block this high, the set-up check
