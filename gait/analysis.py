"""Result types of the metrics engine: what ``analyse_track`` returns and the report consumes.

Plain dataclasses of numpy arrays and numbers; :meth:`Analysis.to_dict` gives a
JSON-serialisable view (arrays become lists, NaN becomes None).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from gait.present import format_number, format_short, format_value
from gait.thresholds import MIN_STEPS_FOR_VERDICT, UNVALIDATED
from gait.track import PoseTrack

#: Camera views gait recognises. side_left / side_right: the runner travels toward image left / right.
View = Literal["rear", "front", "side_left", "side_right", "oblique"]
#: Stance-leg side of a step, or "both" for a summary over both sides.
Side = Literal["left", "right", "both"]
#: Views that look along the running direction: frontal-plane angles (pelvic drop, hip adduction).
FRONTAL_VIEWS: frozenset[str] = frozenset({"rear", "front"})
#: Views across the running direction: sagittal measures (overstride, shank angle, knee flexion).
SIDE_VIEWS: frozenset[str] = frozenset({"side_left", "side_right"})
#: What a summary resting on fewer steps than a verdict needs shows instead of its median.
TOO_FEW_STEPS = "not enough steps ({n})"
#: A classified view at least this sure is taken as it is (and can contradict a forced --view).
VIEW_SURE = 0.6
#: Below this the view is a guess: the report marks it poor.
VIEW_UNSURE = 0.4


def view_family(view: str) -> Literal["frontal", "side", ""]:
    """``"frontal"`` for rear and front views, ``"side"`` for side views, ``""`` otherwise (oblique)."""
    return "frontal" if view in FRONTAL_VIEWS else "side" if view in SIDE_VIEWS else ""


@dataclass(frozen=True)
class ViewEstimate:
    """The camera view of a clip, how sure we are, and why."""

    view: View
    confidence: float  # 0-1
    reason: str
    overridden: bool = False  # True when the user forced it with --view

    @property
    def certainty(self) -> Literal["high", "moderate", "low"]:
        """The confidence in words, by :data:`VIEW_SURE` and :data:`VIEW_UNSURE`."""
        return (
            "high"
            if self.confidence >= VIEW_SURE
            else "moderate"
            if self.confidence >= VIEW_UNSURE
            else "low"
        )


@dataclass(frozen=True, eq=False)
class Steps:
    """One row per step: the stance of one leg, from its initial contact to the next contralateral contact.

    All arrays have shape (n_steps,). Frame indices refer to the PoseTrack; -1 means unknown.
    ``values`` maps a per-step metric key (see :class:`MetricSummary`) to an (n_steps,) float
    array, NaN where the step could not be measured.
    """

    side: np.ndarray  # str, "left" / "right": the stance leg
    contact_frame: np.ndarray  # int
    midstance_frame: np.ndarray  # int
    toe_off_frame: np.ndarray  # int, -1 when not detectable in this view
    stance_end_frame: np.ndarray  # int, last frame of stance (toe-off, or where the foot starts to rise)
    end_frame: np.ndarray  # int, the next contralateral contact (end of the step)
    contact_time_s: np.ndarray  # float
    step_time_s: np.ndarray  # float
    values: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.side)

    @classmethod
    def empty(cls) -> Steps:
        i = np.zeros(0, int)
        f = np.zeros(0, float)
        return cls(np.zeros(0, "<U5"), i, i, i, i, i, f, f, {})


@dataclass(frozen=True)
class MetricSummary:
    """A metric summarised over the steps of one side (or both).

    ``measurable`` False means the metric means nothing in this clip (e.g. pelvic drop in a
    side view); then ``reason`` says why and the numbers are NaN. ``band`` is the verdict from
    the threshold table, or None when there are too few steps for a verdict.
    """

    key: str  # e.g. "pelvic_drop_midstance_deg"
    label: str  # e.g. "Contralateral pelvic drop at midstance"
    unit: str  # e.g. "deg", "steps/min", "leg lengths", "s", "%"
    side: Side
    median: float
    q1: float
    q3: float
    n_steps: int
    confidence: float  # 0-1
    notes: tuple[str, ...] = ()  # what lowered the confidence, caveats
    measurable: bool = True
    reason: str = ""
    band: str | None = None  # e.g. "normal", "mild", "moderate", "severe"
    enough_steps: bool = True  # False: fewer steps than a verdict needs; shown as "not enough steps (n)"
    verdict_steps: int | None = None  # the count judged, when not n_steps (a mean of sides: its fewer)

    @property
    def iqr(self) -> float:
        return self.q3 - self.q1

    def shown(self, short: bool = False) -> str:
        """The median as people see it: with its unit (``short``: for a cell whose heading names
        the unit), or ``not enough steps (n)`` when it rests on fewer steps than a verdict needs.

        Every headline (the CLI's table, the report's tiles and table, the video's panel) writes
        a summary with this, so none of them shows a number resting on too few steps.
        """
        if self.measurable and not self.enough_steps:
            n = self.n_steps if self.verdict_steps is None else self.verdict_steps
            return TOO_FEW_STEPS.format(n=n)
        return format_short(self.median, self.unit) if short else format_value(self.median, self.unit)


@dataclass(frozen=True)
class Finding:
    """Something the numbers say that advice and the report act on."""

    code: str  # e.g. "pelvic_drop_high", "hip_adduction_high", "overstriding", "cadence_low", "asymmetry"
    metric_key: str
    side: Side
    severity: Literal["mild", "moderate", "severe"]
    value: float
    unit: str
    message: str  # one sentence for a runner, with the number, unit and step count


@dataclass(frozen=True)
class WorstStep:
    """The step whose value of ``key`` is the most extreme credible one: the still the outputs show."""

    index: int  # row in Analysis.steps
    frame: int  # the frame to show: midstance for stance metrics, contact for contact metrics
    side: str
    key: str
    value: float
    unit: str
    label: str


@dataclass(frozen=True)
class ShotSummary:
    """The steps and cadence of one shot of a clip edited from several (hard cuts between them).

    Steps are counted by their initial contact; a step spanning a cut counts in ``steps`` but has
    no step time, so it adds nothing to the cadence.
    """

    shot: int  # 1, 2, ... in clip order
    first_frame: int
    last_frame: int
    start_s: float
    end_s: float
    steps: int
    left: int
    right: int
    cadence_spm: float  # NaN when no step of the shot could be timed
    cadence_steps: int  # timed steps the cadence rests on
    enough_steps: bool  # cadence_steps reach what a verdict needs; else shown as "not enough steps (n)"

    def shown_cadence(self) -> str:
        """The shot's cadence, or ``not enough steps (n)`` (see :meth:`MetricSummary.shown`)."""
        if not self.enough_steps:
            return TOO_FEW_STEPS.format(n=self.cadence_steps)
        return format_value(self.cadence_spm, "steps/min")


@dataclass(frozen=True)
class SymmetryCheck:
    """A left-right comparison that was judged (gait.findings.symmetry_checks): the difference of the
    two sides' medians (left - right) against the allowance (detectable difference + the bench's
    error + the roll allowance), in the metric's unit."""

    key: str
    difference: float
    allowance: float

    @property
    def asymmetric(self) -> bool:
        return abs(self.difference) > self.allowance


@dataclass(frozen=True)
class MarkerSummary:
    """What the PSIS stickers of a rear view gave (gait.markers): ``found_share`` 0 when none were
    found; ``standing_s`` 0 without a standing trial, whose resting tilt is then None."""

    colour: str
    found_share: float  # of the frames showing the runner
    diameter_px: float
    standing_s: float
    standing_tilt_deg: float | None  # the stickers' resting tilt, subtracted (placement and roll)
    standing_clip: str = ""  # the separate standing clip it came from (``--static``), if any

    @property
    def found(self) -> bool:
        return self.found_share > 0


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the metrics engine measured on one clip."""

    view: ViewEstimate
    fps: float
    duration_s: float
    n_frames: int
    frame_size_px: tuple[int, int]
    steps: Steps
    metrics: tuple[MetricSummary, ...]
    findings: tuple[Finding, ...]
    tilt_deg: float | None  # camera roll estimate, + clockwise; None when unknown
    quality_notes: tuple[str, ...]
    pitch_deg: float | None = None  # camera pitch estimate, + looking down; None when unknown
    slowed_by: float = 1.0  # the clip plays this many times slower than filmed; times and fps are as filmed
    traces: dict[str, np.ndarray] = field(default_factory=dict)  # per-frame signals, (frames,) each
    worst_step: WorstStep | None = None  # the step the still shows (see gait.findings.worst_step)
    person: dict[str, Any] | None = None  # who was followed among several people (gait.pose.person)
    shots: tuple[ShotSummary, ...] = ()  # per shot, when hard cuts split the clip (else empty)
    markers: MarkerSummary | None = None  # PSIS stickers, when looked for (rear views)
    symmetry: tuple[SymmetryCheck, ...] = ()  # the left-right comparisons that were judged
    track: PoseTrack | None = None  # the cleaned track (not serialised)
    raw_track: PoseTrack | None = None  # the track as the model gave it (not serialised)

    def verdict(self, m: MetricSummary) -> str:
        """What was judged of a summary, in words, the one wording of the CLI table and the report:
        its band; or why there is none; for a side comparison that was judged, its outcome."""
        if not m.measurable:
            return ""
        check = next((c for c in self.symmetry if c.key == m.key), None)
        if check is not None and m.side == "both":
            words = "asymmetric" if check.asymmetric else "symmetric"
            sign = ">" if check.asymmetric else "within"
            diff = format_number(abs(check.difference), m.unit)
            band = f"{m.band}, " if m.band else ""
            return f"{band}{words}: L-R {diff} {sign} {format_value(check.allowance, m.unit)}"
        if m.band:
            return m.band
        if m.key in UNVALIDATED:
            return "no verdict (not validated)"
        if not m.enough_steps:
            return f"no verdict (<{MIN_STEPS_FOR_VERDICT} steps)"
        if check is not None:
            return "no band; sides compared (both)"
        return "no band for this measure"

    def metric(self, key: str, side: Side) -> MetricSummary | None:
        """The summary of ``key`` for ``side``, or None."""
        return next((m for m in self.metrics if m.key == key and m.side == side), None)

    def to_dict(self, include_traces: bool = False) -> dict[str, Any]:
        """A JSON-serialisable dict (arrays to lists, NaN to None)."""
        out: dict[str, Any] = {
            "view": dataclasses.asdict(self.view),
            "fps": self.fps,
            "duration_s": self.duration_s,
            "n_frames": self.n_frames,
            "frame_size_px": list(self.frame_size_px),
            "tilt_deg": self.tilt_deg,
            "pitch_deg": self.pitch_deg,
            "quality_notes": list(self.quality_notes),
            "metrics": [dataclasses.asdict(m) | {"iqr": m.iqr} for m in self.metrics],
            "findings": [dataclasses.asdict(f) for f in self.findings],
            "worst_step": dataclasses.asdict(self.worst_step) if self.worst_step else None,
            "person": self.person,
            "shots": [dataclasses.asdict(shot) for shot in self.shots],
            "markers": dataclasses.asdict(self.markers) if self.markers else None,
            "symmetry": [dataclasses.asdict(c) | {"asymmetric": c.asymmetric} for c in self.symmetry],
            "steps": {
                "side": self.steps.side,
                "contact_frame": self.steps.contact_frame,
                "midstance_frame": self.steps.midstance_frame,
                "toe_off_frame": self.steps.toe_off_frame,
                "stance_end_frame": self.steps.stance_end_frame,
                "end_frame": self.steps.end_frame,
                "contact_time_s": self.steps.contact_time_s,
                "step_time_s": self.steps.step_time_s,
                "values": self.steps.values,
            },
        }
        if include_traces:
            out["traces"] = self.traces
        return jsonable(out)


def jsonable(obj: Any) -> Any:
    """Recursively convert numpy values to JSON types; NaN and inf become None."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return jsonable(obj.item())
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj
