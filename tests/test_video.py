"""Video probing and decoding: rotation, timestamps, and every kind of bad input."""

from __future__ import annotations

import fractions
from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from gait.errors import VideoError
from gait.video import iter_frames, iter_frames_sized, probe
from tests.conftest import write_clip


def half_white_frames(n: int = 12, width: int = 64, height: int = 32) -> list[np.ndarray]:
    """Frames whose left half is white and right half black."""
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:, : width // 2] = 255
    return [frame.copy() for _ in range(n)]


def test_rotated_phone_clip_comes_out_upright(tmp_path: Path) -> None:
    # Stored landscape 64x32 with the left half white, tagged "rotate 90 deg counter-clockwise on display"
    # (what a phone held in portrait writes): displayed, it is 32 wide, 64 tall, white in the BOTTOM half.
    clip = write_clip(tmp_path / "rot.mp4", half_white_frames(), rotation_deg=90)
    info = probe(clip)
    assert (info.width_px, info.height_px, info.rotation_deg) == (32, 64, 90)
    frames = list(iter_frames(clip))
    assert frames[0].bgr.shape == (64, 32, 3)
    gray = frames[0].bgr.mean(axis=2)
    assert gray[40:].mean() > 200 and gray[:24].mean() < 50


def test_unrotated_clip_is_unchanged(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "plain.mp4", half_white_frames())
    info = probe(clip)
    assert (info.width_px, info.height_px, info.rotation_deg) == (64, 32, 0)
    gray = next(iter_frames(clip)).bgr.mean(axis=2)
    assert gray[:, :24].mean() > 200 and gray[:, 40:].mean() < 50


@pytest.mark.parametrize("rotation_deg", [0, 90, 180, 270])
def test_frames_decoded_at_a_size_match_the_frame_generator(rotation_deg: int, tmp_path: Path) -> None:
    """The render pass's decoder (FFmpeg scales and converts) gives the same frames, upright, in the
    same number as iter_frames; at another size, iter_frames' frames resized."""
    frames = half_white_frames(width=96, height=64)
    frames[5][:20, 60:] = (0, 0, 255)  # a red corner tells every rotation and mirror apart
    clip = write_clip(tmp_path / "clip.mp4", frames, rotation_deg=rotation_deg)
    info = probe(clip)
    reference = [f.bgr for f in iter_frames(clip, info)]
    same = [f.bgr for f in iter_frames_sized(clip, info, (info.width_px, info.height_px))]
    assert len(same) == len(reference) == len(frames)
    np.testing.assert_array_equal(np.stack(same), np.stack(reference))
    half = (info.width_px // 2, info.height_px // 2)
    smaller = [f.bgr for f in iter_frames_sized(clip, info, half)]
    resized = [cv2.resize(bgr, half, interpolation=cv2.INTER_AREA) for bgr in reference]
    assert np.abs(np.stack(smaller).astype(int) - np.stack(resized)).mean() < 2


def test_variable_frame_rate_keeps_container_timestamps(tmp_path: Path) -> None:
    times_ms = [0, 33, 66, 100, 200, 300, 316, 333, 500, 533, 566, 600]
    path = tmp_path / "vfr.mp4"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 32, "yuv420p"
        stream.codec_context.time_base = fractions.Fraction(1, 1000)
        for i, t in enumerate(times_ms):
            frame = av.VideoFrame.from_ndarray(np.full((32, 64, 3), 20 * i, np.uint8), format="bgr24")
            frame.pts, frame.time_base = t, fractions.Fraction(1, 1000)
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    got = [f.time_s for f in iter_frames(path)]
    np.testing.assert_allclose(got, np.array(times_ms) / 1000, atol=1e-3)


def test_frames_are_a_generator_not_a_list(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "plain.mp4", half_white_frames())
    frames = iter_frames(clip)
    assert iter(frames) is frames and next(frames).index == 0


# --- bad input: each gives a VideoError with one sentence naming the problem and the fix ---------------


def make_bad_input(kind: str, tmp_path: Path) -> Path:
    """Create one kind of bad input file in tmp_path and return its path."""
    if kind == "missing":
        return tmp_path / "nope.mp4"
    if kind == "directory":
        return tmp_path
    path = tmp_path / f"{kind}.mp4"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("this is not a video\n" * 50)
    elif kind == "truncated":
        whole = write_clip(
            tmp_path / "whole.mp4", [np.full((64, 64, 3), i, np.uint8) for i in range(0, 240, 4)]
        )
        data = whole.read_bytes()
        path.write_bytes(data[: len(data) // 3])  # moov atom at the end is lost
    elif kind == "truncated_faststart":
        whole = write_clip(
            tmp_path / "whole.mp4",
            [np.random.default_rng(i).integers(0, 255, (64, 64, 3), np.uint8) for i in range(60)],
        )
        fast = tmp_path / "fast.mp4"
        with av.open(str(whole)) as src, av.open(str(fast), "w", options={"movflags": "+faststart"}) as dst:
            out = dst.add_stream_from_template(src.streams.video[0])
            for packet in src.demux(src.streams.video[0]):
                if packet.dts is not None:
                    packet.stream = out
                    dst.mux(packet)
        data = fast.read_bytes()
        path.write_bytes(data[: len(data) // 2])  # header intact, half the frames gone
    elif kind == "still_image":
        path = tmp_path / "photo.jpg"
        cv2.imwrite(str(path), np.zeros((64, 64, 3), np.uint8))
    elif kind == "still_image_named_mp4":
        _ok, buf = cv2.imencode(".png", np.zeros((64, 64, 3), np.uint8))
        path.write_bytes(buf.tobytes())
    elif kind == "audio_only":
        path = tmp_path / "voice.m4a"
        with av.open(str(path), "w") as container:
            stream = container.add_stream("aac", rate=44100)
            for _ in range(20):
                frame = av.AudioFrame.from_ndarray(
                    np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
                )
                frame.sample_rate = 44100
                for packet in stream.encode(frame):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
    return path


BAD_INPUTS = {
    "missing": "No file at",
    "directory": "is a folder",
    "empty": "is empty",
    "text": "not a video",
    "truncated": "cut short",
    "truncated_faststart": "truncated",
    "still_image": "still image",
    "still_image_named_mp4": "still image",
    "audio_only": "no video track",
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_raises_one_clear_sentence(kind: str, tmp_path: Path) -> None:
    path = make_bad_input(kind, tmp_path)
    with pytest.raises(VideoError, match=BAD_INPUTS[kind]) as err:
        info = probe(path)
        for _ in iter_frames(path, info):
            pass
    message = str(err.value)
    assert message.endswith(".") and message.count(". ") == 0 and ":" in message  # problem: fix.
