"""Every metric the engine reports: key, label, unit, the views where it means something, caveats."""

from __future__ import annotations

from dataclasses import dataclass

from gait.analysis import FRONTAL_VIEWS as FRONTAL
from gait.analysis import SIDE_VIEWS as SIDE

ALL_VIEWS = FRONTAL | SIDE | {"oblique"}
#: Key of the cadence summary (one value over both sides, 60 / mean step time).
CADENCE_KEY = "cadence_steps_per_min"


@dataclass(frozen=True)
class MetricInfo:
    """Description of one metric key.

    Attributes
    ----------
    key, label, unit : str
        As in :class:`gait.analysis.MetricSummary`.
    views : frozenset of str
        Views where the metric is measured; elsewhere it is reported as not measurable.
    per_side : bool
        Summarised per stance side (and both); False: only over both sides.
    roll_sensitive : bool
        A camera roll of r shifts the two sides by +r and -r (asymmetry needs the tilt).
    landmarks : tuple of str
        Landmark kinds the value depends on (for the visibility part of the confidence).
    needs_feet : bool
        Not measurable when the feet are out of the frame.
    caveat : str
        Shown with the value.
    markers : bool
        Read off the PSIS stickers (gait.markers): listed only for a clip where they were found.
    """

    key: str
    label: str
    unit: str
    views: frozenset[str]
    per_side: bool = True
    roll_sensitive: bool = False
    landmarks: tuple[str, ...] = ("hip", "knee", "ankle")
    caveat: str = ""
    markers: bool = False

    @property
    def needs_feet(self) -> bool:
        return any(kind in self.landmarks for kind in ("ankle", "heel", "foot_index")) and self.key not in (
            "step_time_s",
            "cadence_steps_per_min",
        )


_FORESHORTENED = (
    "leg length is seen foreshortened by knee and hip flexion in a frontal view, so values in leg "
    "lengths read a few percent high"
)
_HJC = "from pose-model hip joint centres, not the PSIS markers of the 2D studies: an estimate"
_BENCH = (
    "not validated, so no verdict: on rendered runners with a known answer the pose model reads "
    "this angle far too small (docs/validation.md)"
)

#: Rear views only: the stickers sit on the low back.
REAR = frozenset({"rear"})
_MARKERS = (
    "from the PSIS stickers (the 2D clinical method); on rendered runners filmed at hip height with a "
    "standing trial, each side within 0.5 deg of the true pelvis (docs/validation.md); skin moving over "
    "the bone reads it lower"
)

CATALOGUE: dict[str, MetricInfo] = {
    m.key: m
    for m in (
        MetricInfo(
            "pelvic_drop_markers_midstance_deg",
            "Contralateral pelvic drop at midstance (PSIS markers)",
            "deg",
            REAR,
            landmarks=("hip",),
            caveat=_MARKERS,
            markers=True,
        ),
        MetricInfo(
            "pelvic_drop_markers_peak_deg",
            "Contralateral pelvic drop, peak over stance (PSIS markers)",
            "deg",
            REAR,
            landmarks=("hip",),
            caveat=_MARKERS,
            markers=True,
        ),
        MetricInfo(
            "pelvic_drop_markers_excursion_deg",
            "Pelvic drop excursion, contact to peak (PSIS markers)",
            "deg",
            REAR,
            landmarks=("hip",),
            caveat=f"{_MARKERS}; needs no standing trial: a constant offset cancels",
            markers=True,
        ),
        MetricInfo(
            "hip_adduction_markers_peak_deg",
            "Hip adduction to the marker pelvis line, peak over stance",
            "deg",
            REAR,
            landmarks=("hip", "knee"),
            caveat="the femur from hip joint centres against the perpendicular to the PSIS sticker line",
            markers=True,
        ),
        MetricInfo(
            "pelvic_drop_midstance_deg",
            "Contralateral pelvic drop at midstance",
            "deg",
            FRONTAL,
            roll_sensitive=True,
            landmarks=("hip",),
            caveat=f"{_HJC}; {_BENCH}",
        ),
        MetricInfo(
            "pelvic_drop_peak_deg",
            "Contralateral pelvic drop, peak over stance",
            "deg",
            FRONTAL,
            roll_sensitive=True,
            landmarks=("hip",),
            caveat=f"{_HJC}; {_BENCH}",
        ),
        MetricInfo(
            "hip_adduction_peak_deg",
            "Hip adduction (pelvis-referenced), peak over stance",
            "deg",
            FRONTAL,
            caveat=_BENCH,
        ),
        MetricInfo(
            "femoral_adduction_peak_deg",
            "Femoral adduction to vertical, peak over stance",
            "deg",
            FRONTAL,
            roll_sensitive=True,
            landmarks=("hip", "knee"),
            caveat="from hip joint centres placed outside the pose model's hip points; on rendered "
            "runners within about 2 deg at hip height, lower from a raised camera "
            "(docs/validation.md); no healthy-runner band exists, so only a left-right difference is judged",
        ),
        MetricInfo(
            "knee_fppa_peak_deg",
            "Knee frontal-plane projection angle, peak over stance",
            "deg",
            FRONTAL,
            caveat="a 2D projection angle; it does not match 3D knee valgus",
        ),
        MetricInfo(
            "trunk_lean_midstance_deg",
            "Lateral trunk lean toward the stance side at midstance",
            "deg",
            FRONTAL,
            roll_sensitive=True,
            landmarks=("hip", "shoulder"),
        ),
        MetricInfo(
            "foot_midline_offset_leg_lengths",
            "Stance foot distance from the midline at midstance (negative = crossover)",
            "leg lengths",
            FRONTAL,
            caveat=_FORESHORTENED,
        ),
        MetricInfo(
            "step_width_leg_lengths", "Step width at midstance", "leg lengths", FRONTAL, caveat=_FORESHORTENED
        ),
        MetricInfo(
            "overstride_leg_lengths",
            "Ankle ahead of the mid-hip at initial contact",
            "leg lengths",
            SIDE,
            landmarks=("hip", "knee", "ankle", "heel", "foot_index"),
        ),
        MetricInfo(
            "shank_angle_ic_deg",
            "Shank angle to vertical at initial contact (+ ankle ahead of knee)",
            "deg",
            SIDE,
            landmarks=("knee", "ankle", "heel", "foot_index"),
        ),
        MetricInfo(
            "knee_flexion_ic_deg",
            "Knee flexion at initial contact",
            "deg",
            SIDE,
            landmarks=("hip", "knee", "ankle", "heel", "foot_index"),
        ),
        MetricInfo(
            "contact_time_s",
            "Ground contact time",
            "s",
            SIDE,
            landmarks=("knee", "ankle", "heel", "foot_index"),
        ),
        MetricInfo(
            "duty_factor_pct",
            "Duty factor (contact time / stride time)",
            "%",
            SIDE,
            landmarks=("knee", "ankle", "heel", "foot_index"),
        ),
        MetricInfo(
            "vertical_oscillation_leg_lengths",
            "Vertical oscillation of the mid-hip",
            "leg lengths",
            SIDE,
            landmarks=("hip", "knee", "ankle"),
        ),
        MetricInfo("step_time_s", "Step time", "s", ALL_VIEWS, landmarks=("ankle", "heel", "foot_index")),
        MetricInfo(
            "cadence_steps_per_min",
            "Cadence",
            "steps/min",
            ALL_VIEWS,
            per_side=False,
            landmarks=("ankle", "heel", "foot_index"),
        ),
    )
}


#: The metrics that lead each view family, in order: the video's panel shows the first three a clip
#: measures, the report's tiles the first two, the still of the "worst" step the first validated one
#: with a value, and a clip that measures none of them is headlined as not measurable. With PSIS
#: stickers their pelvic drop leads; the pose model's hip-point angles come last.
LEAD_KEYS: dict[str, tuple[str, ...]] = {
    "frontal": (
        "pelvic_drop_markers_midstance_deg",
        "femoral_adduction_peak_deg",
        "hip_adduction_markers_peak_deg",
        "pelvic_drop_midstance_deg",
        "hip_adduction_peak_deg",
    ),
    "side": ("overstride_leg_lengths", "shank_angle_ic_deg", "knee_flexion_ic_deg"),
}


def not_measurable_reason(info: MetricInfo, view: str) -> str:
    """One sentence on why ``info`` is not measured in ``view``."""
    where = {
        "side_left": "a side view",
        "side_right": "a side view",
        "rear": "a rear view",
        "front": "a front view",
        "oblique": "an oblique view",
    }[view]
    if info.views <= FRONTAL:
        why = "it is a frontal-plane angle or distance; film from directly behind or in front"
    elif info.views <= SIDE:
        why = "it needs the fore-aft direction; film from the side"
    else:
        why = "the body is seen at an angle; film from the side or from behind"
    return f"not measurable in {where}: {why}"
