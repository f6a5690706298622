"""Where an analysis spends its time, in one process so the ratios compare like with like (figures,
not assertions: on a shared machine compare the ratios within one run, not the absolute times).

    PYTHONPATH=. python scripts/bench_pipeline.py CLIP... [--model full|heavy] [--backend mediapipe|onnx]
                                     [--[no-]symmetric] [--frames N] [--repeat N] [--json]
                                     [--onnx-batches 1,8,32]

(``PYTHONPATH=.`` so that the checkout's gait is measured, not the installed one.)

Per clip, in this order:

- ``decode``: every frame through the analyser's frame generator (OpenCV, rotation applied);
- ``pose``: ``pose_track`` without the cache (what ``gait pose --no-cache`` runs);
- ``naive``: the loop from MediaPipe's samples, one frame at a time: read, RGB, detect, draw the
  landmarks, write with OpenCV's mp4v;
- ``e2e``: ``pipeline.analyse_video`` with a fresh pose cache: pose, analysis, annotated video, report;
- ``cached_e2e``: the same again, its pose now read from the cache;
- ``peak_rss_mb``: the process's peak resident memory once the clip is done (the largest so far).

``e2e_over_pose`` is the end-to-end time over the pose time; ``e2e_over_naive`` the end-to-end speed
over the naive loop's. ``--frames N`` first re-encodes the clip's first N frames (libx264, CRF 12)
into a temporary file, so every stage sees the same short clip. ``--repeat N`` runs pose, the naive
loop and both ``e2e`` runs N times in turn and prints medians (the ratios: medians of each round's;
pose alone varies by 5-10% from one run to the next on this machine). ``--json`` prints
``{"clips": [{"clip", "backend", "frames", "repeats", "decode_fps", "pose_fps", "naive_fps", "e2e_fps",
"cached_e2e_s", "e2e_over_pose", "e2e_over_naive", "peak_rss_mb"}]}``.

``--onnx-batches`` adds the onnx backend's tracker at each batch size and with mirror pairs,
against MediaPipe's frame-by-frame loop (the side-by-side figures of models/README.md).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import cv2

from gait import pipeline
from gait.models import resolve_model
from gait.pose import pose_track
from gait.video import iter_frames, probe
from gait.video_out import H264Writer

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "mhuang24_IMG_5396.mp4"


def timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - started


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextlib.contextmanager
def first_frames(clip: Path, n_frames: int | None) -> Iterator[Path]:
    """The clip itself, or a temporary copy of its first ``n_frames`` (re-encoded, near lossless)."""
    if n_frames is None:
        yield clip
        return
    info = probe(clip)
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as folder:
        short = Path(folder) / clip.name
        with H264Writer(short, info.fps, (info.width_px, info.height_px), crf=12) as out:
            for frame in itertools.islice(iter_frames(clip, info), n_frames):
                out.write(frame.bgr)
        yield short


def naive_loop(clip: Path, model: str, out: Path) -> int:
    """MediaPipe's sample loop: read, RGB, detect, draw, mp4v write, one frame at a time."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision
    from mediapipe.tasks.python.vision import drawing_utils

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model(model).path)),
        running_mode=vision.RunningMode.VIDEO,
    )
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
    writer: cv2.VideoWriter | None = None
    n = 0
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            result = landmarker.detect_for_video(image, round(1000 * n / fps))
            for landmarks in result.pose_landmarks:
                drawing_utils.draw_landmarks(bgr, landmarks, vision.PoseLandmarksConnections.POSE_LANDMARKS)
            if writer is None:
                fourcc = cv2.VideoWriter.fourcc(*"mp4v")
                writer = cv2.VideoWriter(str(out), fourcc, fps, (bgr.shape[1], bgr.shape[0]))
            writer.write(bgr)
            n += 1
    cap.release()
    if writer is not None:
        writer.release()
    return n


def bench_clip(clip: Path, args: argparse.Namespace, backend: str) -> dict[str, Any]:
    """One row of the table: every stage of one clip, one after the other, ``--repeat`` times; each
    figure is the median over the rounds, each ratio the median of the rounds' own ratios (the two
    times of a ratio are then minutes apart at most, not a whole run)."""
    info = probe(clip)
    n_frames, decode_s = timed(lambda: sum(1 for _ in iter_frames(clip, info)))
    rounds = [bench_round(clip, args, backend, n_frames) for _ in range(args.repeat)]
    return {
        "clip": clip.name,
        "backend": backend + {True: "+mirror", False: "+once", None: ""}[args.symmetric],
        "frames": n_frames,
        "repeats": args.repeat,
        "decode_fps": round(n_frames / decode_s, 1),
        **{key: round(statistics.median(r[key] for r in rounds), digits) for key, digits in ROUNDING.items()},
        "peak_rss_mb": round(peak_rss_mb()),
    }


#: The figures of one round and the digits they are printed with.
ROUNDING = {
    "pose_fps": 1,
    "naive_fps": 1,
    "e2e_fps": 1,
    "cached_e2e_s": 2,
    "cached_over_e2e": 3,
    "e2e_over_pose": 3,
    "e2e_over_naive": 3,
}


def bench_round(clip: Path, args: argparse.Namespace, backend: str, n_frames: int) -> dict[str, float]:
    """Pose alone, the naive loop, ``analyse`` with a fresh cache and again from it: times and ratios."""
    _, pose_s = timed(pose_track, clip, args.model, None, symmetric=args.symmetric, backend=backend)
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as folder:
        naive_frames, naive_s = timed(naive_loop, clip, args.model, Path(folder) / "naive.mp4")
        assert naive_frames == n_frames, (naive_frames, n_frames)
        options = pipeline.AnalyseOptions(
            model=args.model, backend=backend, symmetric=args.symmetric, cache_dir=Path(folder) / "cache"
        )
        _, e2e_s = timed(pipeline.analyse_video, clip, Path(folder) / "first", options)
        result, cached_s = timed(pipeline.analyse_video, clip, Path(folder) / "again", options)
        assert result.from_cache
    return {
        "pose_fps": n_frames / pose_s,
        "naive_fps": n_frames / naive_s,
        "e2e_fps": n_frames / e2e_s,
        "cached_e2e_s": cached_s,
        "cached_over_e2e": cached_s / e2e_s,
        "e2e_over_pose": e2e_s / pose_s,
        "e2e_over_naive": naive_s / e2e_s,
    }


def onnx_side_by_side(clip: Path, model: str, batches: list[int], threads: int | None) -> None:
    """Pose alone: MediaPipe frame by frame, the onnx tracker at each batch size, mirror pairs."""
    from gait.pose import onnx_backend as onnx_pose
    from gait.pose.mediapipe_backend import PoseEstimator, detect_frames

    info = probe(clip)
    with PoseEstimator(resolve_model(model)) as estimator:
        (det, _, _), mp_s = timed(detect_frames, iter_frames(clip, info), estimator)
    n = len(det)
    print(f"pose mediapipe           : {n / mp_s:6.1f} frames/s")
    for batch in batches:
        est = onnx_pose.OnnxPoseEstimator(model, batch_size=batch, threads=threads)
        _, s = timed(est.track, iter_frames(clip, info))
        print(
            f"pose onnx batch {batch:3d}     : {n / s:6.1f} frames/s ({est.crops} crops in"
            f" {est.landmark_calls} calls, {est.detector_calls} detector runs; {mp_s / s:.2f}x mediapipe;"
            f" {', '.join(est.providers)})"
        )
    est = onnx_pose.OnnxPoseEstimator(model, threads=threads)
    _, s = timed(est.track, iter_frames(clip, info), mirror=True)
    print(
        f"pose onnx default+mirror: {n / s:6.1f} frames/s (batch {est.batch_size}, {est.crops} crops in"
        f" {est.landmark_calls} calls; {2 * mp_s / s:.2f}x two mediapipe passes)"
    )


COLUMNS = ("decode_fps", "pose_fps", "naive_fps", "e2e_fps", "cached_e2e_s", "cached_over_e2e")
RATIOS = ("e2e_over_pose", "e2e_over_naive", "peak_rss_mb")


def print_table(rows: list[dict[str, Any]]) -> None:
    head = ("clip", "backend", "frames", "repeats", *COLUMNS, *RATIOS)
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for row in rows:
        print("| " + " | ".join(str(row[k]) for k in head) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("clips", nargs="*", type=Path, default=[DEFAULT_CLIP])
    parser.add_argument("--model", default="full")
    parser.add_argument("--backend", action="append", choices=("mediapipe", "onnx"))
    parser.add_argument(
        "--symmetric",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="read every frame mirrored too (--no-symmetric: never); default: gait's (rear and front views)",
    )
    parser.add_argument("--frames", type=int, default=None, help="only the first N frames of each clip")
    parser.add_argument("--repeat", type=int, default=1, help="rounds per clip; medians are printed")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    parser.add_argument("--onnx-batches", default=None, help="e.g. 1,8,32: onnx pose side by side")
    parser.add_argument("--threads", type=int, default=None, help="onnxruntime CPU threads")
    args = parser.parse_args()
    rows = []
    for clip in args.clips:
        with first_frames(clip, args.frames) as short:
            for backend in args.backend or ["mediapipe"]:
                rows.append(bench_clip(short, args, backend))
                print(json.dumps(rows[-1]), file=sys.stderr)
            if args.onnx_batches:
                batches = [int(b) for b in args.onnx_batches.split(",")]
                onnx_side_by_side(short, args.model, batches, args.threads)
    if args.json:
        print(json.dumps({"clips": rows}, indent=1))
    else:
        print_table(rows)


if __name__ == "__main__":
    main()
