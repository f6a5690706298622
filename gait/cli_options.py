"""The options several ``gait`` commands share: their types, bounds, help and checks (typer)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gait.errors import GaitError
from gait.options import MARKER_MODES, NAMED_HUES_DEG, hue_of
from gait.pose.person import PersonSpec

ModelOpt = Annotated[
    str,
    typer.Option(
        "--model", "-m", help="Pose model: 'full' (faster), 'heavy' (more accurate) or a .task path."
    ),
]


class Backend(StrEnum):
    """Pose runtimes (gait.pose, gait.pose.onnx_backend)."""

    mediapipe = "mediapipe"
    onnx = "onnx"


BackendOpt = Annotated[
    Backend,
    typer.Option(
        "--backend",
        help="Pose runtime: 'mediapipe' (default) or 'onnx' (the same networks under onnxruntime, batched;"
        " CUDA when onnxruntime-gpu finds a GPU).",
    ),
]


def _out_folder(value: str | Path) -> Path:
    """--out as a folder, refusing what cannot be meant: '' (would be the current folder), '-' (not
    standard output but a folder named '-') and the filesystem root (the default comes as a Path)."""
    text = str(value)
    if text.strip() in ("", "-") or Path(text).resolve() == Path("/"):
        raise typer.BadParameter(f"{text!r} is not a folder gait will write into: give a folder name.")
    return Path(text)


OutOpt = Annotated[Path, typer.Option("--out", "-o", parser=_out_folder, help="Folder for the outputs.")]
NoCacheOpt = Annotated[
    bool, typer.Option("--no-cache", help="Run pose inference even if a cached track exists.")
]
SymmetricOpt = Annotated[
    bool | None,
    typer.Option(
        "--symmetric/--no-symmetric",
        help="Also read each frame's mirror image and average: left/right symmetric landmarks, one more"
        " inference per frame. Default: for rear and front views only.",
        show_default=False,
    ),
]


def _person_option(value: str | None) -> str | None:
    try:
        PersonSpec.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    return value


PersonOpt = Annotated[
    str | None,
    typer.Option(
        "--person",
        callback=_person_option,
        help="Who to follow when several people are in frame: N (the N-th by size, centrality and"
        " persistence; 1 is the default) or X,Y (the person nearest that pixel).",
    ),
]
SlowedByOpt = Annotated[
    float,
    typer.Option(
        min=1,
        max=32,
        help="The clip plays X times slower than it was filmed (a phone's slow motion saved slowed):"
        " time it as filmed.",
    ),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir", help="Folder of cached pose tracks (default: $GAIT_CACHE_DIR or ~/.cache/gait)."
    ),
]


MarkersOpt = Annotated[
    str,
    typer.Option(
        "--markers",
        help="PSIS stickers on the low back (rear views): auto (look for them), psis (require them), none.",
    ),
]
MarkerColourOpt = Annotated[
    str | None,
    typer.Option(
        "--marker-colour",
        help="The stickers' colour when finding it is unsure: " + ", ".join(NAMED_HUES_DEG) + " or #rrggbb.",
    ),
]


def check_markers(mode: str, colour: str | None) -> str:
    """``--markers`` and ``--marker-colour`` checked (typer.BadParameter names the option)."""
    if mode not in MARKER_MODES:
        raise typer.BadParameter(f"{mode!r}: choose from {', '.join(MARKER_MODES)}.", param_hint="--markers")
    if colour is not None:
        try:
            hue_of(colour)
        except GaitError as exc:
            raise typer.BadParameter(str(exc), param_hint="--marker-colour") from exc
    return mode


ViewOpt = Annotated[
    str | None,
    typer.Option(
        "--view",
        metavar="VIEW",
        help="Force the camera view: rear, front, side (gait finds the running direction), side_left or"
        " side_right (default: detect).",
    ),
]
