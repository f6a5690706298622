"""H264Writer: codec, pixel format, frame count, faststart, atomicity."""

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from gait.errors import VideoError
from gait.video_out import H264Writer, fps_to_rational, output_size, to_yuv420


def _frames(n: int, width: int = 96, height: int = 64) -> list[np.ndarray]:
    """Frames with a bright square moving to the right: encoders cannot collapse them."""
    out = []
    for i in range(n):
        frame = np.full((height, width, 3), 40, np.uint8)
        frame[10:30, 2 * i : 2 * i + 20] = (0, 128, 255)
        out.append(frame)
    return out


def test_writes_h264_yuv420p_with_every_frame(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    with H264Writer(path, 30000 / 1001, (96, 64)) as writer:
        for frame in _frames(30):
            writer.write(frame)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"
        assert stream.average_rate == Fraction(30000, 1001)
        assert sum(1 for _ in container.decode(stream)) == 30
    assert list(tmp_path.iterdir()) == [path]


def test_faststart_puts_the_index_before_the_media(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    with H264Writer(path, 30, (96, 64)) as writer:
        for frame in _frames(10):
            writer.write(frame)
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")


def test_height_cap_scales_to_even_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "small.mp4"
    with H264Writer(path, 25, (97, 65), max_height_px=33) as writer:
        for frame in _frames(5, 97, 65):
            writer.write(frame)
    with av.open(str(path)) as container:
        decoded = next(container.decode(video=0))
    assert (decoded.width, decoded.height) == output_size((97, 65), 33) == (48, 32)


def test_exception_inside_the_block_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "out.mp4"
    with pytest.raises(RuntimeError, match="boom"), H264Writer(path, 30, (96, 64)) as writer:
        writer.write(_frames(1)[0])
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_no_frames_is_an_error_and_no_file(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="No frames"), H264Writer(tmp_path / "out.mp4", 30, (96, 64)):
        pass
    assert list(tmp_path.iterdir()) == []


def test_wrong_frame_size_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="96x64"), H264Writer(tmp_path / "o.mp4", 30, (96, 64)) as writer:
        writer.write(np.zeros((10, 10, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_fps_to_rational() -> None:
    assert fps_to_rational(30000 / 1001) == Fraction(30000, 1001)
    assert fps_to_rational(60000 / 1001) == Fraction(60000, 1001)
    assert fps_to_rational(29.97) == Fraction(2997, 100)
    assert fps_to_rational(25.0) == 25
    with pytest.raises(ValueError):
        fps_to_rational(0)


@pytest.mark.parametrize("bgr", [(40, 40, 40), (0, 128, 255), (200, 30, 90), (255, 255, 255)])
def test_colours_survive_the_yuv_conversion(tmp_path: Path, bgr: tuple[int, int, int]) -> None:
    """Flat frames come back (decoded by FFmpeg) in the colour written, whether the writer converts a
    BGR frame or is handed the drawing thread's YUV 4:2:0 (the annotated video's path)."""
    frame = np.full((64, 96, 3), bgr, np.uint8)
    for name, write in (("bgr", H264Writer.write), ("yuv", lambda w, f: w.write_yuv420(to_yuv420(f)))):
        path = tmp_path / f"{name}.mp4"
        with H264Writer(path, 30, (96, 64), crf=0) as writer:
            write(writer, frame)
        with av.open(str(path)) as container:
            back = next(container.decode(video=0)).to_ndarray(format="bgr24")
        assert np.abs(back.astype(int) - bgr).max() <= 3, name


def test_yuv420_frames_of_the_wrong_shape_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="96x64"), H264Writer(tmp_path / "o.mp4", 30, (96, 64)) as writer:
        writer.write_yuv420(np.zeros((64, 96), np.uint8))  # a grey frame, not Y, U and V planes
    with pytest.raises(ValueError, match="96x64"), H264Writer(tmp_path / "o.mp4", 30, (96, 64), 32) as writer:
        writer.write_yuv420(to_yuv420(np.zeros((64, 96, 3), np.uint8)))  # the writer scales: BGR only
    assert list(tmp_path.iterdir()) == []
