"""gait: video gait analysis for runners.

Turns a phone clip of a run into pose landmarks, gait events, per-step measurements
(pelvic drop, hip adduction, overstriding, cadence) and advice tied to what was measured.
"""

from gait.errors import AnalysisError, CacheError, GaitError, ModelError, NoPersonError, VideoError
from gait.track import LANDMARK_NAMES, PoseTrack

__version__ = "0.1.0"

#: The Python API that mirrors the command line, imported on first use (they pull in the pose model).
_API = {
    "analyse_video": ("gait.pipeline", "analyse_video"),
    "analyse_batch": ("gait.batch", "analyse_batch"),
    "compare": ("gait.comparison", "compare"),
    "AnalyseOptions": ("gait.pipeline", "AnalyseOptions"),
}


def __getattr__(name: str) -> object:
    if name in _API:
        import importlib

        module, attribute = _API[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module 'gait' has no attribute {name!r}")


__all__ = [
    "LANDMARK_NAMES",
    "AnalyseOptions",
    "AnalysisError",
    "CacheError",
    "GaitError",
    "ModelError",
    "NoPersonError",
    "PoseTrack",
    "VideoError",
    "__version__",
    "analyse_batch",
    "analyse_video",
    "compare",
]
