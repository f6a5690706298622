"""Per-metric summaries: median, quartiles, step count, confidence with its reasons, and band.

:func:`summarise` turns the per-step values into one :class:`~gait.analysis.MetricSummary` per
metric and side. The confidence is a product of named factors (view, steps, visibility, cadence
agreement, far leg, runner size); each factor below 0.95 adds its sentence to the notes.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from gait.analysis import MetricSummary, ShotSummary, Side, View, ViewEstimate
from gait.config import Config
from gait.events import StepEvents
from gait.findings import verdict_band
from gait.markers import MarkerTrack
from gait.metrics.cadence import STEP_TIME_OUTLIER_FRACTION, cadence_spm
from gait.metrics.catalogue import CATALOGUE, FRONTAL, MetricInfo, not_measurable_reason
from gait.track import LANDMARK_INDEX, PoseTrack

#: Why a metric the view allows has no value: every step was left out (see the quality notes).
NO_STEP_REASON = "no step of this clip could be measured; see the capture notes"
#: Hips at least this far apart in the image give frontal angles full confidence: one pixel of
#: landmark error is then 1.4 deg, half the detectable difference; narrower hips scale it down.
SHARP_HIP_WIDTH_PX = 40.0
#: Confidence factor applied to the far (partly occluded) leg in a side view.
FAR_LEG_FACTOR = 0.8
#: A confidence factor below this is named in the summary's notes.
NOTED_BELOW = 0.95
#: Note of the cadence-agreement factor.
CADENCE_DISAGREES_NOTE = "step events and the mid-hip bounce disagree on cadence"
#: Note of the far-leg factor.
FAR_LEG_NOTE = "far leg in a side view (partly hidden)"


class Factor(NamedTuple):
    """One reason the confidence is below 1: the sentence for the notes and the factor (0-1)."""

    note: str
    value: float


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
    cadence_spm: float,
    allow_verdicts: bool = True,
    markers: MarkerTrack | None = None,
) -> tuple[MetricSummary, ...]:
    """Median, IQR, step count, confidence and band of every metric, per side and both sides.

    ``cadence_spm`` is the clip's cadence (:func:`gait.metrics.cadence.cadence_spm`, computed once
    by the engine); it is the both-sides value of the cadence summary. The marker metrics are listed
    only with ``markers`` (the PSIS stickers were found); their detection rate is a confidence factor.
    """
    out: list[MetricSummary] = []
    for key, info in CATALOGUE.items():
        if info.markers and markers is None:
            continue
        reason = _unmeasurable_reason(info, view.view, fps, cfg, events.feet_visible)
        if reason:
            out.extend(_unmeasurable(info, side, reason) for side in _sides(info))
            continue
        # The stickers' centres are sub-pixel: the small-runner factor, for hip points, is not theirs.
        hip_width = values.get("hip_width_px") if info.views <= FRONTAL and not info.markers else None
        sides = {
            side: _summary(
                info, side, values[key], events, view, vis, fps, agreement, cfg, hip_width, markers
            )
            for side in _sides(info)
        }
        if info.per_side:
            sides["both"] = _mean_of_sides(sides["both"], sides["left"], sides["right"], cfg)
        if key == "cadence_steps_per_min":
            sides["both"] = replace(sides["both"], median=cadence_spm)
        for summary in sides.values():
            if summary.n_steps == 0:
                out.append(replace(summary, measurable=False, reason=NO_STEP_REASON))
                continue
            band = verdict_band(summary, cfg.thresholds, tilt_uncertainty_deg, cfg.min_steps_for_verdict)
            out.append(replace(summary, band=band if allow_verdicts and summary.enough_steps else None))
    return tuple(out)


def _mean_of_sides(
    both: MetricSummary, left: MetricSummary, right: MetricSummary, cfg: Config
) -> MetricSummary:
    """The both-sides summary as the mean of the two sides' median and quartiles.

    Averaging the sides (rather than pooling the steps) keeps the value meaningful when
    the sides differ, and for pelvic drop it cancels camera roll. It has enough steps only when
    each side with steps has (a mean resting on two steps of one side is not headlined).
    """
    with_steps = [m for m in (left, right) if m.n_steps]
    if not with_steps:
        return both

    def mean(name: str) -> float:
        return float(np.mean([getattr(m, name) for m in with_steps]))

    fewest = min(m.n_steps for m in with_steps)
    return replace(
        both,
        median=mean("median"),
        q1=mean("q1"),
        q3=mean("q3"),
        enough_steps=both.enough_steps and fewest >= cfg.min_steps_for_verdict,
        verdict_steps=fewest,
    )


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
    markers: MarkerTrack | None = None,
) -> MetricSummary:
    """Summary of one metric on one side (or both) with its confidence and notes.

    ``hip_width_px`` (per step, frontal metrics only) lowers the confidence when the runner is small;
    for a marker metric, ``markers``' detection rate does.
    """
    on_side = np.ones(events.n, bool) if side == "both" else (events.is_left == (side == "left"))
    used = on_side & np.isfinite(per_step)
    v = per_step[used]
    n = int(v.size)
    median, q1, q3 = (float(x) for x in np.percentile(v, [50, 25, 75])) if n else (np.nan,) * 3
    factors = [
        Factor(f"view confidence {view.confidence:.2f}", 1.0 if view.overridden else view.confidence),
        Factor(
            f"only {n} steps ({cfg.min_steps_for_verdict} needed for a verdict)",
            min(1.0, n / cfg.min_steps_for_verdict),
        ),
        Factor(
            f"landmark visibility {_visibility(vis, info, side):.2f}", min(1.0, _visibility(vis, info, side))
        ),
        Factor(CADENCE_DISAGREES_NOTE, agreement),
        Factor(FAR_LEG_NOTE, _far_leg_factor(view.view, side)),
    ]
    if hip_width_px is not None and used.any():
        width = float(np.median(hip_width_px[used]))
        factors.append(
            Factor(
                f"runner small in the image (hips {width:.0f} px apart)", min(1.0, width / SHARP_HIP_WIDTH_PX)
            )
        )
    if info.markers and markers is not None:
        rate = markers.detection_rate
        factors.append(Factor(f"PSIS markers seen in {rate:.0%} of frames", rate))
    notes = [f.note for f in factors if f.value < NOTED_BELOW]
    if info.caveat:
        notes.append(info.caveat)
    if info.key in ("contact_time_s", "duty_factor_pct"):
        notes.append(f"+-1 frame (+-{1000 / fps:.0f} ms) on each contact and toe-off")
    confidence = float(np.prod([f.value for f in factors]))
    return MetricSummary(
        info.key,
        info.label,
        info.unit,
        side,
        median,
        q1,
        q3,
        n,
        round(confidence, 2),
        tuple(notes),
        enough_steps=n >= cfg.min_steps_for_verdict,
    )


def _far_leg_factor(view: View, side: Side) -> float:
    far = {"side_right": "left", "side_left": "right"}.get(view)
    return FAR_LEG_FACTOR if side == far else 1.0


def shot_summaries(
    cut_frames: list[int], time_s: np.ndarray, events: StepEvents, step_time_s: np.ndarray, cfg: Config
) -> tuple[ShotSummary, ...]:
    """Steps and cadence of each shot of a clip cut between shots (empty without cuts).

    Each shot's cadence is :func:`gait.metrics.cadence.cadence_spm` over its own timed steps, so
    shots of different pace are not blended; it has enough steps when those reach
    ``cfg.min_steps_for_verdict``.
    """
    n_frames = len(time_s)
    cuts = sorted(c for c in cut_frames if 0 < c < n_frames)
    if not cuts:
        return ()
    bounds = [0, *cuts, n_frames]
    fps_step = float(np.median(np.diff(time_s))) if n_frames > 1 else 0.0
    out = []
    for i, (first, stop) in enumerate(itertools.pairwise(bounds)):
        mine = (events.contact_frame >= first) & (events.contact_frame < stop)
        timed = int(np.isfinite(step_time_s[mine]).sum())
        spm = (
            cadence_spm(step_time_s[mine], events.is_left[mine], STEP_TIME_OUTLIER_FRACTION)
            if timed
            else float("nan")
        )
        out.append(
            ShotSummary(
                shot=i + 1,
                first_frame=first,
                last_frame=stop - 1,
                start_s=float(time_s[first]),
                end_s=float(time_s[stop - 1] + fps_step),
                steps=int(mine.sum()),
                left=int((mine & events.is_left).sum()),
                right=int((mine & ~events.is_left).sum()),
                cadence_spm=spm,
                cadence_steps=timed,
                enough_steps=timed >= cfg.min_steps_for_verdict,
            )
        )
    return tuple(out)
