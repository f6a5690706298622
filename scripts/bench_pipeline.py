"""Both pose backends side by side in one run: end-to-end ``analyse`` and pose alone (figures, not
assertions; on a shared machine compare the ratios within one run, not the absolute times).

    python scripts/bench_pipeline.py [VIDEO] [--model full|heavy] [--frames N] [--batches 1,8,32]
                                      [--threads N] [--skip-analyse]

- ``analyse``: ``pipeline.analyse_video`` without the cache and without the annotated video, once
  per backend (the whole clip);
- pose alone: MediaPipe's frame-by-frame loop (gait.pose), then the onnx backend's tracker at each
  batch size, then at its default batch with mirror pairs (each frame's crop and its mirror image in
  the same call), against two MediaPipe passes (what a mirrored second pass costs there).
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
from pathlib import Path

from gait import onnx_pose, pipeline
from gait.models import resolve_model
from gait.pose import PoseEstimator, detect_frames
from gait.video import iter_frames, probe

DEFAULT_CLIP = Path(__file__).resolve().parents[1] / "videos" / "sample_run_rear.mp4"


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("video", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--model", default="full")
    parser.add_argument("--frames", type=int, default=None, help="pose alone: stop after N frames")
    parser.add_argument("--batches", default="1,8,32")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime CPU threads")
    parser.add_argument("--skip-analyse", action="store_true")
    args = parser.parse_args()
    info = probe(args.video)
    n_all = info.n_frames
    print(f"{args.video.name}: {info.width_px}x{info.height_px}, {info.fps:.2f} fps, {n_all} frames")

    if not args.skip_analyse:
        seconds = {}
        for backend in ("mediapipe", "onnx"):
            options = pipeline.AnalyseOptions(model=args.model, backend=backend, write_video=False)
            with tempfile.TemporaryDirectory() as out:
                _, seconds[backend] = timed(pipeline.analyse_video, args.video, Path(out), options)
            print(
                f"analyse {backend:9s}: {seconds[backend]:6.1f} s, {n_all / seconds[backend]:6.1f} frames/s"
            )
        print(f"analyse onnx / mediapipe speed: {seconds['mediapipe'] / seconds['onnx']:.2f}x")

    def frames():  # type: ignore[no-untyped-def]
        return itertools.islice(iter_frames(args.video, info), args.frames)

    with PoseEstimator(resolve_model(args.model)) as estimator:
        (det, _, _), mp_s = timed(detect_frames, frames(), estimator)
    n = len(det)
    print(f"pose mediapipe           : {n / mp_s:6.1f} frames/s")
    for batch in (int(b) for b in args.batches.split(",")):
        est = onnx_pose.OnnxPoseEstimator(args.model, batch_size=batch, threads=args.threads)
        _, s = timed(est.track, frames())
        print(
            f"pose onnx batch {batch:3d}     : {n / s:6.1f} frames/s ({est.crops} crops in"
            f" {est.landmark_calls} calls, {est.detector_calls} detector runs; {mp_s / s:.2f}x mediapipe;"
            f" {', '.join(est.providers)})"
        )
    est = onnx_pose.OnnxPoseEstimator(args.model, threads=args.threads)
    _, s = timed(est.track, frames(), mirror=True)
    print(
        f"pose onnx default+mirror: {n / s:6.1f} frames/s (batch {est.batch_size}, {est.crops} crops in"
        f" {est.landmark_calls} calls; {2 * mp_s / s:.2f}x two mediapipe passes)"
    )


if __name__ == "__main__":
    main()
