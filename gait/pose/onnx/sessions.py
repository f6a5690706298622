"""The converted networks on disk (checked by sha256) and their onnxruntime sessions."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gait.errors import ModelError
from gait.models import MODELS_DIR, file_sha256

#: ONNX networks: name -> (file in MODELS_DIR, sha256). Built by scripts/convert_onnx.py.
ONNX_MODELS: dict[str, tuple[str, str]] = {
    "detector": ("pose_detector.onnx", "6f8160adf334a79505de75a7bcf0378e8186624bba3e9708b9c6da5bc2307201"),
    "full": ("pose_landmarks_full.onnx", "97f483857ce252b3ecf82e53b55fe93ecc03532251cb2240f7390c9995285c99"),
    "heavy": (
        "pose_landmarks_heavy.onnx",
        "1b53e705d5c5f23a99a1fe647a3809ba885b51ad73d2750c27223be3664fe696",
    ),
}

#: Version of the numpy glue's results, part of :func:`model_sha256` so that pose tracks cached by
#: an earlier glue are not reused. 2: the landmark crop repeats the frame's edge; the One Euro
#: filter starts at the first frame.
GLUE_VERSION = 2


def choose_providers(available: Sequence[str]) -> list[str]:
    """CUDA first when this onnxruntime build has it (onnxruntime-gpu), then the CPU."""
    return [p for p in ("CUDAExecutionProvider",) if p in available] + ["CPUExecutionProvider"]


def resolve_onnx(name: str) -> tuple[Path, str]:
    """Path and checked sha256 of one converted network ("detector", "full" or "heavy")."""
    if name not in ONNX_MODELS:
        raise ModelError(
            f"The onnx backend runs the bundled 'full' or 'heavy' model, not {name!r};"
            " use --backend mediapipe for another .task file."
        )
    file_name, expected = ONNX_MODELS[name]
    path = MODELS_DIR / file_name
    fix = "restore it with `git checkout models/` or rebuild it with scripts/convert_onnx.py"
    if not path.is_file():
        raise ModelError(f"The ONNX pose network {path} is missing; {fix}.")
    actual = file_sha256(path)
    if actual != expected:
        raise ModelError(f"The ONNX pose network {path} is corrupt (sha256 {actual[:12]}…); {fix}.")
    return path, actual


def sha256_file_pair(a: str, b: str) -> str:
    """A sha256 over two hex digests."""
    return hashlib.sha256(f"{a}:{b}".encode()).hexdigest()


def model_sha256(model: str) -> str:
    """One checksum naming the detector and landmark networks and :data:`GLUE_VERSION` together
    (for the cache key)."""
    networks = sha256_file_pair(resolve_onnx("detector")[1], resolve_onnx(model)[1])
    return sha256_file_pair(networks, f"glue-{GLUE_VERSION}")


def open_sessions(model: str, threads: int | None, providers: Sequence[str] | None) -> tuple[Any, Any]:
    """onnxruntime sessions of the detector and of the ``model`` landmark network.

    ``threads``: intra-op threads per session (None: every core this process may use), without
    spinning, which starves other work on a shared CPU; ``providers``: None for
    :func:`choose_providers`. Raises ModelError when onnxruntime cannot load them.
    """
    import onnxruntime as ort

    detector_path, _ = resolve_onnx("detector")
    landmark_path, _ = resolve_onnx(model)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or len(os.sched_getaffinity(0))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # shared CPUs
    chosen = list(providers or choose_providers(ort.get_available_providers()))
    try:
        detector = ort.InferenceSession(str(detector_path), options, providers=chosen)
        landmarks = ort.InferenceSession(str(landmark_path), options, providers=chosen)
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"onnxruntime could not load the pose networks ({exc}).") from exc
    return detector, landmarks
