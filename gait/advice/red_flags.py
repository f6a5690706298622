"""Warning signs: the action item for each reported tier, and the list of signs always shown."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from gait.advice.words import SYMPTOMS, WARNING_TIER, AdviceItem, Kind, Tier, reported_text


def _codes(symptoms: Collection[str], tier: Tier) -> list[str]:
    return [code for code in SYMPTOMS if code in symptoms and WARNING_TIER.get(code) == tier]


def _deferred(sites: Sequence[str]) -> str:
    if not sites:
        return ""
    pains = " and the ".join(SYMPTOMS[s].removeprefix("deep ") for s in sites)
    return f" The staged loading exercises for the {pains} start once the examination allows it."


def _action(
    symptoms: Collection[str], tier: Tier, item_id: str, title: str, body: str, because: str = ""
) -> AdviceItem:
    """The action item of one warning tier, answering the reported signs of that tier."""
    codes = _codes(symptoms, tier)
    why = f"{reported_text(codes)} {because}" if because else reported_text(codes)
    return AdviceItem(item_id, "action", title, body, why, symptoms=tuple(codes))


def _urgent_care(symptoms: Collection[str], sites: Sequence[str]) -> AdviceItem:
    body = (
        "Numbness in the saddle area (where you would sit on a bike saddle) or a new change in bladder or "
        "bowel control can mean that the nerves at the base of the spine are being squeezed (cauda equina "
        "syndrome). That needs an emergency assessment the same day: go to an emergency department now "
        "rather than waiting for a routine appointment, and do not run or exercise until you have been seen."
    )
    because = "This is not something to manage on your own."
    return _action(symptoms, "urgent", "urgent_care", "Get medical help today", body, because)


def _stop_running(symptoms: Collection[str], sites: Sequence[str]) -> AdviceItem:
    body = (
        "A limp, or not being able to put your full weight on the leg, can be the sign of a bone stress "
        "injury (a stress reaction or fracture, for example in the hip), and running on it can make it "
        "much worse. Stop running completely, easy runs and drills included, until a physiotherapist or "
        "doctor has examined you; they may arrange a scan. Until then keep to activity that is pain-free "
        "and puts no impact through the leg." + _deferred(sites)
    )
    because = "A bone stress injury has to be ruled out before any running."
    return _action(symptoms, "stop", "stop_running", "Stop running and get it examined", body, because)


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
    return _action(
        symptoms, "assess", "get_assessed", "Have it assessed by a physiotherapist or doctor", body
    )


ACTIONS = {"urgent": _urgent_care, "stop": _stop_running, "assess": _get_assessed}

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


def warning_signs(symptoms: Collection[str]) -> list[AdviceItem]:
    items = []
    for flag_id, kind, title, body, codes in _WARNING_SIGNS:
        reported = tuple(code for code in codes if code in symptoms)
        why = reported_text(reported) if reported else "A warning sign; always shown."
        items.append(AdviceItem(flag_id, kind, title, body, why, symptoms=reported))
    return items
