"""PoseLandmarker's temporal filters in VIDEO mode: One Euro filters on landmarks (the output's and
the auxiliary ones that place the next frame's region) and a low-pass on visibility."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class OneEuro:
    """Settings of one of MediaPipe's One Euro filters (cut-offs in Hz)."""

    min_cutoff_hz: float
    beta: float
    derivate_cutoff_hz: float = 1.0


#: PoseLandmarker's smoothing in VIDEO mode (pose_landmarks_detector_graph.cc): image landmarks,
#: scaled by the tracking region's side; world landmarks, scaled by their own extent.
IMAGE_FILTER = OneEuro(0.05, 80.0)
WORLD_FILTER = OneEuro(0.1, 40.0)
#: Low-pass weight of the newest visibility (VisibilitySmoothingCalculator).
VISIBILITY_ALPHA = 0.1
#: The rate a new filter assumes until it has seen two timestamps (MediaPipe's default).
DEFAULT_RATE_HZ = 30.0


def _alpha(cutoff_hz: np.ndarray | float, rate_hz: float) -> np.ndarray:
    tau = 1 / (2 * np.pi * np.asarray(cutoff_hz))
    return 1 / (1 + tau * rate_hz)


class OneEuroFilter:
    """MediaPipe's One Euro filter over an array of values, one frame at a time.

    As PoseLandmarker (mediapipe 1.2) does, measured against it: the first frame starts the filter
    with no speed, even at 0 ms; the rate stays :data:`DEFAULT_RATE_HZ` until a frame follows one
    later than 0 ms; a frame whose timestamp is not later than the last one passes through
    unfiltered; the speed is divided by an object size (``scale``).
    """

    def __init__(self, settings: OneEuro) -> None:
        self.settings = settings
        self.reset()

    def reset(self) -> None:
        """Forget the past (MediaPipe does when a frame has no person)."""
        self._last_ms: int | None = None
        self._rate_hz = DEFAULT_RATE_HZ
        self._raw: np.ndarray | None = None
        self._smoothed = np.empty(0)
        self._speed = np.empty(0)

    def apply(self, value: np.ndarray, time_ms: int, scale: float) -> np.ndarray:
        """The filtered ``value`` at integer ``time_ms``; ``scale`` divides the speed."""
        if self._last_ms is not None and self._last_ms >= time_ms:
            return value
        if self._last_ms is not None and self._last_ms != 0:
            self._rate_hz = 1000.0 / (time_ms - self._last_ms)
        self._last_ms = int(time_ms)
        if self._raw is None:
            self._raw, self._smoothed, self._speed = value, value, np.zeros_like(value)
            return value
        rate = self._rate_hz
        dvalue = (value - self._raw) * rate / scale
        self._speed = self._speed + _alpha(self.settings.derivate_cutoff_hz, rate) * (dvalue - self._speed)
        a = _alpha(self.settings.min_cutoff_hz + self.settings.beta * np.abs(self._speed), rate)
        self._smoothed = self._smoothed + a * (value - self._smoothed)
        self._raw = value
        return self._smoothed


def one_euro(values: np.ndarray, time_ms: np.ndarray, scale: np.ndarray, settings: OneEuro) -> np.ndarray:
    """:class:`OneEuroFilter` along the first axis of ``values`` (frames, ...), restarted after
    every frame that holds NaN (no person), as the graph resets its filters then.

    ``time_ms``: integer milliseconds, the timestamps MediaPipe was given; ``scale``: (frames,)
    object size dividing the speed.
    """
    out = values.copy()
    one = OneEuroFilter(settings)
    for i in range(len(values)):
        if np.isnan(values[i]).any():
            one.reset()
            continue
        out[i] = one.apply(values[i], int(time_ms[i]), float(scale[i]))
    return out


def low_pass(values: np.ndarray, alpha: float) -> np.ndarray:
    """Exponential smoothing along the first axis, restarted after frames holding NaN."""
    out = values.copy()
    for i in range(1, len(values)):
        if not (np.isnan(out[i]).any() or np.isnan(out[i - 1]).any()):
            out[i] = alpha * values[i] + (1 - alpha) * out[i - 1]
    return out


def smooth(
    detections: np.ndarray, side_px: np.ndarray, time_ms: np.ndarray, size_px: tuple[int, int]
) -> np.ndarray:
    """PoseLandmarker's temporal smoothing of (frames, 33, 7) detections (see :data:`IMAGE_FILTER`).

    ``side_px``: each frame's region from its own (unsmoothed) auxiliary landmarks, its side in
    working-image pixels; ``size_px``: the working image's (width, height).
    """
    out = detections.copy()
    size = np.asarray(size_px, np.float64)
    out[..., :2] = one_euro(detections[..., :2] * size, time_ms, side_px, IMAGE_FILTER) / size
    out[..., 2] = low_pass(detections[..., 2], VISIBILITY_ALPHA)
    world = detections[..., 4:]
    extent = (np.ptp(world[..., 0], axis=1) + np.ptp(world[..., 1], axis=1)) / 2
    out[..., 4:] = one_euro(world, time_ms, extent, WORLD_FILTER)
    return out


def video_time_ms(time_s: np.ndarray) -> np.ndarray:
    """The integer millisecond timestamps gait.pose gives MediaPipe (strictly increasing)."""
    out = np.empty(len(time_s), np.int64)
    last = -1
    for i, t in enumerate(time_s):
        last = out[i] = max(round(float(t) * 1000), last + 1)
    return out
