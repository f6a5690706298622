"""200 random mutations of a real short clip: every run exits 0 or 2 with one sentence, never a traceback.

Most mutations fail at probe or decode. The pose model runs on the first few; for the rest a stand-in
decodes every frame for real (decoding is what the mutations attack) and replays the unmutated clip's
pose, so the whole chain runs without paying for 200 pose passes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import gait.pose as pose_stage
from gait.cli import app
from gait.pose import pose_track
from gait.track import PoseTrack
from gait.video import Frame

N_MUTATIONS = 200
#: Mutations that run the real pose model (the others replay the clip's own track).
N_REAL_POSE = 6
#: Starts of other kinds of file, spliced over the clip's header.
FOREIGN_HEADERS = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"RIFF\x24\x08\x00\x00WAVEfmt ",
    b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81",  # Matroska / WebM
    b"GIF89a\x01\x00\x01\x00",
    b"\x00" * 64,
    b"%PDF-1.4\n",
    b"ID3\x04\x00\x00\x00\x00\x00\x00",
)


def mutate(data: bytes, seed: int) -> tuple[str, bytes]:
    """One random mutation of ``data``: (what was done, the mutated bytes)."""
    rng = np.random.default_rng(seed)
    out = bytearray(data)
    kind = ("flip", "burst", "truncate", "header", "zeros")[seed % 5]
    if kind == "flip":
        at = rng.integers(0, len(out), rng.integers(1, 33))
        for i in at:
            out[i] ^= int(rng.integers(1, 256))
    elif kind == "burst":
        n = int(rng.integers(8, 513))
        at = int(rng.integers(0, len(out) - n))
        out[at : at + n] = rng.integers(0, 256, n, dtype=np.uint8).tobytes()
    elif kind == "truncate":
        del out[int(rng.integers(0, len(out))) :]
    elif kind == "header":
        head = FOREIGN_HEADERS[int(rng.integers(len(FOREIGN_HEADERS)))]
        out[: len(head)] = head
    else:
        n = int(rng.integers(16, 4097))
        at = int(rng.integers(0, len(out) - n))
        out[at : at + n] = bytes(n)
    return kind, bytes(out)


@pytest.fixture(scope="module")
def replay_pose(tiny_clip: Path, pose_cache_dir: Path) -> Callable[..., PoseTrack]:
    """A stand-in for the pose pass: decode every frame for real, then replay the unmutated clip's pose."""
    real = pose_track(tiny_clip, "full", cache_dir=pose_cache_dir).track

    def extract(estimator: object, frames: Iterable[Frame], *args: object, **kwargs: object) -> PoseTrack:
        time_s = np.array([frame.time_s for frame in frames])
        n = min(len(time_s), real.n_frames)
        replay = PoseTrack.empty(time_s, real.fps, real.frame_size_px, model=real.model, meta=real.meta)
        arrays = {}
        for name in ("xy_px", "visibility", "presence", "world_m"):
            values = getattr(replay, name).copy()
            values[:n] = getattr(real, name)[:n]
            arrays[name] = values
        return replay.replace(**arrays)

    return extract


@pytest.mark.parametrize("seed", range(N_MUTATIONS))
def test_mutated_clip_exits_cleanly(
    seed: int,
    tiny_clip: Path,
    tmp_path: Path,
    replay_pose: Callable[..., PoseTrack],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kind, data = mutate(tiny_clip.read_bytes(), seed)
    clip = tmp_path / "mutated.mp4"
    clip.write_bytes(data)
    if seed >= N_REAL_POSE:
        monkeypatch.setattr(pose_stage, "read_track", replay_pose)
    out = tmp_path / "out"
    args = ["analyse", str(clip), "--out", str(out), "--cache-dir", str(tmp_path / "cache")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 2), f"{kind}: exit {result.exit_code}\n{result.output}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{kind}: {result.exception!r}\n{result.output}"
    )
    if result.exit_code == 2:
        assert result.output.strip().startswith("error:") or "Invalid value" in result.output, result.output
        assert not out.exists(), f"{kind}: a failed run left {list(out.rglob('*'))}"
    else:
        assert (out / "summary.json").is_file()
