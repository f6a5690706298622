"""The happy path on the committed sample clip: ``gait analyse`` and ``gait batch`` run to success in CI.

``videos/sample_run_rear.mp4`` is a synthetic rear-view runner with a known answer, so these
tests never skip. Its ``summary.json`` is compared with a stored snapshot
(``tests/data/sample_summary.snapshot.json``) within tolerances that pose-model jitter stays
inside: a refactor that changes a number shows it here. When a change of a number is meant,
rewrite the snapshot with ``GAIT_UPDATE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_sample.py``
and say why in the commit.
"""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gait import cli, pipeline
from gait.present import format_short, format_value
from gait.render import HudAnnotator, hud_keys
from tests.conftest import SAMPLE_CLIP

SNAPSHOT = Path(__file__).parent / "data" / "sample_summary.snapshot.json"
TRUTH = SAMPLE_CLIP.with_name("sample_run_rear.truth.json")
#: How far a snapshot number may move, by unit: a few times the run-to-run jitter of the pose
#: model, well below what a change of a formula moves.
TOLERANCE = {"deg": 0.3, "steps/min": 0.5, "leg lengths": 0.01, "s": 0.01, "%": 1.0}
#: Summary fields kept in the snapshot, per metric entry.
METRIC_FIELDS = ("value", "q1", "q3", "steps_used", "band", "measurable")


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "out"
    result = CliRunner().invoke(cli.app, ["analyse", str(SAMPLE_CLIP), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "measured vs true" in result.output  # the sample's known answer is printed
    return out


def summary_of(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def snapshot_of(summary: dict[str, Any]) -> dict[str, Any]:
    """The part of ``summary.json`` the snapshot holds: view, steps, metric values, findings, still."""
    return {
        "view": summary["view"]["view"],
        "steps": summary["steps"],
        "metrics": {
            f"{m['key']}.{m['side']}": {"unit": m["unit"]} | {k: m[k] for k in METRIC_FIELDS}
            for m in summary["metrics"]
        },
        "findings": sorted(f"{f['code']}.{f['metric_key']}.{f['side']}" for f in summary["findings"]),
        "worst_step": summary["worst_step"] and {k: summary["worst_step"][k] for k in ("side", "metric_key")},
    }


def differences(stored: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """Every place ``now`` leaves ``stored``, numbers within :data:`TOLERANCE` of their unit."""
    out = [
        f"{k}: {stored[k]!r} -> {now[k]!r}"
        for k in ("view", "steps", "findings", "worst_step")
        if stored[k] != now[k]
    ]
    for name in sorted(stored["metrics"].keys() | now["metrics"].keys()):
        a, b = stored["metrics"].get(name), now["metrics"].get(name)
        if a is None or b is None:
            out.append(f"{name}: {'added' if a is None else 'removed'}")
            continue
        for field in METRIC_FIELDS:
            x, y = a[field], b[field]
            if isinstance(x, float) and isinstance(y, float):
                if not math.isclose(x, y, abs_tol=TOLERANCE.get(a["unit"], 0.01)):
                    out.append(f"{name}.{field}: {x:.3f} -> {y:.3f} {a['unit']}")
            elif x != y:
                out.append(f"{name}.{field}: {x!r} -> {y!r}")
    return out


def test_analyse_writes_every_output(analysed: Path) -> None:
    for name in ("annotated.mp4", "summary.json", "steps.csv", "report.html"):
        assert (analysed / name).stat().st_size > 0, name


def test_sample_cadence_and_view_match_the_known_answer(analysed: Path) -> None:
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    summary = summary_of(analysed)
    assert summary["view"]["view"] == truth["view"] == "rear"
    cadence = next(m for m in summary["metrics"] if m["key"] == "cadence_steps_per_min")
    assert cadence["value"] == pytest.approx(truth["summary"]["cadence_steps_per_min"], abs=1.5)


def test_sample_pelvic_drop_from_the_stickers_matches_the_known_answer(analysed: Path) -> None:
    """The sample's stickers and standing start (issue 20): both sides within 1 deg of the true
    pelvis, the 4 deg asymmetry called, and the hip programme brought; the hip points' values stay
    far off and unjudged."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))["summary"]
    summary = summary_of(analysed)
    by = {(m["key"], m["side"]): m for m in summary["metrics"]}
    for side in ("left", "right"):
        marker = by[("pelvic_drop_markers_midstance_deg", side)]
        assert marker["value"] == pytest.approx(truth[f"pelvic_drop_psis_midstance_deg.{side}"], abs=1.0)
        assert marker["band"] is not None and by[("pelvic_drop_midstance_deg", side)]["band"] is None
    assert summary["markers"]["found_share"] >= 0.98 and summary["markers"]["standing_s"] >= 1.5
    asymmetry = [f for f in summary["findings"] if f["code"] == "asymmetry"]
    assert [(f["metric_key"], f["side"]) for f in asymmetry] == [
        ("pelvic_drop_markers_midstance_deg", "left")
    ]
    hip = next(a for a in summary["advice"] if a["id"] == "hip_programme")
    assert any(
        summary["findings"][i]["metric_key"].startswith("pelvic_drop_markers")
        for i in hip["answers_findings"]
    )


def test_summary_matches_the_stored_snapshot(analysed: Path) -> None:
    now = snapshot_of(summary_of(analysed))
    if os.environ.get("GAIT_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        pytest.skip(f"snapshot rewritten: {SNAPSHOT}")
    stored = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changed = differences(stored, now)
    assert not changed, "summary.json of the sample moved from the snapshot:\n" + "\n".join(changed)


def test_differences_catch_a_moved_number_and_pass_jitter() -> None:
    """The comparison itself: 0.1 deg of jitter passes, a 1 deg change or a new band does not."""
    base = snapshot_of(summary_of_sample_like())
    jitter = json.loads(json.dumps(base))
    jitter["metrics"]["a_deg.left"]["value"] += 0.1
    assert differences(base, jitter) == []
    moved = json.loads(json.dumps(base))
    moved["metrics"]["a_deg.left"]["value"] += 1.0
    moved["metrics"]["a_deg.left"]["band"] = "mild"
    assert differences(base, moved) == [
        "a_deg.left.value: 5.000 -> 6.000 deg",
        "a_deg.left.band: None -> 'mild'",
    ]


def summary_of_sample_like() -> dict[str, Any]:
    metric = {"key": "a_deg", "side": "left", "unit": "deg", "value": 5.0, "q1": 4.0, "q3": 6.0}
    metric |= {"steps_used": 9, "band": None, "measurable": True}
    return {
        "view": {"view": "rear"},
        "steps": {"total": 9},
        "metrics": [metric],
        "findings": [],
        "worst_step": None,
    }


def test_video_report_and_json_show_the_same_numbers(analysed: Path, tmp_path: Path) -> None:
    """Issue 11: the video's panel, the report and summary.json give the same cadence and per-side values."""
    result = pipeline.analyse_video(
        SAMPLE_CLIP, tmp_path / "again", pipeline.AnalyseOptions(write_video=False)
    )
    analysis = result.analysis
    summary = summary_of(analysed)
    page = (analysed / "report.html").read_text(encoding="utf-8")
    by_key = {(m["key"], m["side"]): m for m in summary["metrics"]}
    hud = HudAnnotator(analysis, hud_keys(analysis))
    cadence = by_key[("cadence_steps_per_min", "both")]
    assert hud.cadence == format_value(cadence["value"], cadence["unit"]) == "170 steps/min"
    assert re.search(rf">\s*{hud.cadence}\s*<", page)  # the report's cadence tile
    for key, (_, left, right) in zip(hud_keys(analysis), hud.rows, strict=True):
        for side, text in (("left", left), ("right", right)):
            m = by_key[(key, side)]
            assert text == format_short(m["value"], m["unit"]), (key, side)
            assert format_value(m["value"], m["unit"]) in page, (key, side)


def test_batch_on_the_committed_sample_succeeds(analysed: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli.app, ["batch", str(SAMPLE_CLIP), "--out", str(tmp_path), "--no-video"])
    assert result.exit_code == 0, result.output
    (summary_path,) = tmp_path.rglob("summary.json")
    batch = json.loads(summary_path.read_text(encoding="utf-8"))
    assert differences(snapshot_of(summary_of(analysed)), snapshot_of(batch)) == []  # same clip, same numbers
