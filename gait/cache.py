"""A cache of pose tracks on disk, keyed by the clip's content, the model and the settings.

A second analysis of the same clip skips inference. A cached file that is unreadable or
does not match what was asked for is deleted and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from gait.errors import CacheError
from gait.track import TRACK_FORMAT_VERSION, PoseTrack

log = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """``$GAIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/gait``, else ``~/.cache/gait``."""
    if env := os.environ.get("GAIT_CACHE_DIR"):
        return Path(env)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "gait"


def cache_key(source_sha256: str, model_sha256: str, settings: dict) -> str:
    """A short hex key naming one (clip, model, settings) combination."""
    blob = json.dumps(
        {"v": TRACK_FORMAT_VERSION, "src": source_sha256, "model": model_sha256, "settings": settings},
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def load(cache_dir: Path, key: str, source_sha256: str, model_sha256: str) -> PoseTrack | None:
    """The cached track for ``key``, or None when absent; a corrupt or mismatched file is deleted."""
    path = Path(cache_dir) / f"{key}.npz"
    if not path.exists():
        return None
    try:
        track = PoseTrack.load(path)
        if track.source_sha256 != source_sha256 or track.meta.get("model_sha256") != model_sha256:
            raise CacheError(f"The cached track {path.name} belongs to another clip or model.")
    except CacheError as exc:
        log.warning("%s Rebuilding it.", exc)
        path.unlink(missing_ok=True)
        return None
    return track


def store(cache_dir: Path, key: str, track: PoseTrack) -> Path:
    """Save ``track`` under ``key`` (atomically) and return its path."""
    Path(cache_dir).mkdir(parents=True, exist_ok=True)
    path = Path(cache_dir) / f"{key}.npz"
    track.save(path)
    return path
