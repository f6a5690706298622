"""Find and check the MediaPipe Pose Landmarker bundles.

The bundles ship in the repository's ``models/`` folder (built by
``scripts/build_models.py``, described in ``models/README.md``) so the analyser
never downloads anything. Named models are checked against a pinned sha256, so
a truncated or swapped file fails early with a clear fix instead of deep inside
MediaPipe. This module deliberately does not import mediapipe.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from gait.errors import ModelError
from gait.fsutil import sha256_file

#: Repository-root ``models/`` folder.
MODELS_DIR = Path(__file__).resolve().parent.parent / "models"

FULL_SHA256 = "9066e3e8e6d4b13c901df89cafeaab2222d8a2674b92b624a27555bb357c7f5d"
HEAVY_SHA256 = "64437af838a65d18e5ba7a0d39b465540069bc8aae8308de3e318aad31fcbc7b"

#: Bundled models: name -> (file name in MODELS_DIR, expected sha256).
MODELS: dict[str, tuple[str, str]] = {
    "full": ("pose_landmarker_full.task", FULL_SHA256),
    "heavy": ("pose_landmarker_heavy.task", HEAVY_SHA256),
}

#: Members every Pose Landmarker ``.task`` bundle must hold.
BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

REBUILD_COMMAND = "python scripts/build_models.py"

_sha_cache: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class ResolvedModel:
    """A model file ready to hand to MediaPipe.

    Attributes
    ----------
    name : str
        "full", "heavy", or the file name for a user-supplied bundle.
    path : Path
        Absolute path of the ``.task`` file.
    sha256 : str
        Hex sha256 of the file's bytes.
    """

    name: str
    path: Path
    sha256: str


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file; cached per (path, mtime, size) so a model is hashed once per process."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _sha_cache:
        _sha_cache[key] = sha256_file(path)
    return _sha_cache[key]


def resolve_model(spec: str) -> ResolvedModel:
    """Turn "full", "heavy" or a path to a ``.task`` bundle into a checked model.

    Raises
    ------
    ModelError
        A named model is missing or its sha256 does not match, or a path is not
        an existing zip holding the two Pose Landmarker members.
    """
    if spec in MODELS:
        file_name, expected = MODELS[spec]
        path = MODELS_DIR / file_name
        if not path.is_file():
            raise ModelError(f"The {spec} pose model {path} is missing; restore it with `{REBUILD_COMMAND}`.")
        actual = file_sha256(path)
        if actual != expected:
            raise ModelError(
                f"The {spec} pose model {path} is corrupt (sha256 {actual[:12]}…, "
                f"expected {expected[:12]}…); restore it with `{REBUILD_COMMAND}`."
            )
        return ResolvedModel(spec, path, actual)

    path = Path(spec).expanduser().resolve()
    if not path.is_file():
        names = " nor ".join(repr(n) for n in MODELS)
        raise ModelError(f"Pose model {spec!r} is neither {names} nor an existing .task file.")
    try:
        with zipfile.ZipFile(path) as zf:
            missing = [m for m in BUNDLE_MEMBERS if m not in zf.namelist()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelError(f"Pose model {path} is not a readable .task bundle (zip): {exc}.") from exc
    if missing:
        raise ModelError(f"Pose model {path} is not a Pose Landmarker bundle: it lacks {', '.join(missing)}.")
    return ResolvedModel(path.name, path, file_sha256(path))
