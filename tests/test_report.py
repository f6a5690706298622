"""Report writers: summary.json schema, steps.csv, HTML escaping, and the page in real headless Chromium."""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gait import cli
from gait.advice import PAIN_SITES, SYMPTOMS, WARNING_TIER, build_advice
from gait.analysis import Analysis
from gait.render import Annotator
from gait.report import (
    SUMMARY_SCHEMA,
    band_edges,
    build_summary,
    capture_checks,
    render_report_html,
    steps_table,
    write_reports,
    write_summary_json,
)
from gait.report.data import column_name
from gait.report.html import stance_profile
from gait.video import VideoInfo
from gait.video_out import H264Writer
from tests.analysed import draw_frames, make_analysis, make_track
from tests.conftest import real_clip

ARTIFACTS = Path(__file__).parent / "artifacts"
HOSTILE_CLIP = "<script>alert(1)</script>.mp4"
#: A legal file name that would run script if it reached the page unescaped.
HOSTILE_VIDEO = "run <img src=x onerror=alert(1)> #1?.annotated.mp4"


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return make_analysis("rear", make_track("rear", duration_s=8.0), tilt_deg=0.8, screening=True)


def advice_for(analysis: Analysis, symptoms: frozenset[str] = frozenset()) -> list[Any]:
    return build_advice(analysis.findings, analysis.metrics, symptoms)


# ---------------------------------------------------------------------------------------------
# summary.json and steps.csv


def test_summary_schema_shape(analysis: Analysis) -> None:
    clip = VideoInfo(Path("/videos/run.mp4"), 360, 640, 30.0, 240, 8.0, 90, "h264", 12345)
    summary = build_summary(analysis, advice_for(analysis, frozenset({"limp"})), clip, {"limp"})
    assert summary["schema"] == SUMMARY_SCHEMA == "gait.summary/1"
    assert set(summary) == {
        "schema", "generator", "clip", "view", "capture", "steps", "metrics",
        "findings", "symmetry", "worst_step", "person", "shots", "markers", "advice", "symptoms",
        "disclaimer",
    }  # fmt: skip
    assert summary["clip"]["file"] == "run.mp4" and summary["clip"]["rotation_deg"] == 90
    assert summary["generator"]["pose"] == {
        "model": analysis.raw_track.model,
        "backend": "mediapipe",
        "mirrored": False,
    }
    assert summary["capture"]["fps"] == {"value": 30.0, "unit": "frames/s"}
    assert summary["capture"]["camera_tilt"] == {"value": 0.8, "unit": "deg"}
    assert (
        summary["steps"]["left"] + summary["steps"]["right"] == summary["steps"]["total"] == analysis.steps.n
    )
    for metric in summary["metrics"]:
        assert {"value", "unit", "steps_used", "confidence", "q1", "q3", "band", "measurable"} <= set(metric)
    unmeasurable = next(m for m in summary["metrics"] if not m["measurable"])
    assert unmeasurable["value"] is None and unmeasurable["reason"]
    json.dumps(summary, allow_nan=False)  # NaN became null everywhere


def test_summary_links_advice_to_the_finding_it_answers(analysis: Analysis) -> None:
    summary = build_summary(analysis, advice_for(analysis, frozenset({"night-pain"})), None, {"night-pain"})
    assert summary["findings"][0]["code"] == "pelvic_drop_high"
    advice = {item["id"]: item for item in summary["advice"]}
    assert summary["findings"][1]["code"] == "asymmetry"  # hip adduction: 8 + 4 against 3 + 2 deg
    assert summary["findings"][1]["metric_key"] == "hip_adduction_peak_deg"
    assert advice["hip_programme"]["answers_findings"] == [0, 1]
    assert advice["hip_programme"]["triggered_by"] == ["pelvic_drop_high", "asymmetry"]
    assert advice["relative_rest"]["answers_findings"] == []
    assert advice["red_flag_night_pain"]["answers_symptoms"] == ["night-pain"]
    assert summary["worst_step"]["side"] == "left" and summary["worst_step"]["unit"] == "deg"


def test_summary_writer_is_atomic(tmp_path: Path) -> None:
    path = write_summary_json(tmp_path / "summary.json", {"schema": SUMMARY_SCHEMA, "value": None})
    assert json.loads(path.read_text()) == {"schema": SUMMARY_SCHEMA, "value": None}
    with pytest.raises(ValueError):
        write_summary_json(tmp_path / "bad.json", {"value": float("nan")})
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_steps_csv_has_one_row_per_step_and_units_in_the_header(tmp_path: Path, analysis: Analysis) -> None:
    paths = write_reports(tmp_path, analysis, advice_for(analysis))
    with paths["steps"].open() as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == analysis.steps.n
    header = list(rows[0])
    assert len(header) == len(set(header))  # step_time_s in the values is not a second column
    assert header[:3] == ["step", "side", "contact_frame"]
    for column in (
        "pelvic_drop_midstance [deg]",
        "hip_adduction_peak [deg]",
        "step_time [s]",
        "contact_at [s]",
    ):
        assert column in header
    assert {r["side"] for r in rows} == {"left", "right"}
    drop = analysis.steps.values["pelvic_drop_midstance_deg"]
    assert [r["pelvic_drop_midstance [deg]"] == "" for r in rows] == list(np.isnan(drop))
    assert float(rows[0]["contact_at [s]"]) == pytest.approx(analysis.steps.contact_frame[0] / 30, abs=1e-4)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "steps.csv", "summary.json"]


def test_band_edges_follow_the_threshold_table() -> None:
    from gait.report.svg import BandEdge
    from gait.thresholds import Band, ThresholdTable

    table = ThresholdTable({"a_deg": Band((5, 8, 11)), "c": Band((160, 150, 140), higher_is_worse=False)})
    edges = band_edges(table)
    assert edges["a_deg"][0] == BandEdge("normal", -np.inf, 5)
    assert edges["a_deg"][3] == BandEdge("severe", 11, np.inf)
    assert edges["c"][0] == BandEdge("normal", 160, np.inf) and edges["c"][3] == BandEdge(
        "severe", -np.inf, 140
    )


def test_column_names() -> None:
    assert column_name("pelvic_drop_midstance_deg", "deg") == "pelvic_drop_midstance [deg]"
    assert column_name("cadence_steps_per_min", "steps/min") == "cadence [steps/min]"
    assert column_name("duty_factor", "%") == "duty_factor [%]"
    assert column_name("mystery", "") == "mystery"


def test_steps_table_handles_no_steps(analysis: Analysis) -> None:
    from gait.analysis import Steps

    header, rows = steps_table(dataclasses.replace(analysis, steps=Steps.empty()))
    assert header[0] == "step" and rows == []


def test_worst_step_is_the_largest_value_on_the_finding_side(analysis: Analysis) -> None:
    worst = analysis.worst_step
    assert worst is not None
    most_severe = max(analysis.findings, key=lambda f: ("mild", "moderate", "severe").index(f.severity))
    assert (
        (worst.key, worst.side)
        == (most_severe.metric_key, most_severe.side)
        == ("hip_adduction_peak_deg", "left")
    )
    left = analysis.steps.side == "left"
    width = analysis.steps.values["hip_width_px"]
    sharp = left & (width >= np.nanmedian(width[left]))  # runner no smaller than the side's median
    assert sharp.sum() >= left.sum() // 2  # compared within the side: the dropping side is not passed over
    values = np.where(sharp, analysis.steps.values[worst.key], np.nan)
    assert worst.index == int(np.nanargmax(values))
    assert worst.frame == analysis.steps.midstance_frame[worst.index]


def test_stance_profile_resamples_a_ramp_exactly() -> None:
    trace = np.arange(20, dtype=float)
    rows = stance_profile(trace, np.array([2, 10, 15]), np.array([6, 19, 25]), points=5)
    np.testing.assert_allclose(rows[0], [2, 3, 4, 5, 6])
    np.testing.assert_allclose(rows[1], [10, 12.25, 14.5, 16.75, 19])
    assert np.isnan(rows[2]).all()  # runs past the end of the trace


def test_capture_checks_grade_frame_rate_and_steps(analysis: Analysis) -> None:
    checks = {c.name: c for c in capture_checks(dataclasses.replace(analysis, fps=60.0))}
    assert checks["Frame rate"].status == "good" and checks["Steps"].status == "good"
    few = dataclasses.replace(analysis, fps=20.0, tilt_deg=None, steps=analysis.steps.__class__.empty())
    checks = {c.name: c for c in capture_checks(few)}
    assert checks["Frame rate"].status == "poor" and checks["Steps"].status == "poor"
    assert checks["Camera tilt"].status == "unknown"


# ---------------------------------------------------------------------------------------------
# HTML


def test_html_escapes_every_outside_string(analysis: Analysis) -> None:
    hostile_finding = dataclasses.replace(analysis.findings[0], message="<b onmouseover=alert(2)>drop</b>")
    hostile_label = dataclasses.replace(analysis.metrics[0], label="<svg onload=alert(3)>")
    hostile = dataclasses.replace(
        analysis,
        findings=(hostile_finding,),
        quality_notes=("<iframe src=x>",),
        metrics=(hostile_label, *analysis.metrics[1:]),
    )
    page = render_report_html(
        hostile, advice_for(hostile), clip={"file": HOSTILE_CLIP}, video_file=HOSTILE_VIDEO, symptoms={"limp"}
    )
    for raw in ("<script", "<img src=x", "<iframe", "<b onm", "<svg onload"):
        assert raw not in page
    assert "&lt;svg onload=alert(3)&gt;" in page  # in the table and in the plot titles
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.mp4" in page
    assert 'src="run%20%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%20%231%3F.annotated.mp4#t=0.001"' in page
    assert "&lt;iframe src=x&gt;" in page


def test_html_is_self_contained_and_complete(analysis: Analysis) -> None:
    still = np.full((640, 360, 3), 90, np.uint8)
    page = render_report_html(
        analysis,
        advice_for(analysis),
        video_file="v.mp4",
        still_bgr=still,
        symptoms={"sit-bone"},
    )
    assert "https://" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert page.count("<svg") >= 4 and 'class="band"' in page
    assert 'src="data:image/jpeg;base64,' in page
    assert 'id="red-flags"' in page and "This report is not a diagnosis" in page
    assert "Why this:" in page and "pain at the sit bone" in page
    assert "<video" in page and "playsinline" in page


def test_html_without_video_or_steps(analysis: Analysis) -> None:
    from gait.analysis import Steps

    bare = dataclasses.replace(analysis, steps=Steps.empty(), traces={}, findings=(), track=None)
    page = render_report_html(bare, advice_for(bare))
    assert "<video" not in page and "Nothing stood out" in page and 'id="red-flags"' in page


@settings(max_examples=40, deadline=None)
@given(symptoms=st.sets(st.sampled_from(sorted(SYMPTOMS))), with_findings=st.booleans())
def test_html_puts_reported_warning_signs_first(
    analysis: Analysis, symptoms: set[str], with_findings: bool
) -> None:
    shown = analysis if with_findings else dataclasses.replace(analysis, findings=())
    page = render_report_html(shown, advice_for(shown, frozenset(symptoms)), symptoms=symptoms)
    warned = bool(symptoms & WARNING_TIER.keys())
    flags, advice = page.index('id="red-flags"'), page.index('id="advice"')
    assert (flags < advice) == warned  # reported warning signs lead; otherwise after the advice
    assert page.count('id="red-flags"') == 1 and page.index('id="headline"') < flags
    no_running = bool({WARNING_TIER[c] for c in symptoms if c in WARNING_TIER} & {"urgent", "stop"})
    for site in PAIN_SITES:
        programme = f'id="advice-programme_{site.replace("-", "_")}"'
        assert (programme in page) == (site in symptoms and not no_running)
    if no_running:
        assert 'id="advice-relative_rest"' not in page and 'id="advice-cadence_target"' not in page


# ---------------------------------------------------------------------------------------------
# In a real browser

# Chromium and its options (CHROMIUM, CHROMIUM_ARGS) and the `browser` fixture: tests/conftest.py.


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report with a real 8 s H.264 clip beside it, under hostile names."""
    out = tmp_path_factory.mktemp("report")
    track = make_track("rear", duration_s=8.0, size_px=(240, 426))
    analysis = make_analysis("rear", track, screening=True)
    annotator = Annotator(analysis, track, blur_faces=True)
    frames = draw_frames(track)
    with H264Writer(out / HOSTILE_VIDEO, track.fps, track.frame_size_px) as writer:
        for i, frame in enumerate(frames):
            writer.write(annotator.annotate(frame, i))
    worst = analysis.worst_step
    assert worst is not None
    still = annotator.annotate(draw_frames(track)[worst.frame], worst.frame)
    symptoms = frozenset({"side-of-hip"})
    advice = build_advice(analysis.findings, analysis.metrics, symptoms)
    write_reports(
        out, analysis, advice, clip={"file": HOSTILE_CLIP}, video_file=HOSTILE_VIDEO, still_bgr=still,
        symptoms=symptoms,
    )  # fmt: skip
    return out


@pytest.mark.browser
def test_report_in_chromium(browser: Any, report_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: errors.append(f"dialog: {d.message}"))
    page.goto((report_dir / "report.html").as_uri())
    page.wait_for_function("document.getElementById('annotated-video').readyState >= 1", timeout=15_000)
    duration = page.evaluate("document.getElementById('annotated-video').duration")
    assert duration == pytest.approx(8.0, rel=0.05)
    assert page.inner_text("h1") == HOSTILE_CLIP
    assert page.locator("svg.plot").count() >= 4 and page.locator("svg.plot").first.is_visible()
    assert page.locator("#advice article").count() >= 6
    assert page.locator("#advice-programme_side_of_hip .why").inner_text().startswith("Why this:")
    assert page.locator("#advice-programme_side_of_hip ol li").count() == 3
    assert page.locator("#red-flags li").count() == 5 and page.locator("#red-flags").is_visible()
    assert page.evaluate("document.getElementById('worst-step').naturalWidth") > 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    assert errors == []
    page.close()


@pytest.mark.browser
def test_report_fits_a_phone_screen(browser: Any, report_dir: Path) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto((report_dir / "report.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=False)
    page.close()


def test_report_dir_has_no_leftovers(report_dir: Path) -> None:
    names = sorted(p.name for p in report_dir.iterdir())
    assert names == sorted([HOSTILE_VIDEO, "report.html", "steps.csv", "summary.json"])


# ---------------------------------------------------------------------------------------------
# Advice on real clips: `gait analyse` end to end, then the report in Chromium

SIDE_CLIP = "mhuang24_IMG_5396.mp4"
#: Rear view, running away from the camera at about 164 steps/min.
REAR_CLIP = "sinankiliclar_run_rear_snow_receding.mp4"
#: Run name -> (clip, --symptoms).
ADVICE_RUNS = {
    "side-hip": (SIDE_CLIP, "side-of-hip"),
    "side-sit-bone": (SIDE_CLIP, "sit-bone"),
    "side-limp": (SIDE_CLIP, "limp"),
    "rear-none": (REAR_CLIP, ""),
}
RUNNING_IDS = {"relative_rest", "cross_training", "cadence_target", "landing_cue", "hip_form_practice"}


@pytest.fixture(scope="module")
def real_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    """Each run's output folder and console text; pose comes from the session cache."""
    clips = {clip: real_clip(clip) for clip, _ in ADVICE_RUNS.values()}
    runs = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cli.console, "width", 200)
        for name, (clip, symptoms) in ADVICE_RUNS.items():
            out = tmp_path_factory.mktemp(name) / "out"
            args = ["analyse", str(clips[clip]), "--out", str(out), "--no-video"]
            args += ["--symptoms", symptoms] if symptoms else []
            result = CliRunner().invoke(cli.app, args)
            assert result.exit_code == 0, result.output
            runs[name] = (out, result.output)
    return runs


def summary_of(run: tuple[Path, str]) -> dict[str, Any]:
    return json.loads((run[0] / "summary.json").read_text())


def advice_ids(run: tuple[Path, str]) -> list[str]:
    return [item["id"] for item in summary_of(run)["advice"]]


@pytest.mark.realclip
def test_real_side_clip_side_of_hip_gets_the_staged_programme(real_runs: dict[str, tuple[Path, str]]) -> None:
    run = real_runs["side-hip"]
    summary = summary_of(run)
    assert summary["view"]["view"].startswith("side")
    assert not any(m["measurable"] for m in summary["metrics"] if m["key"].startswith("pelvic_drop"))
    advice = {item["id"]: item for item in summary["advice"]}
    programme = advice["programme_side_of_hip"]
    assert [s.split(",")[0] for s in programme["steps"]] == ["Stage 1", "Stage 2", "Stage 3"]
    assert "general_strength" not in advice  # no "nothing calls for a hip programme" beside the pain
    assert "advice: Load the side of the hip in stages" in run[1]


@pytest.mark.realclip
def test_real_side_clip_sit_bone_gets_its_programme_and_core(real_runs: dict[str, tuple[Path, str]]) -> None:
    advice = {item["id"]: item for item in summary_of(real_runs["side-sit-bone"])["advice"]}
    assert "programme_sit_bone" in advice and "programme_side_of_hip" not in advice
    assert advice["core_stability"]["answers_symptoms"] == ["sit-bone"]
    assert "tendon at the sit bone" in advice["core_stability"]["body"]


@pytest.mark.realclip
def test_real_side_clip_limp_leads_with_stop_and_has_no_running(
    real_runs: dict[str, tuple[Path, str]],
) -> None:
    run = real_runs["side-limp"]
    ids = advice_ids(run)
    assert ids[0] == "stop_running" and RUNNING_IDS.isdisjoint(ids)
    assert summary_of(run)["findings"]  # the clip's overstriding would otherwise bring cadence drills
    lines = [line for line in run[1].splitlines() if line.startswith("advice:")]
    assert lines == ["advice: Stop running and get it examined"]


@pytest.mark.realclip
def test_real_rear_clip_at_160_to_169_gets_a_personal_cadence_target(
    real_runs: dict[str, tuple[Path, str]],
) -> None:
    summary = summary_of(real_runs["rear-none"])
    assert summary["view"]["view"] == "rear"
    measured = next(m["value"] for m in summary["metrics"] if m["key"] == "cadence_steps_per_min")
    assert 160 <= measured < 170  # hand count: about 164 steps/min
    advice = {item["id"]: item for item in summary["advice"]}
    first, second = round(measured * 1.05), round(min(measured * 1.10, 180))
    assert advice["cadence_target"]["title"] == f"Raise your cadence to {first}, then {second} steps/min"
    page = (real_runs["rear-none"][0] / "report.html").read_text()
    assert f"target {first}, then {second}" in page  # the cadence tile shows the same target


@pytest.mark.browser
@pytest.mark.realclip
def test_real_reports_in_chromium(browser: Any, real_runs: dict[str, tuple[Path, str]]) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, run in real_runs.items():
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto((run[0] / "report.html").as_uri())
        order = page.evaluate(
            "['headline', 'red-flags', 'advice'].map(id => document.getElementById(id).offsetTop)"
        )
        title = page.inner_text("#headline h2")
        if name == "side-limp":
            assert title == "Stop running and get it examined"
            assert order[0] < order[1] < order[2]  # warning signs straight after the headline
            assert page.locator("#advice-cadence_target, #advice-relative_rest").count() == 0
        else:
            assert order[0] < order[2] < order[1]
            lead = page.inner_text("#headline .first-step a")
            assert page.locator(f"#advice article h3:text-is('{lead}')").count() == 1
        if name == "side-hip":
            assert page.locator("#advice-programme_side_of_hip ol li").count() == 3
        page.screenshot(path=str(ARTIFACTS / f"advice-{name}.png"), full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # fits a phone
        page.close()
