"""Batches: one failing clip does not stop the others, locally and on a Dask cluster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gait.batch import output_dirs, run_batch
from gait.cli import app
from gait.pipeline import AnalyseOptions
from tests.conftest import real_clip, write_clip


@pytest.fixture()
def bad_clips(tmp_path: Path) -> list[Path]:
    """A text file named .mp4, a missing file and a clip of an empty room."""
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    rng = np.random.default_rng(1)
    room = write_clip(tmp_path / "empty_room.mp4", [rng.integers(90, 110, (64, 96, 3), np.uint8)] * 12)
    return [text, tmp_path / "missing.mp4", room]


def test_output_dirs_are_unique_per_clip(tmp_path: Path) -> None:
    dirs = output_dirs([Path("a/run.mp4"), Path("b/run.mp4"), Path("c/walk.mp4")], tmp_path)
    assert [d.name for d in dirs.values()] == ["run", "run-2", "walk"]


def test_failures_are_reported_per_clip_on_dask(bad_clips: list[Path], tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    options = AnalyseOptions(write_video=False, cache_dir=None)
    outcomes = {o.video.name: o for o in run_batch(bad_clips, tmp_path / "out", options, workers=2)}
    assert set(outcomes) == {p.name for p in bad_clips}
    assert not any(o.ok for o in outcomes.values())
    assert "not a video" in outcomes["notes.mp4"].message
    assert "No file at" in outcomes["missing.mp4"].message
    assert "No person was found" in outcomes["empty_room.mp4"].message
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.*"))


@pytest.mark.realclip
def test_cli_batch_finishes_good_clips_and_exits_non_zero(bad_clips: list[Path], tmp_path: Path) -> None:
    good = real_clip("mhuang24_IMG_5396.mp4")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", str(bad_clips[0]), str(good), "--out", str(out), "--no-video"])
    assert result.exit_code == 2, result.output
    assert "1 of 2 clips analysed" in result.output
    assert (out / good.stem / "summary.json").is_file()
    assert not (out / "notes").exists()
