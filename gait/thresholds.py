"""The one table of threshold bands that turns medians into verdicts, with the basis of each.

Bands are ``normal < cut[0] <= mild < cut[1] <= moderate < cut[2] <= severe`` for metrics
where higher is worse (reversed where lower is worse). No validated cut-off exists for any
of these 2D video measures in running; every band here is a stated project choice,
anchored where possible on the evidence summarised in docs/metrics.md. Change them by
building a new :class:`ThresholdTable` (e.g. ``DEFAULT_THRESHOLDS.with_band(key, Band(...))``)
and passing it in ``gait.engine.Config``. ``DEFAULT_THRESHOLDS`` leaves out the metrics the
known-answer bench has not validated (:data:`UNVALIDATED`); ``SCREENING_THRESHOLDS`` has them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

#: Fewer steps on a side give values but no verdict: Dingenen et al. 2018 needed 6.3 +- 0.3 steps
#: for a stable mean of 2D pelvic drop.
MIN_STEPS_FOR_VERDICT = 7

BandName = Literal["normal", "mild", "moderate", "severe"]
_NAMES: tuple[BandName, ...] = ("normal", "mild", "moderate", "severe")


@dataclass(frozen=True)
class Band:
    """Cut points of one metric and why they are where they are.

    Attributes
    ----------
    cuts : (float, float, float)
        Boundaries normal|mild, mild|moderate, moderate|severe, in the metric's unit.
    higher_is_worse : bool
        False for metrics where a low value is the concern (cadence).
    basis : str
        Source or stated reasoning.
    """

    cuts: tuple[float, float, float]
    higher_is_worse: bool = True
    basis: str = ""

    def classify(self, value: float) -> BandName | None:
        """The band of ``value`` (None for NaN)."""
        if not math.isfinite(value):
            return None
        v = value if self.higher_is_worse else -value
        cuts = self.cuts if self.higher_is_worse else tuple(-c for c in self.cuts)
        return _NAMES[sum(v >= c for c in cuts)]


@dataclass(frozen=True)
class ThresholdTable:
    """Bands per metric key, and the detectable side-to-side difference per metric.

    Attributes
    ----------
    bands : dict
        Metric key -> :class:`Band`; metrics without a band get values but no verdict.
    detectable_difference : dict
        Metric key -> smallest left-right difference that is more than measurement noise,
        in the metric's unit (published test-retest figures); only these metrics get asymmetry
        findings.
    bench_asymmetry_error : dict
        Metric key -> how far the known-answer bench saw the pose model's left-right difference
        off the true one (twice the RMS over clips), every frame read with its mirror image (the
        default for rear and front views); added to the detectable difference before an
        asymmetry is called.
    single_pass_asymmetry_error : dict
        The same, for frames read once (``--no-symmetric``, or a runner picked among several).
    judged_on_both_sides_only : frozenset
        Keys banded on their both-sides value only (see :meth:`both_sides_only`).
    """

    bands: dict[str, Band] = field(default_factory=dict)
    detectable_difference: dict[str, float] = field(default_factory=dict)
    bench_asymmetry_error: dict[str, float] = field(default_factory=dict)
    single_pass_asymmetry_error: dict[str, float] = field(default_factory=dict)
    judged_on_both_sides_only: frozenset[str] = frozenset()

    def both_sides_only(self, keys: frozenset[str]) -> ThresholdTable:
        """A copy that judges ``keys`` on the mean of both sides only: no band per side, no asymmetry
        (for values whose sides carry an unknown opposite offset, such as an unlevelled sticker line)."""
        return replace(
            self,
            detectable_difference={k: v for k, v in self.detectable_difference.items() if k not in keys},
            judged_on_both_sides_only=self.judged_on_both_sides_only | keys,
        )

    def asymmetry_error(self, key: str, symmetric: bool) -> float:
        """The bench's error on ``key``'s left-right difference, for frames read with or without their
        mirror image (0 when the bench has no figure)."""
        return (self.bench_asymmetry_error if symmetric else self.single_pass_asymmetry_error).get(key, 0.0)

    def classify(self, key: str, value: float) -> BandName | None:
        """Band of ``value`` for ``key``, None when the key has no band or the value is NaN."""
        band = self.bands.get(key)
        return band.classify(value) if band else None

    def with_band(self, key: str, band: Band) -> ThresholdTable:
        """A copy with ``key``'s band replaced."""
        return replace(self, bands={**self.bands, key: band})


_CPD_BASIS = (
    "Project choice. 2D CPD smallest detectable difference 2.7-2.8 deg (Dingenen 2018), so bands are "
    "about 3 deg wide; CPD predicted injury with odds up ~80%/deg (Bramah 2018, 3D). An open project "
    "uses normal <2, mild 2-5, moderate 5-10, severe >10 without citation; hip joint centres from a "
    "pose model move less than skin markers, and 2-5 deg is common in healthy runners, so 'normal' "
    "here extends to 5 deg."
)
_HIP_ADD_BASIS = (
    "Project choice. No validated 2D cut-off; bands are ~3 deg wide, the detectable difference of 2D "
    "hip adduction (2.3-3.8 deg, Dingenen 2018); higher peak hip adduction is associated with "
    "patellofemoral pain in female runners and is lowered by a higher step rate (Heiderscheit 2011)."
)
_OVERSTRIDE_BASIS = (
    "Project choice. Overstriding = the foot landing well ahead of the centre of mass (Souza 2016); "
    "no published cut-off in leg lengths. A landing ankle about a quarter leg length ahead of the hip "
    "is typical of easy running; each band adds about 0.07 leg lengths (~6 cm)."
)
_SHANK_BASIS = (
    "Project choice. A near-vertical shank at contact is the usual coaching target (Souza 2016); "
    "2D shank angle detectable difference 2.2-4.8 deg (Dingenen 2018), so bands are 3-4 deg wide."
)
_CADENCE_BASIS = (
    "Project choice. The source article's band is 170-180 steps/min, but cadence rises with speed and "
    "falls with height; a +5-10% change is the evidence-based target (Heiderscheit 2011). Mild starts "
    "more than ~5% below 170 and each band is a further ~6%."
)

#: Every band the project would screen with, were the measurement right (see docs/metrics.md).
SCREENING_THRESHOLDS = ThresholdTable(
    bands={
        "pelvic_drop_midstance_deg": Band((5.0, 8.0, 11.0), basis=_CPD_BASIS),
        "pelvic_drop_peak_deg": Band(
            (6.0, 9.0, 12.0), basis=_CPD_BASIS + " Peak bands sit 1 deg above midstance."
        ),
        "hip_adduction_peak_deg": Band((12.0, 15.0, 18.0), basis=_HIP_ADD_BASIS),
        "pelvic_drop_markers_midstance_deg": Band((5.0, 8.0, 11.0), basis=_CPD_BASIS),
        "pelvic_drop_markers_peak_deg": Band(
            (6.0, 9.0, 12.0), basis=_CPD_BASIS + " Peak bands sit 1 deg above midstance."
        ),
        "hip_adduction_markers_peak_deg": Band((12.0, 15.0, 18.0), basis=_HIP_ADD_BASIS),
        "overstride_leg_lengths": Band((0.28, 0.35, 0.42), basis=_OVERSTRIDE_BASIS),
        "shank_angle_ic_deg": Band((8.0, 12.0, 16.0), basis=_SHANK_BASIS),
        "cadence_steps_per_min": Band((160.0, 150.0, 140.0), higher_is_worse=False, basis=_CADENCE_BASIS),
    },
    detectable_difference={
        # Dingenen et al. 2018, one week apart: CPD 2.7-2.8, hip adduction 2.3-3.8 deg; ~3 deg used.
        "pelvic_drop_midstance_deg": 3.0,
        "hip_adduction_peak_deg": 3.0,
        # The same figures for the marker measures, which are the studies' own method.
        "pelvic_drop_markers_midstance_deg": 2.8,
        "hip_adduction_markers_peak_deg": 3.0,
        # No femur-to-vertical figure was found; that of hip adduction (the femur against the pelvis).
        "femoral_adduction_peak_deg": 3.0,
    },
    # docs/validation.md, "Left-right difference": twice the RMS error over the seven level
    # hip-height clips of the bench's hold-out grid, full model: 1.05 deg with each frame read
    # with its mirror image, 1.47 deg without.
    # The PSIS stickers' pelvic drop: twice the RMS error of the left-right difference on the four
    # hold-out hip-height clips with a standing trial (0.34 deg; docs/validation.md, PSIS markers);
    # the stickers do not come from the pose model, so reading frames mirrored changes nothing.
    bench_asymmetry_error={"femoral_adduction_peak_deg": 2.1, "pelvic_drop_markers_midstance_deg": 0.7},
    single_pass_asymmetry_error={"femoral_adduction_peak_deg": 2.9, "pelvic_drop_markers_midstance_deg": 0.7},
)

#: Metrics the known-answer bench has not shown to be right (docs/validation.md): through the pose
#: model, a rendered runner's 0-9 deg of pelvic drop reads as about -3 to +1 deg (the model's hip
#: points follow the thighs, not the pelvis), and pelvis-referenced hip adduction inherits that.
#: Their numbers are shown with that caveat, but they get no band, no asymmetry verdict and no
#: before/after verdict until a measurement passes the bench. Femoral adduction passed once the hip
#: joint centres are placed where they are (gait.metrics.hip.HIP_JOINT_WIDTH_RATIO); it has no
#: published healthy-runner band, so it gets an asymmetry verdict only.
UNVALIDATED = frozenset(
    {
        "pelvic_drop_midstance_deg",
        "pelvic_drop_peak_deg",
        "hip_adduction_peak_deg",
        # Against the sticker line the hip adduction still needs the pose model's femur through
        # stance, and its peak comes at another moment than the pelvis's: on the bench it read
        # 2.7-3.2 deg low (docs/validation.md). Shown, not judged.
        "hip_adduction_markers_peak_deg",
    }
)

#: Marker metrics whose per-side value carries the stickers' placement: without a standing trial
#: only the mean of both sides is judged (a sticker 5 mm high on one side adds +3 deg to one side
#: and -3 deg to the other).
MARKER_PLACEMENT_KEYS = frozenset(
    {"pelvic_drop_markers_midstance_deg", "pelvic_drop_markers_peak_deg", "hip_adduction_markers_peak_deg"}
)

#: The table verdicts come from: the screening bands less what the bench has not validated.
DEFAULT_THRESHOLDS = ThresholdTable(
    bands={k: b for k, b in SCREENING_THRESHOLDS.bands.items() if k not in UNVALIDATED},
    detectable_difference={
        k: d for k, d in SCREENING_THRESHOLDS.detectable_difference.items() if k not in UNVALIDATED
    },
    bench_asymmetry_error=SCREENING_THRESHOLDS.bench_asymmetry_error,
    single_pass_asymmetry_error=SCREENING_THRESHOLDS.single_pass_asymmetry_error,
)
