"""Strength: the staged loading programme for each pain site, the hip programme, core and form practice."""

from __future__ import annotations

from collections.abc import Sequence

from gait.advice.words import (
    ABDUCTOR_SITES,
    HIP_CONTROL_PREFIXES,
    AdviceItem,
    leg_focus,
    measured_text,
    why_text,
)
from gait.analysis import Finding, MetricSummary
from gait.thresholds import UNVALIDATED

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


#: The staged abductor programme of the side-of-hip, buttock and general hip programmes.
ABDUCTOR_STAGES = (ISOMETRIC_ABDUCTION, CLAMSHELL, SINGLE_LEG)


def _site_programme(
    site: str,
    title: str,
    body: str,
    steps: tuple[str, ...],
    hip: Sequence[Finding],
    metrics: Sequence[MetricSummary],
) -> AdviceItem:
    """A pain site's staged programme (id ``programme_<site>``), answering the site and any hip finding."""
    item_id = f"programme_{site.replace('-', '_')}"
    return AdviceItem(
        item_id, "exercise", title, body, why_text([site], hip, metrics), tuple(hip), (site,), steps
    )


def _programme_side_of_hip(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "Pain at the side of the hip usually means the gluteal tendons there have had more load than they "
        "could take. Exercise that loads them gradually is the treatment with the best evidence, whatever "
        "a video shows. Early on, leave out what presses the tendon against the bone: lying on the sore "
        "side, side-lying leg raises, side planks, and any movement that brings the knee across the "
        "middle of the body." + PROGRESSION + leg_focus(hip)
    )
    return _site_programme(
        "side-of-hip", "Load the side of the hip in stages", body, ABDUCTOR_STAGES, hip, metrics
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
    return _site_programme("sit-bone", "Load the hamstring tendon in stages", body, steps, hip, metrics)


def _programme_buttock(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "Deep buttock pain can come from the piriformis muscle irritating the sciatic nerve; deep buttock "
        "stretches and long sitting make it worse, so leave those out. Strengthening the muscles that "
        "steady the hip, in stages, lets them take the load of running again." + PROGRESSION + leg_focus(hip)
    )
    return _site_programme("buttock", "Strengthen the hip in stages", body, ABDUCTOR_STAGES, hip, metrics)


def _hip_programme(hip: Sequence[Finding], metrics: Sequence[MetricSummary]) -> AdviceItem:
    body = (
        "The gluteus medius, at the side of the hip, holds the pelvis level while you stand on one leg. "
        "When it cannot keep up, the opposite hip sags and the thigh swings inward, which loads the "
        "tendons around the hip. Strength work in stages gives the muscle and its tendons more capacity "
        "to take that load; it does not by itself change how you run, which takes practice with feedback "
        "('Practise a level pelvis with feedback')." + PROGRESSION + leg_focus(hip)
    )
    return AdviceItem(
        "hip_programme",
        "exercise",
        "Strengthen the muscles that hold the pelvis level",
        body,
        measured_text(hip, metrics),
        tuple(hip),
        steps=ABDUCTOR_STAGES,
    )


_PROGRAMMES = {
    "side-of-hip": _programme_side_of_hip,
    "sit-bone": _programme_sit_bone,
    "buttock": _programme_buttock,
}


def strength(
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
        why_text(core_sites, hip, metrics),
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
        measured_text(hip, metrics),
        tuple(hip),
    )


def _general_strength(metrics: Sequence[MetricSummary]) -> AdviceItem:
    hip_metrics = [m for m in metrics if m.key.startswith(HIP_CONTROL_PREFIXES)]
    judged = [m for m in hip_metrics if m.measurable and m.band is not None]
    unmeasurable = [m for m in hip_metrics if not m.measurable]
    few = [m for m in hip_metrics if m.measurable and not m.enough_steps and m.key not in UNVALIDATED]
    if judged:
        status = "pelvic drop and hip adduction stayed within the screening bands in this clip"
    elif unmeasurable and len(unmeasurable) == len(hip_metrics):
        status = f"this clip cannot show pelvic drop or hip adduction ({unmeasurable[0].reason.rstrip('.')})"
    elif few:
        status = "this clip has too few steps for a verdict on pelvic drop or hip adduction"
    elif hip_metrics:  # the reason is not the steps: say the real one (issue 21)
        status = (
            "pelvic drop and hip adduction from the pose model's hip points are not validated, so they "
            "get no verdict: PSIS stickers on the low back would measure pelvic drop"
        )
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
