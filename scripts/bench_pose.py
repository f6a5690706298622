"""Print decode-only and pose frames/s for one clip on this machine (figures, not assertions).

    python scripts/bench_pose.py [VIDEO] [--model full|heavy] [--frames N]

Decode-only runs the same frame generator the analyser uses (OpenCV, rotation applied); pose runs
decode plus MediaPipe PoseLandmarker in VIDEO mode, as ``gait pose`` does, without the cache.
Peak resident memory is printed too: it must not grow with clip length.
"""

from __future__ import annotations

import argparse
import itertools
import resource
import time
from pathlib import Path

from gait.models import resolve_model
from gait.pose.mediapipe_backend import PoseEstimator
from gait.video import iter_frames, probe

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "mhuang24_IMG_5396.mp4"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--model", default="full")
    parser.add_argument("--frames", type=int, default=None, help="stop after N frames")
    args = parser.parse_args()
    info = probe(args.video)
    print(f"{args.video.name}: {info.width_px}x{info.height_px}, {info.fps:.2f} fps, {info.n_frames} frames")

    started = time.perf_counter()
    n = sum(1 for _ in itertools.islice(iter_frames(args.video, info), args.frames))
    decode_s = time.perf_counter() - started
    print(f"decode only : {n / decode_s:7.1f} frames/s ({1000 * decode_s / n:.1f} ms/frame)")

    with PoseEstimator(resolve_model(args.model)) as estimator:
        started = time.perf_counter()
        for frame in itertools.islice(iter_frames(args.video, info), args.frames):
            estimator.detect(frame)
        pose_s = time.perf_counter() - started
    print(f"decode+pose : {n / pose_s:7.1f} frames/s ({1000 * pose_s / n:.1f} ms/frame, model {args.model})")
    print(f"pose alone  : {1000 * (pose_s - decode_s) / n:7.1f} ms/frame")
    print(f"peak RSS    : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
