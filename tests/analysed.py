"""Render and report fixtures built by the real engine: a synthetic runner's track through ``analyse_track``.

The track comes from :mod:`tests.synthetic` (a runner with a known pelvic drop per side), so
every label, field, trace and finding is the one the engine gives, and drift between the engine
and the outputs shows in these tests. ``draw_frames`` paints plain frames for the track so the
annotators and the H.264 writer have something to draw on.
"""

from __future__ import annotations

import cv2
import numpy as np

from gait.analysis import Analysis
from gait.engine import Config, analyse_track
from gait.thresholds import SCREENING_THRESHOLDS
from gait.track import LANDMARK_INDEX, PoseTrack
from tests.synthetic import make_run

#: Peak pelvic drop on left / right stance: the left is past the engine's "moderate" cut.
DROP_DEG = (8.0, 3.0)


def make_track(
    view: str = "rear",
    duration_s: float = 8.0,
    fps: float = 30.0,
    size_px: tuple[int, int] = (360, 640),
    **changes: object,
) -> PoseTrack:
    """A synthetic runner's track: ``size_px`` is (width, height); the leg spans a third of the height."""
    kw: dict[str, object] = dict(
        view=view,
        duration_s=duration_s,
        fps=fps,
        frame_size_px=size_px,
        leg_length_px=size_px[1] / 3,
        pelvic_drop_deg=DROP_DEG,
        femoral_adduction_deg=(4.0, 2.0),
    )
    track, _ = make_run(**(kw | changes))
    return track


def make_analysis(
    view: str = "rear",
    track: PoseTrack | None = None,
    tilt_deg: float | None = None,
    screening: bool = False,
) -> Analysis:
    """The engine's Analysis of ``track`` (by default :func:`make_track` of ``view``).

    ``screening`` judges with every screening band, the unvalidated ones included, so a rear view
    gets pelvic-drop findings to show (the default table gives those metrics no verdict).
    """
    config = Config(thresholds=SCREENING_THRESHOLDS) if screening else None
    return analyse_track(track if track is not None else make_track(view), config=config, tilt_deg=tilt_deg)


def draw_frames(track: PoseTrack, seed: int = 0) -> list[np.ndarray]:
    """Plain frames for the track: a textured background and a filled silhouette of the runner."""
    width, height = track.frame_size_px
    rng = np.random.default_rng(seed)
    background = cv2.GaussianBlur(rng.integers(60, 200, (height, width, 3), np.uint8), (0, 0), 6)
    frames = []
    for pts in track.xy_px:
        frame = background.copy()
        for a, b in (
            ("left_hip", "left_knee"),
            ("left_knee", "left_ankle"),
            ("right_hip", "right_knee"),
            ("right_knee", "right_ankle"),
            ("left_shoulder", "right_hip"),
            ("right_shoulder", "left_hip"),
        ):
            pa, pb = pts[LANDMARK_INDEX[a]], pts[LANDMARK_INDEX[b]]
            if np.isfinite(pa).all() and np.isfinite(pb).all():
                cv2.line(
                    frame,
                    (int(pa[0]), int(pa[1])),
                    (int(pb[0]), int(pb[1])),
                    (70, 60, 50),
                    max(4, height // 40),
                )
        frames.append(frame)
    return frames
