"""Make one synthetic running clip and its truth file: ``python scripts/synth.py --help``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.body import build_body, skin
from bench.camera import Camera
from bench.markers import COLOURS, DISTRACTORS, MarkerRig, MarkerSpec, parse_colour, parse_windows
from bench.motion import RunningCycle, RunSpec
from bench.trial import Trial
from bench.truth import build_truth
from gait.analysis import jsonable
from gait.video_out import H264Writer

CRF = 18  # near-transparent: the bench measures the pose model, not the codec
#: libx264 preset of the committed clips: gait's writer now defaults to "ultrafast" (its annotated
#: video is remade often), which makes a bench clip about four times larger at the same CRF.
PRESET = "veryfast"


class BenchWriter(H264Writer):
    """gait's H.264 writer at :data:`PRESET`: clips small enough to commit, at the same quality."""

    def __enter__(self) -> BenchWriter:
        super().__enter__()
        assert self._stream is not None
        self._stream.codec_context.options = {**self._stream.codec_context.options, "preset": PRESET}
        return self


@dataclasses.dataclass(frozen=True)
class ClipSpec:
    """Everything that defines a synthetic clip."""

    run: RunSpec = dataclasses.field(default_factory=RunSpec)
    camera: Camera = dataclasses.field(default_factory=Camera)
    seconds: float = 6.0
    fps: float = 60.0
    body_seed: int = 0
    pelvis_skin_share: float = 0.5  # how much of the buttocks and waist move with the pelvis
    standing_s: float = 0.0  # quiet standing before the running (whole frames)
    marker: MarkerSpec = dataclasses.field(default_factory=MarkerSpec)


def truth_path(video: Path) -> Path:
    """``clip.mp4`` -> ``clip.truth.json``."""
    return video.with_name(video.stem + ".truth.json")


def make_clip(spec: ClipSpec, out: Path) -> dict[str, Any]:
    """Render ``spec`` to ``out`` (H.264) and write its truth beside it; returns the truth."""
    body = build_body(spec.body_seed, spec.pelvis_skin_share)
    cycle = RunningCycle(body, spec.run)
    camera = spec.camera.placed(cycle.hip_mean_z)
    n_frames = round(spec.seconds * spec.fps)
    trial = Trial.of(cycle, spec.fps, spec.standing_s)
    rig = MarkerRig(body, trial, spec.marker)
    truth = build_truth(cycle, camera, spec.fps, n_frames, trial=trial, markers=rig)
    truth |= {
        "spec": {
            "run": dataclasses.asdict(spec.run),
            "body_seed": spec.body_seed,
            "seconds": spec.seconds,
            "pelvis_skin_share": spec.pelvis_skin_share,
            "standing_s": trial.start_s,
            "marker": rig.truth_spec(),
        }
    }

    from bench.render import Renderer  # moderngl: the synth extra

    t = np.arange(n_frames) / spec.fps
    pose = trial.pose(t)
    marker_rot, marker_trans = rig.pelvis_transforms(t) if rig.max_vertices else (None, None)
    renderer = Renderer(rig.dress(body), camera, extra_vertices=rig.max_vertices)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with BenchWriter(out, spec.fps, (camera.width_px, camera.height_px), crf=CRF) as writer:
            for i in range(n_frames):
                vertices, normals = skin(body, pose.rotations[i], pose.translations[i])
                extra = None
                if marker_rot is not None and marker_trans is not None:
                    one = dataclasses.replace(
                        pose,
                        rotations=pose.rotations[i : i + 1],
                        translations=pose.translations[i : i + 1],
                        joints={},
                    )
                    extra = rig.geometry(one, (marker_rot[i], marker_trans[i]), float(t[i]))
                writer.write(renderer.render(vertices, normals, trial.belt_offset_m(i), extra))
    finally:
        renderer.close()
    truth_path(out).write_text(json.dumps(jsonable(truth)) + "\n")
    return truth


def parse_args(argv: list[str] | None = None) -> tuple[ClipSpec, Path]:
    p = argparse.ArgumentParser(description="Render a synthetic running clip with its ground truth.")
    p.add_argument("--view", default="rear", choices=["rear", "front", "side_left", "side_right"])
    p.add_argument("--seconds", type=float, default=6.0)
    p.add_argument("--fps", type=float, default=60.0)
    p.add_argument("--cadence", type=float, default=170.0, help="steps/min")
    p.add_argument("--cpd-left", type=float, default=4.0, help="peak pelvic drop in left stance, deg")
    p.add_argument("--cpd-right", type=float, default=4.0)
    p.add_argument("--hip-adduction-left", type=float, default=10.0, help="hip adduction at midstance, deg")
    p.add_argument("--hip-adduction-right", type=float, default=10.0)
    p.add_argument(
        "--overstride", type=float, default=0.2, help="ankle ahead of mid-hip at contact, leg lengths"
    )
    p.add_argument("--trunk-lean", type=float, default=6.0, help="deg forward")
    p.add_argument(
        "--camera-height", type=float, default=None, help="m above the floor (default: hip height)"
    )
    p.add_argument("--camera-distance", type=float, default=3.2, help="m from the runner")
    p.add_argument("--camera-pitch", type=float, default=None, help="deg down (default: aimed at the hips)")
    p.add_argument("--camera-roll", type=float, default=0.0, help="deg, + scene rotated clockwise")
    p.add_argument("--mirror", action="store_true", help="flip the picture left-right (truth relabelled)")
    p.add_argument("--body", type=int, default=0, help="body seed: shape, skin tone, clothes")
    p.add_argument(
        "--pelvis-skin-share", type=float, default=0.5, help="buttocks/waist following the pelvis, 0-1"
    )
    p.add_argument("--standing", type=float, default=0.0, help="s of quiet standing before the run")
    p.add_argument("--markers", default="none", choices=["none", "psis"], help="skin stickers over the PSIS")
    p.add_argument("--marker-diameter-mm", type=float, default=22.0)
    p.add_argument(
        "--marker-colour",
        default="green",
        help=f"one of {', '.join(COLOURS)} or R,G,B in 0-1 (also the distractors')",
    )
    p.add_argument(
        "--marker-lag", type=float, default=0.0, help="soft tissue: stickers see (1 - F) of the pelvic drop"
    )
    p.add_argument(
        "--marker-offset", type=float, default=0.0, help="mm: left sticker higher than the right (placement)"
    )
    p.add_argument("--distractor", default="none", choices=list(DISTRACTORS), help="marker-coloured decoys")
    p.add_argument(
        "--cover-s",
        action="append",
        default=[],
        help="START:END clip seconds a shirt flap covers half the right sticker (repeatable, or a,b lists)",
    )
    p.add_argument("--width", type=int, default=720)
    p.add_argument("--height", type=int, default=1280)
    p.add_argument("--out", type=Path, required=True, help="clip.mp4 (clip.truth.json is written beside it)")
    a = p.parse_args(argv)
    run = RunSpec(
        cadence_spm=a.cadence,
        cpd_left_deg=a.cpd_left,
        cpd_right_deg=a.cpd_right,
        hip_adduction_left_deg=a.hip_adduction_left,
        hip_adduction_right_deg=a.hip_adduction_right,
        overstride_leg_lengths=a.overstride,
        trunk_lean_deg=a.trunk_lean,
    )
    camera = Camera(
        view=a.view,
        width_px=a.width,
        height_px=a.height,
        height_m=a.camera_height,
        distance_m=a.camera_distance,
        pitch_deg=a.camera_pitch,
        roll_deg=a.camera_roll,
        mirror=a.mirror,
    )
    marker = MarkerSpec(
        kind=a.markers,
        colour_rgb=parse_colour(a.marker_colour),
        diameter_mm=a.marker_diameter_mm,
        lag=a.marker_lag,
        offset_mm=a.marker_offset,
        distractor=a.distractor,
        cover_s=parse_windows(a.cover_s),
    )
    return ClipSpec(run, camera, a.seconds, a.fps, a.body, a.pelvis_skin_share, a.standing, marker), a.out


def main(argv: list[str] | None = None) -> None:
    spec, out = parse_args(argv)
    start = time.perf_counter()
    truth = make_clip(spec, out)
    took = time.perf_counter() - start
    print(
        f"{out}: {truth['n_frames']} frames, {len(truth['steps'])} steps, rendered in {took:.1f} s "
        f"({truth['n_frames'] / took:.1f} frames/s); truth in {truth_path(out).name}"
    )
