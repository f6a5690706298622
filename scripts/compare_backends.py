"""Metrics from the two pose backends side by side, per clip and side (figures, not assertions).

    python scripts/compare_backends.py CLIP... [--model full|heavy]

For each clip: hips, knees and ankles, onnx against MediaPipe (median and 95th percentile distance
in source pixels, frames where both found a person), then every metric summary both backends measured
(median per side) and, for bench clips with a ``.truth.json`` beside them, the landmark error of each
backend against the truth.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from gait.engine import analyse_track
from gait.pose import pose_track
from gait.track import LANDMARK_INDEX

LEGS = [LANDMARK_INDEX[f"{s}_{j}"] for j in ("hip", "knee", "ankle") for s in ("left", "right")]
TRUTH_LEGS = [f"{j}.{s}" for j in ("hip", "knee", "ankle") for s in ("left", "right")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="+", type=Path)
    parser.add_argument("--model", default="full")
    args = parser.parse_args()
    for clip in args.clips:
        tracks = {b: pose_track(clip, args.model, None, backend=b).track for b in ("mediapipe", "onnx")}
        mp, ox = tracks["mediapipe"], tracks["onnx"]
        d = np.linalg.norm(mp.xy_px[:, LEGS] - ox.xy_px[:, LEGS], axis=-1)
        print(
            f"{clip.name}: legs onnx vs mediapipe median {np.nanmedian(d):.2f} px,"
            f" p95 {np.nanpercentile(d, 95):.2f} px, frames found {mp.person_found.mean():.2f}"
            f" / {ox.person_found.mean():.2f}"
        )
        truth_path = clip.with_suffix(".truth.json")
        if truth_path.is_file():
            truth = json.loads(truth_path.read_text())["per_frame"]["landmarks_px"]
            true_px = np.stack([np.asarray(truth[n], float)[: mp.n_frames] for n in TRUTH_LEGS], axis=1)
            for name, track in tracks.items():
                err = np.linalg.norm(track.xy_px[: len(true_px), LEGS] - true_px, axis=-1)
                med, p95 = np.nanmedian(err), np.nanpercentile(err, 95)
                print(f"  {name:9s} vs truth: median {med:.2f} px, p95 {p95:.2f} px")
        summaries = {}
        for name, track in tracks.items():
            try:
                analysis = analyse_track(track)
            except Exception as exc:  # a clip one backend cannot analyse: say so, go on
                print(f"  {name}: not analysed ({exc})")
                continue
            summaries[name] = {(m.key, m.side): m for m in analysis.metrics if m.n_steps}
        if len(summaries) == 2:
            for key in sorted(set(summaries["mediapipe"]) & set(summaries["onnx"])):
                a, b = summaries["mediapipe"][key], summaries["onnx"][key]
                print(
                    f"  {key[0]:38s} {key[1]:5s} mediapipe {a.median:8.3f}  onnx {b.median:8.3f}"
                    f"  diff {b.median - a.median:+.3f}"
                )


if __name__ == "__main__":
    main()
