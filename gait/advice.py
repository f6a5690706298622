"""Advice from the numbers: pure rules from findings, metrics and reported symptoms to advice items.

Each rule reads the metrics engine's :class:`~gait.analysis.Finding` objects (and the
:class:`~gait.analysis.MetricSummary` objects for labels, step counts and the measured
cadence) and returns :class:`AdviceItem` objects that say what to do, why it helps, and
which measurement triggered them. No I/O happens here.

Notes
-----
The advice paraphrases the project's source article on posterior hip and buttock pain in
runners: relative rest rather than stopping, low-impact cross-training, avoiding positions
that compress an irritated tendon, gluteus-medius strengthening with a progression, core
stability, a quicker cadence toward 170-180 steps/min, and the warning signs that need a
professional. The personal cadence target (+5-10 % of the measured rate) follows the
step-rate studies summarised in ``docs/metrics.md`` (Heiderscheit et al. 2011).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from gait.analysis import Finding, MetricSummary

#: What an advice item is, which decides where the report shows it.
Kind = Literal["exercise", "form", "load", "avoid", "symptom", "red_flag", "general"]

#: Finding codes that mean the hip does not hold the pelvis level in single-leg stance.
HIP_CONTROL_CODES = frozenset({"pelvic_drop_high", "hip_adduction_high"})
#: Metric-key prefixes whose left-right asymmetry also calls for hip-control work.
HIP_CONTROL_PREFIXES = ("pelvic_drop", "hip_adduction", "femoral_adduction")
#: Finding codes that a quicker, shorter step answers (a forward-tilted shank at contact is overstriding too).
STRIDE_CODES = frozenset({"overstriding", "shank_angle_high", "cadence_low"})
#: Finding code of a left-right difference; its metric_key says which metric.
ASYMMETRY_CODE = "asymmetry"
#: Metric key of the clip's cadence, steps per minute.
CADENCE_KEY = "cadence_steps_per_min"
#: The cadence band the source article recommends, steps/min.
CADENCE_BAND_SPM = (170, 180)
#: The personal cadence change studied in step-rate interventions: +5 % to +10 %.
CADENCE_STEP_UP = (0.05, 0.10)

#: Symptom codes accepted by ``--symptoms`` -> how the report names them.
SYMPTOMS: dict[str, str] = {
    "side-of-hip": "pain at the side of the hip",
    "sit-bone": "pain at the sit bone",
    "radiating-tingling": "tingling or numbness spreading down the leg",
    "night-pain": "pain at night",
    "limp": "a limp",
}

#: Decimal places used when a value of this unit is written out.
UNIT_DIGITS: dict[str, int] = {"deg": 1, "steps/min": 0, "%": 0, "s": 2, "leg lengths": 2}

NOT_A_DIAGNOSIS = (
    "This report is not a diagnosis. It estimates joint positions from a single video with a pose "
    "model, so every angle carries an error of a few degrees, and the same pattern can matter for one "
    "runner and not for another. Use it as a starting point for a conversation with a physiotherapist "
    "or doctor, who can examine you."
)


@dataclass(frozen=True)
class AdviceItem:
    """One piece of advice, with the measurement behind it.

    Attributes
    ----------
    id : str
        Stable identifier, e.g. ``"glute_med_progression"``.
    kind : Kind
        "exercise", "form", "load", "avoid", "symptom", "red_flag" or "general".
    title : str
        A short imperative heading.
    body : str
        What to do and why it helps, in plain words.
    why : str
        Which measurement (with number and unit) or reported symptom triggered the item, or why
        it is always shown.
    findings : tuple of Finding
        The findings this item answers; empty for general advice.
    symptoms : tuple of str
        The reported symptom codes this item answers.
    steps : tuple of str
        Ordered stages or a checklist (e.g. an exercise progression); may be empty.
    """

    id: str
    kind: Kind
    title: str
    body: str
    why: str
    findings: tuple[Finding, ...] = ()
    symptoms: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()

    @property
    def triggered_by(self) -> tuple[str, ...]:
        """The finding codes, then the symptom codes, this item answers (empty: general advice)."""
        return tuple(dict.fromkeys(f.code for f in self.findings)) + self.symptoms


def format_value(value: float, unit: str) -> str:
    """A value with its unit for a sentence: ``6.1°``, ``164 steps/min``, ``0.18 leg lengths``."""
    if not math.isfinite(value):
        return "n/a"
    text = format_number(value, unit)
    return f"{text}°" if unit == "deg" else f"{text} {unit}".rstrip()


def format_number(value: float, unit: str) -> str:
    """The number alone, with the decimals used for ``unit`` (``-0.0`` is written ``0.0``)."""
    digits = UNIT_DIGITS.get(unit, 2)
    return f"{round(value, digits) + 0.0:.{digits}f}"


def parse_symptoms(values: Iterable[str]) -> frozenset[str]:
    """Normalise symptom codes ("Sit_Bone" -> "sit-bone"); raise ValueError naming every unknown one."""
    codes = {v.strip().lower().replace("_", "-").replace(" ", "-") for v in values if v.strip()}
    unknown = sorted(codes - SYMPTOMS.keys())
    if unknown:
        raise ValueError(f"Unknown symptom(s) {', '.join(unknown)}; choose from {', '.join(SYMPTOMS)}.")
    return frozenset(codes)


def cadence_target_spm(measured_spm: float) -> tuple[int, int]:
    """The personal cadence target: +5 % to +10 % of the measured cadence, never above 180 steps/min.

    Parameters
    ----------
    measured_spm : float
        The runner's measured cadence, steps per minute.

    Returns
    -------
    (int, int)
        Low and high end of the target, steps/min. Equal to the measured value (rounded)
        when the runner is already at or above the top of the 170-180 band.
    """
    top = CADENCE_BAND_SPM[1]
    if measured_spm >= top:
        return round(measured_spm), round(measured_spm)
    low, high = (min(measured_spm * (1 + f), top) for f in CADENCE_STEP_UP)
    return round(low), round(high)


def build_advice(
    findings: Sequence[Finding],
    metrics: Sequence[MetricSummary],
    symptoms: Collection[str] = frozenset(),
) -> list[AdviceItem]:
    """All advice for one clip, most specific first.

    Parameters
    ----------
    findings : sequence of Finding
        The findings of the metrics engine (``Analysis.findings``); unknown codes are ignored.
    metrics : sequence of MetricSummary
        The metric summaries (``Analysis.metrics``), for labels, step counts and cadence.
    symptoms : collection of str
        Symptom codes from :data:`SYMPTOMS` (see :func:`parse_symptoms`).

    Returns
    -------
    list of AdviceItem
        Finding-driven items (exercise, form), then load, avoid, symptom, red-flag and the
        not-a-diagnosis statement. Red flags and the statement are always present.
    """
    hip = [f for f in findings if _is_hip_control(f)]
    stride = [f for f in findings if f.code in STRIDE_CODES]
    items: list[AdviceItem] = []
    if hip:
        items += [_glute_medius(hip, metrics), _core_stability(hip, metrics)]
    else:
        items.append(_general_strength(metrics))
    if stride:
        items.append(_cadence(stride, metrics))
    items += [_relative_rest(), _cross_training(), _avoid_compression()]
    items += [_SYMPTOM_NOTES[code] for code in SYMPTOMS if code in symptoms]
    items += _red_flags(symptoms)
    items.append(
        AdviceItem("not_a_diagnosis", "general", "Not a diagnosis", NOT_A_DIAGNOSIS, "Always shown.")
    )
    return items


def _is_hip_control(finding: Finding) -> bool:
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


def _why(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> str:
    return "Measured: " + "; ".join(_describe(f, metrics) for f in findings) + "."


def _sides(findings: Sequence[Finding]) -> set[str]:
    return {f.side for f in findings if f.side in ("left", "right")}


def _glute_medius(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    sides = _sides(findings)
    focus = (
        f" Train both legs, and give the {sides.pop()} leg, which measured worse, one extra set."
        if len(sides) == 1
        else " Train both legs equally."
    )
    body = (
        "The gluteus medius, at the side of the hip, is the muscle that keeps the pelvis level while "
        "you stand on one leg. When it cannot keep up, the opposite hip sags and the thigh swings "
        "inward, which loads the tendons around the hip. Build strength in stages and move on when "
        "the current stage feels easy and the hip is no sorer the next morning." + focus
    )
    steps = (
        "Clamshells: lie on your side, knees bent, and lift the top knee without letting the pelvis "
        "roll back. 3 sets of 15, most days.",
        "Side-lying leg raises and side planks (start from the knees): 3 sets of 10-12 raises and "
        "3-5 holds of 20-30 s, three times a week.",
        "Single-leg deadlifts: balance on one leg and hinge forward at the hip, keeping the pelvis "
        "level and the knee over the foot. 3 sets of 8 slow repetitions, two to three times a week.",
    )
    return AdviceItem(
        "glute_med_progression",
        "exercise",
        "Strengthen the side of the hip, in three stages",
        body,
        _why(findings, metrics),
        tuple(findings),
        steps=steps,
    )


def _core_stability(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "The trunk muscles give the hip a stable base: when the abdominals and back muscles hold the "
        "torso still, the pelvis is easier to keep level over the standing leg. Two or three times a "
        "week, work on holding the trunk steady rather than on moving it."
    )
    steps = (
        "Front plank and side plank: 3-5 holds of 20-40 s with a straight line from head to heels.",
        "Anti-rotation press (Pallof press): hold an elastic band anchored beside you at chest height "
        "and press it straight out without letting the trunk turn. 3 sets of 10 per side.",
        "Dead bug: on your back, lower the opposite arm and leg slowly while the lower back stays "
        "flat. 3 sets of 8 per side.",
    )
    return AdviceItem(
        "core_stability",
        "exercise",
        "Train the trunk to stay steady",
        body,
        _why(findings, metrics),
        tuple(findings),
        steps=steps,
    )


def _general_strength(metrics: Sequence[MetricSummary]) -> AdviceItem:
    unmeasurable = [m for m in metrics if m.key.startswith(HIP_CONTROL_PREFIXES) and not m.measurable]
    why = (
        f"{unmeasurable[0].label} could not be measured in this clip: {unmeasurable[0].reason}"
        if unmeasurable
        else "No pelvic drop or hip adduction finding in this clip."
    )
    body = (
        "Nothing in this clip calls for a targeted hip programme. General strength work for the hips "
        "and trunk once or twice a week is still worthwhile for any runner."
    )
    return AdviceItem("general_strength", "general", "Keep up general strength work", body, why)


def _measured_cadence(metrics: Sequence[MetricSummary]) -> float | None:
    summaries = [m for m in metrics if m.key == CADENCE_KEY and m.measurable and math.isfinite(m.median)]
    best = next((m for m in summaries if m.side == "both"), summaries[0] if summaries else None)
    return best.median if best else None


def _cadence(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    measured = _measured_cadence(metrics)
    why = _why(findings, metrics)
    answered = tuple(findings)
    if measured is None:
        body = (
            "A slightly quicker step shortens each stride, so the foot lands closer under the body and "
            "each landing brakes less. Count your steps for 30 s on an easy run, double it, and aim "
            "for 5-10 % more, set on a metronome app."
        )
        return AdviceItem("cadence_target", "form", "Take slightly quicker steps", body, why, answered)
    if measured >= CADENCE_BAND_SPM[1]:
        body = (
            f"Your cadence is already {measured:.0f} steps/min, so do not speed it up further. Think "
            "instead of landing with the foot under the hips, knee softly bent, and of pushing the ground "
            "back rather than reaching forward."
        )
        return AdviceItem("landing_cue", "form", "Land with the foot under you", body, why, answered)
    low, high = cadence_target_spm(measured)
    target = f"{low}-{high}" if high > low else f"{low}"
    plan = (
        f"Set a metronome app to {low} beats per minute and match it on easy runs, then move to {high} "
        "over a few weeks."
        if high > low
        else f"Set a metronome app to {low} beats per minute and match it on easy runs."
    )
    body = (
        f"You ran at about {measured:.0f} steps/min. A quicker step shortens each stride, so the foot "
        "lands closer under the body and each landing brakes less, which eases the load on the hip. "
        f"{plan} Change it in small steps like this rather than jumping straight to "
        f"{CADENCE_BAND_SPM[0]}-{CADENCE_BAND_SPM[1]} steps/min, the range usually recommended."
    )
    if not any(f.metric_key == CADENCE_KEY for f in findings):
        why = f"{why[:-1]}; cadence {format_value(measured, 'steps/min')}."
    why = f"{why} Target: +5-10 % of your cadence, capped at {CADENCE_BAND_SPM[1]}: {target} steps/min."
    return AdviceItem(
        "cadence_target", "form", f"Raise your cadence to {target} steps/min", body, why, answered
    )


def _relative_rest() -> AdviceItem:
    body = (
        "If the hip or buttock hurts, cut back rather than stopping: shorter runs, an easier pace, fewer "
        "runs a week, and no hills or fast sessions for now, down to a level that does not bring the "
        "pain on. Some running keeps your fitness and gives the tendon the gentle load it needs to "
        "recover. Add back a little at a time once runs stay pain-free."
    )
    return AdviceItem(
        "relative_rest", "load", "Reduce the load instead of stopping", body, "Shown to every runner."
    )


def _cross_training() -> AdviceItem:
    body = (
        "On days off running, swimming or cycling keep the heart and lungs working without the impact "
        "of running. If a saddle presses on a sore sit bone, choose swimming."
    )
    return AdviceItem(
        "cross_training", "load", "Keep fit with low-impact training", body, "Shown to every runner."
    )


def _avoid_compression() -> AdviceItem:
    body = (
        "An irritated tendon near the hip settles faster when it is not squeezed against the bone. "
        "While it is sore, leave out the positions below."
    )
    steps = (
        "Deep, long static stretches of the buttock and hamstrings: they press the tendon against the bone.",
        "Standing with your weight hanging on one hip.",
        "Sitting cross-legged or with one knee crossed over the other.",
        "Hard seats if the sit bone hurts: use a cushion and stand up regularly.",
    )
    return AdviceItem(
        "avoid_compression",
        "avoid",
        "Avoid positions that squeeze a sore tendon",
        body,
        "Shown to every runner.",
        steps=steps,
    )


def _symptom(code: str, title: str, body: str) -> AdviceItem:
    return AdviceItem(
        f"symptom_{code}", "symptom", title, body, f"You reported {SYMPTOMS[code]}.", symptoms=(code,)
    )


_SYMPTOM_NOTES: dict[str, AdviceItem] = {
    "side-of-hip": _symptom(
        "side-of-hip",
        "Pain at the side of the hip",
        "Pain and tenderness over the bony point at the side of the hip, worse when standing on one leg, "
        "climbing stairs or lying on that side, often comes from the tendons of the gluteal muscles. "
        "Sleep on the other side or on your back with a pillow between the knees, do not hang on that "
        "hip when standing, and keep the knees uncrossed when sitting.",
    ),
    "sit-bone": _symptom(
        "sit-bone",
        "Pain at the sit bone",
        "A deep ache right at the sit bone, worse when accelerating, running uphill or after sitting for "
        "a long time, often comes from the hamstring tendon where it attaches. Sit on a cushion, break "
        "up long sitting, skip hamstring stretches that pull on it, and leave hills and fast running out "
        "until it calms down.",
    ),
    "radiating-tingling": _symptom(
        "radiating-tingling",
        "Tingling down the leg",
        "Deep buttock pain with tingling can come from the piriformis muscle irritating the sciatic "
        "nerve, but the lower back can cause the same feeling. Nerve symptoms are a reason to have it "
        "checked (see the warning signs); meanwhile avoid deep buttock stretches and long sitting.",
    ),
    "night-pain": _symptom(
        "night-pain",
        "Pain at night",
        "Pain that wakes you from sleep is one of the warning signs: book an assessment rather than "
        "managing it on your own.",
    ),
    "limp": _symptom(
        "limp",
        "Limping",
        "If the pain makes you limp, stop running until a professional has seen you: a bone stress "
        "injury has to be ruled out first.",
    ),
}

#: The warning signs: (id, title, body, the symptom code that matches it or "").
_RED_FLAGS: tuple[tuple[str, str, str, str], ...] = (
    (
        "red_flag_no_improvement",
        "No better after two weeks",
        "The pain has not eased, or has got worse, after two weeks of reduced running.",
        "",
    ),
    (
        "red_flag_nerve",
        "Numbness, tingling or weakness down the leg",
        "Nerve symptoms spreading down the leg or into the foot can mean a trapped nerve or a problem in "
        "the lower back.",
        "radiating-tingling",
    ),
    (
        "red_flag_night_pain",
        "Pain that wakes you",
        "Pain that is bad enough to wake you needs to be looked at, even if it settles during the day.",
        "night-pain",
    ),
    (
        "red_flag_limp",
        "A limp, or you cannot put your full weight on the leg",
        "This can be a sign of a bone stress injury, which has to be ruled out before running on.",
        "limp",
    ),
)


def _red_flags(symptoms: Collection[str]) -> list[AdviceItem]:
    items = []
    for flag_id, title, body, code in _RED_FLAGS:
        reported = bool(code) and code in symptoms
        why = f"You reported {SYMPTOMS[code]}." if reported else "A warning sign; always shown."
        items.append(AdviceItem(flag_id, "red_flag", title, body, why, symptoms=(code,) if reported else ()))
    return items
