"""The command line as a user meets it: ``--help`` that reads like the README, ``--view side`` (issue 21)."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gait.cli import app
from gait.options import AnalyseOptions

#: A terminal wide enough that no help line is wrapped inside its box.
WIDE = {"COLUMNS": "240"}
COMMANDS = ([], ["analyse"], ["pose"], ["batch"], ["compare"], ["cache"], ["cache", "clear"])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "gait")
def test_help_names_arguments_in_capitals_and_gives_switches_no_type(command: list[str]) -> None:
    """Failed before: typer 0.29 wrote ``Usage: gait analyse [OPTIONS] {video}`` and
    ``--no-video <bool>`` (every switch, ``--help`` too)."""
    result = CliRunner().invoke(app, [*command, "--help"], prog_name="gait", env=WIDE)
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "{" not in result.output, result.output
    assert f"Usage: {' '.join(['gait', *command])} [OPTIONS]" in result.output


def test_usage_lines_match_the_readme() -> None:
    usage = {
        "analyse": "Usage: gait analyse [OPTIONS] VIDEO",
        "batch": "Usage: gait batch [OPTIONS] INPUT...",
        "compare": "Usage: gait compare [OPTIONS] BEFORE AFTER",
    }
    for command, line in usage.items():
        result = CliRunner().invoke(app, [command, "--help"], prog_name="gait", env=WIDE)
        assert line in result.output, result.output
    analyse = CliRunner().invoke(app, ["analyse", "--help"], prog_name="gait", env=WIDE).output
    assert "--no-video" in analyse and "side (gait finds the running direction)" in " ".join(analyse.split())


def test_view_side_is_accepted_and_passed_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failed before: ``--view side`` exited 2 with "'side' is not a view"."""
    import gait.cli
    import gait.pipeline

    seen: list[AnalyseOptions] = []

    def stop(video: Path, out: Path, options: AnalyseOptions, **kwargs: object) -> None:
        seen.append(options)
        raise SystemExit(0)

    monkeypatch.setattr(gait.pipeline, "analyse_video", stop)
    monkeypatch.setattr(gait.cli, "frame_progress", lambda video: contextlib.nullcontext(None))
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"not read")
    result = CliRunner().invoke(app, ["analyse", str(clip), "--out", str(tmp_path / "o"), "--view", "side"])
    assert result.exit_code == 0, result.output
    assert [o.view for o in seen] == ["side"]
    bad = CliRunner().invoke(
        app, ["analyse", str(clip), "--out", str(tmp_path / "o"), "--view", "sideways"], env=WIDE
    )
    assert bad.exit_code == 2 and "side_left, side_right, side." in " ".join(bad.output.split())


@pytest.mark.parametrize("direction", ["side_left", "side_right"])
def test_view_side_finds_the_running_direction_from_the_track(direction: str) -> None:
    from gait.engine import analyse_track
    from gait.views import resolve_view, side_direction, user_view
    from tests.analysed import make_track

    track = make_track(direction, duration_s=4.0)
    assert resolve_view("side", track) == direction
    assert resolve_view("rear", track) == "rear" and resolve_view(None, track) is None
    assert side_direction(track).reason.startswith(f"running to the {direction[5:]}")
    analysis = analyse_track(track, view=resolve_view("side", track))
    assert analysis.view.view == direction and analysis.view.overridden
    frontal = make_track("rear", duration_s=4.0)
    assert resolve_view("side", frontal) in ("side_left", "side_right")  # a direction, however unsure
    assert user_view("side", analysis.view).view == direction
