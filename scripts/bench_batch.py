"""Print the speed-up of ``gait batch --workers 2`` over ``--workers 1`` (figures, not assertions).

    python scripts/bench_batch.py [VIDEO ...] [--workers N]

Runs the same clips twice, each time into a fresh output folder and with no pose cache (every clip
is decoded and posed), first in this process and then on a local Dask cluster of N workers; prints
wall time, clips per minute and the speed-up. Defaults to four real clips from ../shared/videos.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from gait.batch import analyse_batch
from gait.pipeline import AnalyseOptions

VIDEOS = Path(__file__).resolve().parents[2] / "shared" / "videos"
DEFAULT_CLIPS = (
    "watcharapol28_gait_normal_01_walk_side.mp4",
    "sarweshshah_walk_side.mp4",
    "sports2d_gh_demo3_run_side.mp4",
    "assemblyai_walk_front_cane.mp4",
)


def timed_batch(clips: list[Path], workers: int) -> float:
    options = AnalyseOptions(write_video=False, cache_dir=None)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = analyse_batch(clips, Path(tmp) / "out", options, workers=workers)
        elapsed = time.perf_counter() - started
    failed = [o.video.name for o in result.failed]
    print(
        f"--workers {workers}: {elapsed:6.1f} s for {len(clips)} clips"
        + (f" (failed: {failed})" if failed else "")
    )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("videos", nargs="*", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    clips = args.videos or [VIDEOS / name for name in DEFAULT_CLIPS]
    print(f"{len(clips)} clips, {os.cpu_count()} CPU cores")
    one = timed_batch(clips, 1)
    many = timed_batch(clips, args.workers)
    print(f"speed-up of --workers {args.workers} over --workers 1: {one / many:.2f}x")


if __name__ == "__main__":
    main()
