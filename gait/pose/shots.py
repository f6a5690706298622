"""Hard cuts between shots, from how much a tiny grey thumbnail changes from one frame to the next.

A clip edited from several shots (different places, paces or runners) must not be measured across
a cut: a step that spans one has a meaningless duration. On the shared test clips a cut changes a
32 x 32 thumbnail by 52-73 grey levels on average, a fast camera pan by at most 12.
"""

from __future__ import annotations

import numpy as np

#: A mean absolute change above this (grey levels, 0-255) can be a cut ...
MIN_CUT_CHANGE = 30.0
#: ... if it is also this many times the clip's typical frame-to-frame change.
CUT_TO_TYPICAL = 5.0


def change(previous: np.ndarray | None, current: np.ndarray) -> float:
    """Mean absolute grey-level change between two thumbnails (0 for the first frame)."""
    return 0.0 if previous is None else float(np.mean(np.abs(current - previous)))


def cut_frames(change_per_frame: np.ndarray) -> list[int]:
    """Indices of the frames that start a new shot, given each frame's change from the one before."""
    changes = np.asarray(change_per_frame, float)
    if changes.size < 3:
        return []
    typical = float(np.median(changes[1:]))
    cuts = (changes > MIN_CUT_CHANGE) & (changes > CUT_TO_TYPICAL * typical)
    return [int(i) for i in np.flatnonzero(cuts)]


class CutFinder:
    """Hard cuts found as the frames stream past: :meth:`add` each frame, then :meth:`cut_frames`."""

    def __init__(self) -> None:
        self._previous: np.ndarray | None = None
        self._changes: list[float] = []

    def add(self, thumb: np.ndarray) -> None:
        """The next frame's thumbnail (:attr:`gait.video.Frame.thumbnail`)."""
        self._changes.append(change(self._previous, thumb))
        self._previous = thumb

    def cut_frames(self) -> list[int]:
        return cut_frames(np.asarray(self._changes))
