"""The whole chain on real clips: ``gait analyse`` outputs, the annotated video, nothing half-written."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from gait import cli
from gait.cli import app
from gait.errors import AnalysisError
from gait.fsutil import MANIFEST, staged_output
from gait.pipeline import OUTPUT_FILES, AnalyseOptions, AnalyseResult, analyse_video
from gait.video import iter_frames, probe
from tests.conftest import real_clip, write_clip

SIDE_CLIP = "mhuang24_IMG_5396.mp4"


def video_facts(path: Path) -> tuple[str, int, int, int, int]:
    """(codec, decoded frames, width, height, display rotation) of a video file."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(video=0))
        return stream.codec_context.name, len(frames), stream.width, stream.height, int(frames[0].rotation)


@pytest.fixture(scope="session")
def rotated_phone_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2.5 s of a portrait runner stored as landscape pixels plus a 90 deg display rotation, as phones do."""
    src = real_clip(SIDE_CLIP)
    frames = [
        np.ascontiguousarray(np.rot90(f.bgr[::2, ::2], k=-1))  # upright -> stored (rotated 90 deg clockwise)
        for f in iter_frames(src)
        if 100 <= f.index < 250
    ]
    return write_clip(tmp_path_factory.mktemp("phone") / "phone.mp4", frames, fps=60, rotation_deg=90)


@pytest.fixture(scope="session")
def side_result(pose_cache_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> AnalyseResult:
    out = tmp_path_factory.mktemp("side") / "out"
    options = AnalyseOptions(cache_dir=pose_cache_dir, max_height_px=640, slow=2)
    return analyse_video(real_clip(SIDE_CLIP), out, options)


@pytest.mark.realclip
def test_analyse_writes_every_output(side_result: AnalyseResult) -> None:
    out = side_result.paths["report"].parent
    assert {p.name for p in out.iterdir()} == {
        "annotated.mp4",
        "annotated_slow.mp4",
        "report.html",
        "summary.json",
        "steps.csv",
        MANIFEST,
    }
    summary = json.loads((out / "summary.json").read_text())
    assert summary["schema"] == "gait.summary/1"
    assert summary["view"]["view"] == "side_right"
    assert not list(out.parent.glob(".*partial"))


@pytest.mark.realclip
def test_annotated_video_is_h264_with_every_frame(side_result: AnalyseResult) -> None:
    codec, n_frames, width, height, _ = video_facts(side_result.paths["annotated"])
    source = probe(real_clip(SIDE_CLIP))
    decoded_source = sum(1 for _ in iter_frames(source.path))
    assert codec == "h264"
    assert abs(n_frames - decoded_source) <= 1
    assert (width, height) == (360, 640)  # 1080x1920 capped at 640 high, aspect kept
    slow = probe(side_result.paths["annotated_slow"])
    assert slow.fps == pytest.approx(source.fps / 2, rel=1e-3)


@pytest.mark.realclip
def test_annotated_video_of_rotated_phone_clip_is_upright(rotated_phone_clip: Path, tmp_path: Path) -> None:
    assert probe(rotated_phone_clip).rotation_deg == 90
    result = analyse_video(rotated_phone_clip, tmp_path / "out", AnalyseOptions(cache_dir=None))
    codec, n_frames, width, height, rotation = video_facts(result.paths["annotated"])
    assert codec == "h264" and rotation == 0
    assert (width, height) == (540, 960)  # portrait, as the phone showed it
    assert abs(n_frames - 150) <= 1
    assert result.analysis.view.view == "side_right"


def test_failed_analysis_leaves_no_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    clip = write_clip(tmp_path / "room.mp4", [rng.integers(0, 255, (64, 64, 3), np.uint8) for _ in range(12)])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["analyse", str(clip), "--out", str(out), "--no-cache"])
    assert result.exit_code == 2 and "No person" in result.output
    assert not out.exists()
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.realclip
def test_too_few_steps_is_a_clear_error(tmp_path: Path, pose_cache_dir: Path) -> None:
    short = tmp_path / "short.mp4"
    frames = [f.bgr[::3, ::3] for f in iter_frames(real_clip(SIDE_CLIP)) if f.index < 15]
    write_clip(short, frames, fps=60)
    with pytest.raises(AnalysisError, match=r"step|person"):
        analyse_video(short, tmp_path / "out", AnalyseOptions(cache_dir=pose_cache_dir))
    assert not (tmp_path / "out").exists()


@pytest.mark.realclip
def test_cli_analyse_prints_units_and_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli.console, "width", 200)
    result = CliRunner().invoke(
        app, ["analyse", str(real_clip(SIDE_CLIP)), "--out", str(tmp_path / "o"), "--no-video"]
    )
    assert result.exit_code == 0, result.output
    assert "Cadence [steps/min]" in result.output and "[leg lengths]" in result.output
    assert "not measured:" in result.output  # pelvic drop in a side view says why
    assert not (tmp_path / "o" / "annotated.mp4").exists()


def test_rerun_without_video_removes_the_old_video(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_output(out, names=OUTPUT_FILES) as staged:  # a run with videos
        (staged.folder / "annotated.mp4").write_bytes(b"old")
        (staged.folder / "annotated_slow.mp4").write_bytes(b"old")
    with staged_output(out, names=OUTPUT_FILES) as staged:  # and one without: gait's stale videos go
        (staged.folder / "report.html").write_text("new")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "report.html"]
    assert staged.published == {"report": out / "report.html"}


@pytest.mark.realclip
def test_side_clip_asked_for_pelvic_drop_fails_clearly(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["analyse", str(real_clip(SIDE_CLIP)), "--out", str(out), "--need", "pelvic-drop,cadence"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "cannot give pelvic drop (not measurable in a side view" in " ".join(result.output.split())
    assert not out.exists()


@pytest.mark.parametrize("command", ["analyse", "pose"])
def test_out_that_is_a_file_fails_before_any_work(command: str, tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "c.mp4", [np.zeros((32, 32, 3), np.uint8)] * 12)
    taken = tmp_path / "results"
    taken.write_text("my notes")
    result = CliRunner().invoke(app, [command, str(clip), "--out", str(taken)])
    assert result.exit_code == 2
    assert "is a file, not a folder" in " ".join(result.output.split())
    assert taken.read_text() == "my notes"


def test_the_progress_bar_starts_again_for_the_mirror_pass() -> None:
    """The mirror pass over a frontal clip counts its frames again: a frame index lower than the last
    one restarts the bar, named for the mirror image, instead of running it past 100%."""
    from rich.progress import Progress

    from gait.console import frame_counter

    with Progress(disable=True) as progress:
        task = progress.add_task("run.mp4", total=3, fps="")
        advance = frame_counter(progress, task, "run.mp4", "")
        for index in (0, 1, 2):
            advance(index)
        assert progress.tasks[0].completed == 3 and progress.tasks[0].description == "run.mp4"
        advance(0)
        assert progress.tasks[0].completed == 1 and progress.tasks[0].description == "run.mp4 (mirror image)"
