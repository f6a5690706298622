"""Advice from the numbers and the symptoms: pure rules, no I/O.

:func:`build_advice` reads the metrics engine's :class:`~gait.analysis.Finding` objects, its
:class:`~gait.analysis.MetricSummary` objects (labels, step counts, the measured cadence and
its band) and the symptom codes the runner reported, and returns :class:`AdviceItem`
objects that say what to do, why it helps, and which measurement or symptom triggered them.
:func:`headline` picks what the report and the command line lead with.

Notes
-----
The rules, in the order they are applied (sources for each item: ``docs/advice.md``):

1. **Warning signs first.** A reported warning sign puts an "action" item at the top, one per
   tier: same-day medical care (numbness in the saddle area, a change in bladder or bowel
   control), stop running and get examined (a limp, not bearing full weight: a bone stress
   injury must be ruled out), or book an assessment (nerve symptoms, weakness, night pain, no
   improvement after two weeks). The first two tiers replace all running advice and the
   loading programme.
2. **Symptoms drive the programme.** Pain at the side of the hip, at the sit bone or deep in
   the buttock brings a staged loading programme adapted to that site, whatever the video
   shows. A pelvic-drop or hip-adduction finding adds emphasis (which leg), a general hip
   programme when no site programme covers the abductors, and form practice with feedback.
3. **Cadence**: a personal target (+5 %, then +10 %, never above 180 steps/min unless already
   there) when the measured cadence is below 170 steps/min or a hip or stride finding is raised.
4. Load management, positions to avoid, notes on the reported pain sites, the full list of
   warning signs and the not-a-diagnosis statement.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from gait.analysis import Finding, MetricSummary
from gait.metrics.catalogue import CADENCE_KEY
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


def cadence_target(advice: Sequence[AdviceItem]) -> tuple[int, int] | None:
    """The personal cadence target the advice set, steps/min (first and second stage), or None."""
    return next((item.target_spm for item in advice if item.target_spm), None)


def cadence_target_spm(measured_spm: float) -> tuple[int, int]:
    """The personal cadence target: +5 %, then +10 % of the measured cadence, never above 180 steps/min.

    Parameters
    ----------
    measured_spm : float
        The runner's measured cadence, steps per minute.

    Returns
    -------
    (int, int)
        First and second stage of the target, steps/min. Equal to the measured value (rounded)
        when the runner is already at or above the top of the 170-180 band.
    """
    top = CADENCE_BAND_SPM[1]
    if measured_spm >= top:
        return round(measured_spm), round(measured_spm)
    low, high = (min(measured_spm * (1 + f), top) for f in CADENCE_STEP_UP)
    return round(low), round(high)


def tiers_of(symptoms: Collection[str]) -> list[Tier]:
    """The warning tiers the reported symptoms reach, most pressing first."""
    reached = {WARNING_TIER[code] for code in symptoms if code in WARNING_TIER}
    return [tier for tier in TIER_ORDER if tier in reached]


def build_advice(
    findings: Sequence[Finding],
    metrics: Sequence[MetricSummary],
    symptoms: Collection[str] = frozenset(),
) -> list[AdviceItem]:
    """All advice for one clip: actions for reported warning signs first, then the programme.

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
        Action items (kind "action") for the reported warning tiers; unless a tier rules out
        running: the loading programmes, core and form work, the cadence target, load
        management; positions to avoid and notes on the pain sites (not with same-day care);
        then every warning sign (kinds "urgent" and "red_flag") and the not-a-diagnosis
        statement, always.
    """
    tiers = tiers_of(symptoms)
    sites = [code for code in PAIN_SITES if code in symptoms]
    hip = [f for f in findings if _is_hip_control(f)]
    stride = [f for f in findings if f.code in STRIDE_CODES]
    items = [_ACTIONS[tier](symptoms, sites) for tier in tiers]
    if NO_RUNNING_TIERS.isdisjoint(tiers):
        items += _strength(sites, hip, metrics)
        cadence = _cadence(hip + stride, metrics)
        items += [cadence] if cadence else []
        items += [_relative_rest(sites), _cross_training(sites)]
    if "urgent" not in tiers:
        items.append(_avoid_compression(sites))
        items += [_SITE_NOTES[code] for code in sites]
    items += _warning_signs(symptoms)
    items.append(
        AdviceItem("not_a_diagnosis", "general", "Not a diagnosis", NOT_A_DIAGNOSIS, "Always shown.")
    )
    return items


def headline(advice: Sequence[AdviceItem], findings: Sequence[Finding]) -> Headline:
    """What to lead with: the first reported warning sign's action, else how many findings stood out."""
    action = next((item for item in advice if item.kind == "action"), None)
    if action is not None:
        return Headline(action.title, True, action)
    if findings:
        title = "One thing stood out" if len(findings) == 1 else f"{len(findings)} things stood out"
    else:
        title = "Nothing stood out in this clip"
    return Headline(title, False, next((i for i in advice if i.kind in ("exercise", "form")), None))


# ---------------------------------------------------------------------------------------------
# Findings and measurements in words


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


def _measured(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> str:
    return "Measured: " + "; ".join(_describe(f, metrics) for f in findings) + "."


def _reported(codes: Sequence[str]) -> str:
    phrases = [SYMPTOMS[code] for code in codes]
    listed = phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} and {phrases[-1]}"
    return f"You reported {listed}."


def _why(sites: Sequence[str], findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> str:
    parts = ([_reported(sites)] if sites else []) + ([_measured(findings, metrics)] if findings else [])
    return " ".join(parts)


def _leg_focus(findings: Sequence[Finding]) -> str:
    """An extra set for the one leg past a band; a left-right difference alone does not pick a leg
    (the pose model itself reads the two sides up to ~2 deg apart, docs/metrics.md)."""
    sides = {f.side for f in findings if f.code in HIP_CONTROL_CODES and f.side in ("left", "right")}
    if len(sides) == 1:
        return f" Train both legs, and give the {sides.pop()} leg, which measured worse, one extra set."
    return ""


# ---------------------------------------------------------------------------------------------
# Warning signs


def _codes(symptoms: Collection[str], tier: Tier) -> list[str]:
    return [code for code in SYMPTOMS if code in symptoms and WARNING_TIER.get(code) == tier]


def _deferred(sites: Sequence[str]) -> str:
    if not sites:
        return ""
    pains = " and the ".join(SYMPTOMS[s].removeprefix("deep ") for s in sites)
    return f" The staged loading exercises for the {pains} start once the examination allows it."


def _urgent_care(symptoms: Collection[str], sites: Sequence[str]) -> AdviceItem:
    codes = _codes(symptoms, "urgent")
    body = (
        "Numbness in the saddle area (where you would sit on a bike saddle) or a new change in bladder or "
        "bowel control can mean that the nerves at the base of the spine are being squeezed (cauda equina "
        "syndrome). That needs an emergency assessment the same day: go to an emergency department now "
        "rather than waiting for a routine appointment, and do not run or exercise until you have been seen."
    )
    why = f"{_reported(codes)} This is not something to manage on your own."
    return AdviceItem("urgent_care", "action", "Get medical help today", body, why, symptoms=tuple(codes))


def _stop_running(symptoms: Collection[str], sites: Sequence[str]) -> AdviceItem:
    codes = _codes(symptoms, "stop")
    body = (
        "A limp, or not being able to put your full weight on the leg, can be the sign of a bone stress "
        "injury (a stress reaction or fracture, for example in the hip), and running on it can make it "
        "much worse. Stop running completely, easy runs and drills included, until a physiotherapist or "
        "doctor has examined you; they may arrange a scan. Until then keep to activity that is pain-free "
        "and puts no impact through the leg." + _deferred(sites)
    )
    why = f"{_reported(codes)} A bone stress injury has to be ruled out before any running."
    return AdviceItem(
        "stop_running", "action", "Stop running and get it examined", body, why, symptoms=tuple(codes)
    )


#: Why each assess-tier sign needs a professional.
_ASSESS_REASONS: dict[str, str] = {
    "radiating-tingling": "tingling or numbness spreading down the leg points to an irritated nerve, in "
    "the buttock or in the lower back",
    "leg-weakness": "weakness in the leg can mean a nerve is being pressed on",
    "night-pain": "pain that wakes you needs to be looked at, even if it settles during the day",
    "no-improvement": "pain that has not eased after two weeks of cutting back needs a proper "
    "examination to find out why",
}


def _get_assessed(symptoms: Collection[str], sites: Sequence[str]) -> AdviceItem:
    codes = _codes(symptoms, "assess")
    reasons = "; ".join(_ASSESS_REASONS[code] for code in codes)
    nerve = {"radiating-tingling", "leg-weakness"} & set(codes)
    body = (
        f"Book an appointment with a physiotherapist or doctor in the next few days: {reasons}. Until "
        "then, the advice below is safe to follow as long as it does not make these symptoms worse; if "
        "it does, stop and say so at the appointment."
        + (
            " If numbness in the saddle area or a change in bladder or bowel control appears, or both legs "
            "are affected, get medical help the same day."
            if nerve
            else ""
        )
    )
    return AdviceItem(
        "get_assessed",
        "action",
        "Have it assessed by a physiotherapist or doctor",
        body,
        _reported(codes),
        symptoms=tuple(codes),
    )


_ACTIONS = {"urgent": _urgent_care, "stop": _stop_running, "assess": _get_assessed}

#: The warning signs: (id, kind, title, body, the symptom codes that match it).
_WARNING_SIGNS: tuple[tuple[str, Kind, str, str, tuple[str, ...]], ...] = (
    (
        "red_flag_cauda_equina",
        "urgent",
        "Numbness in the saddle area, or a new change in bladder or bowel control",
        "Get medical help the same day: these can mean the nerves at the base of the spine are being "
        "squeezed.",
        ("saddle-numbness", "bladder-bowel"),
    ),
    (
        "red_flag_limp",
        "red_flag",
        "A limp, or you cannot put your full weight on the leg",
        "Stop running until it has been examined: this can be a sign of a bone stress injury.",
        ("limp", "cannot-bear-weight"),
    ),
    (
        "red_flag_nerve",
        "red_flag",
        "Numbness, tingling or weakness down the leg",
        "Nerve symptoms spreading down the leg or into the foot can mean a trapped nerve or a problem in "
        "the lower back.",
        ("radiating-tingling", "leg-weakness"),
    ),
    (
        "red_flag_night_pain",
        "red_flag",
        "Pain that wakes you",
        "Pain bad enough to wake you needs to be looked at, even if it settles during the day.",
        ("night-pain",),
    ),
    (
        "red_flag_no_improvement",
        "red_flag",
        "No better after two weeks",
        "The pain has not eased, or has got worse, after two weeks of reduced running.",
        ("no-improvement",),
    ),
)


def _warning_signs(symptoms: Collection[str]) -> list[AdviceItem]:
    items = []
    for flag_id, kind, title, body, codes in _WARNING_SIGNS:
        reported = tuple(code for code in codes if code in symptoms)
        why = _reported(reported) if reported else "A warning sign; always shown."
        items.append(AdviceItem(flag_id, kind, title, body, why, symptoms=reported))
    return items


# ---------------------------------------------------------------------------------------------
# Strength: programmes by pain site, core, form practice


PROGRESSION = (
    " Move to the next stage when the current one feels easy and the pain is no worse the next morning; "
    "mild discomfort during an exercise (up to about 3 out of 10) is acceptable if it has settled by "
    "then. This work builds the capacity of the tendons and muscles to take load; it takes 8-12 weeks."
)
ISOMETRIC_ABDUCTION = (
    "Stage 1, isometric abduction: lie on your back with a belt around the thighs just above the knees "
    "and press the knees out into it without moving, at a moderate effort. 5 holds of 30-45 s, daily."
)
CLAMSHELL = (
    "Stage 2, clamshells: lie on the pain-free side with the knees bent and lift the top knee without "
    "letting the pelvis roll back. 3 sets of 10-15, three times a week, with bridges (3 sets of 10-12)."
)
SINGLE_LEG = (
    "Stage 3, single-leg work: step-ups onto a low step, then single-leg deadlifts (balance on one leg "
    "and hinge forward at the hip, keeping the pelvis level and the knee over the foot). 3 sets of 8 "
    "slow repetitions, two to three times a week."
)


def _programme_side_of_hip(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "Pain at the side of the hip usually means the gluteal tendons there have had more load than they "
        "could take. Exercise that loads them gradually is the treatment with the best evidence, whatever "
        "a video shows. Early on, leave out what presses the tendon against the bone: lying on the sore "
        "side, side-lying leg raises, side planks, and any movement that brings the knee across the "
        "middle of the body." + PROGRESSION + _leg_focus(hip)
    )
    return AdviceItem(
        "programme_side_of_hip",
        "exercise",
        "Load the side of the hip in stages",
        body,
        _why(["side-of-hip"], hip, metrics),
        tuple(hip),
        ("side-of-hip",),
        (ISOMETRIC_ABDUCTION, CLAMSHELL, SINGLE_LEG),
    )


def _programme_sit_bone(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "A deep ache at the sit bone usually comes from the hamstring tendon where it attaches to the "
        "bone. The tendon is pressed against the bone when the hip bends far (long sitting, deep forward "
        "bends, hamstring stretches), so the programme starts with the hip nearly straight and bends it "
        "further only as the tendon settles." + PROGRESSION
    )
    steps = (
        "Stage 1, isometrics: lie on your back with the knees bent and heels on the floor, and press the "
        "heels down and towards you without moving, at a moderate effort. 5 holds of 30-45 s, daily.",
        "Stage 2, bridges: on both legs, then on one leg, 3 sets of 10-12, three times a week. Keep any "
        "forward bend from the hips shallow for now: the trunk no lower than halfway to horizontal.",
        "Stage 3, single-leg deadlifts: balance on one leg and hinge forward at the hip with the pelvis "
        "level, going a little deeper each week as the sit bone allows. 3 sets of 8 slow repetitions, two "
        "to three times a week.",
    )
    return AdviceItem(
        "programme_sit_bone",
        "exercise",
        "Load the hamstring tendon in stages",
        body,
        _why(["sit-bone"], hip, metrics),
        tuple(hip),
        ("sit-bone",),
        steps,
    )


def _programme_buttock(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "Deep buttock pain can come from the piriformis muscle irritating the sciatic nerve; deep buttock "
        "stretches and long sitting make it worse, so leave those out. Strengthening the muscles that "
        "steady the hip, in stages, lets them take the load of running again." + PROGRESSION + _leg_focus(hip)
    )
    return AdviceItem(
        "programme_buttock",
        "exercise",
        "Strengthen the hip in stages",
        body,
        _why(["buttock"], hip, metrics),
        tuple(hip),
        ("buttock",),
        (ISOMETRIC_ABDUCTION, CLAMSHELL, SINGLE_LEG),
    )


def _hip_programme(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "The gluteus medius, at the side of the hip, holds the pelvis level while you stand on one leg. "
        "When it cannot keep up, the opposite hip sags and the thigh swings inward, which loads the "
        "tendons around the hip. Strength work in stages gives the muscle and its tendons more capacity "
        "to take that load; it does not by itself change how you run, which takes practice with feedback "
        "('Practise a level pelvis with feedback')." + PROGRESSION + _leg_focus(hip)
    )
    return AdviceItem(
        "hip_programme",
        "exercise",
        "Strengthen the muscles that hold the pelvis level",
        body,
        _measured(hip, metrics),
        tuple(hip),
        steps=(ISOMETRIC_ABDUCTION, CLAMSHELL, SINGLE_LEG),
    )


_PROGRAMMES = {
    "side-of-hip": _programme_side_of_hip,
    "sit-bone": _programme_sit_bone,
    "buttock": _programme_buttock,
}


def _strength(
    sites: Sequence[str], hip: Sequence[Finding], metrics: Sequence[MetricSummary]
) -> list[AdviceItem]:
    """Site programmes, a hip programme for hip findings no site programme covers, core, form practice."""
    items = [_PROGRAMMES[site](hip, metrics) for site in sites]
    if hip and ABDUCTOR_SITES.isdisjoint(sites):
        items.append(_hip_programme(hip, metrics))
    if "sit-bone" in sites or hip:
        items.append(_core_stability(sites, hip, metrics))
    if hip:
        items.append(_form_practice(hip, metrics))
    if not items:
        items.append(_general_strength(metrics))
    return items


def _core_stability(
    sites: Sequence[str], hip: Sequence[Finding], metrics: Sequence[MetricSummary]
) -> AdviceItem:
    reasons = []
    if "sit-bone" in sites:
        reasons.append(
            "When they tire, the pelvis tips forward, which stretches the hamstrings and pulls on their "
            "tendon at the sit bone."
        )
    if hip:
        reasons.append("A steady trunk also gives the hip muscles a stable base to hold the pelvis level.")
    body = (
        "The abdominal and lower-back muscles hold the pelvis in a neutral position under the trunk. "
        + " ".join(reasons)
        + " Two or three times a week, train the trunk to stay still rather than to move."
    )
    steps = (
        "Front plank: 3-5 holds of 20-40 s with a straight line from head to heels.",
        "Anti-rotation press (Pallof press): hold an elastic band anchored beside you at chest height and "
        "press it straight out without letting the trunk turn. 3 sets of 10 per side.",
        "Dead bug: on your back, lower the opposite arm and leg slowly while the lower back stays flat. "
        "3 sets of 8 per side.",
    )
    core_sites = [s for s in sites if s == "sit-bone"]
    return AdviceItem(
        "core_stability",
        "exercise",
        "Train the trunk to stay steady",
        body,
        _why(core_sites, hip, metrics),
        tuple(hip),
        tuple(core_sites),
        steps,
    )


def _form_practice(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "Stronger hip muscles do not by themselves change how you run: in a trial, runners' hip strength "
        "rose over six weeks while their running pattern stayed the same. Practice with feedback does: "
        "in another, eight treadmill sessions in front of a mirror reduced hip adduction and pelvic drop, "
        "and the change held three months later. Run on a treadmill facing a mirror, or film yourself "
        "from behind, and think 'knees apart, kneecaps over the toes' and 'squeeze the buttock of the "
        "standing leg'. Start with a few minutes, build up to 15-30 minutes over about eight sessions in "
        "two weeks, and look in the mirror less and less in the last sessions so the pattern holds "
        "without it."
    )
    return AdviceItem(
        "hip_form_practice",
        "form",
        "Practise a level pelvis with feedback",
        body,
        _measured(hip, metrics),
        tuple(hip),
    )


def _general_strength(metrics: Sequence[MetricSummary]) -> AdviceItem:
    hip_metrics = [m for m in metrics if m.key.startswith(HIP_CONTROL_PREFIXES)]
    judged = [m for m in hip_metrics if m.measurable and m.band is not None]
    unmeasurable = [m for m in hip_metrics if not m.measurable]
    if judged:
        status = "pelvic drop and hip adduction stayed within the screening bands in this clip"
    elif unmeasurable:
        status = f"this clip cannot show pelvic drop or hip adduction ({unmeasurable[0].reason.rstrip('.')})"
    elif hip_metrics:
        status = "this clip has too few steps for a verdict on pelvic drop or hip adduction"
    else:
        status = "pelvic drop and hip adduction were not measured"
    body = (
        f"No pain at the side of the hip, the sit bone or in the buttock was reported, and {status}, so "
        "nothing here calls for a targeted hip programme. General strength work for the hips and trunk "
        "once or twice a week is still worthwhile for any runner. If such pain starts, a staged loading "
        "programme is the first treatment."
    )
    why = f"No pain at the side of the hip, the sit bone or in the buttock reported; {status}."
    return AdviceItem("general_strength", "general", "Keep up general strength work", body, why)


# ---------------------------------------------------------------------------------------------
# Cadence


def _cadence_summary(metrics: Sequence[MetricSummary]) -> MetricSummary | None:
    """The clip's cadence when the engine gave it a verdict (enough steps, running pace)."""
    summaries = [
        m for m in metrics if m.key == CADENCE_KEY and m.measurable and m.band and math.isfinite(m.median)
    ]
    return next((m for m in summaries if m.side == "both"), summaries[0] if summaries else None)


def _cadence(findings: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem | None:
    """A personal cadence target when cadence is below the band or a hip or stride finding asks for one."""
    summary = _cadence_summary(metrics)
    # Judged on whole steps/min, as it is written, so "169.6" never reads "170, below 170".
    low_cadence = summary is not None and round(summary.median) < CADENCE_BAND_SPM[0]
    if not findings and not low_cadence:
        return None
    why = _measured(findings, metrics) if findings else ""
    if summary is None:
        body = (
            "A slightly quicker step shortens each stride, so the foot lands closer under the body and each "
            "landing brakes less. Count your steps for 30 s on an easy run, double it, and aim first for 5 % "
            "more, then 10 % more, set on a metronome app or with music at that beat."
        )
        why = f"{why} Cadence had no verdict in this clip, so the target is relative."
        return AdviceItem("cadence_target", "form", "Take slightly quicker steps", body, why, tuple(findings))
    measured = summary.median
    if not any(f.metric_key == CADENCE_KEY for f in findings):
        below = f", below the {CADENCE_BAND_SPM[0]}-{CADENCE_BAND_SPM[1]} band" if low_cadence else ""
        why = f"{why} Cadence {format_value(measured, 'steps/min')}{below}.".strip()
    if measured >= CADENCE_BAND_SPM[1]:
        body = (
            f"Your cadence is already {measured:.0f} steps/min, so do not speed it up further. Think "
            "instead of landing with the foot under the hips, knee softly bent, and of pushing the ground "
            "back rather than reaching forward."
        )
        return AdviceItem("landing_cue", "form", "Land with the foot under you", body, why, tuple(findings))
    first, second = cadence_target_spm(measured)
    if second > first:
        title = f"Raise your cadence to {first}, then {second} steps/min"
        plan = (
            f"Practise in two stages: first {first} steps/min (+5 %) on easy runs for two to three weeks, "
            f"then {second} (+10 %) once the first feels natural."
        )
    else:
        title = f"Raise your cadence to {first} steps/min"
        plan = f"Practise at {first} steps/min on easy runs until it feels natural."
    body = (
        f"You ran at about {measured:.0f} steps/min. A slightly quicker step at the same speed shortens "
        "each stride, so the foot lands closer under the body and each landing brakes less; in laboratory "
        "studies, 10 % more steps per minute also lowered the peak hip adduction angle and the force the "
        f"gluteal muscles at the side of the hip must produce. {plan} Set a metronome app to the target, "
        "or choose music at that many beats per minute, and match it for a few minutes at a time, then "
        "longer. Keep your usual pace: the aim is shorter steps, not faster running. Go no higher than "
        f"{CADENCE_BAND_SPM[1]} steps/min, the top of the range usually recommended."
    )
    why = f"{why} Target: +5 %, then +10 % of your cadence, at most {CADENCE_BAND_SPM[1]} steps/min."
    return AdviceItem("cadence_target", "form", title, body, why, tuple(findings), target_spm=(first, second))


# ---------------------------------------------------------------------------------------------
# Load, positions, notes on the pain sites


def _relative_rest(sites: Sequence[str]) -> AdviceItem:
    extra = (
        " With pain at the sit bone, hills, speed work and long strides load the hamstring tendon most, so "
        "leave them out first."
        if "sit-bone" in sites
        else ""
    )
    body = (
        "If the hip or buttock hurts, cut back rather than stopping: shorter runs, an easier pace, fewer "
        "runs a week, and no hills or fast sessions for now, down to a level that does not bring the "
        "pain on. Some running keeps your fitness and gives the tendon the gentle load it needs to "
        "recover. Add back a little at a time once runs stay pain-free." + extra
    )
    why = _reported(sites) if sites else "Shown to every runner who can run without a limp."
    return AdviceItem(
        "relative_rest", "load", "Reduce the load instead of stopping", body, why, symptoms=tuple(sites)
    )


def _cross_training(sites: Sequence[str]) -> AdviceItem:
    body = (
        "On days off running, swimming or cycling keep the heart and lungs working without the impact "
        "of running."
        + (" A bike saddle presses on a sore sit bone, so choose swimming." if "sit-bone" in sites else "")
    )
    return AdviceItem(
        "cross_training", "load", "Keep fit with low-impact training", body, "Shown to every runner."
    )


def _avoid_compression(sites: Sequence[str]) -> AdviceItem:
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
    why = _reported(sites) if sites else "Shown to every runner."
    return AdviceItem(
        "avoid_compression",
        "avoid",
        "Avoid positions that squeeze a sore tendon",
        body,
        why,
        symptoms=tuple(sites),
        steps=steps,
    )


def _site_note(code: str, title: str, body: str) -> AdviceItem:
    return AdviceItem(f"symptom_{code}", "symptom", title, body, _reported([code]), symptoms=(code,))


_SITE_NOTES: dict[str, AdviceItem] = {
    "side-of-hip": _site_note(
        "side-of-hip",
        "Pain at the side of the hip",
        "Pain and tenderness over the bony point at the side of the hip, worse when standing on one leg, "
        "climbing stairs or lying on that side, often comes from the tendons of the gluteal muscles. "
        "Sleep on the other side or on your back with a pillow between the knees, do not hang on that "
        "hip when standing, and keep the knees uncrossed when sitting.",
    ),
    "sit-bone": _site_note(
        "sit-bone",
        "Pain at the sit bone",
        "A deep ache right at the sit bone, worse when accelerating, running uphill or after sitting for "
        "a long time, often comes from the hamstring tendon where it attaches. Sit on a soft cushion, "
        "break up long sitting, and skip hamstring stretches that pull on it.",
    ),
    "buttock": _site_note(
        "buttock",
        "Deep pain in the buttock",
        "Deep soreness in the buttock, made worse by deep buttock stretches or long sitting, can come "
        "from the piriformis muscle irritating the sciatic nerve. Leave those stretches out and break up "
        "long sitting. If tingling or numbness spreads down the leg, see the warning signs.",
    ),
}
