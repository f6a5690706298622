"""A cache of pose tracks on disk, keyed by the clip's content, the model and the settings.

A second analysis of the same clip skips inference. The cache is disposable: an entry that
cannot be read, for any reason, is deleted and rebuilt, never trusted; an entry that cannot be
written is skipped with a warning and the analysis goes on. Entries are written under unique
temporary names and renamed into place, so runs sharing a cache never see each other's half-files.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from pathlib import Path

from gait.errors import CacheError
from gait.track import TRACK_FORMAT_VERSION, PoseTrack

log = logging.getLogger(__name__)

#: Cache entries are ``KEY.npz``; temporary files of interrupted saves are ``.gait-*.part.npz``
#: (``.KEY.*.part.npz`` from earlier versions).
ENTRY_SUFFIX = ".npz"
_OWN_FILE = re.compile(r"\.?[0-9a-f]{32}(\.[^/]*\.part)?\.npz|\.gait-[^/.]{8}\.part\.npz")


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
    """The cached track for ``key``, or None when absent or unusable (an unusable file is deleted)."""
    path = Path(cache_dir) / f"{key}{ENTRY_SUFFIX}"
    try:
        if not path.is_file():
            return None
        track = PoseTrack.load(path)
        if track.source_sha256 != source_sha256 or track.meta.get("model_sha256") != model_sha256:
            raise CacheError(f"The cached track {path.name} belongs to another clip or model.")
    except Exception as exc:  # damage can surface as any error (zlib, zipfile, numpy's header parser...)
        log.warning("Cannot use the cached pose track %s (%s): running pose inference again.", path, exc)
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        return None
    return track


def store(cache_dir: Path, key: str, track: PoseTrack) -> Path | None:
    """Save ``track`` under ``key`` (atomically) and return its path; None, with a warning, if it cannot."""
    path = Path(cache_dir) / f"{key}{ENTRY_SUFFIX}"
    try:
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        _remove_empty_dir(path)  # an empty folder under an entry's name is no one's: it would block the save
        track.save(path)
    except OSError as exc:
        log.warning(
            "Cannot save the pose track in the cache folder %s (%s): going on without caching it"
            " (choose another folder with --cache-dir or $GAIT_CACHE_DIR).",
            cache_dir,
            exc.strerror or exc,
        )
        return None
    return path


def clear(cache_dir: Path) -> tuple[int, int]:
    """Delete every cache entry and leftover temporary file in ``cache_dir``; return (files, bytes) freed.

    Only gait's own files are touched: other files in the folder stay.
    """
    files = n_bytes = 0
    folder = Path(cache_dir)
    if not folder.is_dir():
        return 0, 0
    for path in folder.iterdir():
        if _OWN_FILE.fullmatch(path.name) and path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            files, n_bytes = files + 1, n_bytes + size
        elif _OWN_FILE.fullmatch(path.name) and _remove_empty_dir(path):
            files += 1
    return files, n_bytes


def _remove_empty_dir(path: Path) -> bool:
    """Remove ``path`` if it is an empty folder (not a link); True when it was removed. A folder with
    something in it is not gait's to remove."""
    if not path.is_dir() or path.is_symlink():
        return False
    try:
        path.rmdir()
    except OSError:
        return False
    return True
