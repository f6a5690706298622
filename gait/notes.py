"""Capture notes: sentences on what limited the measurement of a clip, for the report and the JSON."""

from __future__ import annotations

import numpy as np

from gait.analysis import VIEW_SURE, ViewEstimate
from gait.config import Config
from gait.markers import MIN_DIAMETER_PX, MarkerTrack
from gait.metrics.cadence import WALKING_CADENCE_SPM
from gait.signal import CleanedTrack
from gait.track import PoseTrack
from gait.views import USER_VIEW_REASON


def quality_notes(
    raw: PoseTrack,
    n_steps: int,
    cleaned: CleanedTrack,
    view: ViewEstimate,
    events_spm: float,
    bounce_spm: float,
    tilt_deg: float | None,
    cfg: Config,
) -> tuple[str, ...]:
    """Sentences on what limited the measurement, for the report."""
    notes = []
    duration_s = raw.n_frames / raw.fps
    missing = 1.0 - float(np.mean(raw.person_found))
    if missing > 0.05:
        notes.append(f"No person in {100 * missing:.0f}% of frames.")
    if cleaned.swapped.any():
        notes.append(
            "Left/right leg labels were swapped by the pose model and repaired on "
            f"{cleaned.swapped.sum()} frames."
        )
    if cleaned.dropped_points:
        share = cleaned.dropped_points / max(raw.xy_px.size, 1)
        notes.append(f"{100 * share:.1f}% of landmark coordinates were dropped for low visibility.")
    notes.append(f"Low-pass filter at {cleaned.cutoff_hz:.1f} Hz (zero-phase Butterworth).")
    if raw.meta.get("symmetric"):
        notes.append(
            "Every frame was read twice, as filmed and mirrored, and the two averaged: the pose model's "
            "own left/right bias cancels."
        )
    elif view.view in ("rear", "front"):
        notes.append(
            "Frames were read once, not also mirrored: the pose model's own left/right bias stays in "
            "the difference between the sides, so a larger difference is needed before it is called."
        )
    if view.overridden and view.reason != USER_VIEW_REASON:
        notes.append(f"The view was {view.reason}.")
    if not view.overridden and view.confidence < VIEW_SURE:
        notes.append(
            f"The camera view is uncertain ({view.view}, confidence {view.confidence:.2f}): {view.reason}."
        )
    if np.isfinite(events_spm) and np.isfinite(bounce_spm):
        notes.append(
            f"Cadence from the step events {events_spm:.0f} steps/min ({n_steps} steps); "
            f"from the mid-hip bounce {bounce_spm:.0f} steps/min ({duration_s:.1f} s)."
        )
    if tilt_deg is None:
        notes.append(
            f"Camera tilt unknown: assumed up to {cfg.unknown_tilt_deg:.1f} deg "
            "when judging roll-sensitive angles."
        )
    else:
        notes.append(f"Camera tilt {tilt_deg:+.1f} deg (clockwise positive).")
    return tuple(notes)


#: Below this share of the stride on the ground, both feet leave it in every stride (a flight phase):
#: running. Walking keeps one foot down throughout (duty factor 60 % or more), running 25-45 %.
RUNNING_MAX_DUTY_PCT = 50.0
#: Slow-motion factors phones export, and the cadence a running clip reaches once re-timed by one.
SLOW_MOTION_FACTORS, RUNNING_MIN_SPM = (2, 4, 8), 150.0


def clock_notes(events_spm: float, duty_pct: float, slowed_by: float, fps: float) -> tuple[str, ...]:
    """One story about the clip's clock: re-timed with --slowed-by; or a cadence below running pace,
    told apart as slow motion (a flight phase at a walking cadence: the factor to run again with) or
    walking (no flight phase, or none measurable)."""
    notes = []
    if slowed_by != 1:
        notes.append(
            f"Timed as filmed: the clip plays {slowed_by:g}x slower than real time (--slowed-by "
            f"{slowed_by:g}), so it was filmed at {fps:.0f} frames/s; times and cadence are real time."
        )
    if not (np.isfinite(events_spm) and events_spm < WALKING_CADENCE_SPM):
        return tuple(notes)
    if np.isfinite(duty_pct) and duty_pct < RUNNING_MAX_DUTY_PCT:
        factor = next((k for k in SLOW_MOTION_FACTORS if events_spm * k >= RUNNING_MIN_SPM), 8)
        notes.append(
            f"Both feet leave the ground in every stride (on the ground {duty_pct:.0f}% of it: running, which"
            f" walking never is) at {events_spm:.0f} steps/min: this looks like slow motion played back"
            f" {factor}x slower: run again with --slowed-by {factor}. No running verdicts until then."
        )
    else:
        notes.append(
            f"Cadence below {WALKING_CADENCE_SPM:.0f} steps/min: this looks like walking (or slow motion"
            " played slowed: then run again with --slowed-by and the factor); running bands were not applied."
        )
    return tuple(notes)


#: Camera pitch (deg, looking down) above which frontal angles are read low: on the known-answer
#: bench a camera 0.5 m above hip height (8 deg) read femoral adduction 2.4 deg low, 1 m (18 deg)
#: 1.2 deg low where the same grid's level clips read it 1.5 high (docs/validation.md).
MAX_FRONTAL_PITCH_DEG = 5.0


def pitch_notes(pitch_deg: float | None, view: str) -> tuple[str, ...]:
    """The note for a frontal clip filmed from above (or below) hip height."""
    if pitch_deg is None or view not in ("rear", "front") or abs(pitch_deg) <= MAX_FRONTAL_PITCH_DEG:
        return ()
    where = "down on" if pitch_deg > 0 else "up at"
    return (
        f"The camera looks {where} the runner by about {abs(pitch_deg):.0f} deg: on the known-answer "
        "bench a camera 8-18 deg above hip height read femoral adduction 1-3 deg lower than a level "
        "one on both sides (the left-right difference held). Film from hip height, level.",
    )


def cut_notes(track: PoseTrack, cut_frames: list[int], n_across: int) -> tuple[str, ...]:
    """The note for a clip cut between shots, naming where and how many steps were left out."""
    if not cut_frames:
        return ()
    at = ", ".join(f"{track.time_s[c]:.1f} s" for c in cut_frames)
    return (
        f"The clip is cut between {len(cut_frames) + 1} shots (at {at}): the {n_across} steps spanning a cut"
        " were left out, and the shots may differ in place and pace.",
    )


def small_runner_notes(n_small: int, n_steps: int, min_hip_width_px: float) -> tuple[str, ...]:
    """The note for steps left out of the frontal angles because the runner was too far away."""
    if not n_small:
        return ()
    return (
        f"{n_small} of {n_steps} steps were left out of the frontal-plane angles: the runner was too far"
        f" away (hips under {min_hip_width_px:.0f} px apart in the image).",
    )


def step_count_notes(
    raw: PoseTrack,
    n_steps: int,
    bounce_spm: float,
    short_metrics: int,
    min_steps_for_verdict: int,
    before_run_s: float = 0.0,
) -> tuple[str, ...]:
    """Notes when the clip cannot give the steps a verdict needs, or when steps were missed.

    ``short_metrics``: how many measurements (metric keys) rest on fewer steps than a verdict needs
    (they are shown as "not enough steps (n)"). The bounce of the mid-hip (once per step) says how
    many steps the time with a person should hold; the two cut by the clip's ends are never whole.
    ``before_run_s``: the standing trial and the start of running, which hold no step.
    """
    notes = []
    seen_s = float(raw.person_found.sum()) / raw.fps - before_run_s
    expected = bounce_spm * seen_s / 60 if np.isfinite(bounce_spm) else float("nan")
    if np.isfinite(expected) and n_steps < expected - 2.5:
        notes.append(
            f"{n_steps} whole steps were found where the mid-hip's bounce suggests about {expected:.0f}:"
            " some steps were missed (feet hidden or out of frame, someone crossing, a cut)."
        )
    if short_metrics:
        spm = bounce_spm if np.isfinite(bounce_spm) and bounce_spm > 0 else 170.0
        needed_s = (2 * min_steps_for_verdict + 2) * 60 / spm
        notes.append(
            f"{short_metrics} measurement(s) rest on fewer than {min_steps_for_verdict} steps (per side)"
            " and are shown as 'not enough steps (n)', not judged: at this pace a verdict needs about"
            f" {needed_s:.0f} s of steady running in one shot."
        )
    return tuple(notes)


def marker_notes(
    markers: MarkerTrack | None, view: str, standing_tilt_deg: float | None, fps: float
) -> tuple[str, ...]:
    """What the PSIS stickers gave: found or not, their colour, the standing trial, long gaps."""
    if markers is None or view != "rear":
        return ()
    if markers.too_small:
        return (
            f"PSIS markers found but only {markers.diameter_px:.0f} px across, too small to measure pelvic "
            f"drop (at least {MIN_DIAMETER_PX:.0f} px): film closer (3 m) or at a higher resolution; "
            "pelvic drop is read from the pose model's hip points only (not validated).",
        )
    if not markers.usable:
        return (
            "No PSIS markers found, so pelvic drop is read from the pose model's hip points only (not "
            "validated): put two round stickers on the low-back dimples to measure it (see the filming "
            "guide), or name their colour with --marker-colour if they are there.",
        )
    how = "as named" if markers.colour_named else "found by colour"
    notes = [
        f"PSIS markers ({markers.colour_name}, {how}, about {markers.diameter_px:.0f} px across) seen in "
        f"{markers.detection_rate:.0%} of the frames with the runner; pelvic drop and hip adduction "
        "are read from the sticker line."
    ]
    if standing_tilt_deg is not None:
        first, end = markers.standing
        where = (
            f"in {markers.resting_from}"
            if markers.resting_from
            else f"{(end - first) / fps:.1f} s at the start"
        )
        notes.append(
            f"Standing trial {where}: the stickers' resting tilt {standing_tilt_deg:+.1f} deg (placement "
            "and camera roll) is subtracted."
        )
    else:
        notes.append(
            "No standing trial: each side's marker pelvic drop and hip adduction assume the stickers sit "
            "level, so only their mean over both sides and the excursion are judged; stand still for "
            "2-3 s before running next time."
        )
    if markers.block_check is not None:
        measured, low, high = markers.block_check
        verdict = "as it should" if low - 0.5 <= abs(measured) <= high + 0.5 else "check the set-up"
        notes.append(
            f"Set-up check: the block tilts the sticker line {abs(measured):.1f} deg; an adult's hip "
            f"width predicts {low:.1f}-{high:.1f} deg: {verdict}."
        )
    for start_s, end_s in markers.long_gaps_s:
        notes.append(f"PSIS markers hidden {start_s:.2f}-{end_s:.2f} s: those frames are left out.")
    return tuple(notes)
