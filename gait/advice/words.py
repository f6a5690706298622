"""The advice vocabulary: symptom codes and tiers, :class:`AdviceItem`, and findings in words.

Everything the rule families in this package share: which symptoms exist and how pressing each
is, which finding codes mean what, the item and headline types, and the sentences that say which
measurement or symptom triggered an item.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from gait.analysis import Finding, MetricSummary
from gait.present import format_value

#: What an advice item is, which decides where the report shows it. "action": what to do about
#: reported warning signs (leads the report); "urgent" / "red_flag": the list of warning signs.
Kind = Literal["action", "urgent", "red_flag", "exercise", "form", "load", "avoid", "symptom", "general"]
#: How soon a warning sign needs a professional: same day, stop running until examined, or soon.
Tier = Literal["urgent", "stop", "assess"]

#: Symptom codes accepted by ``--symptoms`` -> how the report names them.
SYMPTOMS: dict[str, str] = {
    "side-of-hip": "pain at the side of the hip",
    "sit-bone": "pain at the sit bone",
    "buttock": "deep pain in the buttock",
    "radiating-tingling": "tingling or numbness spreading down the leg",
    "leg-weakness": "weakness in the leg",
    "night-pain": "pain that wakes you at night",
    "no-improvement": "no improvement after two weeks of cutting back",
    "limp": "a limp",
    "cannot-bear-weight": "not being able to put your full weight on the leg",
    "saddle-numbness": "numbness in the saddle area",
    "bladder-bowel": "a change in bladder or bowel control",
}
#: Symptom codes that say where it hurts; each brings its own loading programme.
PAIN_SITES: tuple[str, ...] = ("side-of-hip", "sit-bone", "buttock")
#: Symptom codes that are warning signs -> their tier.
WARNING_TIER: dict[str, Tier] = {
    "saddle-numbness": "urgent",
    "bladder-bowel": "urgent",
    "limp": "stop",
    "cannot-bear-weight": "stop",
    "radiating-tingling": "assess",
    "leg-weakness": "assess",
    "night-pain": "assess",
    "no-improvement": "assess",
}
#: Tiers, most pressing first.
TIER_ORDER: tuple[Tier, ...] = ("urgent", "stop", "assess")
#: Tiers that rule out running and the loading programme until a professional has seen the runner.
NO_RUNNING_TIERS: frozenset[Tier] = frozenset({"urgent", "stop"})

#: Finding codes that mean the hip does not hold the pelvis level in single-leg stance.
HIP_CONTROL_CODES = frozenset({"pelvic_drop_high", "hip_adduction_high"})
#: Metric-key prefixes of the hip-control metrics (their asymmetry is a hip-control finding too).
HIP_CONTROL_PREFIXES = ("pelvic_drop", "hip_adduction", "femoral_adduction")
#: Finding codes that a quicker, shorter step answers (a forward-tilted shank at contact is overstriding too).
STRIDE_CODES = frozenset({"overstriding", "shank_angle_high", "cadence_low"})
#: Finding code of a left-right difference; its metric_key says which metric.
ASYMMETRY_CODE = "asymmetry"
#: The cadence band the source article recommends, steps/min.
CADENCE_BAND_SPM = (170, 180)
#: The personal cadence change studied in step-rate interventions: +5 %, then +10 %.
CADENCE_STEP_UP = (0.05, 0.10)
#: Pain sites whose programme trains the hip abductors (the sit-bone programme does not).
ABDUCTOR_SITES = frozenset({"side-of-hip", "buttock"})

NOT_A_DIAGNOSIS = (
    "This report is not a diagnosis. It estimates joint positions from a single video with a pose "
    "model, so every angle carries an error of a few degrees, and its bands are screening guides chosen "
    "by the project, not clinical cut-offs: the same pattern can matter for one runner and not for "
    "another. Use it as a starting point for a conversation with a physiotherapist or doctor, who can "
    "examine you."
)


@dataclass(frozen=True)
class AdviceItem:
    """One piece of advice, with the measurement or symptom behind it.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"programme_side_of_hip"``.
    kind : Kind
        Where the report shows it (see :data:`Kind`).
    title : str
        A short heading: an instruction, or for a warning sign the sign itself.
    body : str
        What to do and why it helps, in plain words.
    why : str
        Which measurement (with number and unit) or reported symptom triggered the item, or why
        it is always shown.
    findings : tuple of Finding
        The findings this item answers; empty for general advice.
    symptoms : tuple of str
        The reported symptom codes this item answers (for a warning sign: reported by the runner).
    steps : tuple of str
        Ordered stages or a checklist (e.g. an exercise progression); may be empty.
    target_spm : (int, int) or None
        For the cadence target: its first and second stage, steps/min (the report draws it).
    """

    id: str
    kind: Kind
    title: str
    body: str
    why: str
    findings: tuple[Finding, ...] = ()
    symptoms: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    target_spm: tuple[int, int] | None = None

    @property
    def triggered_by(self) -> tuple[str, ...]:
        """The finding codes, then the symptom codes, this item answers (empty: general advice)."""
        return tuple(dict.fromkeys(f.code for f in self.findings)) + self.symptoms


@dataclass(frozen=True)
class Headline:
    """What the report and the command line lead with.

    ``alarm`` is True when a reported warning sign leads: then ``lead`` is its action item.
    Otherwise ``lead`` is the first exercise or form item, if any ("start with").
    """

    title: str
    alarm: bool
    lead: AdviceItem | None


def parse_symptoms(values: Iterable[str]) -> frozenset[str]:
    """Normalise symptom codes ("Sit_Bone" -> "sit-bone"); "none" alone means none.

    Raises ValueError naming every unknown code, or "none" given beside a symptom.
    """
    codes = {v.strip().lower().replace("_", "-").replace(" ", "-") for v in values if v.strip()}
    if "none" in codes:
        if len(codes) > 1:
            raise ValueError(f"'none' cannot be combined with {', '.join(sorted(codes - {'none'}))}.")
        return frozenset()
    unknown = sorted(codes - SYMPTOMS.keys())
    if unknown:
        raise ValueError(
            f"Unknown symptom(s) {', '.join(unknown)}; choose from {', '.join(SYMPTOMS)} (or none)."
        )
    return frozenset(codes)


def tiers_of(symptoms: Collection[str]) -> list[Tier]:
    """The warning tiers the reported symptoms reach, most pressing first."""
    reached = {WARNING_TIER[code] for code in symptoms if code in WARNING_TIER}
    return [tier for tier in TIER_ORDER if tier in reached]


# ---------------------------------------------------------------------------------------------
# Findings and measurements in words


def is_hip_control(finding: Finding) -> bool:
    if finding.code in HIP_CONTROL_CODES:
        return True
    return finding.code == ASYMMETRY_CODE and finding.metric_key.startswith(HIP_CONTROL_PREFIXES)


def _label(key: str, metrics: Sequence[MetricSummary]) -> str:
    summary = next((m for m in metrics if m.key == key), None)
    return summary.label if summary else key.replace("_", " ")


def _describe(finding: Finding, metrics: Sequence[MetricSummary]) -> str:
    """'Pelvic drop at midstance 6.1° on left stance (moderate, median of 14 steps)'."""
    summary = next((m for m in metrics if m.key == finding.metric_key and m.side == finding.side), None)
    label = _label(finding.metric_key, metrics)
    if finding.code == ASYMMETRY_CODE:
        label = f"left-right difference in {label[:1].lower()}{label[1:]}"
    where = f" on {finding.side} stance" if finding.side in ("left", "right") else ""
    detail = [finding.severity] + ([f"median of {summary.n_steps} steps"] if summary else [])
    value = format_value(finding.value, finding.unit)
    return f"{label[:1].upper()}{label[1:]} {value}{where} ({', '.join(detail)})"


def measured_text(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> str:
    return "Measured: " + "; ".join(_describe(f, metrics) for f in findings) + "."


def reported_text(codes: Sequence[str]) -> str:
    phrases = [SYMPTOMS[code] for code in codes]
    listed = phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} and {phrases[-1]}"
    return f"You reported {listed}."


def why_text(sites: Sequence[str], findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> str:
    reported = [reported_text(sites)] if sites else []
    return " ".join(reported + ([measured_text(findings, metrics)] if findings else []))


def leg_focus(findings: Sequence[Finding]) -> str:
    """An extra set for the one leg past a band; a left-right difference alone does not pick a leg
    (the pose model itself reads the two sides up to ~2 deg apart, docs/metrics.md)."""
    sides = {f.side for f in findings if f.code in HIP_CONTROL_CODES and f.side in ("left", "right")}
    if len(sides) == 1:
        return f" Train both legs, and give the {sides.pop()} leg, which measured worse, one extra set."
    return ""
