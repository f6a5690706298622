"""gait: video gait analysis for runners.

Turns a phone clip of a run into pose landmarks, gait events, per-step measurements
(pelvic drop, hip adduction, overstriding, cadence) and advice tied to what was measured.
"""

from gait.errors import AnalysisError, CacheError, GaitError, ModelError, NoPersonError, VideoError
from gait.track import LANDMARK_NAMES, PoseTrack

__version__ = "0.1.0"

__all__ = [
    "LANDMARK_NAMES",
    "AnalysisError",
    "CacheError",
    "GaitError",
    "ModelError",
    "NoPersonError",
    "PoseTrack",
    "VideoError",
    "__version__",
]
