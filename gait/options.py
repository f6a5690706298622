"""What ``gait analyse`` can be asked for: :class:`AnalyseOptions` and the ``--need`` names.

Kept apart from :mod:`gait.pipeline` so that a command which only reads earlier results (``gait
compare`` on output folders, ``gait --help``) does not load the pose model's libraries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gait.analysis import View

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
    backend: str = "mediapipe"  # or "onnx": gait.onnx_pose
    view: View | None = None
    symptoms: tuple[str, ...] = ()
    slow: int = 0  # also write a copy N times slower; 0 or 1: none
    blur_faces: bool = False
    write_video: bool = True
    max_height_px: int | None = None
    cache_dir: Path | None = field(default=None)
    need: tuple[str, ...] = ()  # names from NEEDS that must be measurable, else nothing is written
    symmetric: bool | None = None  # average with the mirror image's landmarks; None: frontal views only
    person: str | None = None  # --person: "N" (N-th person) or "X,Y" (nearest that point); None: default
