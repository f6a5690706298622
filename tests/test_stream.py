"""Overlapped stages (gait.stream) and the pipeline that uses them: the same outputs as one stage
after the other, bounded queues, errors and Ctrl-C that leave no thread and no output behind.
No test here measures a time."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from gait import stream
from gait.errors import InputError
from gait.pipeline import AnalyseOptions, AnalyseResult, analyse_video
from gait.pose import TILT_META, camera_tilt, pose_track
from gait.video_out import H264Writer


def stage_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("gait-")]


@pytest.fixture(params=["1", "3"], ids=["sequential", "overlapped"])
def threads(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GAIT_THREADS", request.param)
    return str(request.param)


def test_stage_keeps_order_and_applies_work(threads: str) -> None:
    assert list(stream.stage(lambda x: x * x, range(50))) == [x * x for x in range(50)]
    assert not stage_threads()


def test_error_in_stage_is_raised_after_the_items_before_it(threads: str) -> None:
    def items() -> Iterator[int]:
        yield from range(3)
        raise ValueError("truncated clip")

    seen = []
    with pytest.raises(ValueError, match="truncated clip"):
        for x in stream.stage(lambda x: x, items()):
            seen.append(x)
    assert seen == [0, 1, 2]
    assert not stage_threads()


def test_early_stop_closes_the_source_and_joins_the_thread(threads: str) -> None:
    closed = threading.Event()

    def endless() -> Iterator[int]:
        try:
            n = 0
            while True:
                yield n
                n += 1
        finally:
            closed.set()

    with contextlib.closing(stream.stage(lambda x: x, endless())) as items:
        assert next(items) == 0
    assert closed.is_set()
    assert not stage_threads()


def test_producer_waits_for_its_consumer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAIT_THREADS", "2")
    produced = []
    items = stream.stage(lambda x: produced.append(x) or x, range(1000), depth=3)
    assert next(items) == 0
    threading.Event().wait(0.2)  # time for the thread to run ahead as far as it may
    assert len(produced) <= 1 + 3 + 1  # the item handed over, a full queue, one waiting to go in
    items.close()
    assert not stage_threads()


def test_ctrl_c_in_the_consumer_leaves_no_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAIT_THREADS", "2")
    decoded = stream.stage(lambda x: x, range(10_000))
    drawn = stream.stage(lambda x: -x, decoded)
    with pytest.raises(KeyboardInterrupt), contextlib.closing(decoded), contextlib.closing(drawn):
        for x in drawn:
            if x < -5:
                raise KeyboardInterrupt
    assert not stage_threads()


def test_gait_threads_one_runs_on_the_calling_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAIT_THREADS", "1")
    assert stream.cpu_budget() == 1
    names = list(stream.stage(lambda _: threading.current_thread().name, range(3)))
    assert names == [threading.current_thread().name] * 3


@pytest.mark.parametrize("setting", ["0", "two", "-1"])
def test_a_bad_gait_threads_is_one_clear_sentence(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAIT_THREADS", setting)
    with pytest.raises(InputError, match="GAIT_THREADS must be a whole number"):
        stream.cpu_budget()


def video_timing(path: Path) -> tuple[int, list[int], tuple[int, int]]:
    """Frame count, presentation times (in the stream's time base) and size of an encoded video."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        pts = sorted(frame.pts for frame in container.decode(video))
        return len(pts), pts, (video.width, video.height)


@pytest.fixture(scope="module")
def both_ways(small_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, AnalyseResult]:
    """The small sample analysed without the cache, one stage after the other and overlapped."""
    results = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for threads in ("1", "3"):
            monkeypatch.setenv("GAIT_THREADS", threads)
            out = tmp_path_factory.mktemp(f"threads-{threads}")
            results[threads] = analyse_video(small_sample, out, AnalyseOptions(slow=2, max_height_px=480))
    return results


def test_overlapped_track_and_metrics_equal_sequential(both_ways: dict[str, AnalyseResult]) -> None:
    one, many = both_ways["1"].analysis, both_ways["3"].analysis
    assert one.track is not None and many.track is not None
    for name in ("xy_px", "visibility", "presence", "world_m", "time_s"):
        np.testing.assert_array_equal(getattr(one.track, name), getattr(many.track, name), err_msg=name)
    assert one.track.meta == many.track.meta
    summaries = [json.loads(r.paths["summary"].read_text()) for r in both_ways.values()]
    assert summaries[0] == summaries[1]
    assert both_ways["1"].paths["steps"].read_bytes() == both_ways["3"].paths["steps"].read_bytes()


@pytest.mark.parametrize("video", ["annotated.mp4", "annotated_slow.mp4"])
def test_overlapped_video_has_the_same_frames_and_times(
    both_ways: dict[str, AnalyseResult], small_sample: Path, video: str
) -> None:
    one, many = (video_timing(r.paths["summary"].parent / video) for r in both_ways.values())
    assert one == many
    n_frames, _, size = one
    assert n_frames == both_ways["3"].analysis.track.n_frames  # type: ignore[union-attr]
    assert size == (270, 480)


def test_tilt_is_measured_in_the_pose_pass(both_ways: dict[str, AnalyseResult], small_sample: Path) -> None:
    """No seeking for the tilt: the pose pass kept it with the track, equal to the seeking estimate on
    the landmarks that pass saw (the first; the mirror pass of this rear clip keeps its tilt)."""
    track = both_ways["3"].analysis.raw_track
    assert track is not None and track.meta["mirror_pass"]
    first = pose_track(small_sample, symmetric=False).track
    assert track.meta[TILT_META] == first.meta[TILT_META]
    bare = first.replace(meta={k: v for k, v in first.meta.items() if k != TILT_META})
    assert camera_tilt(small_sample, first) == camera_tilt(small_sample, bare)


@pytest.mark.parametrize("where", ["pose", "render"])
def test_ctrl_c_mid_analysis_leaves_no_thread_and_no_output(
    where: str,
    small_sample: Path,
    pose_cache_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAIT_THREADS", "3")
    calls = []

    def interrupt(*_args: object) -> None:
        calls.append(1)
        if len(calls) == 20:
            raise KeyboardInterrupt

    if where == "render":
        write = H264Writer.write_yuv420
        monkeypatch.setattr(H264Writer, "write_yuv420", lambda self, yuv: (interrupt(), write(self, yuv)))
    out = tmp_path / "out"
    options = AnalyseOptions(cache_dir=pose_cache_dir if where == "render" else None)
    with pytest.raises(KeyboardInterrupt):
        analyse_video(small_sample, out, options, on_frame=interrupt if where == "pose" else None)
    assert len(calls) == 20
    assert not stage_threads()
    assert not out.exists() or not any(out.iterdir())
