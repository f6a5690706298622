"""Benchmark the metrics engine: one hour of 60 fps landmarks (216,000 frames) through analyse_track.

Builds a synthetic runner (tests/synthetic.py) in a rear and a side view with 1 px
landmark noise, then times ``gait.engine.analyse_track`` alone (building the data is not
timed). Target: under 1 s per hour of video.

Usage::

    python scripts/bench_metrics.py [--repeats 3] [--duration-s 3600]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from gait.engine import analyse_track
from gait.track import PoseTrack
from tests.synthetic import make_run


def as_float32(track: PoseTrack) -> PoseTrack:
    """The track with float32 landmark arrays, as the pose model writes them."""
    return track.replace(
        xy_px=track.xy_px.astype(np.float32),
        visibility=track.visibility.astype(np.float32),
        presence=track.presence.astype(np.float32),
        world_m=track.world_m.astype(np.float32),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per view (the best is reported)")
    parser.add_argument("--duration-s", type=float, default=3600.0, help="clip length in seconds")
    args = parser.parse_args()
    for view in ("rear", "side_right"):
        t0 = time.perf_counter()
        track, _ = make_run(view=view, duration_s=args.duration_s, fps=60.0, noise_px=1.0)
        track = as_float32(track)
        build_s = time.perf_counter() - t0
        times = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            analysis = analyse_track(track)
            times.append(time.perf_counter() - t0)
        cadence = analysis.metric("cadence_steps_per_min", "both")
        print(
            f"{view:>10}: {track.n_frames} frames "
            f"({track.n_frames / track.fps / 60:.0f} min at {track.fps:.0f} fps), "
            f"{analysis.steps.n} steps, cadence {cadence.median if cadence else float('nan'):.1f} steps/min; "
            f"analyse_track best {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s "
            f"(building the data {build_s:.1f} s, not timed)"
        )


if __name__ == "__main__":
    main()
