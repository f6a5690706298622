"""Batches: folders and globs, stable names, isolation, exit codes, batch.csv and index.html, resume.

Issue 14's "done when" items are the tests marked ``realclip`` below (six inputs, kill and rerun,
Dask against local); the rest cover the pieces with inputs that need no pose inference.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
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
from gait.fsutil import MANIFEST, STAGING_PREFIX
from gait.pipeline import AnalyseOptions
from gait.report.batch import COLUMNS, BatchRow
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
    assert sorted(p.name for p in out.iterdir()) == [
        MANIFEST,
        BATCH_CSV,
        INDEX_HTML,
    ]  # no failed clip's folder


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
    assert sorted(p.name for p in out.iterdir() if p.is_file()) == [MANIFEST, BATCH_CSV, INDEX_HTML]
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
    (folder / "steps.csv").write_text("step\n")  # changed since: neither reused nor replaced
    assert analyse_batch([small_sample], out, options).rows[0].status == "failed"
    (folder / "steps.csv").unlink()
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
    for folder in (p for p in out.glob("*-*") if p.is_dir()):
        assert {"summary.json", "steps.csv", "report.html", "annotated.mp4"} <= {
            p.name for p in folder.iterdir()
        }
        assert probe(folder / "annotated.mp4").n_frames > 0


@pytest.mark.browser
def test_index_sorts_by_any_column_and_escapes_names(tmp_path: Path) -> None:
    from gait.report.batch import BatchRow, write_index_html
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

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

        page.click("th:has-text('Cadence')")
        ascending = first_column()
        page.click("th:has-text('Cadence')")
        descending = first_column()
        page.click("th:has-text('Clip')")
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


# ---------------------------------------------------------------------------------------------
# Issue 21: an index a clinic can read; batch.csv flags values resting on too few steps


def clinic_rows() -> list[BatchRow]:
    """A cheap batch of the engine's own summaries: rear with and without PSIS stickers, side, a
    2 s clip (too few steps for any verdict) and two failures, under one clinic folder."""
    import copy

    from gait.report.batch import row_values
    from gait.report.data import build_summary
    from tests.analysed import make_analysis, make_track

    rear = build_summary(make_analysis(track=make_track("rear", duration_s=8.0)), [])
    psis = copy.deepcopy(rear)
    for side, value in (("left", 6.04), ("right", 2.96)):
        psis["metrics"].append(
            {"key": "pelvic_drop_markers_midstance_deg", "side": side, "value": value, "unit": "deg"}
            | {"measurable": True, "confidence": 0.9, "enough_steps": True, "shown": f"{value:.1f}°"}
        )
    side = build_summary(make_analysis(track=make_track("side_right", duration_s=8.0)), [])
    short = build_summary(make_analysis(track=make_track("rear", duration_s=2.0)), [])
    root = "/home/physio/clinic/2026-11/"
    return [
        BatchRow(root + "visit 1/anna rear.mp4", "analysed", "", "anna_rear-3f2a9c01b4", row_values(psis)),
        BatchRow(root + "visit 1/ben rear no stickers.mp4", "analysed", "", "ben-1", row_values(rear)),
        BatchRow(root + "visit 2/carla side.mov", "reused", "", "carla-2", row_values(side)),
        BatchRow(root + "visit 2/dan short.mp4", "analysed", "", "dan-3", row_values(short)),
        BatchRow(root + "visit 2/notes.mp4", "failed", f"not a video: {root}visit 2/notes.mp4", "", {}),
        BatchRow(root + "visit 2/empty room.mov", "failed", "No person was found in any frame", "", {}),
    ]


def test_index_names_its_columns_and_rounds_as_the_reports_do() -> None:
    """Failed before issue 21: the index was batch.csv's 40 snake_case columns with 4 decimals."""
    import html as html_lib
    import re

    from gait.present import format_short
    from gait.report.batch import index_cells, index_headings, render_index_html

    rows = clinic_rows()
    page = render_index_html(rows, "gait batch")
    headings = [(g, h, u) for g, h, u in index_headings()]
    assert ("Rear or front view", "Pelvic drop, left", "°") in headings
    assert ("Side view", "Overstride, right", "leg lengths") in headings
    assert ("", "Cadence", "steps/min") in headings and len(headings) <= 12
    assert "Rear or front view" in page and "Side view" in page
    text = html_lib.unescape(re.sub(r"<[^>]+>|title=\"[^\"]*\"", " ", page.split("<script>")[0]))
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text.replace("side_right", "")), "a snake_case name is shown"
    assert "[deg]" not in text and "7.8641" not in text  # units in the headings, values rounded

    anna, ben, carla, dan, notes, _room = (index_cells(r, "/home/physio/clinic/2026-11/") for r in rows)
    names = [h for _g, h, _u in headings]
    pelvic_left, femoral_left = names.index("Pelvic drop, left"), names.index("Femoral adduction, left")
    assert anna[0].text == "visit 1/anna rear.mp4"  # the shared folder is said once, above the table
    assert anna[pelvic_left].text == "6.0°" and not anna[pelvic_left].unvalidated  # from the stickers
    assert "PSIS" in anna[pelvic_left].title and "hip points" in ben[pelvic_left].title
    femoral = rows[0].values["femoral_adduction left [deg]"]
    assert anna[femoral_left].text == format_short(femoral, "deg") and not anna[femoral_left].unvalidated
    hips = rows[1].values["pelvic_drop left [deg]"]
    assert ben[pelvic_left].text == format_short(hips, "deg") and ben[pelvic_left].unvalidated  # hip points
    assert float(ben[pelvic_left].sort) == hips  # sorts by the whole number
    assert carla[names.index("Overstride, left")].text == format_short(
        rows[2].values["overstride left [leg lengths]"], "leg lengths"
    )
    assert carla[pelvic_left].text == "" and carla[2].text == "side (running to the right)"
    assert dan[names.index("Cadence")].text.startswith("not enough steps (")
    assert notes[1].text == "failed" and "not a video" in page


def test_batch_csv_flags_values_that_rest_on_too_few_steps() -> None:
    """Failed before issue 21: a 2-step cadence was in batch.csv with nothing to tell it apart."""
    from gait.report.batch import ENOUGH, batch_csv_text

    rows = list(csv.DictReader(io.StringIO(batch_csv_text(clinic_rows()))))
    assert f"cadence {ENOUGH}" in COLUMNS and f"overstride left {ENOUGH}" in COLUMNS
    anna, _ben, carla, dan, notes, _room = rows
    assert anna[f"cadence {ENOUGH}"] == "yes" and float(anna["cadence [steps/min]"]) > 100
    assert dan[f"cadence {ENOUGH}"] == "no" and float(dan["cadence [steps/min]"]) > 100  # number kept
    assert dan[f"pelvic_drop left {ENOUGH}"] == "no" and dan[f"pelvic_drop_psis left {ENOUGH}"] == ""
    assert (
        anna[f"pelvic_drop_psis left {ENOUGH}"] == "yes"
        and float(anna["pelvic_drop_psis left [deg]"]) == 6.04
    )
    assert carla[f"overstride right {ENOUGH}"] == "yes" and carla[f"pelvic_drop left {ENOUGH}"] == ""
    assert notes[f"cadence {ENOUGH}"] == "" and notes["cadence [steps/min]"] == ""


@pytest.mark.browser
def test_index_fits_a_laptop_and_a_phone(tmp_path: Path) -> None:
    """At 1280 px every column shows without scrolling; at 390 px each clip is a card. Failed before
    issue 21 (the side-view columns were off screen). Screenshots go to $GAIT_SHOTS when set."""
    from gait.report.batch import write_index_html
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    write_index_html(tmp_path / INDEX_HTML, clinic_rows(), "gait batch: /home/physio/out/november")
    shots = os.environ.get("GAIT_SHOTS")
    widths = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for width in (1280, 390):
            page = browser.new_page(viewport={"width": width, "height": 800})
            page.goto((tmp_path / INDEX_HTML).as_uri())
            widths[width] = page.evaluate(
                "[document.documentElement.scrollWidth,"
                " Math.max(...[...document.querySelectorAll('#batch td, #batch th')]"
                ".filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().right))]"
            )
            if width == 390:
                page.click("th:has-text('Steps')")
                steps = page.eval_on_selector_all(
                    "#batch tbody td.steps", "tds => tds.map(t => t.textContent.trim())"
                )
            if shots:
                page.screenshot(path=str(Path(shots) / f"index-{width}px.png"), full_page=True)
        browser.close()
    assert all(right <= width and scroll <= width for width, (scroll, right) in widths.items()), widths
    assert steps[:4] == ["4", "21", "21", "22"]  # sorts on a phone too


def test_a_scheduler_address_is_checked_before_any_work(tmp_path: Path) -> None:
    """Issue 22: `--scheduler notaurl` gave a traceback (ValueError: missing port number)."""
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"never read")
    result = CliRunner().invoke(
        app, ["batch", str(clip), "--out", str(tmp_path / "o"), "--scheduler", "notaurl"]
    )
    assert result.exit_code == 2 and "'notaurl' is not a Dask scheduler address" in " ".join(
        result.output.split()
    )
    assert not (tmp_path / "o").exists()


def test_a_scheduler_timeout_that_is_not_seconds_is_refused_before_any_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAIT_SCHEDULER_TIMEOUT_S", "soon")
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"never read")
    args = ["batch", str(clip), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "GAIT_SCHEDULER_TIMEOUT_S='soon' is not a number of seconds" in " ".join(result.output.split())
    assert not (tmp_path / "o").exists()


def test_an_unreachable_scheduler_gets_its_own_sentence(
    bad_clips: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: after 33 s it said "check the disk space and permissions", the wrong problem."""
    pytest.importorskip("dask.distributed")
    monkeypatch.setenv("GAIT_SCHEDULER_TIMEOUT_S", "2")
    args = ["batch", str(bad_clips[0]), "--out", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:1"]
    result = CliRunner().invoke(app, args)
    text = " ".join(result.output.split())
    assert result.exit_code == 2 and "Cannot reach the Dask scheduler at tcp://127.0.0.1:1 within 2 s" in text


def test_a_batch_inside_its_input_folder_does_not_take_its_outputs_for_clips(
    small_sample: Path, tmp_path: Path
) -> None:
    """Issue 22: `gait batch b9 --out b9/out` run twice listed b9/out/*/annotated.mp4 as a new clip, and
    each rerun added another bogus row."""
    folder = tmp_path / "b9"
    folder.mkdir()
    shutil.copyfile(small_sample, folder / "run.mp4")
    args = ["batch", str(folder), "--out", str(folder / "out")]  # with the annotated video
    for _ in range(2):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        rows = (folder / "out" / BATCH_CSV).read_text().splitlines()
        assert len(rows) == 2, rows  # the header and run.mp4
    (folder / "out" / "copy").mkdir()
    shutil.copyfile(small_sample, folder / "out" / "copy" / "annotated.mp4")
    assert expand_inputs([folder]) == [folder / "run.mp4"]  # nothing under a batch's own folder


def test_an_output_overwritten_with_same_size_garbage_is_kept_and_reported(
    small_sample: Path, tmp_path: Path
) -> None:
    """Issue 22: the completeness check compared sizes only, so the clip was 'reused' and the batch
    exited 0 while batch.csv said 'failed'. Now the changed file is not reused, and since gait cannot
    tell it from a user's edit it is not replaced either: the clip fails saying so, in the exit code and
    batch.csv alike, and once the file is moved away the clip is analysed again."""
    out = tmp_path / "out"
    args = ["batch", str(small_sample), "--out", str(out), "--no-video"]
    assert CliRunner().invoke(app, args).exit_code == 0
    (summary,) = out.glob("*/summary.json")
    garbage = b"x" * summary.stat().st_size
    summary.write_bytes(garbage)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "reused" not in one_line(result.output) and "summary.json was not written by gait" in one_line(
        result.output
    )
    assert summary.read_bytes() == garbage
    rows = list(csv.DictReader(io.StringIO((out / BATCH_CSV).read_text())))
    assert [r["status"] for r in rows] == ["failed"]
    summary.unlink()
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(summary.read_text())["schema"] == "gait.summary/1"  # analysed again
    assert [r["status"] for r in csv.DictReader(io.StringIO((out / BATCH_CSV).read_text()))] == ["analysed"]
