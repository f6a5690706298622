"""Batches: folders and globs, stable names, isolation, exit codes, batch.csv and index.html, resume.

Issue 14's "done when" items are the tests marked ``realclip`` below (six inputs, kill and rerun,
Dask against local); the rest cover the pieces with inputs that need no pose inference.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gait.batch import (
    BATCH_CSV,
    DONE_MARKER,
    INDEX_HTML,
    analyse_batch,
    clip_folder_name,
    expand_inputs,
    plan_batch,
    run_batch,
)
from gait.cli import app
from gait.errors import InputError
from gait.fsutil import STAGING_PREFIX
from gait.pipeline import AnalyseOptions
from gait.report.batch import COLUMNS
from gait.video import iter_frames, probe
from gait.video_out import H264Writer
from tests.conftest import excerpt, real_clip, write_clip

#: Real clips that analyse into a result (side views); the first has 18 steps and is shared with
#: other test files, so its pose is computed once per run.
REAL_CLIPS = (
    "mhuang24_IMG_5396.mp4",
    "watcharapol28_gait_normal_01_walk_side.mp4",
    "sports2d_gh_demo3_run_side.mp4",
)


def one_line(text: str) -> str:
    return " ".join(text.split())


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def leftovers(out: Path) -> list[Path]:
    """Staging folders, temporary files and run markers anywhere under ``out``."""
    return [
        p
        for p in out.rglob(".*")
        if p.name.startswith(STAGING_PREFIX) or ".part" in p.name or p.name.endswith(".running")
    ]


@pytest.fixture()
def bad_clips(tmp_path: Path) -> list[Path]:
    """A text file named .mp4, a missing file and a clip of an empty room."""
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    rng = np.random.default_rng(1)
    room = write_clip(tmp_path / "empty_room.mp4", [rng.integers(90, 110, (64, 96, 3), np.uint8)] * 12)
    return [text, tmp_path / "missing.mp4", room]


# ---------------------------------------------------------------------------------------------
# Inputs and names


def test_folders_are_searched_recursively_for_videos_in_any_case(tmp_path: Path) -> None:
    for name in (
        "a/run.mp4",
        "a/b/RUN2.MOV",
        "a/b/c/clip.Mkv",
        "a/notes.txt",
        "a/.hidden.mp4",
        "a/.git/x.mp4",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(name.encode())
    found = [p.relative_to(tmp_path).as_posix() for p in expand_inputs([tmp_path / "a"])]
    assert found == ["a/run.mp4", "a/b/RUN2.MOV", "a/b/c/clip.Mkv"]


def test_globs_expand_and_files_are_taken_as_given(tmp_path: Path) -> None:
    for name in ("x1.mp4", "x2.mp4", "y.avi", "odd.dat"):
        (tmp_path / name).write_bytes(name.encode())
    found = expand_inputs([str(tmp_path / "x*.mp4"), tmp_path / "odd.dat", tmp_path / "gone.mp4"])
    assert [p.name for p in found] == ["x1.mp4", "x2.mp4", "odd.dat", "gone.mp4"]


def test_a_pattern_or_folder_with_no_clip_is_a_bad_command_line(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="matches no file"):
        expand_inputs([str(tmp_path / "*.mp4")])
    with pytest.raises(InputError, match="holds no video files"):
        expand_inputs([tmp_path / "empty"])
    result = CliRunner().invoke(app, ["batch", str(tmp_path / "*.mov"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "matches no file" in one_line(result.stderr)
    assert not (tmp_path / "out").exists()


def test_same_name_in_two_folders_gets_two_stable_folders(tmp_path: Path) -> None:
    for folder, content in (("day1", b"one"), ("day2", b"two")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "run.mp4").write_bytes(content)
    plan = plan_batch([tmp_path / "day1" / "run.mp4", tmp_path / "day2"], tmp_path / "out")
    names = [item.out_dir.name for item in plan.items]
    assert len(set(names)) == 2 and all(n.startswith("run-") for n in names)
    again = plan_batch([tmp_path / "day2" / "run.mp4", tmp_path / "day1"], tmp_path / "out")
    assert sorted(i.out_dir.name for i in again.items) == sorted(names)  # the name follows the content


def test_same_content_twice_is_analysed_once(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"same")
    (tmp_path / "b.mp4").write_bytes(b"same")
    plan = plan_batch([tmp_path / "a.mp4", tmp_path / "b.mp4", tmp_path / "." / "a.mp4"], tmp_path / "o")
    assert [i.video.name for i in plan.items] == ["a.mp4"] and len(plan.repeats) == 2


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=80), st.binary(max_size=8))
def test_no_file_name_escapes_the_output_folder(name: str, content: bytes) -> None:
    out = Path("/tmp/gait-out")
    for candidate in (
        Path(name),
        Path(name + ".mp4"),
        Path("..") / name,
        Path(os.fsdecode(b"caf\xe9 ") + name),
    ):
        folder = clip_folder_name(candidate, "ab" * 32 if content else None)
        assert "/" not in folder and "\0" not in folder and not folder.startswith(".")
        assert (out / folder).resolve().parent == out and len(folder.encode()) < 255
        folder.encode("utf-8")  # always a name any file system and report can hold


# ---------------------------------------------------------------------------------------------
# Isolation, exit codes, the batch's own files (no pose inference)


def test_only_bad_clips_exit_1_with_a_row_each(bad_clips: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["batch", *map(str, bad_clips), "--out", str(out), "--no-video"])
    assert result.exit_code == 1, result.output
    output = one_line(result.stderr)
    assert "0 of 3 clips analysed" in output and "3 failed:" in output
    rows = read_csv(out / BATCH_CSV)
    assert [r["status"] for r in rows] == ["failed"] * 3
    assert "not a video" in rows[0]["reason"] and "No file at" in rows[1]["reason"]
    assert "No person was found" in rows[2]["reason"]
    assert sorted(p.name for p in out.iterdir()) == [BATCH_CSV, INDEX_HTML]  # no folder for a failed clip


def test_bad_options_exit_2_before_any_work(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_text("x")
    result = CliRunner().invoke(
        app, ["batch", str(tmp_path / "a.mp4"), "--workers", "0", "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and not (tmp_path / "o").exists()


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


def test_a_second_batch_into_a_busy_folder_is_refused(bad_clips: list[Path], tmp_path: Path) -> None:
    from gait.fsutil import locked_output_dir

    out = tmp_path / "out"
    out.mkdir()
    with locked_output_dir(out):
        result = CliRunner().invoke(app, ["batch", str(bad_clips[0]), "--out", str(out)])
    assert result.exit_code == 2 and "Another gait run is writing into" in one_line(result.stderr)


# ---------------------------------------------------------------------------------------------
# Issue 14, done when: six inputs; Dask gives the same batch.csv; a rerun reuses what is complete


def truncated_copy(src: Path, dst: Path) -> Path:
    """A clip whose header is whole (moov first) but whose frames stop part-way."""
    info = probe(src)
    full = dst.with_name("whole.mp4")
    with H264Writer(full, info.fps, (info.width_px, info.height_px)) as writer:
        for frame in iter_frames(src, info):
            writer.write(frame.bgr)
    data = full.read_bytes()
    full.unlink()
    dst.write_bytes(data[: len(data) * 2 // 3])
    return dst


@pytest.fixture()
def clinic_folder(tmp_path: Path, tiny_clip: Path) -> Path:
    """3 real clips, a truncated mp4, a text file named .MP4 in a sub-folder, a clip with nobody in it."""
    root = tmp_path / "clinic"
    clips = [real_clip(name) for name in REAL_CLIPS]
    (root / "visit 1" / "notes").mkdir(parents=True)
    (root / "visit 2").mkdir()
    for i, clip in enumerate(clips):
        os.symlink(
            clip, root / ("visit 1" if i < 2 else "visit 2") / f"run {i}.mp4"
        )  # read through, as a share
    truncated_copy(tiny_clip, root / "visit 2" / "cut short.mp4")
    (root / "visit 1" / "notes" / "session.MP4").write_text("Runner says the left hip hurts after 5 km.")
    rng = np.random.default_rng(7)
    write_clip(root / "visit 2" / "empty room.mov", [rng.integers(90, 110, (96, 128, 3), np.uint8)] * 15)
    (root / ".DS_Store").write_bytes(b"\0")
    return root


@pytest.mark.realclip
def test_clinic_folder_batch_local_then_dask_then_rerun(
    clinic_folder: Path, tmp_path: Path, pose_cache_dir: Path
) -> None:
    out = tmp_path / "out"
    args = ["batch", str(clinic_folder), "--out", str(out), "--no-video", "--cache-dir", str(pose_cache_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    rows = read_csv(out / BATCH_CSV)
    assert len(rows) == 6 and list(rows[0]) == COLUMNS
    by_status = {s: [r for r in rows if r["status"] == s] for s in ("analysed", "failed")}
    assert len(by_status["analysed"]) == 3 and len(by_status["failed"]) == 3
    reasons = {Path(r["path"]).name: r["reason"] for r in by_status["failed"]}
    assert "stops after" in reasons["cut short.mp4"] and "truncated" in reasons["cut short.mp4"]
    assert "not a video" in reasons["session.MP4"]
    assert "No person was found" in reasons["empty room.mov"]
    for row in by_status["analysed"]:
        assert (
            row["view"].startswith("side")
            and int(row["steps"]) > 0
            and float(row["cadence [steps/min]"]) > 60
        )
        assert (out / row["output folder"] / "summary.json").is_file()
        assert row["output folder"].startswith("run_")  # "run 0" made safe, plus the content hash
    assert not leftovers(out)
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [BATCH_CSV, INDEX_HTML]
    assert len([p for p in out.iterdir() if p.is_dir()]) == 3  # nothing for the three bad inputs
    output = one_line(result.stderr)
    assert "3 of 6 clips analysed" in output and "3 failed:" in output
    index = (out / INDEX_HTML).read_text()
    assert all(
        f'href="{row["output folder"].replace(" ", "%20")}/report.html"' in index
        for row in by_status["analysed"]
    )

    # Dask: same values (the same folder names too, since they follow the content)
    pytest.importorskip("dask.distributed")
    dask_out = tmp_path / "dask"
    result = CliRunner().invoke(app, [*args[:3], str(dask_out), *args[4:], "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert (dask_out / BATCH_CSV).read_text() == (out / BATCH_CSV).read_text()

    # Rerun: the three complete clips are reused, the three bad ones tried again
    before = {
        r["output folder"]: (out / r["output folder"] / "summary.json").stat().st_mtime_ns
        for r in by_status["analysed"]
    }
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "3 of 6 clips analysed" in one_line(result.stderr) and "(3 reused" in one_line(result.stderr)
    rows = read_csv(out / BATCH_CSV)
    assert [r["status"] for r in rows].count("reused") == 3
    assert {f: (out / f / "summary.json").stat().st_mtime_ns for f in before} == before


def test_changed_settings_or_a_damaged_output_are_redone(
    small_sample: Path, tmp_path: Path, pose_cache_dir: Path
) -> None:
    out = tmp_path / "out"
    options = AnalyseOptions(write_video=False, cache_dir=pose_cache_dir)
    first = analyse_batch([small_sample], out, options)
    assert first.exit_code == 0 and first.rows[0].status == "analysed"
    folder = out / first.rows[0].folder
    assert (folder / DONE_MARKER).is_file()
    assert analyse_batch([small_sample], out, options).rows[0].status == "reused"
    (folder / "steps.csv").write_text("step\n")  # damaged: not the size it was published at
    assert analyse_batch([small_sample], out, options).rows[0].status == "analysed"
    assert analyse_batch([small_sample], out, options).rows[0].status == "reused"
    other = AnalyseOptions(write_video=False, cache_dir=pose_cache_dir, symptoms=("buttock",))
    assert analyse_batch([small_sample], out, other).rows[0].status == "analysed"
    assert analyse_batch([small_sample], out, other, force=True).rows[0].status == "analysed"
    assert analyse_batch([small_sample], out, other).rows[0].status == "reused"


def test_batch_killed_midway_then_rerun(small_sample: Path, tmp_path: Path, pose_cache_dir: Path) -> None:
    """SIGKILL to the batch's process group while the second clip runs; the rerun finishes the rest."""
    clips = tmp_path / "clips"
    clips.mkdir()
    os.symlink(small_sample, clips / "a.mp4")
    excerpt(small_sample, clips / "b.mp4", transform=lambda bgr: np.ascontiguousarray(bgr[:, ::-1]))
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from gait.cli import app; app(prog_name='gait')", "batch", str(clips)]
    command += ["--out", str(out), "--cache-dir", str(pose_cache_dir)]
    proc = subprocess.Popen(
        command, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not list(out.glob(f"a-*/{DONE_MARKER}")) and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.5)  # into the second clip
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert not (out / BATCH_CSV).exists()
    (done,) = out.glob("a-*")
    stamp = (done / "summary.json").stat().st_mtime_ns

    result = CliRunner().invoke(
        app, ["batch", str(clips), "--out", str(out), "--cache-dir", str(pose_cache_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "2 of 2 clips analysed" in one_line(result.stderr) and "(1 reused" in one_line(result.stderr)
    assert [r["status"] for r in read_csv(out / BATCH_CSV)] == ["reused", "analysed"]
    assert (done / "summary.json").stat().st_mtime_ns == stamp  # not analysed a second time
    assert not leftovers(out)
    for folder in out.glob("*-*"):
        assert {"summary.json", "steps.csv", "report.html", "annotated.mp4"} <= {
            p.name for p in folder.iterdir()
        }
        assert probe(folder / "annotated.mp4").n_frames > 0


@pytest.mark.browser
def test_index_sorts_by_any_column_and_escapes_names(tmp_path: Path) -> None:
    from gait.report.batch import BatchRow, write_index_html
    from tests.test_report import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    hostile = "<img src=x onerror=alert(1)>.mp4"
    rows = [
        BatchRow(
            "b.mp4", "analysed", "", "b-1", {"view": "side_right", "steps": 9, "cadence [steps/min]": 171.5}
        ),
        BatchRow(hostile, "failed", "not a video", "", {}),
        BatchRow("a.mp4", "analysed", "", "a-2", {"view": "rear", "steps": 20, "cadence [steps/min]": 9.5}),
    ]
    write_index_html(tmp_path / INDEX_HTML, rows, "gait batch")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
        page.goto((tmp_path / INDEX_HTML).as_uri())

        def first_column() -> list[str]:
            return page.eval_on_selector_all(
                "#batch tbody tr td:first-child", "tds => tds.map(t => t.textContent)"
            )

        page.click("th:has-text('cadence [steps/min]')")
        ascending = first_column()
        page.click("th:has-text('cadence [steps/min]')")
        descending = first_column()
        page.click("th:has-text('path')")
        by_path = first_column()
        links = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        browser.close()
    assert not errors, errors
    assert ascending == ["a.mp4", "b.mp4", hostile]  # numbers as numbers (9.5 < 171.5), empty last
    assert descending == ["b.mp4", "a.mp4", hostile]
    assert by_path == [hostile, "a.mp4", "b.mp4"]
    assert sorted(links) == ["a-2/report.html", "b-1/report.html"]


def test_an_existing_scheduler_gives_the_same_rows(bad_clips: list[Path], tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    options = AnalyseOptions(write_video=False, cache_dir=None)
    local = analyse_batch(bad_clips, tmp_path / "local", options)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster:
        remote = analyse_batch(bad_clips, tmp_path / "remote", options, scheduler=cluster.scheduler_address)
    assert remote.exit_code == local.exit_code == 1
    assert (tmp_path / "remote" / BATCH_CSV).read_text() == (tmp_path / "local" / BATCH_CSV).read_text()
    assert not leftovers(tmp_path / "remote")


def test_verbose_reaches_the_dask_workers(bad_clips: list[Path], tmp_path: Path) -> None:
    """``gait --verbose batch --scheduler ...`` sets the log levels on the worker that runs the clips
    (its own process), and a batch without it puts them back to errors only (issue 19)."""
    distributed = pytest.importorskip("dask.distributed")
    from gait.logs import LIBRARY_LOGGERS

    def worker_levels() -> list[int]:
        import logging

        return [logging.getLogger(name).level for name in ("gait", *LIBRARY_LOGGERS)]

    with (
        distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        seen = {}
        for flag in ("--verbose", None):
            args = [*([flag] if flag else []), "batch", str(bad_clips[0]), "--out", str(tmp_path / str(flag))]
            result = CliRunner().invoke(app, [*args, "--scheduler", cluster.scheduler_address])
            assert result.exit_code == 1, result.output  # the clip is a text file: it fails, on the worker
            assert "unexpected failure" not in result.output  # with gait's own sentence
            seen[flag] = next(iter(client.run(worker_levels).values()))
    assert seen["--verbose"] == [logging.DEBUG] * 4
    assert seen[None] == [logging.WARNING] + [logging.ERROR] * 3


@pytest.mark.parametrize(
    ("flag", "expected"), [([], None), (["--no-symmetric"], False), (["--symmetric"], True)]
)
def test_batch_passes_the_mirror_setting_on(
    flag: list[str], expected: bool | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``gait batch`` reads rear and front clips mirrored too by default, like ``analyse``."""
    import gait.batch

    seen: list[AnalyseOptions] = []

    def stop(*args: object, **kwargs: object) -> None:
        seen.extend(a for a in (*args, *kwargs.values()) if isinstance(a, AnalyseOptions))
        raise SystemExit(0)

    monkeypatch.setattr(gait.batch, "analyse_batch", stop)
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"not read")
    CliRunner().invoke(app, ["batch", str(clip), "--out", str(tmp_path / "out"), *flag])
    assert [o.symmetric for o in seen] == [expected]
