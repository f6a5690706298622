"""Load management, positions to avoid, and a note on each reported pain site."""

from __future__ import annotations

from collections.abc import Sequence

from gait.advice.words import AdviceItem, reported_text


def relative_rest(sites: Sequence[str]) -> AdviceItem:
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
    why = reported_text(sites) if sites else "Shown to every runner who can run without a limp."
    return AdviceItem(
        "relative_rest", "load", "Reduce the load instead of stopping", body, why, symptoms=tuple(sites)
    )


def cross_training(sites: Sequence[str]) -> AdviceItem:
    body = (
        "On days off running, swimming or cycling keep the heart and lungs working without the impact "
        "of running."
        + (" A bike saddle presses on a sore sit bone, so choose swimming." if "sit-bone" in sites else "")
    )
    return AdviceItem(
        "cross_training", "load", "Keep fit with low-impact training", body, "Shown to every runner."
    )


def avoid_compression(sites: Sequence[str]) -> AdviceItem:
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
    why = reported_text(sites) if sites else "Shown to every runner."
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
    return AdviceItem(f"symptom_{code}", "symptom", title, body, reported_text([code]), symptoms=(code,))


SITE_NOTES: dict[str, AdviceItem] = {
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
