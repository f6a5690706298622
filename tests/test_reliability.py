"""The failure paths a clinic's disk and a user's typing find (issue 10), by the issue's numbered items.

The tests under each number failed before its fix (the cache and ``--verbose`` commands at the end are
new); every test leaves files only in its temporary folder.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import gait.pose as pose_stage
from gait import cache, pipeline
from gait.batch import CANCELLED, analyse_one, plan_batch, run_batch
from gait.cli import app
from gait.errors import OutputError
from gait.fsutil import MANIFEST, STAGING_PREFIX, staged_output
from gait.logs import LIBRARY_LOGGERS, verbose_logs
from gait.pipeline import AnalyseOptions
from gait.pose import pose_track
from gait.track import PoseTrack

REPO = Path(__file__).resolve().parents[1]
#: Name bytes that are not UTF-8 (Latin-1 "café"), as old cameras' disks hold them.
LATIN1_NAME = b"caf\xe9.mp4"


def one_line(text: str) -> str:
    return " ".join(text.split())


def run_gait(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``gait ARGS`` in a fresh process (a crash there is an exit code, not a dead test run)."""
    command = [sys.executable, "-c", "from gait.cli import app; app(prog_name='gait')", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, timeout=300)


@pytest.fixture(scope="session")
def cached_track(tiny_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PoseTrack]:
    """A real cache entry: the tiny clip's pose track as ``gait`` stored it, and the track itself (read
    once: a rear clip's mirror pass would store a second entry)."""
    folder = tmp_path_factory.mktemp("one-entry-cache")
    result = pose_track(tiny_clip, "full", cache_dir=folder, symmetric=False)
    (entry,) = folder.glob("*.npz")
    return entry, result.track


# 1. A damaged cache file is rebuilt, never fatal.


def _load_args(entry: Path, track: PoseTrack) -> tuple[str, str, str]:
    return entry.stem, track.source_sha256, str(track.meta["model_sha256"])


#: Where 8 flipped bytes land, as fractions of the file: the zip headers at both ends, the data between.
DAMAGE_AT = sorted({*np.linspace(0.0, 1.0, 150).round(4).tolist(), *(i / 1000 for i in range(0, 40, 4))})


@pytest.mark.parametrize("where", DAMAGE_AT)
def test_damaged_cache_entry_is_rebuilt_not_fatal(
    where: float, cached_track: tuple[Path, PoseTrack], tmp_path: Path
) -> None:
    entry, track = cached_track
    damaged = tmp_path / entry.name
    data = bytearray(entry.read_bytes())
    start = min(int(where * len(data)), len(data) - 8)
    data[start : start + 8] = bytes(b ^ 0xFF for b in data[start : start + 8])
    damaged.write_bytes(bytes(data))
    loaded = cache.load(tmp_path, *_load_args(entry, track))  # must not raise, whatever the damage
    if loaded is None:
        assert not damaged.exists(), "an unusable entry is deleted, so the next run rebuilds it"
    else:  # damage in bytes nothing reads (zip timestamps, comments): the arrays must be intact
        np.testing.assert_array_equal(loaded.xy_px, track.xy_px)
        np.testing.assert_array_equal(loaded.time_s, track.time_s)


def test_damaged_cache_entry_is_replaced_by_a_fresh_pose_pass(
    tiny_clip: Path, cached_track: tuple[Path, PoseTrack], tmp_path: Path
) -> None:
    entry, track = cached_track
    data = bytearray(entry.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8] = b"\xff" * 8  # inside the deflate data
    (tmp_path / entry.name).write_bytes(bytes(data))
    first = pose_track(tiny_clip, "full", cache_dir=tmp_path, symmetric=False)
    second = pose_track(tiny_clip, "full", cache_dir=tmp_path, symmetric=False)
    assert not first.from_cache and second.from_cache
    np.testing.assert_array_equal(second.track.xy_px, track.xy_px)


# 2. A file name whose bytes are not UTF-8.


def test_clip_name_that_is_not_utf8_is_analysed(small_sample: Path, tmp_path: Path) -> None:
    name = os.fsdecode(LATIN1_NAME)
    clip = tmp_path / name
    shutil.copyfile(small_sample, os.fsencode(clip))
    proc = run_gait("analyse", name, "--out", "out", "--no-video", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["clip"]["file"] == "caf\\xe9.mp4"  # the bytes that are not UTF-8, readable
    assert clip.read_bytes() == small_sample.read_bytes()


def test_pose_of_clip_name_that_is_not_utf8_keeps_the_name(tiny_clip: Path, tmp_path: Path) -> None:
    name = os.fsdecode(LATIN1_NAME)
    shutil.copyfile(tiny_clip, os.fsencode(tmp_path / name))
    proc = run_gait("pose", name, "--out", "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert {os.fsencode(p.name) for p in (tmp_path / "out").iterdir()} == {
        os.fsencode(MANIFEST),
        b"caf\xe9.pose.npz",
        b"caf\xe9.pose.csv",
    }
    # 10. and the terminal shows gait's lines only: MediaPipe's C++ log lines stay out
    stderr = proc.stderr.decode(errors="replace")
    assert "W0000" not in stderr and ".cc:" not in stderr, stderr


# 3. The input is never destroyed, whatever --out says.


@pytest.mark.parametrize("video_flag", [["--no-video"], []])
def test_input_where_an_output_goes_is_refused_and_kept(
    video_flag: list[str], tiny_clip: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    clip = out / "annotated.mp4"
    shutil.copyfile(tiny_clip, clip)
    result = CliRunner().invoke(app, ["analyse", str(clip), "--out", str(out), *video_flag])
    assert result.exit_code == 2
    assert "annotated.mp4 sits where gait writes its annotated.mp4" in one_line(result.output)
    assert clip.read_bytes() == tiny_clip.read_bytes()


def test_input_hard_linked_where_an_output_goes_is_refused(tiny_clip: Path, tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    shutil.copyfile(tiny_clip, clip)
    (tmp_path / "out").mkdir()
    os.link(clip, tmp_path / "out" / "summary.json")
    with pytest.raises(OutputError, match=r"sits where gait writes its summary\.json"):
        pipeline.analyse_video(clip, tmp_path / "out", AnalyseOptions(write_video=False))
    assert clip.read_bytes() == tiny_clip.read_bytes()


# 4. An unusable cache folder: the work finishes without caching, and says so.


def test_cache_folder_that_is_a_file_warns_and_goes_on(tiny_clip: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    args = ["pose", str(tiny_clip), "--out", str(tmp_path / "out"), "--cache-dir", str(blocker)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Cannot save the pose track in the cache folder" in one_line(result.output)
    assert (tmp_path / "out" / "tiny.pose.npz").is_file()
    assert blocker.read_text() == "not a folder"


def test_cache_write_failure_warns_and_goes_on(
    cached_track: tuple[Path, PoseTrack], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(self: PoseTrack, path: Path) -> None:
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(PoseTrack, "save", disk_full)
    assert cache.store(tmp_path / "cache", "k" * 32, cached_track[1]) is None
    assert not any((tmp_path / "cache").iterdir())


# 5. An --out that cannot work fails before any work, with one sentence.


@pytest.mark.parametrize("command", ["analyse", "pose", "batch"])
def test_out_below_a_file_fails_before_any_work(
    command: str, tiny_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pose_stage, "read_track", lambda *a, **k: pytest.fail("pose ran"))
    (tmp_path / "notes").write_text("mine")
    result = CliRunner().invoke(app, [command, str(tiny_clip), "--out", str(tmp_path / "notes" / "out")])
    assert result.exit_code == 2
    assert "notes is a file" in one_line(result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_batch_out_that_is_a_file_fails_before_any_work(tiny_clip: Path, tmp_path: Path) -> None:
    (tmp_path / "results").write_text("mine")
    result = CliRunner().invoke(app, ["batch", str(tiny_clip), "--out", str(tmp_path / "results")])
    assert result.exit_code == 2 and "is a file, not a folder" in one_line(result.output)
    assert (tmp_path / "results").read_text() == "mine"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc (a folder nobody can write)")
def test_out_that_cannot_be_created_fails_before_any_work(
    tiny_clip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pose_stage, "read_track", lambda *a, **k: pytest.fail("pose ran"))
    result = CliRunner().invoke(app, ["analyse", str(tiny_clip), "--out", "/proc/gait-out"])
    assert result.exit_code == 2 and "Cannot create /proc/gait-out" in one_line(result.output)


def test_nothing_is_staged_beside_out(tmp_path: Path) -> None:
    """Staging happens inside --out, so a writable --out in a read-only parent works."""
    out = tmp_path / "out"
    with staged_output(out, names=["a.txt"]) as staged:
        (staged.folder / "a.txt").write_text("x")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere, so a read-only parent cannot be made")
def test_out_in_a_read_only_parent_is_written(tmp_path: Path) -> None:
    out = tmp_path / "parent" / "out"
    out.mkdir(parents=True)
    out.parent.chmod(0o555)
    try:
        with staged_output(out, names=["a.txt"]) as staged:
            (staged.folder / "a.txt").write_text("x")
    finally:
        out.parent.chmod(0o755)
    assert (out / "a.txt").read_text() == "x"


# 6. Two processes saving the same cache entry.


#: A process that saves one track into the cache ``N`` times (imports only gait.cache, so it starts fast).
SAVE_MANY = """
import sys
import threading
import time
from pathlib import Path
from gait import cache
from gait.track import PoseTrack
folder, key, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
track = PoseTrack.load(folder / "seed.npz")
sys.exit(sum(cache.store(folder, key, track) is None for _ in range(n)))
"""


def test_concurrent_saves_of_one_entry_never_collide(
    cached_track: tuple[Path, PoseTrack], tmp_path: Path
) -> None:
    shutil.copyfile(cached_track[0], tmp_path / "seed.npz")
    key = "e" * 32
    args = [sys.executable, "-c", SAVE_MANY, str(tmp_path), key, "150"]
    savers = [subprocess.Popen(args, cwd=REPO, stderr=subprocess.PIPE) for _ in range(2)]
    errors = [saver.communicate(timeout=120)[1].decode() for saver in savers]
    assert [saver.returncode for saver in savers] == [0, 0], errors
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["seed.npz", f"{key}.npz"])  # no temporary
    assert PoseTrack.load(tmp_path / f"{key}.npz").n_frames == cached_track[1].n_frames


# 7. A staging folder left by SIGKILL is removed by the next run.


def test_staging_left_by_a_killed_run_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, sys; from gait.fsutil import staged_output\n"
            "with staged_output(sys.argv[1]) as s:\n"
            "    (s.folder / 'report.html').write_text('half')\n"
            "    os.kill(os.getpid(), signal.SIGKILL)",
            str(out),
        ],
        cwd=REPO,
    )
    assert killed.returncode == -signal.SIGKILL
    assert list(out.glob(f"{STAGING_PREFIX}*"))  # the kill left it
    beside = tmp_path / ".out.abc123.partial"  # beside --out: not provably gait's, so left alone
    beside.mkdir()
    with staged_output(out, names=["report.html"]) as staged:
        (staged.folder / "report.html").write_text("whole")
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "report.html"]
    assert beside.is_dir()


def test_failed_run_leaves_no_folder_it_made(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError), staged_output(out, names=["x"]) as staged:
        (staged.folder / "x").write_text("half")
        raise RuntimeError("stage failed")
    assert list(tmp_path.iterdir()) == []


# 8. Options that make no sense are refused before any work.


@pytest.mark.parametrize(
    ("option", "value"), [("--max-height", "0"), ("--max-height", "-5"), ("--slow", "-1"), ("--slow", "1000")]
)
def test_nonsense_option_is_refused(option: str, value: str, tiny_clip: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["analyse", str(tiny_clip), "--out", str(tmp_path / "o"), option, value])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}'" in result.output
    assert not (tmp_path / "o").exists()


# 9. A clip given twice to a batch; Ctrl-C during a batch.


def test_clip_given_twice_is_analysed_once_and_counted_once(tmp_path: Path) -> None:
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    args = ["batch", str(text), str(tmp_path / "." / "notes.mp4"), str(tmp_path / "gone.mp4"), "--out"]
    result = CliRunner().invoke(app, [*args, str(tmp_path / "out")])
    assert result.exit_code == 1  # some clips failed (issue 14: 2 is for a bad command line)
    output = one_line(result.output)
    assert "notes.mp4 is given more than once: analysed once" in output
    assert output.count(f"failed {text}:") == 1
    assert "0 of 2 clips analysed" in output
    assert [r.split(",")[1] for r in (tmp_path / "out" / "batch.csv").read_text().splitlines()[1:]] == [
        "failed"
    ] * 3
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, "batch.csv", "index.html"]


def test_a_batch_plans_one_folder_per_content_not_per_spelling(tmp_path: Path) -> None:
    (tmp_path / "a.mp4").write_bytes(b"a")
    (tmp_path / "x").mkdir()
    os.link(tmp_path / "a.mp4", tmp_path / "b.mp4")
    (tmp_path / "c.mp4").write_bytes(b"a")  # another file, the same bytes
    plan = plan_batch([tmp_path / n for n in ("a.mp4", "b.mp4", "x/../a.mp4", "c.mp4")], tmp_path / "out")
    assert [item.video for item in plan.items] == [tmp_path / "a.mp4"] and len(plan.repeats) == 3


def test_interrupted_batch_publishes_nothing_more(
    small_sample: Path, tmp_path: Path, pose_cache_dir: Path
) -> None:
    running = tmp_path / ".gait-batch-x.running"  # the batch's marker, removed on Ctrl-C
    options = AnalyseOptions(write_video=False, cache_dir=pose_cache_dir)
    outcome = analyse_one(small_sample, tmp_path / "out", options, running)
    assert not outcome.ok and outcome.message == CANCELLED
    assert not (tmp_path / "out").exists()
    running.touch()
    outcome = analyse_one(small_sample, tmp_path / "out", options, running)
    assert outcome.ok, outcome.message
    assert (tmp_path / "out" / "summary.json").is_file()


def test_stopping_a_batch_midway_stops_the_rest(tmp_path: Path) -> None:
    clips = []
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.mp4").write_text("not a video")
        clips.append(tmp_path / f"{name}.mp4")
    outcomes = run_batch(clips, tmp_path / "out", AnalyseOptions())
    next(outcomes)
    outcomes.close()
    assert list(outcomes) == []


def test_ctrl_c_in_a_dask_batch_publishes_nothing(
    small_sample: Path, tmp_path: Path, pose_cache_dir: Path
) -> None:
    """A real SIGINT while a worker is mid-clip: the worker must not publish, then or later."""
    pytest.importorskip("dask.distributed")
    out = tmp_path / "out"
    options = AnalyseOptions(write_video=True, cache_dir=pose_cache_dir)  # the video keeps it busy

    fired = threading.Event()
    done = threading.Event()

    def interrupt_once_staging() -> None:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not done.is_set():
            if list(out.glob(f"*/{STAGING_PREFIX}*")):
                fired.set()
                os.kill(os.getpid(), signal.SIGINT)
                return
            time.sleep(0.02)

    watcher = threading.Thread(target=interrupt_once_staging, daemon=True)
    reported = []
    interrupted = False
    # a user's Ctrl-C: Python's own handler, whatever an earlier test's event loop left installed
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        watcher.start()
        for outcome in run_batch([small_sample], out, options, workers=2):
            reported.append(outcome)
        if fired.is_set():
            time.sleep(60)  # the signal lands in here if the clip was quicker than the signal
    except KeyboardInterrupt:
        interrupted = True
    finally:
        done.set()  # a watcher that never saw the clip mid-way sends nothing later
        watcher.join()
        signal.signal(signal.SIGINT, previous)
    if not fired.is_set():
        # timing on a loaded machine: the batch ended before the watcher saw the clip mid-way
        assert [o.ok for o in reported] == [True], reported
        pytest.skip("the clip finished before it could be interrupted mid-way (timing); nothing to test")
    assert interrupted
    assert reported == []
    time.sleep(2)  # a worker still running would publish now
    assert not out.exists(), sorted(out.rglob("*"))


# 10. Two runs into the same --out.


def test_second_run_into_a_busy_out_is_refused(tiny_clip: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    with staged_output(out):  # another run holds the folder
        result = CliRunner().invoke(app, ["analyse", str(tiny_clip), "--out", str(out)])
        assert result.exit_code == 2
        assert f"Another gait run is writing into {out}" in one_line(result.output)
    with staged_output(out):  # free again once that run has finished
        pass


def test_dask_batch_prints_gait_lines_only(tmp_path: Path) -> None:
    pytest.importorskip("dask.distributed")
    (tmp_path / "notes.mp4").write_text("not a video")
    proc = run_gait("batch", "notes.mp4", "./notes.mp4", "--out", "out", "--workers", "2", cwd=tmp_path)
    stderr = proc.stderr.decode(errors="replace")
    assert proc.returncode == 1, stderr  # a clip failed (issue 14: 2 is for a bad command line)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "distributed." not in stderr and "Traceback" not in stderr, stderr
    assert lines[0].startswith("note: notes.mp4 is given more than once")
    assert "0 of 1 clips analysed" in one_line(stderr)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MANIFEST, "batch.csv", "index.html"]


def test_disk_failure_mid_run_is_one_sentence(
    tiny_clip: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "out" / "report.html"))

    monkeypatch.setattr(pipeline, "pose_track", disk_full)
    result = CliRunner().invoke(app, ["analyse", str(tiny_clip), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "report.html (No space left on device): check the disk space" in one_line(result.output)
    assert not (tmp_path / "out").exists()


# The cache's own commands.


def test_cache_clear_removes_gait_files_only(cached_track: tuple[Path, PoseTrack], tmp_path: Path) -> None:
    entry = cached_track[0]
    shutil.copyfile(entry, tmp_path / entry.name)
    (tmp_path / f".{entry.stem}.x1y2.part.npz").write_bytes(b"half")  # left by a killed save
    (tmp_path / "mine.npz").write_bytes(b"someone else's")
    result = CliRunner().invoke(app, ["cache", "clear", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Removed 2 cached pose track file(s)" in one_line(result.output)
    assert [p.name for p in tmp_path.iterdir()] == ["mine.npz"]


@pytest.mark.parametrize(("flag", "level"), [(["--verbose"], logging.DEBUG), ([], logging.ERROR)])
def test_verbose_is_a_global_option_that_sets_the_library_log_levels(
    flag: list[str], level: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under typer 0.29 click's context is not typer's, and ``--verbose`` silently did nothing (issue 19)."""
    seen: list[bool] = []
    real_clear = cache.clear
    monkeypatch.setattr(cache, "clear", lambda folder: (seen.append(verbose_logs()), real_clear(folder))[1])
    result = CliRunner().invoke(app, [*flag, "cache", "clear", "--cache-dir", str(tmp_path / "none")])
    assert result.exit_code == 0 and "Removed 0 cached pose track file(s)" in one_line(result.output)
    assert seen == [bool(flag)]
    assert [logging.getLogger(name).level for name in LIBRARY_LOGGERS] == [level] * len(LIBRARY_LOGGERS)
    assert verbose_logs() is False  # the flag ends with its command


def test_verbose_shows_mediapipes_own_log_lines(tiny_clip: Path, tmp_path: Path) -> None:
    """The native start-up lines MediaPipe writes to the process's stderr are hidden, unless --verbose."""
    lines = {}
    for flag in ("--verbose", None):
        args = [*([flag] if flag else []), "pose", str(tiny_clip), "--out", str(tmp_path / str(flag))]
        run = run_gait(*args, "--no-cache", "--no-symmetric", cwd=tmp_path)
        assert run.returncode == 0, run.stderr
        stderr = run.stderr.decode(errors="replace").splitlines()
        lines[flag] = [line for line in stderr if "LiteRT" in line or "XNNPACK" in line]
    assert lines["--verbose"] and not lines[None]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_end_a_run_like_ctrl_c(sig: int, small_sample: Path, tmp_path: Path) -> None:
    """Issue 22: SIGTERM was treated like kill -9 (exit 143 with a staging folder left behind until the
    next run). Now: nothing published, the staging and the folder gait made removed, exit 128 + N."""
    out = tmp_path / "out"
    command = [sys.executable, "-c", "from gait.cli import app; app(prog_name='gait')", "analyse"]
    proc = subprocess.Popen(
        [*command, str(small_sample), "--out", str(out), "--no-cache"], stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(out.glob(f"{STAGING_PREFIX}*")) and proc.poll() is None:
        time.sleep(0.05)
    assert proc.poll() is None, "the run ended before it could be stopped"
    time.sleep(0.5)  # into the pose pass
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig, stderr.decode(errors="replace")
    assert not out.exists(), sorted(out.rglob("*"))


def test_a_legal_long_file_name_is_written(tiny_clip: Path, tmp_path: Path) -> None:
    """Issue 22: a 250-byte clip name failed after the whole pose pass ("File name too long"): the
    temporary name of NAME.pose.npz was 24 bytes longer than its stem. Temporary names are short now."""
    long_clip = tmp_path / ("r" * 246 + ".mp4")  # 250 bytes: NAME.pose.npz is 255, the limit
    shutil.copyfile(tiny_clip, long_clip)
    result = CliRunner().invoke(app, ["pose", str(long_clip), "--out", str(tmp_path / "out"), "--no-cache"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / ("r" * 246 + ".pose.npz")).is_file()
    assert [p.name for p in (tmp_path / "out").glob(".*")] == [MANIFEST]  # no temporary file left


def test_an_empty_folder_under_an_entrys_name_heals(tiny_clip: Path, tmp_path: Path) -> None:
    """Issue 22: a folder at KEY.npz warned "(Is a directory)" on every run and `gait cache clear`
    left it. An empty one is replaced by the entry; `cache clear` removes it; a folder with something
    in it is not gait's and stays."""
    cache_dir = tmp_path / "cache"
    args = [
        "pose",
        str(tiny_clip),
        "--out",
        str(tmp_path / "out"),
        "--cache-dir",
        str(cache_dir),
        "--no-symmetric",
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    (entry,) = cache_dir.glob("*.npz")
    entry.unlink()
    entry.mkdir()  # the broken entry
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0 and "Is a directory" not in result.output
    assert entry.is_file()  # healed: the entry is back
    entry.unlink()
    entry.mkdir()
    kept = cache_dir / ("0" * 32 + ".npz")
    kept.mkdir()
    (kept / "mine.txt").write_text("someone's")
    result = CliRunner().invoke(app, ["cache", "clear", "--cache-dir", str(cache_dir)])
    assert result.exit_code == 0 and not entry.exists()
    assert (kept / "mine.txt").read_text() == "someone's"


def test_a_full_disk_while_writing_the_report_names_the_report(
    small_sample: Path, pose_cache_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 22: "Cannot read or write (No space left on device)" when the summary or report hit it."""
    real = Path.write_text

    def full_for_pages(self: Path, *args: object, **kw: object) -> int:
        if self.suffix == ".html":
            raise OSError(28, "No space left on device")  # as a write() on a full disk: no file name
        return real(self, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "write_text", full_for_pages)
    out = tmp_path / "out"
    args = ["analyse", str(small_sample), "--out", str(out), "--no-video", "--cache-dir", str(pose_cache_dir)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert f"Cannot read or write {out / 'report.html'} (No space left on device)" in one_line(result.output)
    assert not out.exists()
