"""Shared fixtures: real clips from ../shared/videos (skipped when absent), pose computed once per run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from gait.pose import pose_track
from gait.track import PoseTrack
from gait.video import iter_frames, probe

#: The real third-party clips (never committed): ../shared/videos beside the checkout, or $GAIT_VIDEOS.
VIDEOS_DIR = Path(os.environ.get("GAIT_VIDEOS", Path(__file__).resolve().parents[2] / "shared" / "videos"))


#: The test being set up or run, so :func:`real_clip` can insist that it is marked ``realclip``.
_running: list[pytest.Item] = []
#: Outcomes of the tests marked realclip: "passed", "failed" or "skipped", by test id.
_realclip_outcomes: dict[str, str] = {}


def real_clip(name: str) -> Path:
    """Path of a shared clip, or skip the test with the reason.

    Fails a test that is not marked ``realclip`` (with or without the clips), so every test that
    needs the shared clips is marked, counted and skipped with a reason when they are absent.
    """
    if _running and _running[-1].get_closest_marker("realclip") is None:
        pytest.fail(f"{_running[-1].nodeid} uses the real clip {name}: mark it @pytest.mark.realclip")
    path = VIDEOS_DIR / name
    if not path.is_file():
        pytest.skip(f"real clip {name} not available: {VIDEOS_DIR} is absent (it lives in ../shared/videos)")
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "realclip" not in report.keywords:
        return
    if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
        _realclip_outcomes[report.nodeid] = report.outcome


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line for CI: how many tests ran and were skipped, and how many need ../shared/videos."""
    stats = {
        k: len(v) for k, v in terminalreporter.stats.items() if k in ("passed", "failed", "error", "skipped")
    }
    ran = stats.get("passed", 0) + stats.get("failed", 0) + stats.get("error", 0)
    real = list(_realclip_outcomes.values())
    terminalreporter.write_line(
        f"gait tests: {ran} ran ({stats.get('passed', 0)} passed), {stats.get('skipped', 0)} skipped; "
        f"real-clip tests: {len(real) - real.count('skipped')} ran, {real.count('skipped')} skipped "
        f"({'present' if VIDEOS_DIR.is_dir() else 'absent'}: {VIDEOS_DIR})"
    )


@pytest.fixture(scope="session")
def pose_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pose cache for the whole run, so each clip's pose is computed once."""
    return tmp_path_factory.mktemp("pose-cache")


@pytest.fixture(scope="session")
def track_of(pose_cache_dir: Path) -> Callable[[Path], PoseTrack]:
    """``track_of(path)``: the clip's PoseTrack, inferred once per run and then read from memory."""
    memo: dict[Path, PoseTrack] = {}

    def get(path: Path) -> PoseTrack:
        if path not in memo:
            memo[path] = pose_track(path, "full", cache_dir=pose_cache_dir).track
        return memo[path]

    return get


def write_clip(
    path: Path,
    frames: list[np.ndarray],
    fps: float = 30.0,
    rotation_deg: int = 0,
) -> Path:
    """Encode BGR frames to an H.264 MP4 (with an optional display-rotation tag) using PyAV."""
    height, width = frames[0].shape[:2]
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        if rotation_deg:
            stream.set_display_rotation(rotation_deg)
        for bgr in frames:
            for packet in stream.encode(av.VideoFrame.from_ndarray(bgr, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def excerpt(
    src: Path,
    dst: Path,
    start: int = 0,
    stop: int | None = None,
    step: int = 1,
    transform: Callable[[np.ndarray], np.ndarray] | None = None,
) -> Path:
    """Write frames ``start:stop:step`` of ``src``, optionally transformed, as a clip at the matching fps."""
    frames = []
    for frame in iter_frames(src):
        if (
            frame.index >= start
            and (stop is None or frame.index < stop)
            and (frame.index - start) % step == 0
        ):
            frames.append(transform(frame.bgr) if transform else frame.bgr)
    return write_clip(dst, frames, probe(src).fps / step)


@pytest.fixture(autouse=True)
def _isolated_cache(monkeypatch: pytest.MonkeyPatch, pose_cache_dir: Path) -> None:
    """Commands run in tests use the session's pose cache, never the user's ~/.cache/gait."""
    monkeypatch.setenv("GAIT_CACHE_DIR", str(pose_cache_dir))


#: The committed sample clip (the bench's synthetic rear-view runner), so these fixtures never skip.
SAMPLE_CLIP = Path(__file__).resolve().parents[1] / "videos" / "sample_run_rear.mp4"


def _resized_sample(dst: Path, size: tuple[int, int], n_frames: int | None = None) -> Path:
    """The sample at ``size``, every second frame (30 fps), its first ``n_frames`` of those."""
    import cv2

    frames = [
        cv2.resize(f.bgr, size, interpolation=cv2.INTER_AREA)
        for f in iter_frames(SAMPLE_CLIP)
        if f.index % 2 == 0 and (n_frames is None or f.index < 2 * n_frames)
    ]
    return write_clip(dst, frames, fps=probe(SAMPLE_CLIP).fps / 2)


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """0.8 s of the sample at 216x384, 30 fps (H.264): cheap to probe, decode, mutate and pose."""
    return _resized_sample(tmp_path_factory.mktemp("tiny") / "tiny.mp4", (216, 384), n_frames=24)


@pytest.fixture(scope="session")
def small_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole sample (8 s, enough steps for a full analysis) at 360x640, 30 fps, in H.264."""
    return _resized_sample(tmp_path_factory.mktemp("small") / "run.mp4", (360, 640))


#: Debian's headless Chromium, which the page tests drive with Python playwright.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (skipped, with the reason, when it is not installed)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
