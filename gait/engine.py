"""The metrics engine: PoseTrack -> Analysis, chaining signal -> events -> metrics -> findings.

:func:`analyse_track` is a pure function of its arguments: no I/O, no globals changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gait.analysis import VIEW_SURE, Analysis, MetricSummary, Side, Steps, View, ViewEstimate
from gait.errors import AnalysisError, NoPersonInTrackError
from gait.events import (
    StepEvents,
    classify_view,
    detect_steps,
    foot_ahead_leg_lengths,
    knee_flexion_deg,
    travel_direction,
)
from gait.findings import make_findings, verdict_band, worst_step
from gait.metrics import cadence, hip, pelvis, stride
from gait.metrics.catalogue import CATALOGUE, FRONTAL, SIDE, MetricInfo, not_measurable_reason
from gait.metrics.common import USED_LANDMARKS, leg_length_px, mid_hip_px, stance_leg_length_px
from gait.signal import CleanedTrack, clean_track, level_xy
from gait.thresholds import DEFAULT_THRESHOLDS, MIN_STEPS_FOR_VERDICT, ThresholdTable
from gait.track import LANDMARK_INDEX, PoseTrack

#: Below this cadence the clip is probably walking (or slowed down); running bands do not apply.
WALKING_CADENCE_SPM = 130.0
#: Step times further than this fraction from the median are left out of the mean (missed or
#: spurious contacts make steps about half or twice as long).
STEP_TIME_OUTLIER_FRACTION = 0.4
#: Why a metric the view allows has no value: every step was left out (see the quality notes).
NO_STEP_REASON = "no step of this clip could be measured; see the capture notes"
#: Reason of a view forced with --view that the clip does not contradict.
USER_VIEW_REASON = "set by the user"
#: Hips at least this far apart in the image give frontal angles full confidence: one pixel of
#: landmark error is then 1.4 deg, half the detectable difference; narrower hips scale it down.
SHARP_HIP_WIDTH_PX = 40.0
#: Confidence factor applied to the far (partly occluded) leg in a side view.
FAR_LEG_FACTOR = 0.8


@dataclass(frozen=True)
class Config:
    """Settings of the engine (all have evidence-based or stated defaults; see docs/metrics.md).

    Attributes
    ----------
    min_visibility : float
        Landmarks less visible than this are dropped before gap filling.
    max_gap_s : float
        Longest gap filled by interpolation.
    cutoff_hz : float or None
        Force the low-pass cutoff (default: from the frame rate and step frequency).
    min_step_time_s, max_step_time_s : float
        Physiological range of one step (0.2 s = 300 steps/min, 1.0 s = 60 steps/min).
    min_steps_for_verdict : int
        Fewer steps on a side give values but no band or finding (Dingenen 2018 needed
        6.3 +- 0.3 steps for a stable mean).
    min_steps : int
        Fewer steps in the whole clip raise AnalysisError.
    min_person_s : float
        Less time with a person raises NoPersonInTrackError.
    min_contact_fps : float
        Contact time and duty factor need at least this frame rate.
    unknown_tilt_deg : float
        Camera roll assumed when no tilt estimate is given (a hand-levelled phone).
    min_tilt_uncertainty_deg : float
        Least uncertainty granted to a measured tilt (the bench reads a 3 deg roll to 0.06 deg).
    min_hip_width_px : float
        Frontal-plane values of a step whose hips are closer than this in the image (a runner far
        away) are left out: 1 px of landmark error across 12 px of pelvis is 4.8 deg, beyond the
        detectable difference (about 3 deg). Medians over many steps hold up to about 15 px (the
        half-size metamorphic test), so the cut is set below that.
    thresholds : ThresholdTable
        Bands and detectable differences.
    """

    min_visibility: float = 0.3
    max_gap_s: float = 0.1
    cutoff_hz: float | None = None
    min_step_time_s: float = 0.2
    max_step_time_s: float = 1.0
    min_steps_for_verdict: int = MIN_STEPS_FOR_VERDICT
    min_steps: int = 2
    min_person_s: float = 1.0
    min_contact_fps: float = 25.0
    unknown_tilt_deg: float = 2.0
    min_tilt_uncertainty_deg: float = 0.5
    min_hip_width_px: float = 12.0
    thresholds: ThresholdTable = field(default_factory=lambda: DEFAULT_THRESHOLDS)


def analyse_track(
    track: PoseTrack,
    view: View | None = None,
    config: Config | None = None,
    tilt_deg: float | None = None,
    tilt_uncertainty_deg: float | None = None,
) -> Analysis:
    """Measure a runner's gait from a pose track.

    Parameters
    ----------
    track : PoseTrack
        Landmarks as the pose model gave them (kept as ``Analysis.raw_track``).
    view : View, optional
        Force the camera view (``--view``); by default it is classified from the track.
    config : Config, optional
        Engine settings; ``Config()`` by default.
    tilt_deg : float, optional
        Camera roll measured elsewhere (e.g. from background lines), clockwise on screen. It is
        subtracted: the metrics are measured on landmarks levelled by it.
    tilt_uncertainty_deg : float, optional
        How well that roll is known. It (at least ``config.min_tilt_uncertainty_deg``), or
        ``config.unknown_tilt_deg`` when the tilt is unknown, widens the margin needed before a
        roll-sensitive asymmetry or band is called.

    Returns
    -------
    Analysis

    Raises
    ------
    NoPersonInTrackError
        Fewer than ``config.min_person_s`` seconds of frames show a person.
    AnalysisError
        Fewer than ``config.min_steps`` steps were found.
    """
    cfg = config or Config()
    _require_person(track, cfg)
    cleaned = clean_track(
        track,
        min_visibility=cfg.min_visibility,
        max_gap_s=cfg.max_gap_s,
        cutoff_hz=cfg.cutoff_hz,
        landmarks=[int(i) for i in USED_LANDMARKS],
    )
    ctrack = cleaned.track
    view_est = user_view(view, classify_view(ctrack)) if view else classify_view(ctrack)
    expected_step_s = 1.0 / cleaned.step_frequency_hz if cleaned.step_frequency_hz > 0 else float("nan")
    events = detect_steps(ctrack, view_est.view, cfg.min_step_time_s, cfg.max_step_time_s, expected_step_s)
    _require_steps(events, track, cfg)
    signals = frame_signals(level_xy(ctrack.xy_px, tilt_deg or 0.0, track.frame_size_px), view_est.view)
    leg_step_px = stance_leg_length_px(
        per_leg(signals, "leg_length", "px"), events.contact_frame, events.stance_end_frame, events.leg_column
    )
    cuts = [int(c) for c in track.meta.get("cut_frames", [])]
    values, n_across = drop_steps_across_cuts(
        step_values(signals, ctrack.time_s, events, view_est.view, leg_step_px), events, cuts
    )
    values, n_small = drop_small_frontal_steps(
        values, ctrack.xy_px, events.midstance_frame, cfg.min_hip_width_px
    )
    bounce_spm = cadence.bounce_cadence_spm(signals["mid_hip_y_px"], ctrack.fps)
    events_spm = _cadence_from_mean_step(values["step_time_s"])
    agreement = cadence.agreement_factor(events_spm, bounce_spm)
    tilt_unc = (
        cfg.unknown_tilt_deg
        if tilt_deg is None
        else max(tilt_uncertainty_deg or 0.0, cfg.min_tilt_uncertainty_deg)
    )
    walking = np.isfinite(events_spm) and events_spm < WALKING_CADENCE_SPM
    vis = landmark_visibility(track)
    metrics = summarise(
        values, events, view_est, vis, track.fps, agreement, cfg, tilt_unc, allow_verdicts=not walking
    )
    n_timed = int(np.isfinite(values["step_time_s"]).sum())
    notes = quality_notes(track, n_timed, cleaned, view_est, events_spm, bounce_spm, tilt_deg, cfg, walking)
    if cuts:
        at = ", ".join(f"{track.time_s[c]:.1f} s" for c in cuts)
        notes += (
            f"The clip is cut between {len(cuts) + 1} shots (at {at}): the {n_across} steps spanning a cut"
            " were left out, and the shots may differ in place and pace.",
        )
    if n_small:
        notes += (
            f"{n_small} of {events.n} steps were left out of the frontal-plane angles: the runner was too far"
            f" away (hips under {cfg.min_hip_width_px:.0f} px apart in the image).",
        )
    steps = to_steps(events, values, ctrack.time_s)
    findings = make_findings(metrics, cfg.thresholds, tilt_unc, cfg.min_steps_for_verdict)
    return Analysis(
        view=view_est,
        fps=float(track.fps),
        duration_s=float(track.n_frames / track.fps),
        n_frames=track.n_frames,
        frame_size_px=track.frame_size_px,
        steps=steps,
        metrics=metrics,
        findings=findings,
        tilt_deg=tilt_deg,
        quality_notes=notes,
        traces=signals | event_traces(events, cleaned),
        worst_step=worst_step(steps, metrics, findings),
        track=ctrack,
        raw_track=track,
    )


def user_view(view: View, detected: ViewEstimate) -> ViewEstimate:
    """The view the user forced, with a warning in its reason when the clip clearly looks otherwise."""
    reason = USER_VIEW_REASON
    if detected.view != view and detected.confidence >= VIEW_SURE:
        reason += (
            f"; the clip looks like a {detected.view} view ({detected.confidence:.0%}): {detected.reason}"
        )
    return ViewEstimate(view, 1.0, reason, overridden=True)


def _require_person(track: PoseTrack, cfg: Config) -> None:
    """Raise NoPersonInTrackError when too few frames show a person."""
    seen_s = float(np.sum(track.person_found)) / track.fps if track.n_frames else 0.0
    if seen_s < cfg.min_person_s:
        raise NoPersonInTrackError(
            f"A person was found in only {seen_s:.1f} s of this clip: film the whole body, side-on or from "
            "behind, 3-5 m away, for at least 10 seconds."
        )


def _require_steps(events: StepEvents, track: PoseTrack, cfg: Config) -> None:
    """Raise AnalysisError when the clip gives fewer than ``cfg.min_steps`` steps."""
    if events.n < cfg.min_steps:
        raise AnalysisError(
            f"Only {events.n} step(s) could be found in this {track.n_frames / track.fps:.1f} s clip: "
            "film at least 10 seconds of steady running with both feet in view."
        )


# --------------------------------------------------------------------------- per step


def frame_signals(xy: np.ndarray, view: View) -> dict[str, np.ndarray]:
    """Per-frame signals the metrics of ``view`` are gathered from (also the drawing traces).

    Keys carry units; per-leg signals are split into ``_left_`` / ``_right_`` keys
    (see :func:`per_leg`). Frontal signals are computed for rear, front and oblique
    views, side signals for side views.
    """
    mid = mid_hip_px(xy)
    legs = leg_length_px(xy)
    out = {
        "mid_hip_x_px": mid[:, 0],
        "mid_hip_y_px": mid[:, 1],
        "leg_length_px": np.fmax(legs[:, 0], legs[:, 1]),
        **split_legs("leg_length", "px", legs),
        **split_legs("knee_flexion", "deg", knee_flexion_deg(xy)),
    }
    if view in FRONTAL or view == "oblique":
        out["pelvis_angle_deg"] = pelvis.right_hip_drop_deg(xy)
        out["trunk_lean_left_deg"] = pelvis.trunk_lean_left_deg(xy)
        out |= split_legs("hip_adduction", "deg", hip.hip_adduction_deg(xy))
        out |= split_legs("femoral_adduction", "deg", hip.femoral_adduction_deg(xy))
        out |= split_legs("knee_fppa", "deg", hip.knee_fppa_deg(xy))
        out |= split_legs("foot_offset", "px", hip.foot_offset_px(xy))
    if view in SIDE:
        direction = travel_direction(view)
        out |= split_legs("foot_ahead", "px", foot_ahead_leg_lengths(xy, direction, 1.0))
        out |= split_legs("shank_angle", "deg", stride.shank_angle_deg(xy, direction))
    return out


def split_legs(name: str, unit: str, values: np.ndarray) -> dict[str, np.ndarray]:
    """``{name_left_unit: values[:, 0], name_right_unit: values[:, 1]}``."""
    return {f"{name}_left_{unit}": values[:, 0], f"{name}_right_{unit}": values[:, 1]}


def per_leg(signals: dict[str, np.ndarray], name: str, unit: str) -> np.ndarray:
    """(frames, 2) per-leg signal back from :func:`split_legs` keys."""
    return np.column_stack((signals[f"{name}_left_{unit}"], signals[f"{name}_right_{unit}"]))


def step_values(
    signals: dict[str, np.ndarray], time_s: np.ndarray, events: StepEvents, view: View, leg_px: np.ndarray
) -> dict[str, np.ndarray]:
    """Per-step values of every metric measurable in ``view`` (dict of ``(n_steps,)`` arrays)."""
    values = cadence.step_metrics(time_s, events)
    if view in FRONTAL:
        values |= pelvis.pelvic_drop_deg(signals["pelvis_angle_deg"], events)
        values |= pelvis.trunk_lean_deg(signals["trunk_lean_left_deg"], events)
        values |= hip.hip_metrics(
            per_leg(signals, "hip_adduction", "deg"),
            per_leg(signals, "femoral_adduction", "deg"),
            per_leg(signals, "knee_fppa", "deg"),
            per_leg(signals, "foot_offset", "px"),
            events,
            leg_px,
        )
    if view in SIDE:
        values |= stride.contact_metrics(
            per_leg(signals, "foot_ahead", "px"),
            per_leg(signals, "shank_angle", "deg"),
            per_leg(signals, "knee_flexion", "deg"),
            events,
            leg_px,
        )
        values |= stride.timing_metrics(time_s, events)
        values |= stride.vertical_oscillation(signals["mid_hip_y_px"], events, leg_px)
    return values


def drop_steps_across_cuts(
    values: dict[str, np.ndarray], events: StepEvents, cut_frames: list[int]
) -> tuple[dict[str, np.ndarray], int]:
    """Blank every value of the steps (and strides) that span a hard cut between shots.

    Their timing and their angles would mix two shots. Returns the new values and how many
    steps were blanked.
    """
    cuts = np.asarray(cut_frames, int)
    if not cuts.size or not events.n:
        return values, 0
    last = np.maximum(events.end_frame, events.next_same_frame)
    spans = ((events.contact_frame[:, None] < cuts) & (cuts <= last[:, None])).any(axis=1)
    return {k: np.where(spans, np.nan, v) for k, v in values.items()}, int(spans.sum())


def drop_small_frontal_steps(
    values: dict[str, np.ndarray], xy: np.ndarray, midstance_frame: np.ndarray, min_hip_width_px: float
) -> tuple[dict[str, np.ndarray], int]:
    """Add each step's ``hip_width_px`` at midstance; blank frontal values of steps narrower than the minimum.

    Returns the new values and how many steps were blanked (0 outside frontal views).
    """
    frontal_keys = [k for k in values if k in CATALOGUE and CATALOGUE[k].views <= FRONTAL]
    if not frontal_keys or not len(midstance_frame):
        return values, 0
    hips = xy[midstance_frame][:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]]
    width_px = np.linalg.norm(hips[:, 0] - hips[:, 1], axis=1)
    small = ~(width_px >= min_hip_width_px)  # NaN counts as small
    blanked = {k: np.where(small, np.nan, v) if k in frontal_keys else v for k, v in values.items()}
    return blanked | {"hip_width_px": width_px}, int(small.sum())


def to_steps(events: StepEvents, values: dict[str, np.ndarray], time_s: np.ndarray) -> Steps:
    """The public :class:`Steps` table from the events and per-step values."""
    return Steps(
        side=np.where(events.is_left, "left", "right"),
        contact_frame=events.contact_frame,
        midstance_frame=events.midstance_frame,
        toe_off_frame=events.toe_off_frame,
        stance_end_frame=events.stance_end_frame,
        end_frame=events.end_frame,
        contact_time_s=values.get("contact_time_s", np.full(events.n, np.nan)),
        step_time_s=values["step_time_s"],
        values=values,
    )


# --------------------------------------------------------------------------- summaries


def _sides(info: MetricInfo) -> tuple[Side, ...]:
    return ("left", "right", "both") if info.per_side else ("both",)


def _visibility(landmark_visibility: np.ndarray, info: MetricInfo, side: Side) -> float:
    """Median over the metric's landmarks on ``side`` of their median visibility in the clip."""
    sides = ("left", "right") if side == "both" else (side,)
    idx = [LANDMARK_INDEX[f"{s}_{kind}"] for s in sides for kind in info.landmarks]
    vis = landmark_visibility[idx]
    return float(np.nanmedian(vis)) if np.isfinite(vis).any() else 0.0


def landmark_visibility(track: PoseTrack, max_samples: int = 20000) -> np.ndarray:
    """(33,) median visibility of each landmark over frames with a person (at most ``max_samples``)."""
    vis = track.visibility[track.person_found]
    vis = vis[:: max(1, len(vis) // max_samples)]
    return np.median(vis, axis=0) if len(vis) else np.full(vis.shape[1], np.nan)


def _unmeasurable(info: MetricInfo, side: Side, reason: str) -> MetricSummary:
    nan = float("nan")
    return MetricSummary(info.key, info.label, info.unit, side, nan, nan, nan, 0, 0.0, (), False, reason)


def summarise(
    values: dict[str, np.ndarray],
    events: StepEvents,
    view: ViewEstimate,
    vis: np.ndarray,
    fps: float,
    agreement: float,
    cfg: Config,
    tilt_uncertainty_deg: float,
    allow_verdicts: bool = True,
) -> tuple[MetricSummary, ...]:
    """Median, IQR, step count, confidence and band of every metric, per side and both sides."""
    out: list[MetricSummary] = []
    for key, info in CATALOGUE.items():
        reason = _unmeasurable_reason(info, view.view, fps, cfg, events.feet_visible)
        if reason:
            out.extend(_unmeasurable(info, side, reason) for side in _sides(info))
            continue
        hip_width = values.get("hip_width_px") if info.views <= FRONTAL else None
        sides = {
            side: _summary(info, side, values[key], events, view, vis, fps, agreement, cfg, hip_width)
            for side in _sides(info)
        }
        if info.per_side:
            sides["both"] = _mean_of_sides(sides["both"], sides["left"], sides["right"])
        if key == "cadence_steps_per_min":
            sides["both"] = replace(sides["both"], median=_cadence_from_mean_step(values["step_time_s"]))
        for summary in sides.values():
            if summary.n_steps == 0:
                out.append(replace(summary, measurable=False, reason=NO_STEP_REASON))
                continue
            band = verdict_band(summary, cfg.thresholds, tilt_uncertainty_deg, cfg.min_steps_for_verdict)
            out.append(replace(summary, band=band if allow_verdicts else None))
    return tuple(out)


def _mean_of_sides(both: MetricSummary, left: MetricSummary, right: MetricSummary) -> MetricSummary:
    """The both-sides summary as the mean of the two sides' median and quartiles.

    Averaging the sides (rather than pooling the steps) keeps the value meaningful when
    the sides differ, and for pelvic drop it cancels camera roll.
    """
    with_steps = [m for m in (left, right) if m.n_steps]
    if not with_steps:
        return both

    def mean(name: str) -> float:
        return float(np.mean([getattr(m, name) for m in with_steps]))

    return replace(both, median=mean("median"), q1=mean("q1"), q3=mean("q3"))


def _cadence_from_mean_step(step_time_s: np.ndarray) -> float:
    """60 / mean step time, over steps within ``STEP_TIME_OUTLIER_FRACTION`` of the median step time.

    Per-step cadences are quantised by the frame rate (21 or 22 frames at 60 fps), so
    their median is biased; the mean step time is not.
    """
    t = step_time_s[np.isfinite(step_time_s)]
    if t.size == 0:
        return float("nan")
    median = np.median(t)
    inside = t[np.abs(t - median) <= STEP_TIME_OUTLIER_FRACTION * median]
    return float(60.0 / np.mean(inside))


def _unmeasurable_reason(info: MetricInfo, view: View, fps: float, cfg: Config, feet_visible: bool) -> str:
    if view not in info.views:
        return not_measurable_reason(info, view)
    if info.needs_feet and not feet_visible:
        return "not measurable: the feet are out of the frame or hidden; film the whole body, feet included"
    if info.key in ("contact_time_s", "duty_factor_pct") and fps < cfg.min_contact_fps:
        return (
            f"not measurable at {fps:.0f} fps: a running stance lasts only a few frames; "
            f"film at {cfg.min_contact_fps:.0f} fps or more (50-60 is best)"
        )
    return ""


def _summary(
    info: MetricInfo,
    side: Side,
    per_step: np.ndarray,
    events: StepEvents,
    view: ViewEstimate,
    vis: np.ndarray,
    fps: float,
    agreement: float,
    cfg: Config,
    hip_width_px: np.ndarray | None = None,
) -> MetricSummary:
    """Summary of one metric on one side (or both) with its confidence and notes.

    ``hip_width_px`` (per step, frontal metrics only) lowers the confidence when the runner is small.
    """
    on_side = np.ones(events.n, bool) if side == "both" else (events.is_left == (side == "left"))
    used = on_side & np.isfinite(per_step)
    v = per_step[used]
    n = int(v.size)
    median, q1, q3 = (float(x) for x in np.percentile(v, [50, 25, 75])) if n else (np.nan,) * 3
    factors = {
        f"view confidence {view.confidence:.2f}": 1.0 if view.overridden else view.confidence,
        f"only {n} steps ({cfg.min_steps_for_verdict} needed for a verdict)": min(
            1.0, n / cfg.min_steps_for_verdict
        ),
        f"landmark visibility {_visibility(vis, info, side):.2f}": min(1.0, _visibility(vis, info, side)),
        "step events and the mid-hip bounce disagree on cadence": agreement,
        "far leg in a side view (partly hidden)": _far_leg_factor(view.view, side),
    }
    if hip_width_px is not None and used.any():
        width = float(np.median(hip_width_px[used]))
        factors[f"runner small in the image (hips {width:.0f} px apart)"] = min(
            1.0, width / SHARP_HIP_WIDTH_PX
        )
    notes = [text for text, f in factors.items() if f < 0.95]
    if info.caveat:
        notes.append(info.caveat)
    if info.key in ("contact_time_s", "duty_factor_pct"):
        notes.append(f"+-1 frame (+-{1000 / fps:.0f} ms) on each contact and toe-off")
    confidence = float(np.prod(list(factors.values())))
    return MetricSummary(
        info.key, info.label, info.unit, side, median, q1, q3, n, round(confidence, 2), tuple(notes)
    )


def _far_leg_factor(view: View, side: Side) -> float:
    far = {"side_right": "left", "side_left": "right"}.get(view)
    return FAR_LEG_FACTOR if side == far else 1.0


# --------------------------------------------------------------------------- traces and notes


def event_traces(events: StepEvents, cleaned: CleanedTrack) -> dict[str, np.ndarray]:
    """Per-frame stance of each leg and the frames whose leg labels were repaired (0/1 floats)."""
    stance = events.stance_mask(len(cleaned.swapped)).astype(float)
    return {
        "stance_left": stance[:, 0],
        "stance_right": stance[:, 1],
        "swap_repaired": cleaned.swapped.astype(float),
    }


def quality_notes(
    raw: PoseTrack,
    n_steps: int,
    cleaned: CleanedTrack,
    view: ViewEstimate,
    events_spm: float,
    bounce_spm: float,
    tilt_deg: float | None,
    cfg: Config,
    walking: bool,
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
    if walking:
        notes.append(
            f"Cadence below {WALKING_CADENCE_SPM:.0f} steps/min: "
            "this looks like walking (or slowed-down video); "
            "running bands were not applied."
        )
    return tuple(notes)
