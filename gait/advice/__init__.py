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

One module per rule family: :mod:`~gait.advice.red_flags` (1 and the warning signs),
:mod:`~gait.advice.programmes` (2), :mod:`~gait.advice.cadence` (3), :mod:`~gait.advice.load` (4);
:mod:`~gait.advice.words` holds what they share (symptom codes, tiers, :class:`AdviceItem`, findings
in words). This module only orders them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from gait.advice.cadence import CADENCE_KEY, cadence_advice, cadence_target, cadence_target_spm
from gait.advice.load import SITE_NOTES, avoid_compression, cross_training, relative_rest
from gait.advice.programmes import strength
from gait.advice.red_flags import ACTIONS, warning_signs
from gait.advice.words import (
    ABDUCTOR_SITES,
    ASYMMETRY_CODE,
    CADENCE_BAND_SPM,
    CADENCE_STEP_UP,
    HIP_CONTROL_CODES,
    HIP_CONTROL_PREFIXES,
    NO_RUNNING_TIERS,
    NOT_A_DIAGNOSIS,
    PAIN_SITES,
    STRIDE_CODES,
    SYMPTOMS,
    TIER_ORDER,
    WARNING_TIER,
    AdviceItem,
    Headline,
    Kind,
    Tier,
    is_hip_control,
    parse_symptoms,
    tiers_of,
)
from gait.analysis import Finding, MetricSummary, view_family
from gait.metrics.catalogue import LEAD_KEYS
from gait.thresholds import MIN_STEPS_FOR_VERDICT

__all__ = [
    "ABDUCTOR_SITES",
    "ASYMMETRY_CODE",
    "CADENCE_BAND_SPM",
    "CADENCE_KEY",
    "CADENCE_STEP_UP",
    "HIP_CONTROL_CODES",
    "HIP_CONTROL_PREFIXES",
    "NOT_A_DIAGNOSIS",
    "NO_RUNNING_TIERS",
    "PAIN_SITES",
    "STRIDE_CODES",
    "SYMPTOMS",
    "TIER_ORDER",
    "WARNING_TIER",
    "AdviceItem",
    "Headline",
    "Kind",
    "Tier",
    "build_advice",
    "cadence_target",
    "cadence_target_spm",
    "headline",
    "parse_symptoms",
    "tiers_of",
]


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
    hip = [f for f in findings if is_hip_control(f)]
    stride = [f for f in findings if f.code in STRIDE_CODES]
    items = [ACTIONS[tier](symptoms, sites) for tier in tiers]
    if NO_RUNNING_TIERS.isdisjoint(tiers):
        items += strength(sites, hip, metrics)
        cadence = cadence_advice(hip + stride, metrics)
        items += [cadence] if cadence else []
        items += [relative_rest(sites), cross_training(sites)]
    if "urgent" not in tiers:
        items.append(avoid_compression(sites))
        items += [SITE_NOTES[code] for code in sites]
    items += warning_signs(symptoms)
    items.append(
        AdviceItem("not_a_diagnosis", "general", "Not a diagnosis", NOT_A_DIAGNOSIS, "Always shown.")
    )
    return items


def too_few_steps_title(metrics: Sequence[MetricSummary], min_steps_for_verdict: int) -> str:
    """The headline for a clip whose cadence rests on too few steps to judge anything; "" otherwise.

    Without enough timed steps for the cadence, no per-side value has enough either, so "nothing
    stood out" would claim a check that was never made.
    """
    cadence = next((m for m in metrics if m.key == CADENCE_KEY and m.side == "both"), None)
    if cadence is None or not cadence.measurable or cadence.enough_steps:
        return ""
    return (
        f"Not enough steps to judge: {cadence.n_steps} timed, {min_steps_for_verdict} needed;"
        " film 10-15 s of steady running"
    )


def not_measurable_title(metrics: Sequence[MetricSummary], view: str) -> str:
    """The headline for a clip that measures none of its view's lead metrics (the feet out of frame
    in a side view, say); "" otherwise, and for views that have none (oblique): "nothing stood out"
    would claim a check that could not be made."""
    leads = [m for m in metrics if m.key in LEAD_KEYS.get(view_family(view), ()) and m.side != "both"]
    if not leads or any(m.measurable for m in leads):
        return ""
    return f"This clip cannot be measured well: {leads[0].reason.removeprefix('not measurable: ')}"


def headline(
    advice: Sequence[AdviceItem],
    findings: Sequence[Finding],
    metrics: Sequence[MetricSummary] = (),
    view: str = "",
) -> Headline:
    """What to lead with, the one title the CLI, the report and the batch give: the first reported
    warning sign's action; else, with the clip's ``metrics`` and ``view``, that it cannot be measured
    (:func:`not_measurable_title`) or holds too few steps (:func:`too_few_steps_title`); else how many
    findings stood out."""
    action = next((item for item in advice if item.kind == "action"), None)
    if action is not None:
        return Headline(action.title, True, action)
    if not_measured := not_measurable_title(metrics, view) or too_few_steps_title(
        metrics, MIN_STEPS_FOR_VERDICT
    ):
        return Headline(not_measured, False, None)
    if findings:
        title = "One thing stood out" if len(findings) == 1 else f"{len(findings)} things stood out"
    else:
        title = "Nothing stood out in this clip"
    return Headline(title, False, next((i for i in advice if i.kind in ("exercise", "form")), None))
