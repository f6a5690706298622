"""Read a clip: probe its facts, then yield upright frames with their container timestamps.

PyAV reads the container header (it tells "not a video" from "no video track" from
"still image" clearly); OpenCV decodes, applying the phone's rotation metadata, and gives
each frame's presentation time, so variable-frame-rate phone clips keep true timing.
Frames come one at a time from a generator: memory does not grow with clip length.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import av
import cv2
import numpy as np

from gait.errors import VideoError

#: Demuxers that open single pictures; a still image is not a clip.
_IMAGE_FORMATS = ("image2", "png_pipe", "jpeg_pipe", "bmp_pipe", "webp_pipe", "gif", "tiff_pipe")
#: A clip shorter than this cannot show a stride.
MIN_FRAMES = 10
#: Decoding fewer than this share of the frames the header announces means the file is cut short.
TRUNCATED_FRACTION = 0.9


#: Side of the grey thumbnail a frame is compared with the one before by, to find hard cuts (pixels).
THUMB_SIZE_PX = 32


@dataclass(frozen=True)
class VideoInfo:
    """Facts about a clip, read from its header. Sizes are of the upright (rotated) frame."""

    path: Path
    width_px: int
    height_px: int
    fps: float
    n_frames: int  # from the header; the decoded count can differ slightly
    duration_s: float
    rotation_deg: int  # display rotation the phone recorded (0, 90, 180, 270)
    codec: str
    size_bytes: int

    @property
    def name(self) -> str:
        """The file's name as text any UTF-8 file can hold (bytes that are not UTF-8 shown as ``\\xe9``)."""
        return os.fsencode(self.path.name).decode("utf-8", errors="backslashreplace")

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.name,
            "width_px": self.width_px,
            "height_px": self.height_px,
            "fps": round(self.fps, 3),
            "n_frames": self.n_frames,
            "duration_s": round(self.duration_s, 3),
            "rotation_deg": self.rotation_deg,
            "codec": self.codec,
            "size_bytes": self.size_bytes,
        }


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded, upright frame."""

    index: int
    time_s: float
    bgr: np.ndarray  # (height, width, 3) uint8

    def downscaled(self, max_side_px: int) -> Frame:
        """This frame no larger than ``max_side_px`` on its long side (area-averaged), or itself.

        The pose models read 256 px crops, so a frame made this small first costs them no accuracy,
        and everything done to it afterwards (colour conversion, thumbnails) costs less.
        """
        scale = max_side_px / max(self.bgr.shape[:2])
        if scale >= 1:
            return self
        small = cv2.resize(self.bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return Frame(self.index, self.time_s, small)

    @cached_property
    def rgb(self) -> np.ndarray:
        """The frame in the RGB order the pose models read, converted once."""
        return cv2.cvtColor(self.bgr, cv2.COLOR_BGR2RGB)

    @cached_property
    def thumbnail(self) -> np.ndarray:
        """(32, 32) float32 grey thumbnail, which hard cuts are found from (gait.pose.shots), made once."""
        grey = cv2.cvtColor(self.bgr, cv2.COLOR_BGR2GRAY)
        size = (THUMB_SIZE_PX, THUMB_SIZE_PX)
        return cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float32)

    def for_pose(self) -> Frame:
        """This frame with :attr:`rgb` and :attr:`thumbnail` made now, on the calling thread: the
        decoding thread calls it, so the inference loop does not wait for them."""
        _ = self.rgb, self.thumbnail
        return self

    def mirrored(self) -> Frame:
        """This frame flipped left to right."""
        return Frame(self.index, self.time_s, np.ascontiguousarray(self.bgr[:, ::-1]))


def _check_file(path: Path) -> None:
    if not path.exists():
        raise VideoError(f"No file at {path}: check the path and the file name.")
    if path.is_dir():
        raise VideoError(f"{path} is a folder, not a video: give the path of one clip.")
    if path.stat().st_size == 0:
        raise VideoError(f"{path} is empty (0 bytes): copy the clip again from your phone.")


def probe(path: Path | str) -> VideoInfo:
    """Read the clip's header; raise VideoError with the fix when it is not a usable video."""
    path = Path(path)
    _check_file(path)
    try:
        with av.open(str(path), metadata_errors="replace") as container:  # damaged tags are not fatal
            if container.format.name in _IMAGE_FORMATS:
                raise VideoError(f"{path.name} is a still image: gait needs a video of someone running.")
            if not container.streams.video:
                raise VideoError(f"{path.name} has no video track (audio only?): export the clip as a video.")
            stream = container.streams.video[0]
            if stream.codec_context is None or not stream.codec_context.width:
                raise VideoError(
                    f"{path.name} has a video track gait cannot decode (damaged or unknown format):"
                    " export it again as MP4 (H.264)."
                )
            fps = float(stream.average_rate or stream.guessed_rate or 0)
            duration_s = _duration_s(container, stream)
            n_frames = stream.frames or round(duration_s * fps)
            width, height, codec = (
                stream.codec_context.width,
                stream.codec_context.height,
                stream.codec_context.name,
            )
            rotation = _rotation_deg(container)
    except av.error.FFmpegError as exc:
        raise VideoError(
            f"{path.name} is not a video gait can read, or is cut short ({exc.strerror}):"
            " export it again as MP4 or MOV."
        ) from exc
    if fps <= 0 or n_frames < MIN_FRAMES:
        raise VideoError(f"{path.name} holds only {n_frames} frame(s): film at least 5 seconds of running.")
    if rotation in (90, 270):
        width, height = height, width
    return VideoInfo(path, width, height, fps, n_frames, duration_s, rotation, codec, path.stat().st_size)


def _duration_s(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return float(container.duration or 0) / av.time_base


def _rotation_deg(container: av.container.InputContainer) -> int:
    """Display rotation of the first frame (PyAV reads the display matrix), as 0/90/180/270."""
    try:
        frame = next(container.decode(video=0))
    except (StopIteration, av.error.FFmpegError):
        return 0
    return round(getattr(frame, "rotation", 0) or 0) % 360


@contextlib.contextmanager
def opencv_capture(path: Path) -> Iterator[cv2.VideoCapture]:
    """An OpenCV capture of ``path``, released on exit.

    OpenCV takes file names as UTF-8 text and crashes the process on a name whose bytes are not
    UTF-8 (``caf\\xe9.mp4`` from an old camera's disk). Such a clip is opened through a symlink
    with a plain name in a temporary folder; the file itself is never copied or renamed.
    """
    with contextlib.ExitStack() as stack:
        name = str(path)
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="gait-clip-"))
            name = os.path.join(folder, "clip" + "".join(c for c in path.suffix if c.isascii()))
            os.symlink(os.path.abspath(path), name)
        cap = cv2.VideoCapture(name)
        try:
            yield cap
        finally:
            cap.release()


def iter_frames(path: Path | str, info: VideoInfo | None = None) -> Iterator[Frame]:
    """Yield every frame upright, with its presentation time in seconds from the first frame.

    Raises VideoError, after the last good frame, when the file ends well before the frame count its
    header announces (a truncated or corrupt file): callers must not keep outputs made from it.
    """
    path = Path(path)
    info = info or probe(path)
    with opencv_capture(path) as cap:
        if not cap.isOpened():
            raise VideoError(f"OpenCV cannot open {path.name}: export it again as MP4 (H.264).")
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        index, t0, last_t = 0, None, -np.inf
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            t_ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            t0 = t_ms if t0 is None else t0
            time_s = (t_ms - t0) / 1000.0
            if not time_s > last_t:  # missing or repeated timestamps: fall back on the nominal rate
                time_s = last_t + 1.0 / info.fps if index else 0.0
            last_t = time_s
            yield Frame(index, time_s, bgr)
            index += 1
    if index < TRUNCATED_FRACTION * info.n_frames:
        raise VideoError(
            f"{path.name} stops after {index} of its {info.n_frames} frames (truncated or corrupt):"
            " copy the clip again from the phone."
        )


def iter_frames_sized(
    path: Path | str, info: VideoInfo, size_px: tuple[int, int]
) -> Generator[Frame, None, None]:
    """Every frame upright at ``size_px`` (width, height), for drawing on (the annotated video).

    FFmpeg scales the decoder's own YUV pixels, then converts the small frame to BGR, so no
    full-size BGR frame is made and thrown away. Frames come in the order and number :func:`iter_frames` gives
    (the same decoder; a packet it cannot decode is skipped, as OpenCV does); their ``time_s`` is
    nominal (index / fps): this pass needs only the index.
    """
    quarter_turns = (info.rotation_deg // 90) % 4  # PyAV leaves the display rotation to us
    width, height = size_px if quarter_turns % 2 == 0 else size_px[::-1]
    try:
        with av.open(str(path), metadata_errors="replace") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            index = 0
            for packet in container.demux(stream):
                try:
                    decoded = packet.decode()
                except av.error.InvalidDataError:
                    continue
                for frame in decoded:
                    # Scaled in YUV 4:2:0 (half the bytes of BGR), then converted: 8% less CPU for
                    # the render pass than scaling and converting in one call.
                    small = frame.reformat(width=width, height=height, interpolation="AREA")
                    bgr: np.ndarray = small.to_ndarray(format="bgr24")
                    if quarter_turns:
                        bgr = np.ascontiguousarray(np.rot90(bgr, quarter_turns))
                    yield Frame(index, index / info.fps, bgr)
                    index += 1
    except av.error.FFmpegError as exc:
        raise VideoError(f"{Path(path).name} could not be read again ({exc.strerror}).") from exc


def frames_at(path: Path | str, indices: Iterable[int]) -> list[Frame]:
    """A few frames by index, found by seeking (for stills and sampling, not for whole passes).

    Their ``time_s`` is nominal (index / fps); indices past the end are skipped.
    """
    frames = []
    with opencv_capture(Path(path)) as cap:
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        for index in indices:
            cap.set(cv2.CAP_PROP_POS_FRAMES, int(index))
            ok, bgr = cap.read()
            if ok:
                frames.append(Frame(int(index), index / fps, bgr))
    return frames
