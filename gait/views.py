"""Camera view: which view a clip is (rear, front, side_left, side_right, oblique), and how sure.

The view decides which metrics mean anything (see :mod:`gait.metrics.catalogue`). Body width
against torso length separates side from frontal views; the hip order separates rear from
front; the toes and the nose give the running direction in a side view.
"""

from __future__ import annotations

import numpy as np

from gait.analysis import VIEW_SURE, View, ViewEstimate
from gait.landmarks import (
    HEELS,
    L_EAR,
    L_HIP,
    L_SHOULDER,
    NOSE,
    R_EAR,
    R_HIP,
    R_SHOULDER,
    TOES,
    mid_hip_px,
    mid_shoulder_px,
    norm,
)
from gait.options import SIDE, ForcedView
from gait.track import PoseTrack

#: Body width (mean of hip and shoulder widths in the image) over torso length below which
#: the clip is a side view. Measured on real clips: side views 0.07-0.22, frontal 0.48-0.51.
SIDE_MAX_WIDTH_RATIO = 0.28
#: ... and above which it is a frontal (rear or front) view; in between it is oblique.
FRONTAL_MIN_WIDTH_RATIO = 0.38
#: The view is classified on at most about this many evenly spaced frames.
VIEW_SAMPLE_FRAMES = 20000
#: How far past its cut the width ratio must lie for full confidence in the view family.
RATIO_MARGIN = 0.1
#: Reason of a view forced with --view that the clip does not contradict.
USER_VIEW_REASON = "set by the user"


def classify_view(track: PoseTrack) -> ViewEstimate:
    """Classify the camera view from body widths, hip order and foot/face direction.

    Rear: the person's left hip is on the image left; front: on the image right. Side: the
    hips and shoulders are narrow against the torso length, and the travel direction is
    the direction the toes point from the heels (and the nose from the ears).

    Parameters
    ----------
    track : PoseTrack
        Preferably the cleaned track.

    Returns
    -------
    ViewEstimate
    """
    xy = track.xy_px[:: max(1, track.n_frames // VIEW_SAMPLE_FRAMES)].astype(float)
    present = np.isfinite(xy[:, [L_HIP, R_HIP, L_SHOULDER, R_SHOULDER], :]).all(axis=(1, 2))
    if not present.any():
        return ViewEstimate("oblique", 0.0, "no frame shows both hips and both shoulders")
    xy = xy[present]
    width = 0.5 * (
        np.abs(xy[:, L_HIP, 0] - xy[:, R_HIP, 0]) + np.abs(xy[:, L_SHOULDER, 0] - xy[:, R_SHOULDER, 0])
    )
    torso = norm(mid_shoulder_px(xy) - mid_hip_px(xy))
    ratio = float(np.nanmedian(width / torso))
    if ratio <= SIDE_MAX_WIDTH_RATIO:
        return _side_view(xy, ratio)
    if ratio >= FRONTAL_MIN_WIDTH_RATIO:
        return _frontal_view(xy, ratio)
    closeness = min(ratio - SIDE_MAX_WIDTH_RATIO, FRONTAL_MIN_WIDTH_RATIO - ratio)
    span = (FRONTAL_MIN_WIDTH_RATIO - SIDE_MAX_WIDTH_RATIO) / 2
    return ViewEstimate(
        "oblique",
        round(float(0.5 + 0.5 * closeness / span), 2),
        f"body width is {ratio:.2f} of torso length: between a side view (<= {SIDE_MAX_WIDTH_RATIO}) "
        f"and a frontal view (>= {FRONTAL_MIN_WIDTH_RATIO})",
    )


def _side_view(xy: np.ndarray, ratio: float) -> ViewEstimate:
    """Side view facing the direction the toes and the nose point."""
    toe_ahead = np.concatenate([xy[:, TOES[i], 0] - xy[:, HEELS[i], 0] for i in (0, 1)])
    nose_ahead = xy[:, NOSE, 0] - 0.5 * (xy[:, L_EAR, 0] + xy[:, R_EAR, 0])
    votes = np.concatenate((np.sign(toe_ahead), np.sign(nose_ahead)))
    votes = votes[np.isfinite(votes) & (votes != 0)]
    right_share = float(np.mean(votes > 0)) if votes.size else 0.5
    view: View = "side_right" if right_share >= 0.5 else "side_left"
    direction = "right" if view == "side_right" else "left"
    evidence = f"toes and nose point image-{direction}"
    return _voted(view, right_share, SIDE_MAX_WIDTH_RATIO - ratio, ratio, "side", evidence)


def _frontal_view(xy: np.ndarray, ratio: float) -> ViewEstimate:
    """Rear view when the person's left hip is on the image left, front view otherwise."""
    left_on_right = np.sign(xy[:, L_HIP, 0] - xy[:, R_HIP, 0]) + np.sign(
        xy[:, L_SHOULDER, 0] - xy[:, R_SHOULDER, 0]
    )
    share = float(np.mean(left_on_right > 0))
    view: View = "front" if share >= 0.5 else "rear"
    evidence = f"the left hip is on the image {'right' if view == 'front' else 'left'}"
    return _voted(view, share, ratio - FRONTAL_MIN_WIDTH_RATIO, ratio, "frontal", evidence)


def _voted(
    view: View, share: float, past_threshold: float, ratio: float, family: str, evidence: str
) -> ViewEstimate:
    """A view from a majority vote, its confidence from the vote and the width ratio's distance past its cut.

    ``share`` is the fraction of votes for one answer; ``past_threshold`` how far the body-width
    ratio lies beyond the cut on the side of the view (negative: short of it). At the cut the
    width counts half; :data:`RATIO_MARGIN` beyond it, fully. The reason names the ratio, the
    view ``family`` and the ``evidence`` the votes agreed on.
    """
    agreement = max(share, 1 - share)
    clear = float(np.clip(past_threshold / RATIO_MARGIN + 0.5, 0, 1))
    width = f"body width is {ratio:.2f} of torso length ({family} view)"
    reason = f"{width}; {evidence} in {100 * agreement:.0f}% of frames"
    return ViewEstimate(view, round(clear * (2 * agreement - 1), 2), reason)


def side_direction(track: PoseTrack) -> ViewEstimate:
    """The running direction of a clip the user says is a side view: ``side_left`` or ``side_right``
    by the toes and the nose (as :func:`classify_view` finds it), whatever the body widths say."""
    xy = track.xy_px[:: max(1, track.n_frames // VIEW_SAMPLE_FRAMES)].astype(float)
    estimate = _side_view(xy, 0.0)
    direction = "right" if estimate.view == "side_right" else "left"
    reason = estimate.reason.split("; ", 1)[-1]  # the votes; the width ratio was not measured here
    return ViewEstimate(estimate.view, estimate.confidence, f"running to the {direction}: {reason}")


def resolve_view(view: ForcedView | None, track: PoseTrack) -> View | None:
    """A view forced with ``--view`` as the engine takes it: ``side`` becomes ``side_left`` or
    ``side_right`` (:func:`side_direction`); any other view, or None (detect), is kept."""
    if view == SIDE:
        return side_direction(track).view
    return view


def user_view(view: ForcedView, detected: ViewEstimate) -> ViewEstimate:
    """The view the user forced, with a warning in its reason when the clip clearly looks otherwise.

    ``side`` (``--view side``, not resolved by :func:`resolve_view`) takes the direction the
    detected side view has; it can only be resolved here when the clip was detected as a side view.
    """
    reason = USER_VIEW_REASON
    if view == SIDE:
        if detected.view not in ("side_left", "side_right"):
            raise ValueError("--view side needs the track: resolve it with gait.views.resolve_view first")
        direction = "right" if detected.view == "side_right" else "left"
        return ViewEstimate(
            detected.view, 1.0, f"side {reason}; running to the {direction} by the clip", overridden=True
        )
    if detected.view != view and detected.confidence >= VIEW_SURE:
        reason += (
            f"; the clip looks like a {detected.view} view ({detected.confidence:.0%}): {detected.reason}"
        )
    return ViewEstimate(view, 1.0, reason, overridden=True)
