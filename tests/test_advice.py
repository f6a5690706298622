"""Advice rules: one test per rule, on hand-made findings and metrics."""

import math

import pytest

from gait.advice import (
    NOT_A_DIAGNOSIS,
    AdviceItem,
    build_advice,
    cadence_target_spm,
    format_value,
    parse_symptoms,
)
from gait.analysis import Finding, MetricSummary

STRENGTH_IDS = {"glute_med_progression", "core_stability"}
RED_FLAG_IDS = {"red_flag_no_improvement", "red_flag_nerve", "red_flag_night_pain", "red_flag_limp"}


def metric(key: str, median: float, unit: str = "deg", side: str = "left", **kw: object) -> MetricSummary:
    label = kw.pop("label", key.replace("_", " ").capitalize())
    return MetricSummary(key, str(label), unit, side, median, median - 1, median + 1, 14, 0.8, **kw)  # type: ignore[arg-type]


def finding(code: str, key: str, value: float, unit: str = "deg", side: str = "left") -> Finding:
    return Finding(code, key, side, "moderate", value, unit, f"{key} is {value} {unit}")  # type: ignore[arg-type]


def by_id(items: list[AdviceItem]) -> dict[str, AdviceItem]:
    return {item.id: item for item in items}


PELVIC_DROP = finding("pelvic_drop_high", "pelvic_drop_midstance_deg", 6.1)
PELVIC_DROP_METRIC = metric("pelvic_drop_midstance_deg", 6.1, label="Pelvic drop at midstance")


def test_pelvic_drop_prescribes_glute_medius_progression_and_core() -> None:
    items = by_id(build_advice([PELVIC_DROP], [PELVIC_DROP_METRIC]))
    glute = items["glute_med_progression"]
    assert glute.kind == "exercise" and glute.findings == (PELVIC_DROP,)
    assert glute.triggered_by == ("pelvic_drop_high",)
    assert [s.split(":")[0] for s in glute.steps] == [
        "Clamshells",
        "Side-lying leg raises and side planks (start from the knees)",
        "Single-leg deadlifts",
    ]
    assert "Pelvic drop at midstance 6.1° on left stance" in glute.why and "14 steps" in glute.why
    assert "left leg" in glute.body
    core = items["core_stability"]
    assert core.triggered_by == ("pelvic_drop_high",)
    assert any("Pallof" in s for s in core.steps) and any("plank" in s.lower() for s in core.steps)
    assert "general_strength" not in items


def test_hip_adduction_alone_also_prescribes_strength() -> None:
    found = finding("hip_adduction_high", "hip_adduction_peak_deg", 12.4, side="right")
    items = by_id(build_advice([found], [metric("hip_adduction_peak_deg", 12.4, side="right")]))
    assert items["glute_med_progression"].triggered_by == ("hip_adduction_high",)
    assert "12.4°" in items["core_stability"].why and "right leg" in items["glute_med_progression"].body


def test_pelvic_drop_asymmetry_counts_as_hip_control_but_cadence_asymmetry_does_not() -> None:
    hip = finding("asymmetry", "pelvic_drop_midstance_deg", 3.5, side="left")
    assert "glute_med_progression" in by_id(build_advice([hip], [PELVIC_DROP_METRIC]))
    cadence = finding("asymmetry", "contact_time_s", 0.03, unit="s")
    assert STRENGTH_IDS.isdisjoint(by_id(build_advice([cadence], [])))


def test_no_finding_gives_only_the_general_strength_note() -> None:
    items = by_id(build_advice([], [PELVIC_DROP_METRIC]))
    assert STRENGTH_IDS.isdisjoint(items)
    assert items["general_strength"].kind == "general"
    assert not any(item.kind == "exercise" for item in items.values())
    assert "cadence_target" not in items


def test_general_note_says_when_pelvic_drop_was_not_measurable() -> None:
    side_view = metric(
        "pelvic_drop_midstance_deg",
        math.nan,
        label="Pelvic drop at midstance",
        measurable=False,
        reason="it needs a front or rear view.",
    )
    why = by_id(build_advice([], [side_view]))["general_strength"].why
    assert why.startswith("Pelvic drop at midstance could not be measured in this clip: it needs a front")


def test_overstriding_gives_a_personal_cadence_target_with_numbers() -> None:
    over = finding("overstriding", "overstride_leg_lengths", 0.31, unit="leg lengths")
    cadence = metric("cadence_steps_per_min", 160.0, unit="steps/min", side="both")
    item = by_id(build_advice([over], [cadence]))["cadence_target"]
    assert item.kind == "form" and item.triggered_by == ("overstriding",)
    assert item.title == "Raise your cadence to 168-176 steps/min"
    assert "160 steps/min" in item.body and "168 beats per minute" in item.body and "176" in item.body
    assert "0.31 leg lengths" in item.why and "cadence 160 steps/min" in item.why


def test_low_cadence_finding_target_is_capped_at_180() -> None:
    low = finding("cadence_low", "cadence_steps_per_min", 168.0, unit="steps/min", side="both")
    item = by_id(build_advice([low], [metric("cadence_steps_per_min", 168.0, unit="steps/min", side="both")]))
    assert item["cadence_target"].title == "Raise your cadence to 176-180 steps/min"


def test_forward_tilted_shank_at_contact_also_gets_the_cadence_target() -> None:
    shank = finding("shank_angle_high", "shank_angle_ic_deg", 15.6)
    cadence = metric("cadence_steps_per_min", 166.8, unit="steps/min", side="both")
    item = by_id(build_advice([shank], [cadence]))["cadence_target"]
    assert item.triggered_by == ("shank_angle_high",) and "15.6°" in item.why


def test_cadence_target_arithmetic() -> None:
    assert cadence_target_spm(150) == (158, 165)
    assert cadence_target_spm(172) == (180, 180)
    assert cadence_target_spm(185) == (185, 185)


def test_overstriding_with_high_cadence_gives_a_landing_cue_not_a_faster_cadence() -> None:
    over = finding("overstriding", "overstride_leg_lengths", 0.3, unit="leg lengths")
    items = by_id(
        build_advice([over], [metric("cadence_steps_per_min", 184.0, unit="steps/min", side="both")])
    )
    assert "cadence_target" not in items
    assert "184 steps/min" in items["landing_cue"].body


def test_overstriding_without_a_cadence_measurement_gives_a_relative_target() -> None:
    over = finding("overstriding", "overstride_leg_lengths", 0.3, unit="leg lengths")
    item = by_id(build_advice([over], []))["cadence_target"]
    assert "5-10 %" in item.body and "0.30 leg lengths" in item.why


@pytest.mark.parametrize("findings", [[], [PELVIC_DROP]])
def test_load_management_and_avoid_advice_always_present(findings: list[Finding]) -> None:
    items = by_id(build_advice(findings, [PELVIC_DROP_METRIC]))
    assert items["relative_rest"].kind == "load" and items["cross_training"].kind == "load"
    assert "swimming" in items["cross_training"].body and "cycling" in items["cross_training"].body
    avoid = " ".join(items["avoid_compression"].steps).lower()
    for phrase in ("static stretches", "one hip", "cross-legged", "cushion"):
        assert phrase in avoid


@pytest.mark.parametrize("findings", [[], [PELVIC_DROP]])
def test_red_flags_and_not_a_diagnosis_always_present(findings: list[Finding]) -> None:
    items = build_advice(findings, [])
    assert {i.id for i in items if i.kind == "red_flag"} == RED_FLAG_IDS
    assert items[-1].id == "not_a_diagnosis" and items[-1].body == NOT_A_DIAGNOSIS


@pytest.mark.parametrize(
    ("symptom", "item_id", "phrase"),
    [
        ("side-of-hip", "symptom_side-of-hip", "pillow between the knees"),
        ("sit-bone", "symptom_sit-bone", "cushion"),
        ("radiating-tingling", "symptom_radiating-tingling", "piriformis"),
        ("night-pain", "symptom_night-pain", "wakes you"),
        ("limp", "symptom_limp", "bone stress"),
    ],
)
def test_each_symptom_adds_its_note(symptom: str, item_id: str, phrase: str) -> None:
    items = by_id(build_advice([], [], {symptom}))
    assert phrase in items[item_id].body and items[item_id].kind == "symptom"
    assert sum(item.kind == "symptom" for item in items.values()) == 1


def test_reported_symptom_marks_its_red_flag() -> None:
    items = by_id(build_advice([], [], {"night-pain"}))
    assert items["red_flag_night_pain"].triggered_by == ("night-pain",)
    assert items["red_flag_limp"].triggered_by == ()


def test_unknown_finding_codes_are_ignored() -> None:
    items = build_advice([finding("knee_wobble", "knee_wobble_deg", 9.0)], [])
    assert {i.id for i in items} == {i.id for i in build_advice([], [])}


def test_parse_symptoms_normalises_and_names_every_unknown() -> None:
    assert parse_symptoms(["Sit_Bone", " night pain ", ""]) == {"sit-bone", "night-pain"}
    with pytest.raises(ValueError, match="back, knee; choose from side-of-hip"):
        parse_symptoms(["knee", "back"])


def test_format_value() -> None:
    assert format_value(6.14, "deg") == "6.1°"
    assert format_value(163.6, "steps/min") == "164 steps/min"
    assert format_value(math.nan, "deg") == "n/a"
