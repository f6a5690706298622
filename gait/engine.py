"""The metrics engine: PoseTrack -> Analysis, chaining signal -> view -> events -> metrics -> findings.

:func:`analyse_track` is a pure function of its arguments: no I/O, no globals changed. The
per-step measurement lives here; the summaries (:mod:`gait.summary`), the capture notes
(:mod:`gait.notes`) and the view (:mod:`gait.views`) have their own modules.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np

from gait.analysis import Analysis, MarkerSummary, MetricSummary, Steps, View
from gait.config import Config
from gait.errors import AnalysisError, NoPersonInTrackError
from gait.events import (
    StepEvents,
    detect_steps,
    foot_ahead_leg_lengths,
    knee_flexion_deg,
    travel_direction,
    with_pelvis_midstance,
)
from gait.findings import make_findings, symmetry_checks, worst_step
from gait.gather import nan_max_rows, window_gather
from gait.landmarks import USED_LANDMARKS, leg_length_px, mid_hip_px, stance_leg_length_px
from gait.markers import MarkerTrack
from gait.metrics import cadence, hip, pelvis, stride
from gait.metrics.catalogue import CATALOGUE, FRONTAL, REAR, SIDE
from gait.notes import (
    clock_notes,
    cut_notes,
    marker_notes,
    pitch_notes,
    quality_notes,
    small_runner_notes,
    step_count_notes,
)
from gait.signal import CleanedTrack, clean_track, level_xy
from gait.summary import NO_STEP_REASON, landmark_visibility, shot_summaries, summarise
from gait.thresholds import MARKER_PLACEMENT_KEYS
from gait.track import LANDMARK_INDEX, PoseTrack
from gait.views import classify_view, user_view

__all__ = ["Config", "analyse_track"]


def analyse_track(
    track: PoseTrack,
    view: View | None = None,
    config: Config | None = None,
    tilt_deg: float | None = None,
    tilt_uncertainty_deg: float | None = None,
    pitch_deg: float | None = None,
    markers: MarkerTrack | None = None,
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
    pitch_deg : float, optional
        Camera pitch measured elsewhere, + looking down; a frontal clip filmed from well above
        hip height gets a note saying how far that moves its angles.
    markers : MarkerTrack, optional
        The PSIS stickers (:func:`gait.markers.find_markers`) of a rear view: the marker pelvic
        drop and hip adduction are measured from them, levelled by their standing trial's resting
        tilt (else by ``tilt_deg``, per side then assuming level placement).

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
    if track.fps < cfg.min_fps:
        raise AnalysisError(
            f"This clip runs at {track.fps:.1f} frames/s, too few to see a step: film at 30-60 frames/s "
            f"(at least {cfg.min_fps:.0f}), or, for slow motion saved to play slowed, give --slowed-by."
        )
    _require_person(track, cfg)
    cleaned = clean_track(
        track,
        min_visibility=cfg.min_visibility,
        max_gap_s=cfg.max_gap_s,
        cutoff_hz=cfg.cutoff_hz,
        landmarks=[int(i) for i in USED_LANDMARKS],
    )
    ctrack = cleaned.track
    slowed_by = float(track.meta.get("slowed_by", 1.0))
    view_est = user_view(view, classify_view(ctrack)) if view else classify_view(ctrack)
    events = _detect_steps(cleaned, view_est.view, cfg)
    signals = frame_signals(level_xy(ctrack.xy_px, tilt_deg or 0.0, track.frame_size_px), view_est.view)
    usable = markers if markers is not None and markers.usable and view_est.view in REAR else None
    if usable is not None:
        signals |= marker_signals(usable, signals, tilt_deg)
        events = with_pelvis_midstance(events, usable.xy_px[:, :, 1].mean(axis=1))
    cuts = [int(c) for c in track.meta.get("cut_frames", [])]
    run_start = usable.standing[1] + round(RUN_START_S * track.fps) if usable and usable.standing[1] else 0
    values, n_across, n_small = _measure_steps(signals, ctrack, events, view_est.view, cuts, cfg, run_start)
    events_spm = cadence.cadence_spm(
        values["step_time_s"], events.is_left, cadence.STEP_TIME_OUTLIER_FRACTION
    )
    bounce_spm = cadence.bounce_cadence_spm(signals["mid_hip_y_px"], ctrack.fps)
    walking = bool(np.isfinite(events_spm) and events_spm < cadence.WALKING_CADENCE_SPM)
    tilt_unc = _tilt_uncertainty_deg(tilt_deg, tilt_uncertainty_deg, cfg)
    agreement = cadence.agreement_factor(events_spm, bounce_spm)
    vis = landmark_visibility(track)
    standing_tilt = usable.standing_tilt_deg() if usable else None
    if usable is not None and standing_tilt is None:  # per side: level placement assumed
        cfg = replace(cfg, thresholds=cfg.thresholds.both_sides_only(MARKER_PLACEMENT_KEYS))
    metrics = summarise(
        values, events, view_est, vis, track.fps, agreement, cfg, tilt_unc, events_spm, not walking, usable
    )
    values = capture_gate(values, metrics)
    symmetric = bool(track.meta.get("symmetric"))
    symmetry = symmetry_checks(metrics, cfg.thresholds, tilt_unc, cfg.min_steps_for_verdict, symmetric)
    findings = make_findings(metrics, symmetry)
    steps = to_steps(events, values)
    n_timed = int(np.isfinite(values["step_time_s"]).sum())
    notes = (
        quality_notes(track, n_timed, cleaned, view_est, events_spm, bounce_spm, tilt_deg, cfg)
        + clock_notes(events_spm, _median_of(metrics, "duty_factor_pct"), slowed_by, track.fps)
        + cut_notes(track, cuts, n_across)
        + small_runner_notes(n_small, events.n, cfg.min_hip_width_px)
        + pitch_notes(pitch_deg, view_est.view)
        + marker_notes(markers, view_est.view, standing_tilt, track.fps)
        + step_count_notes(
            track,
            int(np.sum(events.contact_frame >= run_start)),
            bounce_spm,
            len({m.key for m in metrics if m.measurable and not m.enough_steps}),
            cfg.min_steps_for_verdict,
            run_start / track.fps,
        )
    )
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
        pitch_deg=pitch_deg,
        slowed_by=slowed_by,
        quality_notes=notes,
        traces=signals | event_traces(events, cleaned),
        worst_step=worst_step(steps, metrics, findings),
        person=track.meta.get("person"),
        shots=shot_summaries(cuts, track.time_s, events, values["step_time_s"], cfg),
        markers=marker_summary(markers, view_est.view, standing_tilt, track.fps),
        symmetry=symmetry,
        track=ctrack,
        raw_track=track,
    )


def _detect_steps(cleaned: CleanedTrack, view: View, cfg: Config) -> StepEvents:
    """The clip's steps; AnalysisError when there are fewer than ``cfg.min_steps``."""
    freq = cleaned.step_frequency_hz
    expected_step_s = 1.0 / freq if freq > 0 else float("nan")
    events = detect_steps(cleaned.track, view, cfg.min_step_time_s, cfg.max_step_time_s, expected_step_s)
    _require_steps(events, cleaned.track, cfg)
    return events


def _measure_steps(
    signals: dict[str, np.ndarray],
    track: PoseTrack,
    events: StepEvents,
    view: View,
    cut_frames: list[int],
    cfg: Config,
    run_start_frame: int = 0,
) -> tuple[dict[str, np.ndarray], int, int]:
    """Per-step values of every metric of the view; how many steps a cut and a small runner blanked.
    Steps before ``run_start_frame`` (a standing trial and the start of running) get no values."""
    leg_step_px = stance_leg_length_px(
        per_leg(signals, "leg_length", "px"), events.contact_frame, events.stance_end_frame, events.leg_column
    )
    values = step_values(signals, track.time_s, events, view, leg_step_px)
    values = drop_steps_before(values, events, run_start_frame)
    values, n_across = drop_steps_across_cuts(values, events, cut_frames)
    values, n_small = drop_small_frontal_steps(
        values,
        track.xy_px,
        events.midstance_frame,
        cfg.min_hip_width_px,
        round(RUNNER_SIZE_WINDOW_S * track.fps),
    )
    return values, n_across, n_small


def _median_of(metrics: tuple[MetricSummary, ...], key: str) -> float:
    """Both sides' median of a measured metric (NaN when it was not measured)."""
    found = next((m for m in metrics if m.key == key and m.side == "both" and m.measurable), None)
    return found.median if found is not None and found.n_steps else math.nan


def _tilt_uncertainty_deg(tilt_deg: float | None, uncertainty_deg: float | None, cfg: Config) -> float:
    """How far the camera roll may be off: assumed when unknown, at least the least granted when measured."""
    if tilt_deg is None:
        return cfg.unknown_tilt_deg
    return max(uncertainty_deg or 0.0, cfg.min_tilt_uncertainty_deg)


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


def marker_signals(
    markers: MarkerTrack, signals: dict[str, np.ndarray], tilt_deg: float | None
) -> dict[str, np.ndarray]:
    """The PSIS sticker line's tilt (right side lower positive) less its resting tilt: the standing
    trial's when there is one (placement and camera roll both), else the camera roll; and the hip
    adduction against it (femoral adduction is already levelled by the roll)."""
    standing = markers.standing_tilt_deg()
    tilt = markers.line_tilt_deg() - (standing if standing is not None else (tilt_deg or 0.0))
    femoral = per_leg(signals, "femoral_adduction", "deg")
    xy = markers.xy_px
    return (
        {"pelvis_marker_angle_deg": tilt}
        | split_legs("psis_marker_x", "px", xy[:, :, 0])
        | split_legs("psis_marker_y", "px", xy[:, :, 1])
        | split_legs("hip_adduction_markers", "deg", hip.marker_hip_adduction_deg(femoral, tilt))
    )


def marker_summary(
    markers: MarkerTrack | None, view: View, standing_tilt_deg: float | None, fps: float
) -> MarkerSummary | None:
    """The stickers in a few facts, for the outputs; None when they were not looked for."""
    if markers is None or view not in REAR:
        return None
    if markers.too_small:
        return MarkerSummary(markers.colour_name, markers.detection_rate, markers.diameter_px, 0.0, None)
    if not markers.usable:
        return MarkerSummary("none", 0.0, math.nan, 0.0, None)
    first, end = markers.standing
    standing_s = (end - first) / fps if standing_tilt_deg is not None else 0.0
    if markers.resting_from:
        standing_s = 0.0
    return MarkerSummary(
        markers.colour_name,
        markers.detection_rate,
        markers.diameter_px,
        standing_s,
        standing_tilt_deg,
        markers.resting_from,
    )


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
    if "pelvis_marker_angle_deg" in signals:
        values |= pelvis.marker_pelvic_drop_deg(signals["pelvis_marker_angle_deg"], events)
        start, stop = pelvis.centred_stance(events)
        rows = window_gather(per_leg(signals, "hip_adduction_markers", "deg"), start, stop, events.leg_column)
        seen = np.isfinite(values["pelvic_drop_markers_peak_deg"])  # the stickers seen all stance
        values["hip_adduction_markers_peak_deg"] = np.where(seen, nan_max_rows(rows), np.nan)
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


#: After a standing trial, steps starting within this long of its end are the start (the belt and the
#: runner speeding up), not steady running: left out.
RUN_START_S = 0.6


def capture_gate(values: dict[str, np.ndarray], metrics: tuple[MetricSummary, ...]) -> dict[str, np.ndarray]:
    """Per-step values blanked for every metric the clip cannot give (feet out of frame, too few
    frames per second): the summaries say "not measurable", so the video, steps.csv and the plots
    show no number for them either (a handrail taken for a leg drew "Shank 115 deg" before)."""
    gated = {m.key for m in metrics if not m.measurable and m.reason != NO_STEP_REASON}
    return {k: np.full_like(v, np.nan, dtype=float) if k in gated else v for k, v in values.items()}


def drop_steps_before(values: dict[str, np.ndarray], events: StepEvents, frame: int) -> dict[str, np.ndarray]:
    """Blank every value of the steps whose contact comes before ``frame``."""
    early = events.contact_frame < frame
    return {k: np.where(early, np.nan, v) for k, v in values.items()}


#: The runner's size at a step is the median hip width over this long around its midstance: the pose
#: model's hip points swing with the thighs, and at one frame they can nearly meet (the sample's left
#: midstance read 9-14 px for a runner about 35 px wide, and was called "too far away").
RUNNER_SIZE_WINDOW_S = 0.7


def drop_small_frontal_steps(
    values: dict[str, np.ndarray],
    xy: np.ndarray,
    midstance_frame: np.ndarray,
    min_hip_width_px: float,
    window_frames: int = 1,
) -> tuple[dict[str, np.ndarray], int]:
    """Add each step's ``hip_width_px`` (the median over ``window_frames`` centred on its midstance);
    blank frontal values of steps narrower than the minimum.

    Returns the new values and how many steps were blanked (0 outside frontal views).
    """
    frontal_keys = [
        k
        for k in values
        if k in CATALOGUE and CATALOGUE[k].views <= FRONTAL and not k.startswith("pelvic_drop_markers")
    ]  # the stickers' pelvic drop needs no hip point
    if not frontal_keys or not len(midstance_frame):
        return values, 0
    hips = xy[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]].astype(float)
    half = max(0, window_frames // 2)
    per_frame = np.pad(np.linalg.norm(hips[:, 0] - hips[:, 1], axis=1), half, constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(per_frame, 2 * half + 1)[midstance_frame]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a window without hips: NaN, counted as small
        width_px = np.nanmedian(windows, axis=1)
    small = ~(width_px >= min_hip_width_px)  # NaN counts as small
    blanked = {k: np.where(small, np.nan, v) if k in frontal_keys else v for k, v in values.items()}
    return blanked | {"hip_width_px": width_px}, int(small.sum())


def to_steps(events: StepEvents, values: dict[str, np.ndarray]) -> Steps:
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


# --------------------------------------------------------------------------- traces


def event_traces(events: StepEvents, cleaned: CleanedTrack) -> dict[str, np.ndarray]:
    """Per-frame stance of each leg and the frames whose leg labels were repaired (0/1 floats)."""
    stance = events.stance_mask(len(cleaned.swapped)).astype(float)
    return {
        "stance_left": stance[:, 0],
        "stance_right": stance[:, 1],
        "swap_repaired": cleaned.swapped.astype(float),
    }
