"""The clip's clock (issue 25): a clip exported to play slowed is timed as filmed with --slowed-by, and
a running clip at a walking cadence is told apart as slow motion, with the factor to run again with."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from gait.cli import app
from gait.notes import clock_notes
from gait.video import iter_frames, probe
from tests.conftest import real_clip, write_clip
from tests.synthetic import make_run

#: A committed known-answer side clip (60 fps, 4 s).
BENCH_SIDE = Path(__file__).parent / "data" / "bench" / "side_right_os0.25_60fps.mp4"


def played_slower(src: Path, dst: Path, factor: int) -> Path:
    """``src``'s frames, every one, in a clip that plays ``factor`` times slower (as a phone exports
    slow motion)."""
    return write_clip(dst, [f.bgr for f in iter_frames(src)], probe(src).fps / factor)


def cadence_of(out: Path) -> tuple[float, list[str]]:
    summary = json.loads((out / "summary.json").read_text())
    cadence = next(
        m for m in summary["metrics"] if m["key"] == "cadence_steps_per_min" and m["side"] == "both"
    )
    return cadence["value"], summary["capture"]["quality_notes"]


def test_a_track_retimed_keeps_its_frames_and_runs_on_the_filmed_clock() -> None:
    track, _ = make_run(view="side_left", fps=30.0)
    slow = track.retimed(4)
    assert slow.fps == 120.0 and slow.meta["slowed_by"] == 4.0
    np.testing.assert_allclose(slow.time_s * 4, track.time_s)
    np.testing.assert_array_equal(slow.xy_px, track.xy_px)
    assert track.retimed(1) is track


@pytest.mark.parametrize(
    ("spm", "duty_pct", "expected"),
    [
        (42.0, 35.0, "played back 4x slower: run again with --slowed-by 4"),
        (85.0, 30.0, "played back 2x slower: run again with --slowed-by 2"),
        (20.0, 30.0, "played back 8x slower: run again with --slowed-by 8"),
        (110.0, 65.0, "this looks like walking"),  # one foot always down: walking, not slow motion
        (110.0, float("nan"), "this looks like walking"),  # no contact times (a rear view): cannot tell
    ],
)
def test_a_walking_cadence_is_told_apart_as_slow_motion_or_walking(
    spm: float, duty_pct: float, expected: str
) -> None:
    notes = clock_notes(spm, duty_pct, 1.0, 30.0)
    assert len(notes) == 1 and expected in notes[0], notes  # one story: never walking and slow motion
    assert ("looks like walking" in notes[0]) is (not duty_pct < 50)


def test_a_running_cadence_gets_no_clock_note_and_a_retimed_clip_says_so() -> None:
    assert clock_notes(172.0, 35.0, 1.0, 60.0) == ()
    (note,) = clock_notes(172.0, 35.0, 4.0, 120.0)
    assert "plays 4x slower" in note and "filmed at 120 frames/s" in note


def test_a_60fps_clip_played_2x_slower_is_told_and_reads_its_cadence_with_slowed_by(tmp_path: Path) -> None:
    """A phone's 60 fps slow motion saved to play at 30: without the flag the walking-pace cadence
    with a flight phase gets the one-sentence suggestion and no running verdicts; with --slowed-by 2
    the cadence is the filmed clip's within 1 %."""
    slow = played_slower(BENCH_SIDE, tmp_path / "slow.mp4", 2)
    base = ["analyse", "--no-video", "--cache-dir", str(tmp_path / "cache"), "--out"]
    assert CliRunner().invoke(app, [*base, str(tmp_path / "a"), str(BENCH_SIDE)]).exit_code == 0
    truth, _ = cadence_of(tmp_path / "a")
    result = CliRunner().invoke(app, [*base, str(tmp_path / "b"), str(slow)])
    assert result.exit_code == 0, result.output
    video_time, notes = cadence_of(tmp_path / "b")
    assert video_time == pytest.approx(truth / 2, rel=0.02)
    assert any("played back 2x slower: run again with --slowed-by 2" in n for n in notes), notes
    assert not any("looks like walking" in n for n in notes)
    summary = json.loads((tmp_path / "b" / "summary.json").read_text())
    assert all(not m.get("band") for m in summary["metrics"])  # no running verdicts
    result = CliRunner().invoke(app, [*base, str(tmp_path / "c"), str(slow), "--slowed-by", "2"])
    assert result.exit_code == 0, result.output
    real_time, notes = cadence_of(tmp_path / "c")
    assert real_time == pytest.approx(truth, rel=0.01)
    assert any("plays 2x slower" in n for n in notes)
    assert json.loads((tmp_path / "c" / "summary.json").read_text())["capture"]["slowed_by"] == 2.0


@pytest.mark.realclip
def test_a_real_treadmill_clip_played_slower_reads_its_cadence_with_slowed_by(tmp_path: Path) -> None:
    """The 30 fps movup clip played 4x slower (7.5 frames/s of video) reads its cadence with
    --slowed-by 4 within 1 %; the 60 fps mhuang24 clip played 2x slower gets the suggestion."""
    base = ["analyse", "--no-video", "--cache-dir", str(tmp_path / "cache"), "--out"]
    clip = real_clip("movup_treadmill_run_side_tiktok_overlay.mp4")
    assert CliRunner().invoke(app, [*base, str(tmp_path / "a"), str(clip)]).exit_code == 0
    slow = played_slower(clip, tmp_path / "slow.mp4", 4)
    result = CliRunner().invoke(app, [*base, str(tmp_path / "b"), str(slow), "--slowed-by", "4"])
    assert result.exit_code == 0, result.output
    assert cadence_of(tmp_path / "b")[0] == pytest.approx(cadence_of(tmp_path / "a")[0], rel=0.01)
    slow = played_slower(real_clip("mhuang24_IMG_5396.mp4"), tmp_path / "slow60.mp4", 2)
    result = CliRunner().invoke(app, [*base, str(tmp_path / "c"), str(slow)])
    assert result.exit_code == 0, result.output
    assert any("run again with --slowed-by 2" in n for n in cadence_of(tmp_path / "c")[1])


def test_a_clip_too_slow_to_see_a_step_is_told_it_may_be_slow_motion() -> None:
    """30 fps footage saved to play 4x slower is 7.5 frames/s of video: refused saying frame rate, with
    the way out; re-timed by the factor it is analysed."""
    from gait.engine import analyse_track
    from gait.errors import AnalysisError
    from tests.analysed import make_track

    slow = make_track("side_right", duration_s=32.0, fps=7.5)
    with pytest.raises(AnalysisError, match=r"7\.5 frames/s, too few to see a step.*give --slowed-by"):
        analyse_track(slow)
    cadence = analyse_track(slow.retimed(4)).metric("cadence_steps_per_min", "both")
    assert cadence is not None and cadence.measurable
