"""gait replaces or removes only files it can prove it wrote (issue 22, defect 1).

Each output folder holds a manifest (``.gait-manifest.json``) of the files gait published there and
their sha256. A file of an output's name that the manifest does not vouch for (the user's, or one
changed since) makes the run stop before any work with one sentence, and it is kept byte for byte.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gait.cli import app
from gait.errors import OutputError
from gait.fsutil import MANIFEST, sha256_file, staged_output

MINE = b"mine: a physio's notes, not gait's\n"


def one_line(text: str) -> str:
    return " ".join(text.split())


def analyse(clip: Path, out: Path, *flags: str) -> object:
    return CliRunner().invoke(app, ["analyse", str(clip), "--out", str(out), *flags])


def test_a_users_files_under_output_names_are_kept_and_the_run_refused(
    tiny_clip: Path, tmp_path: Path
) -> None:
    """The defect as filed: both files were deleted and the run exited 0."""
    out = tmp_path / "o"
    out.mkdir()
    (out / "annotated.mp4").write_bytes(MINE)
    (out / "annotated_slow.mp4").write_bytes(b"x\n")
    result = analyse(tiny_clip, out, "--no-video")
    assert result.exit_code == 2, result.output
    assert "annotated.mp4 (and 1 more) was not written by gait" in one_line(result.output)
    assert (out / "annotated.mp4").read_bytes() == MINE
    assert (out / "annotated_slow.mp4").read_bytes() == b"x\n"
    assert sorted(p.name for p in out.iterdir()) == ["annotated.mp4", "annotated_slow.mp4"]  # nothing added


def test_gait_replaces_its_own_outputs_and_leaves_other_files_alone(
    small_sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "o"
    assert analyse(small_sample, out).exit_code == 0
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["files"]["summary.json"] == [sha256_file(out / "summary.json")]
    (out / "notes.txt").write_bytes(MINE)
    result = analyse(small_sample, out, "--no-video")  # gait's own video is removed: it is stale now
    assert result.exit_code == 0, result.output
    assert not (out / "annotated.mp4").exists()
    assert (out / "notes.txt").read_bytes() == MINE
    assert "annotated.mp4" not in json.loads((out / MANIFEST).read_text())["files"]


def test_an_output_changed_since_gait_wrote_it_is_kept(small_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert analyse(small_sample, out, "--no-video").exit_code == 0
    (out / "report.html").write_bytes(MINE)  # a physio annotated the report by hand
    result = analyse(small_sample, out, "--no-video")
    assert result.exit_code == 2
    assert f"{out / 'report.html'} was not written by gait, or changed since" in one_line(result.output)
    assert (out / "report.html").read_bytes() == MINE


@pytest.mark.parametrize("damage", ["", "{", '{"schema": "gait.manifest/999", "files": {}}', "[1, 2]"])
def test_a_damaged_or_foreign_manifest_proves_nothing(damage: str, tmp_path: Path) -> None:
    out = tmp_path / "o"
    with staged_output(out, names=["report.html"]) as staged:
        (staged.folder / "report.html").write_text("gait's")
    (out / MANIFEST).write_text(damage)
    with (
        pytest.raises(OutputError, match="was not written by gait"),
        staged_output(out, names=["report.html"]),
    ):
        pass
    assert (out / "report.html").read_text() == "gait's"


def test_a_symlink_under_an_output_name_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_bytes(MINE)
    out = tmp_path / "o"
    out.mkdir()
    (out / "summary.json").symlink_to(target)
    with (
        pytest.raises(OutputError, match="was not written by gait"),
        staged_output(out, names=["summary.json"]),
    ):
        pass
    assert (out / "summary.json").is_symlink() and target.read_bytes() == MINE


def test_a_run_killed_between_its_renames_leaves_files_gait_can_still_replace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest names old and new content while the files move in, so a crash halfway through
    publishing never turns gait's own files into ones it must refuse."""
    out = tmp_path / "o"
    with staged_output(out, names=["a.txt", "b.txt"]) as staged:
        (staged.folder / "a.txt").write_text("a1")
        (staged.folder / "b.txt").write_text("b1")
    real = Path.replace
    calls = []

    def dies_on_second(self: Path, target: os.PathLike[str] | str) -> Path:
        if self.parent.name.startswith(".gait-staging-"):
            calls.append(self)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as a kill between the two renames
        return real(self, target)

    monkeypatch.setattr(Path, "replace", dies_on_second)
    with pytest.raises(KeyboardInterrupt), staged_output(out, names=["a.txt", "b.txt"]) as staged:
        (staged.folder / "a.txt").write_text("a2")
        (staged.folder / "b.txt").write_text("b2")
    monkeypatch.setattr(Path, "replace", real)
    assert {(out / n).read_text() for n in ("a.txt", "b.txt")} == {"a2", "b1"}  # half published
    with staged_output(out, names=["a.txt", "b.txt"]) as staged:  # and the next run may replace both
        (staged.folder / "a.txt").write_text("a3")
        (staged.folder / "b.txt").write_text("b3")
    assert [(out / n).read_text() for n in ("a.txt", "b.txt")] == ["a3", "b3"]


def test_a_batch_keeps_a_users_index_html(tiny_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "b"
    out.mkdir()
    (out / "index.html").write_bytes(MINE)
    result = CliRunner().invoke(app, ["batch", str(tiny_clip), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "index.html was not written by gait" in one_line(result.output)
    assert (out / "index.html").read_bytes() == MINE
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_a_comparison_keeps_a_users_compare_html(tmp_path: Path) -> None:
    out = tmp_path / "c"
    out.mkdir()
    (out / "compare.html").write_bytes(MINE)
    result = CliRunner().invoke(
        app, ["compare", str(tmp_path / "x.mp4"), str(tmp_path / "y.mp4"), "--out", str(out)]
    )
    assert result.exit_code == 2, result.output
    assert "compare.html was not written by gait" in one_line(result.output)
    assert (out / "compare.html").read_bytes() == MINE


@pytest.mark.parametrize("value", ["", "-", "/", "//", "   "])
@pytest.mark.parametrize("command", ["analyse", "pose", "batch"])
def test_an_out_that_cannot_be_meant_is_refused(
    command: str, value: str, tiny_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--out ''`` was the current folder, ``--out -`` a folder named '-', ``--out /`` the root."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, [command, str(tiny_clip), "--out", value])
    assert result.exit_code == 2
    assert "is not a folder gait will write into: give a folder name" in one_line(
        result.output.replace("│", "")
    )
    assert list(tmp_path.iterdir()) == []
