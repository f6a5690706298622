"""Gait events: where each step starts and ends (the camera view comes from :mod:`gait.views`).

Side views use the coordinate method (the foot's forward distance ahead of the mid-hip,
Zeni et al. 2008), refined with the foot's vertical motion for initial contact and peak
knee extension for toe-off (Fellin et al. 2010). Frontal views have no fore-aft signal:
the stance leg is the one whose foot is lower, midstance is the lowest point of the
mid-hip, contact is where that foot stops descending before it, and stance runs from
contact while that foot stays low.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.signal import find_peaks

from gait.analysis import View
from gait.gather import at_frames, nan_argmax_rows, nan_max_rows, window_gather
from gait.landmarks import (
    ANKLES,
    HEELS,
    HIPS,
    KNEES,
    TOES,
    interior_angle_deg,
    leg_length_px,
    mid_hip_px,
    norm,
)
from gait.track import PoseTrack

#: Median presence of the foot landmarks below which the feet count as out of view.
FEET_MIN_PRESENCE = 0.8
#: Smallest prominence of a foot-ahead peak, in leg lengths (the signal swings ~0.5-0.8).
MIN_PEAK_PROMINENCE = 0.15
#: How far after the foot-ahead peak initial contact is searched for, seconds.
CONTACT_SEARCH_S = 0.1
#: Contact is where the foot's descent speed falls to this fraction of its fastest descent.
CONTACT_SPEED_FRACTION = 0.1
#: Toe-off is searched for this long before and after the foot-behind minimum, seconds.
TOE_OFF_SEARCH_S = (0.08, 0.03)
#: Contacts closer than this fraction of the bounce's step period are spurious.
EXPECTED_STEP_FRACTION = 0.6
#: Frontal views: hysteresis on the left-minus-right foot height, leg lengths.
LOWER_FOOT_HYSTERESIS = 0.04
#: Frontal views: a stance foot stays within this height of its midstance height, leg lengths.
STANCE_FOOT_TOLERANCE = 0.05
#: Frontal views: contact is where the landing foot's descent in the image falls to this fraction
#: of its fastest (on the bench 0.1 leaves front-view contacts 2 frames late at 60 fps, 0.3 rear
#: ones 4 early; tests/data/NOTES.md).
FRONTAL_CONTACT_SPEED_FRACTION = 0.2


@dataclass(frozen=True, eq=False)
class StepEvents:
    """Events of each detected step (the stance of one leg), in frame indices; -1 = unknown.

    Attributes
    ----------
    is_left : (n,) bool
        Stance leg of the step.
    contact_frame : (n,) int
        Initial contact.
    midstance_frame : (n,) int
        Lowest point of the mid-hip during stance.
    stance_end_frame : (n,) int
        Last frame of stance (toe-off in side views; where the foot starts to rise in
        frontal views, an estimate).
    toe_off_frame : (n,) int
        Toe-off, side views only (-1 elsewhere).
    end_frame : (n,) int
        Next contact of the other leg (end of the step), -1 if it was not detected.
    next_same_frame : (n,) int
        Next contact of the same leg (end of the stride), -1 if not detected.
    leg_column : (n,) int
        Column (0 = left label, 1 = right label) of per-leg arrays that holds the stance
        leg at contact. In side views it is the label of the front-most foot, which can
        differ from ``is_left`` where the pose model swapped the leg labels.
    method : str
        "side" or "frontal".
    feet_visible : bool
        False when the feet are out of the frame or hidden (:func:`feet_in_view`); the
        events then come from the knees and contact, toe-off and stance are rough.
    """

    is_left: np.ndarray
    contact_frame: np.ndarray
    midstance_frame: np.ndarray
    stance_end_frame: np.ndarray
    toe_off_frame: np.ndarray
    end_frame: np.ndarray
    next_same_frame: np.ndarray
    leg_column: np.ndarray
    method: str
    feet_visible: bool = True

    @property
    def n(self) -> int:
        """Number of steps."""
        return len(self.is_left)

    def stance_mask(self, n_frames: int) -> np.ndarray:
        """(frames, 2) bool: True where the left (column 0) / right (column 1) leg is in stance."""
        mask = np.zeros((n_frames + 1, 2), np.int64)
        ok = (self.contact_frame >= 0) & (self.stance_end_frame >= self.contact_frame)
        col = np.where(self.is_left, 0, 1)[ok]
        np.add.at(mask, (self.contact_frame[ok], col), 1)
        np.add.at(mask, (self.stance_end_frame[ok] + 1, col), -1)
        return np.cumsum(mask, axis=0)[:n_frames] > 0


# --------------------------------------------------------------------------- shared signals


def foot_low_y_px(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2) image y of the lowest point of each foot (heel or toe; ankle if both missing)."""
    heel, toe, ankle = xy_px[:, HEELS, 1], xy_px[:, TOES, 1], xy_px[:, ANKLES, 1]
    low = np.fmax(heel, toe)
    return np.where(np.isnan(low), ankle, low)


def knee_flexion_deg(xy_px: np.ndarray) -> np.ndarray:
    """(frames, 2) knee flexion of each leg, degrees: 0 straight, 180 minus the hip-knee-ankle angle."""
    return 180.0 - interior_angle_deg(xy_px[:, HIPS], xy_px[:, KNEES], xy_px[:, ANKLES])


def foot_ahead_leg_lengths(
    xy_px: np.ndarray, direction: float, scale_px: float, points: np.ndarray = ANKLES
) -> np.ndarray:
    """(frames, 2) ankle (or ``points``) ahead of the mid-hip along the travel direction, in leg lengths."""
    return direction * (xy_px[:, points, 0] - mid_hip_px(xy_px)[:, None, 0]) / scale_px


def feet_in_view(track: PoseTrack) -> bool:
    """True when the model places the ankles, heels and toes inside the frame.

    The landmarks' presence (likelihood of being in the frame) is near 1 for feet in view
    (median >= 0.98 on real clips) and about 0.5 when they are cut off by the frame edge
    or hidden by a treadmill's rail; the cut-off is ``FEET_MIN_PRESENCE``.
    """
    presence = track.presence[track.person_found][:, np.r_[ANKLES, HEELS, TOES]]
    return bool(np.isfinite(presence).any() and np.nanmedian(presence) >= FEET_MIN_PRESENCE)


def _leg_scale_px(xy_px: np.ndarray, feet: bool) -> float:
    """Median leg length in pixels (twice the thigh when the feet are not in view)."""
    legs = leg_length_px(xy_px) if feet else 2 * norm(xy_px[:, KNEES] - xy_px[:, HIPS])
    return float(np.nanmedian(legs))


def travel_direction(view: View) -> float:
    """+1 when the runner travels toward image right (side_right), -1 toward image left."""
    return 1.0 if view == "side_right" else -1.0


# --------------------------------------------------------------------------- side view


def _peaks(signal: np.ndarray, min_distance: int) -> np.ndarray:
    """Peak frames of a foot-ahead envelope (leg lengths), ignoring peaks beside gaps."""
    missing = np.isnan(signal)
    if missing.all():
        return np.zeros(0, np.int64)
    filled = np.where(missing, np.nanmin(signal), signal)
    peaks, _ = find_peaks(filled, distance=max(min_distance, 1), prominence=MIN_PEAK_PROMINENCE)
    near_gap = np.convolve(missing, np.ones(5), "same") > 0
    return peaks[~near_gap[peaks]]


def _envelopes(ahead: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Front-most and rear-most foot of each frame: (front, front_leg, rear, rear_leg).

    ``ahead`` is ``(frames, 2)``; the envelopes do not depend on which leg the pose model
    called left, so label swaps cannot move them.
    """
    a0, a1 = ahead[:, 0], ahead[:, 1]
    front_leg = np.where(np.isnan(a0) | (a1 > a0), 1, 0)
    rear_leg = np.where(np.isnan(a0) | (a1 < a0), 1, 0)
    return np.fmax(a0, a1), front_leg, np.fmin(a0, a1), rear_leg


def _alternating_sides(frames: np.ndarray, labels: np.ndarray, max_gap: int) -> np.ndarray:
    """(n,) bool is_left for time-sorted contacts that must alternate left/right.

    Within each run of contacts closer than ``max_gap`` frames, sides alternate; the
    phase of the alternation is the one that agrees with most of the pose model's labels
    (``labels``: 0 = left, 1 = right, of the front-most foot at each contact).
    """
    n = len(frames)
    if n == 0:
        return np.zeros(0, bool)
    run = np.concatenate(([0], np.cumsum(np.diff(frames) > max_gap)))
    first = np.flatnonzero(np.concatenate(([True], run[1:] != run[:-1])))
    k = np.arange(n) - first[run]
    agree = np.bincount(run, weights=(k % 2 == labels).astype(float))
    total = np.bincount(run).astype(float)
    flip = agree < total / 2
    return np.where(flip[run], 1 - k % 2, k % 2) == 0


def _refine_contact(foot_y: np.ndarray, coarse: np.ndarray, column: np.ndarray, search: int) -> np.ndarray:
    """First frame at or after each coarse contact where the foot has (nearly) stopped descending.

    The foot's lowest point descends in the image (y grows) until it lands. Contact is the
    first frame, within ``search`` frames after the foot-ahead peak, whose descent speed
    (central difference) has fallen to ``CONTACT_SPEED_FRACTION`` of the fastest descent
    around the peak; the fraction, rather than zero, keeps the low-pass filter's rounding
    of the landing from delaying it.
    """
    if len(coarse) == 0:
        return coarse
    speed = np.gradient(foot_y, axis=0) if len(foot_y) > 1 else np.zeros_like(foot_y)
    last = len(foot_y) - 1
    around = window_gather(speed, np.maximum(coarse - search, 0), np.minimum(coarse + search, last), column)
    fastest = nan_max_rows(around)
    after = window_gather(speed, coarse, np.minimum(coarse + search, last), column)
    stopped = after <= CONTACT_SPEED_FRACTION * fastest[:, None]
    found = stopped.any(axis=1) & (fastest > 0)
    return np.where(found, coarse + np.argmax(stopped, axis=1), coarse)


def _toe_off(
    rear: np.ndarray, rear_leg: np.ndarray, knee_flex: np.ndarray, contact: np.ndarray, fps: float
) -> np.ndarray:
    """Toe-off of each step: peak knee extension near the rear-most foot's minimum.

    The stance foot becomes the rear-most foot once the other leg swings past it, and is
    furthest behind just after toe-off (Zeni's coordinate method). The minimum is searched
    from half-way to the next contact until 0.4 of a step after it (walking has double
    support), then refined to the peak knee extension of that leg within
    ``TOE_OFF_SEARCH_S`` (Fellin 2010).
    """
    if len(contact) == 0:
        return contact
    step = np.diff(contact, append=-1)
    typical = int(np.median(step[:-1])) if len(step) > 1 else round(0.35 * fps)
    step = np.where(step > 0, np.minimum(step, 2 * typical), typical)
    last = len(rear) - 1
    lo = np.minimum(contact + step // 2, last)
    hi = np.minimum(contact + step + (2 * step) // 5, last)
    offset = nan_argmax_rows(window_gather(-rear, lo, hi))
    coarse = lo + np.maximum(offset, 0)
    column = rear_leg[coarse]
    before, after = (round(s * fps) for s in TOE_OFF_SEARCH_S)
    ext_lo = np.maximum(coarse - before, contact + 1)
    ext_hi = np.minimum(coarse + after, last)
    best = nan_argmax_rows(window_gather(-knee_flex, ext_lo, ext_hi, column))
    return np.where((offset >= 0) & (best >= 0), ext_lo + best, -1)


def detrended_height_px(y_px: np.ndarray, window_frames: int) -> np.ndarray:
    """``y_px`` minus its centred moving average over ``window_frames`` (NaN kept).

    Over one step period the bounce averages out, leaving the trend (a runner moving away
    from or toward the camera), so the lowest point of the result is the bounce's.
    """
    ok = np.isfinite(y_px)
    if ok.sum() < 2:
        return y_px
    idx = np.arange(len(y_px))
    filled = np.interp(idx, idx[ok], y_px[ok])
    return np.where(ok, filled - uniform_filter1d(filled, max(window_frames, 1), mode="nearest"), np.nan)


#: How far :func:`with_pelvis_midstance` looks for the pelvis's lowest point, in steps either side.
PELVIS_MIDSTANCE_SEARCH = 0.3


def _midstance(mid_y: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Lowest point (largest image y) of ``mid_y`` within each ``[start, stop]``; -1 if none."""
    best = nan_argmax_rows(window_gather(mid_y, start, stop))
    return np.where((best >= 0) & (stop >= start) & (start >= 0), start + best, -1)


def with_pelvis_midstance(events: StepEvents, pelvis_y_px: np.ndarray) -> StepEvents:
    """``events`` with each midstance moved to the lowest point of ``pelvis_y_px`` (a point on the
    pelvis itself, such as the middle of the PSIS stickers) within :data:`PELVIS_MIDSTANCE_SEARCH` of a
    step either side of it, and within its own step (from its contact to the next). The pose
    model's mid-hip rides with the thighs: on the bench it put midstance two frames late at 60 fps,
    a degree of pelvic drop at midstance. Contacts stay."""
    if not events.n:
        return events
    step_frames = int(np.median(events.end_frame - events.contact_frame))
    reach = max(1, round(PELVIS_MIDSTANCE_SEARCH * step_frames))
    height = detrended_height_px(pelvis_y_px, step_frames)
    start = np.maximum(events.midstance_frame - reach, events.contact_frame)  # within its own step
    stop = events.midstance_frame + reach
    stop = np.where(events.end_frame > events.midstance_frame, np.minimum(stop, events.end_frame - 1), stop)
    mid = _midstance(height, start, stop)
    return replace(events, midstance_frame=np.where(mid >= 0, mid, events.midstance_frame))


def detect_side_events(
    track: PoseTrack,
    view: View,
    min_step_time_s: float = 0.2,
    max_step_time_s: float = 1.0,
    expected_step_s: float = float("nan"),
) -> StepEvents:
    """Initial contact, toe-off and midstance of each step in a side view.

    1. Coarse contacts are the peaks of the front-most foot's distance ahead of the
       mid-hip (leg lengths; the envelope of both ankles, so leg-label swaps of the pose
       model cannot add or remove contacts), at least :func:`min_separation_s` apart.
    2. Sides alternate; the phase of the alternation follows the majority of the pose
       model's labels (occasional wrong labels are outvoted).
    3. Each contact moves to the first frame, within ``CONTACT_SEARCH_S``, where that
       foot's lowest point stops descending.
    4. Toe-off is the peak knee extension around the rear-most foot's minimum; midstance
       the lowest mid-hip point (trend removed) between contact and toe-off.
    """
    xy = track.xy_px.astype(float)
    fps = track.fps
    feet = feet_in_view(track)
    scale = _leg_scale_px(xy, feet)
    ahead = foot_ahead_leg_lengths(xy, travel_direction(view), scale, KNEES if not feet else ANKLES)
    front, front_leg, rear, rear_leg = _envelopes(ahead)
    coarse = _peaks(front, int(np.ceil(min_separation_s(min_step_time_s, expected_step_s) * fps)))
    column = front_leg[coarse]
    contact = coarse
    if feet:
        contact = _refine_contact(foot_low_y_px(xy), coarse, column, round(CONTACT_SEARCH_S * fps))
    is_left = _alternating_sides(contact, column, round(max_step_time_s * fps))
    end, next_same = _step_ends(contact, is_left, min_step_time_s, max_step_time_s, fps)
    toe_off = (
        _toe_off(rear, rear_leg, knee_flexion_deg(xy), contact, fps) if feet else np.full_like(contact, -1)
    )
    stance_stop = np.where(toe_off > contact, toe_off, -1)
    step_frames = int(np.median(np.diff(contact))) if len(contact) > 1 else round(0.35 * fps)
    mid_y = detrended_height_px(mid_hip_px(xy)[:, 1], step_frames)
    midstance = _midstance(mid_y, contact, stance_stop)
    return StepEvents(is_left, contact, midstance, stance_stop, toe_off, end, next_same, column, "side", feet)


def _step_ends(
    contact: np.ndarray, is_left: np.ndarray, min_step_s: float, max_step_s: float, fps: float
) -> tuple[np.ndarray, np.ndarray]:
    """Next contralateral and next same-side contact of each (time-sorted) contact, -1 if absent.

    A step ends at the next contact if that contact is of the other leg and the step time
    is physiological (``min_step_s`` to ``max_step_s``); a stride ends at the next contact
    of the same leg if it is shorter than two maximum step times.
    """
    n = len(contact)
    end = np.full(n, -1, np.int64)
    if n > 1:
        dt = (contact[1:] - contact[:-1]) / fps
        ok = (is_left[1:] != is_left[:-1]) & (dt >= min_step_s) & (dt <= max_step_s)
        end[:-1] = np.where(ok, contact[1:], -1)
    next_same = np.full(n, -1, np.int64)
    for leg in (True, False):
        idx = np.flatnonzero(is_left == leg)
        if len(idx) > 1:
            gap = (contact[idx[1:]] - contact[idx[:-1]]) / fps
            next_same[idx[:-1]] = np.where(gap <= 2 * max_step_s, contact[idx[1:]], -1)
    return end, next_same


# --------------------------------------------------------------------------- frontal views


def _lower_foot_segments(d: np.ndarray, hysteresis: float) -> np.ndarray:
    """``(segments, 3)`` rows (first, last, sign): runs where the left (+1) or right (-1) foot is lower.

    ``d`` is left-minus-right foot height in the image (positive when the left foot is
    lower); a side holds until the other foot is lower by more than ``hysteresis``. Runs
    touching the clip edges or a gap (NaN) are incomplete and dropped.
    """
    state = np.where(d > hysteresis, 1, np.where(d < -hysteresis, -1, 0))
    state = np.where(np.isnan(d), 2, state)
    idx = np.where(state != 0, np.arange(len(d)), 0)
    state = state[np.maximum.accumulate(idx)] if len(d) else state
    edges = np.flatnonzero(np.diff(state)) + 1
    starts = np.concatenate(([0], edges))
    stops = np.concatenate((edges, [len(d)])) - 1
    sign = state[starts] if len(d) else state
    interior = np.ones(len(starts), bool)
    if len(starts):
        interior[[0, -1]] = False
    prev_ok = np.concatenate(([False], sign[:-1] != 2))
    next_ok = np.concatenate((sign[1:] != 2, [False]))
    good = interior & (np.abs(sign) == 1) & (sign != 0) & prev_ok & next_ok
    return np.column_stack((starts, stops, sign))[good]


def _landing(
    foot_y: np.ndarray, start: np.ndarray, stop: np.ndarray, column: np.ndarray, settled: bool
) -> np.ndarray:
    """Frontal initial contact: where the landing foot stops descending; -1 where it cannot be told.

    Within each window ``[start, stop]`` (the step before midstance) the foot's fastest
    descent in the image (y growing, central difference) is the end of its swing; contact is
    the first later frame whose descent has fallen to ``FRONTAL_CONTACT_SPEED_FRACTION`` of it
    and, with ``settled`` (front views), stays there until midstance: seen from the front the
    swinging foot pauses in its descent as the leg reaches forward, then drops again to land
    (a 60 fps bench clip read contact 150 ms early at the pause). From behind the stance foot
    keeps sinking in the image as the belt carries it toward the camera, so there the first
    slow frame is contact.
    """
    speed = np.gradient(foot_y, axis=0) if len(foot_y) > 1 else np.zeros_like(foot_y)
    start = np.maximum(start, 0)
    rows = window_gather(speed, start, stop, column)
    fastest = nan_argmax_rows(rows)
    peak = nan_max_rows(rows)
    after = np.arange(rows.shape[1])[None, :] > fastest[:, None]
    slow = rows <= FRONTAL_CONTACT_SPEED_FRACTION * peak[:, None]
    if settled:  # slow from here to the window's end (its padding counts as slow)
        slow = np.flip(np.logical_and.accumulate(np.flip(slow | np.isnan(rows), axis=1), axis=1), axis=1)
        slow &= ~np.isnan(rows)
    stopped = after & slow
    found = stopped.any(axis=1) & (peak > 0)
    return np.where(found, start + np.argmax(stopped, axis=1), -1)


def detect_frontal_events(
    track: PoseTrack,
    view: View = "rear",
    min_step_time_s: float = 0.2,
    max_step_time_s: float = 1.0,
    expected_step_s: float = float("nan"),
) -> StepEvents:
    """Stance and midstance of each step in a rear, front (or oblique) view (``view``).

    The stance leg is the one whose foot is lower in the image (with hysteresis);
    midstance is the lowest point of the mid-hip while it is. Contact is where that foot
    stops descending in the image in the step before midstance (:func:`_landing`), not
    where it first comes near its midstance height: the stance foot moves in depth (on a
    treadmill toward a rear camera, away from a front one), so in the image its height at
    contact differs from midstance's, which made rear contacts late and front ones early.
    Stance ends where the foot leaves ``STANCE_FOOT_TOLERANCE`` leg lengths of its
    midstance height; where no descent is seen, stance begins there too. Toe-off is not
    detected.
    """
    xy = track.xy_px.astype(float)
    fps = track.fps
    feet = feet_in_view(track)
    legs = leg_length_px(xy) if feet else 2 * norm(xy[:, KNEES] - xy[:, HIPS])
    leg = np.fmax(legs[:, 0], legs[:, 1])
    leg = np.where(np.isfinite(leg), leg, np.nanmedian(leg))
    foot_y = foot_low_y_px(xy) if feet else xy[:, KNEES, 1]
    segments = _lower_foot_segments((foot_y[:, 0] - foot_y[:, 1]) / leg, LOWER_FOOT_HYSTERESIS)
    too_short = (segments[:, 1] - segments[:, 0] + 1) < 0.5 * min_separation_s(
        min_step_time_s, expected_step_s
    ) * fps
    segments = segments[~too_short]
    first, last, is_left = segments[:, 0], segments[:, 1], segments[:, 2] == 1
    column = np.where(is_left, 0, 1)
    step_frames = int(np.median(last - first + 1)) if len(first) else 1
    mid = _midstance(detrended_height_px(mid_hip_px(xy)[:, 1], step_frames), first, last)
    rows = window_gather(foot_y, first, last, column)
    ref = at_frames(foot_y, mid, column) - STANCE_FOOT_TOLERANCE * at_frames(leg, mid)
    low = rows >= ref[:, None]
    offsets = np.arange(rows.shape[1])[None, :]
    rel_mid = (mid - first)[:, None]
    lo = np.where(~low & (offsets < rel_mid), offsets, -1).max(axis=1, initial=-1) + 1
    hi = np.where(~low & (offsets > rel_mid), offsets, rows.shape[1]).min(axis=1, initial=rows.shape[1]) - 1
    landing = _landing(foot_y, mid - step_frames, mid, column, settled=view == "front")
    contact = np.where(landing >= 0, landing, first + lo)
    stance_end = np.minimum(first + hi, last)
    valid = mid >= 0
    contact, mid, stance_end, is_left = contact[valid], mid[valid], stance_end[valid], is_left[valid]
    end, next_same = _step_ends(contact, is_left, min_step_time_s, max_step_time_s, fps)
    toe_off = np.full(len(contact), -1, np.int64)
    return StepEvents(
        is_left, contact, mid, stance_end, toe_off, end, next_same, column[valid], "frontal", feet
    )


def min_separation_s(min_step_time_s: float, expected_step_s: float) -> float:
    """Shortest time allowed between two contacts.

    The physiological minimum step time, raised to ``EXPECTED_STEP_FRACTION`` of the step
    period of the mid-hip bounce when that is known: a contact sooner than that is a
    spurious peak (usually the occluded far foot), not a step.
    """
    if np.isfinite(expected_step_s):
        return max(min_step_time_s, EXPECTED_STEP_FRACTION * expected_step_s)
    return min_step_time_s


def detect_steps(
    track: PoseTrack,
    view: View,
    min_step_time_s: float = 0.2,
    max_step_time_s: float = 1.0,
    expected_step_s: float = float("nan"),
) -> StepEvents:
    """Step events with the method that suits the view (side views: foot-ahead; others: frontal).

    Parameters
    ----------
    track : PoseTrack
        The cleaned track.
    view : View
    min_step_time_s, max_step_time_s : float
        Physiological range of a step.
    expected_step_s : float, optional
        Step period from the mid-hip bounce (:func:`gait.signal.dominant_frequency_hz`),
        used to reject contacts that come too soon.
    """
    if view in ("side_left", "side_right"):
        return detect_side_events(track, view, min_step_time_s, max_step_time_s, expected_step_s)
    return detect_frontal_events(track, view, min_step_time_s, max_step_time_s, expected_step_s)
