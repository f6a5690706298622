"""Tests for gait.models.resolve_model: bundled names, checksums, user paths."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from gait import models
from gait.errors import ModelError
from gait.models import MODELS, MODELS_DIR, ResolvedModel, resolve_model


@pytest.mark.parametrize("name", ["full", "heavy"])
def test_named_model_resolves_and_verifies(name: str) -> None:
    resolved = resolve_model(name)
    file_name, sha = MODELS[name]
    assert resolved == ResolvedModel(name, MODELS_DIR / file_name, sha)
    assert resolved.path.is_file()
    with zipfile.ZipFile(resolved.path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
    assert set(infos) == set(models.BUNDLE_MEMBERS)
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos.values())


def test_models_dir_is_repo_root_models() -> None:
    assert Path(__file__).resolve().parent.parent / "models" == MODELS_DIR


def _registry_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the registry at a copy of the full model in tmp_path; return the copy."""
    file_name, sha = MODELS["full"]
    copy = tmp_path / file_name
    shutil.copyfile(MODELS_DIR / file_name, copy)
    monkeypatch.setattr(models, "MODELS_DIR", tmp_path)
    monkeypatch.setattr(models, "MODELS", {"full": (file_name, sha)})
    return copy


def test_corrupt_named_model_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _registry_copy(tmp_path, monkeypatch)
    assert resolve_model("full").path == copy
    with copy.open("r+b") as f:  # flip one byte in place
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    os.utime(copy, ns=(copy.stat().st_atime_ns, copy.stat().st_mtime_ns + 1_000_000_000))
    with pytest.raises(ModelError, match=r"corrupt.*python scripts/build_models\.py"):
        resolve_model("full")


def test_missing_named_model_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = _registry_copy(tmp_path, monkeypatch)
    copy.unlink()
    with pytest.raises(ModelError, match=r"missing.*python scripts/build_models\.py"):
        resolve_model("full")


def test_checksum_is_cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _registry_copy(tmp_path, monkeypatch)
    resolve_model("full")
    calls: list[Path] = []
    real_sha256_file = models.sha256_file

    def counting(path: Path) -> str:
        calls.append(path)
        return real_sha256_file(path)

    monkeypatch.setattr(models, "sha256_file", counting)
    resolve_model("full")
    assert calls == []


def test_user_path_bundle_resolves(tmp_path: Path) -> None:
    copy = tmp_path / "mine.task"
    shutil.copyfile(MODELS_DIR / MODELS["full"][0], copy)
    resolved = resolve_model(str(copy))
    assert resolved.name == "mine.task"
    assert resolved.path == copy.resolve()
    assert resolved.sha256 == MODELS["full"][1]


def test_nonexistent_path_raises(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="neither"):
        resolve_model(str(tmp_path / "nope.task"))
    with pytest.raises(ModelError, match="neither"):
        resolve_model("medium")


def test_non_zip_path_raises(tmp_path: Path) -> None:
    bad = tmp_path / "bad.task"
    bad.write_bytes(b"not a zip at all")
    with pytest.raises(ModelError, match="not a readable"):
        resolve_model(str(bad))


def test_zip_missing_members_raises(tmp_path: Path) -> None:
    bad = tmp_path / "half.task"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("pose_detector.tflite", b"x")
    with pytest.raises(ModelError, match=r"lacks pose_landmarks_detector\.tflite"):
        resolve_model(str(bad))
