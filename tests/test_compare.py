"""gait compare: changes judged against the detectable difference (issue 14)."""

from __future__ import annotations

import json
import os
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gait.cli import app
from gait.comparison import (
    BENCH_GROUPS,
    BENCH_STEP_SD,
    COMPARE_SCHEMA,
    VIDEO_NAMES,
    Comparison,
    compare,
    compare_folders,
    compare_summaries,
    detectable_difference,
    step_column,
)
from gait.errors import InputError
from gait.fsutil import MANIFEST
from gait.pipeline import AnalyseOptions
from gait.report.compare import render_compare_html
from gait.thresholds import UNVALIDATED
from tests.conftest import real_clip

DOCS = Path(__file__).resolve().parents[1] / "docs"
COMPARE_KEYS = {"key", "side", "unit", "before", "after", "change", "detectable_difference", "verdict"}


def metric(key: str, value: float, side: str = "left", unit: str = "deg", steps: int = 10, iqr: float = 1.0,
           confidence: float = 0.9, measurable: bool = True) -> dict[str, Any]:  # fmt: skip
    return {
        "key": key, "label": key, "side": side, "unit": unit, "value": value, "q1": value - iqr / 2,
        "q3": value + iqr / 2, "iqr": iqr, "steps_used": steps, "confidence": confidence,
        "measurable": measurable, "reason": "" if measurable else "not measurable in a side view",
    }  # fmt: skip


def summary(view: str, *metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": "gait.summary/1",
        "view": {"view": view},
        "steps": {"total": 20},
        "metrics": list(metrics),
        "clip": {"file": "x.mp4"},
    }


def verdicts(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    return {m.key: m.verdict for m in compare_summaries(before, after)}


def test_a_5_deg_change_is_real_and_1_deg_is_noise_for_a_judged_angle() -> None:
    key = "shank_angle_ic_deg"  # banded, higher is worse, 3 deg floor (Dingenen 2018)
    before = summary("side_right", metric(key, 8.0))
    assert verdicts(before, summary("side_right", metric(key, 13.0))) == {key: "worse"}
    assert verdicts(before, summary("side_right", metric(key, 3.0))) == {key: "improved"}
    assert verdicts(before, summary("side_right", metric(key, 9.0))) == {key: "within noise"}


def test_frontal_angle_changes_are_never_called_real() -> None:
    """They have not passed the bench: 5 deg more pelvic drop from hip points is 'not validated', not
    'worse'; so is hip adduction against the PSIS stickers (it still needs the pose model's femur)."""
    keys = (
        "pelvic_drop_midstance_deg",
        "pelvic_drop_peak_deg",
        "hip_adduction_peak_deg",
        "hip_adduction_markers_peak_deg",
    )
    assert set(keys) == UNVALIDATED
    before = summary("rear", *(metric(k, 2.0, iqr=0.2) for k in keys))
    for delta in (5.0, 1.0, -5.0):
        after = summary("rear", *(metric(k, 2.0 + delta, iqr=0.2) for k in keys))
        changes = compare_summaries(before, after)
        assert {m.verdict for m in changes} == {"not validated"}
        assert all(m.change == pytest.approx(delta) for m in changes)


def test_femoral_adduction_changes_are_judged() -> None:
    """Femoral adduction passed the bench: a large change is called, a small one is noise."""
    key = "femoral_adduction_peak_deg"
    before = summary("rear", metric(key, 6.0, iqr=0.5))
    (worse,) = compare_summaries(before, summary("rear", metric(key, 14.0, iqr=0.5)))
    (noise,) = compare_summaries(before, summary("rear", metric(key, 6.5, iqr=0.5)))
    assert (worse.verdict, noise.verdict) == ("worse", "within noise")


def test_direction_and_units_follow_the_metric() -> None:
    before = summary(
        "side_right",
        metric("cadence_steps_per_min", 160.0, side="both", unit="steps/min", iqr=2.0, steps=30),
        metric("overstride_leg_lengths", 0.35, unit="leg lengths", iqr=0.02, steps=12),
        metric("knee_flexion_ic_deg", 10.0, iqr=1.0, steps=12),
    )
    after = summary(
        "side_right",
        metric("cadence_steps_per_min", 170.0, side="both", unit="steps/min", iqr=2.0, steps=30),
        metric("overstride_leg_lengths", 0.20, unit="leg lengths", iqr=0.02, steps=12),
        metric("knee_flexion_ic_deg", 20.0, iqr=1.0, steps=12),
    )
    assert verdicts(before, after) == {
        "cadence_steps_per_min": "improved",  # lower is the concern
        "overstride_leg_lengths": "improved",
        "knee_flexion_ic_deg": "changed",  # no agreed better direction
    }


def test_not_comparable_views_steps_confidence() -> None:
    key = "shank_angle_ic_deg"
    before = summary("side_right", metric(key, 8.0))
    assert verdicts(before, summary("side_left", metric(key, 15.0))) == {key: "not comparable"}
    assert verdicts(before, summary("side_right", metric(key, 15.0, steps=4))) == {key: "not comparable"}
    assert verdicts(before, summary("side_right", metric(key, 15.0, confidence=0.3))) == {
        key: "not comparable"
    }
    (change,) = compare_summaries(before, summary("side_right", metric(key, 15.0, steps=4)))
    assert "too few steps after (4, 7 needed)" in change.reason and change.detectable_difference is None


def test_clips_read_with_different_pose_settings_are_not_compared() -> None:
    """A rear clip read with its mirror image against one read once (or another model) would show the
    reading, not the runner; summaries that do not say how they were read are still compared."""
    key = "femoral_adduction_peak_deg"

    def read(mirrored: bool | None, value: float) -> dict[str, Any]:
        s = summary("rear", metric(key, value))
        if mirrored is not None:
            s["generator"] = {"pose": {"model": "full", "backend": "mediapipe", "mirrored": mirrored}}
        return s

    (change,) = compare_summaries(read(True, 8.0), read(False, 14.0))
    assert change.verdict == "not comparable" and "pose settings" in change.reason
    assert verdicts(read(True, 8.0), read(True, 14.0)) == {key: "worse"}
    assert verdicts(read(None, 8.0), read(True, 14.0)) == {key: "worse"}


def test_detectable_difference_grows_with_spread_and_shrinks_with_steps() -> None:
    key, unit = "overstride_leg_lengths", "leg lengths"
    narrow = detectable_difference(
        key, "side", metric(key, 0, unit=unit, iqr=0.05), metric(key, 0, unit=unit, iqr=0.05)
    )
    wide = detectable_difference(
        key, "side", metric(key, 0, unit=unit, iqr=0.4), metric(key, 0, unit=unit, iqr=0.4)
    )
    many = detectable_difference(
        key,
        "side",
        metric(key, 0, unit=unit, iqr=0.4, steps=40),
        metric(key, 0, unit=unit, iqr=0.4, steps=40),
    )
    assert narrow < wide and many < wide
    # a clip that looks steadier than the bench can measure is held to the bench's per-step error
    steady = detectable_difference(
        key, "side", metric(key, 0, unit=unit, iqr=0.0), metric(key, 0, unit=unit, iqr=0.0)
    )
    assert steady == pytest.approx(1.96 * 2**0.5 * 1.2533 * BENCH_STEP_SD[("side", key)] / 10**0.5)
    # published floors: cadence never below 3 steps/min
    cad = "cadence_steps_per_min"
    assert (
        detectable_difference(
            cad, "rear", metric(cad, 170, iqr=0, steps=99), metric(cad, 170, iqr=0, steps=99)
        )
        == 3.0
    )


#: The marker sweep's group the PSIS-sticker figures come from (docs/validation-markers.json).
MARKER_GROUP = "hip height, standing trial"


def test_bench_uncertainties_are_the_bench_results() -> None:
    """The per-step error SDs compare uses are those of docs/validation-results.json (full model), and
    for the PSIS stickers those of docs/validation-markers.json."""
    errors: dict[tuple[str, str], list[float]] = defaultdict(list)
    for clip in json.loads((DOCS / "validation-results.json").read_text()):
        for pair in clip["pairs"]:
            if clip["model"] == "full" and pair["measured"] is not None and pair["true"] is not None:
                errors[(clip["group"], pair["key"])].append(pair["measured"] - pair["true"])
    for clip in json.loads((DOCS / "validation-markers.json").read_text()):
        for pair in clip["pairs"]:
            if clip["group"] == MARKER_GROUP and pair["measured"] is not None and pair["true"] is not None:
                errors[(MARKER_GROUP, pair["key"])].append(pair["measured"] - pair["true"])
    for (family, key), sd in BENCH_STEP_SD.items():
        group = MARKER_GROUP if "markers" in key else BENCH_GROUPS[family]
        assert statistics.stdev(errors[(group, key)]) == pytest.approx(sd, abs=0.001), (family, key)


def test_compare_refuses_a_folder_without_summary(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    with pytest.raises(InputError, match=r"holds no summary\.json"):
        compare(tmp_path / "a", tmp_path / "a", tmp_path / "out")
    result = CliRunner().invoke(
        app, ["compare", str(tmp_path / "a"), str(tmp_path / "a"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2 and "holds no summary.json" in " ".join(result.stderr.split())
    assert not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def sample_compared(
    small_sample: Path, tmp_path_factory: pytest.TempPathFactory, pose_cache_dir: Path
) -> Path:
    """``gait compare SAMPLE SAMPLE``: two clips, so each is analysed first."""
    out = tmp_path_factory.mktemp("compare") / "out"
    args = [
        "compare",
        str(small_sample),
        str(small_sample),
        "--out",
        str(out),
        "--cache-dir",
        str(pose_cache_dir),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return out


def check_same_clip(data: dict[str, Any]) -> None:
    assert data["schema"] == COMPARE_SCHEMA and {"before", "after", "metrics"} <= set(data)
    assert all(set(m) >= COMPARE_KEYS for m in data["metrics"])
    measured = [m for m in data["metrics"] if m["before"] is not None]
    assert measured and all(m["change"] == 0 for m in measured)
    assert {m["verdict"] for m in measured} <= {"within noise", "not validated", "not comparable"}
    assert any(m["verdict"] == "within noise" for m in measured)
    assert all(
        m["verdict"] in ("not validated", "not comparable") for m in measured if m["key"] in UNVALIDATED
    )


def test_same_clip_twice_is_all_within_noise(sample_compared: Path) -> None:
    data = json.loads((sample_compared / "compare.json").read_text())
    check_same_clip(data)
    assert {p.name for p in sample_compared.iterdir()} == {
        "before",
        "after",
        "compare.json",
        "compare.html",
        MANIFEST,
    }
    html = (sample_compared / "compare.html").read_text()
    assert (
        '<video src="before/annotated.mp4#t=0.5"' in html and '<video src="after/annotated.mp4#t=0.5"' in html
    )
    assert "http" not in html.replace("http-equiv", "")  # nothing fetched from the network


@pytest.mark.realclip
def test_real_clips_compared(tmp_path: Path, pose_cache_dir: Path) -> None:
    """A real side-view clip against itself, and against another clip with too few steps for a verdict."""
    treadmill, walk = (
        real_clip("mhuang24_IMG_5396.mp4"),
        real_clip("watcharapol28_gait_normal_01_walk_side.mp4"),
    )
    options = AnalyseOptions(write_video=False, cache_dir=pose_cache_dir)
    same = compare(treadmill, treadmill, tmp_path / "same", options)
    check_same_clip(same.to_dict())
    assert any(m.key == "cadence_steps_per_min" and m.verdict == "within noise" for m in same.metrics)
    other = compare(tmp_path / "same" / "before", walk, tmp_path / "other", options)
    measured = [m for m in other.metrics if m.before is not None and m.after is not None]
    assert measured and all(m.change != 0 for m in measured if m.key == "cadence_steps_per_min")
    assert all(m.verdict == "not comparable" and "too few steps after" in m.reason for m in measured)


@pytest.mark.browser
def test_compare_page_in_chromium(sample_compared: Path, tmp_path: Path) -> None:
    from tests.conftest import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="python playwright is not installed")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto((sample_compared / "compare.html").as_uri())
        page.wait_for_function("document.querySelectorAll('video')[1].readyState >= 1", timeout=15_000)
        durations = page.evaluate("Array.from(document.querySelectorAll('video'), v => v.duration)")
        rows = page.locator("tbody tr").count()
        plots = page.locator(".plot svg").count()
        browser.close()
    data = json.loads((sample_compared / "compare.json").read_text())
    assert not errors, errors
    assert durations == [pytest.approx(10.0, rel=0.05)] * 2  # the sample: 2 s standing, 8 s running
    per_side = {m["key"] for m in data["metrics"] if m["side"] != "both"}
    plotted = [m for m in data["metrics"] if m["side"] != "both" or m["key"] not in per_side]
    assert rows == len(data["metrics"]) and plots == len(plotted)


# ---------------------------------------------------------------------------------------------
# Issue 21: the same clip twice, nothing comparable, per-side plots, a self-contained --out


def analysed_folder(folder: Path, view: str, *metrics: dict[str, Any], **clip: Any) -> Path:
    """A folder as `gait analyse` leaves it, reduced to what compare reads (summary.json only)."""
    folder.mkdir(parents=True)
    facts = {"file": "run.mp4", "width_px": 360, "height_px": 640, "fps": 30.0, "n_frames": 240,
             "duration_s": 8.0, "codec": "h264", "size_bytes": 123456}  # fmt: skip
    s = summary(view, *metrics) | {"clip": facts | clip}
    (folder / "summary.json").write_text(json.dumps(s), encoding="utf-8")
    return folder


def test_the_same_clip_twice_is_warned(tmp_path: Path) -> None:
    key = "shank_angle_ic_deg"
    a = analysed_folder(tmp_path / "a", "side_right", metric(key, 8.0))
    same = analysed_folder(tmp_path / "b", "side_right", metric(key, 8.0), file="renamed.mp4")
    other = analysed_folder(tmp_path / "c", "side_right", metric(key, 8.0), size_bytes=654321)
    hashed = [
        analysed_folder(tmp_path / f"h{i}", "side_right", metric(key, 8.0), sha256=sha)
        for i, sha in enumerate(("ab" * 32, "cd" * 32))
    ]
    assert compare_folders(a, other)[0].warnings == []
    assert compare_folders(hashed[0], hashed[1])[0].warnings == []  # a hash outranks the probe facts
    for before, after in ((a, same), (a, a)):
        (warning,) = compare_folders(before, after)[0].warnings
        assert "same" in warning and "zero by construction" in warning
    result = compare(a, same, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert data["warnings"] == result.warnings and len(data["warnings"]) == 1
    page = (tmp_path / "out" / "compare.html").read_text()
    assert 'class="warn same-clip"' in page and "zero by construction" in page


def test_nothing_comparable_has_a_summary_sentence(tmp_path: Path) -> None:
    """Different views: compare.json says so in one sentence (``Comparison.summary``; the CLI prints it)."""
    key = "femoral_adduction_peak_deg"  # a frontal angle: no other view gives it
    before = analysed_folder(tmp_path / "rear", "rear", metric(key, 8.0, side="both"))
    after = analysed_folder(tmp_path / "side", "side_right", metric(key, 3.0, side="both"))
    result = compare(before, after, tmp_path / "out")
    data = json.loads((tmp_path / "out" / "compare.json").read_text())
    assert data["summary"] == result.summary
    assert result.summary.startswith("Nothing can be compared: the clips were filmed from different views")
    assert "(rear before, side_right after)" in result.summary
    assert f'id="summary">{result.summary}</p>' in (tmp_path / "out" / "compare.html").read_text()
    cadence = "cadence_steps_per_min"
    same = compare_summaries(summary("rear", metric(cadence, 160.0)), summary("rear", metric(cadence, 170.0)))
    assert Comparison({}, {}, same).summary == "1 of 1 metric sides compared: 1 improved."


def test_step_plots_are_per_side_with_before_beside_after() -> None:
    """Each plot shows one side's steps only, before and after in panels that never overlap, and the unit."""
    key, unit = "femoral_adduction_peak_deg", "deg"
    changes = compare_summaries(
        summary("rear", metric(key, 5.0), metric(key, 3.0, side="right"), metric(key, 4.0, side="both")),
        summary("rear", metric(key, 5.0), metric(key, 3.0, side="right"), metric(key, 4.0, side="both")),
    )
    column = step_column(key, unit)
    before = {column: [(i, "left" if i % 2 else "right", 5.0 if i % 2 else 3.0) for i in range(1, 21)]}
    after = {column: [(i, "left" if i % 2 else "right", 5.0 if i % 2 else 3.0) for i in range(1, 15)]}
    visits = ({"file": "a", "view": "rear", "steps": 20}, {"file": "b", "view": "rear", "steps": 14})
    comparison = Comparison(*visits, changes)
    page = render_compare_html(comparison, (before, after), (None, None), Path("."))
    plots = re.findall(r'<div class="plot"><strong>[^<]*</strong>, (\w+):.*?</svg>', page, re.S)
    assert plots == ["left", "right"]  # "both" of a per-side metric mixes the sides: not plotted
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        circles = [float(x) for x in re.findall(r'<circle class="before" cx="([\d.]+)"', svg)]
        squares = [float(x) for x in re.findall(r'<rect class="after" x="([\d.]+)"', svg)]
        assert (len(circles), len(squares)) == (10, 7)  # odd steps left, even right
        assert max(circles) + 4 < min(squares)  # the before panel lies wholly left of the after panel
        assert re.search(r'class="y-unit"[^>]*>deg</text>', svg)
        values = {float(y) for y in re.findall(r'<circle class="before" cx="[\d.]+" cy="([\d.]+)"', svg)}
        assert len(values) == 1  # one side's steps only: 5.0 (left) or 3.0 (right), never both


def test_compare_out_holds_both_videos(
    sample_compared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Folders analysed elsewhere: their videos are hard-linked (or copied) into --out and linked there."""
    before, after = sample_compared / "before", sample_compared / "after"
    compare(before, after, tmp_path / "linked")
    monkeypatch.setattr(os, "link", lambda *a, **k: (_ for _ in ()).throw(OSError(18, "cross-device link")))
    compare(before, after, tmp_path / "copied")
    for out in (tmp_path / "linked", tmp_path / "copied"):
        assert {p.name for p in out.iterdir()} == {
            "compare.json",
            "compare.html",
            *VIDEO_NAMES.values(),
            MANIFEST,
        }
        for name in ("before", "after"):
            video = out / VIDEO_NAMES[name]
            assert video.read_bytes() == (sample_compared / name / "annotated.mp4").read_bytes()
        html = (out / "compare.html").read_text()
        assert re.findall(r'<video src="([^"]+)"', html) == [
            "before.annotated.mp4#t=0.5",
            "after.annotated.mp4#t=0.5",
        ]
    source = (before / "annotated.mp4").stat().st_ino
    assert (tmp_path / "linked" / VIDEO_NAMES["before"]).stat().st_ino == source  # a hard link: no copy
    assert (tmp_path / "copied" / VIDEO_NAMES["before"]).stat().st_ino != source


def test_the_cli_prints_one_line_when_nothing_compares(tmp_path: Path) -> None:
    """Different views: one sentence, as on the page, not a table of 'not comparable' rows (issue 21).
    (Cadence compares between any two views: here the side clip has none.)"""
    from gait.comparison import ANY_VIEW_KEYS
    from gait.report.data import build_summary
    from tests.analysed import make_analysis

    for name, view in (("a", "rear"), ("b", "side_right")):
        (tmp_path / name).mkdir()
        doc = build_summary(make_analysis(view), [])
        if name == "b":
            doc["metrics"] = [m for m in doc["metrics"] if m["key"] not in ANY_VIEW_KEYS]
        (tmp_path / name / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "Nothing can be compared: the clips were filmed from different views" in text
    assert "before -> after" not in text and "not comparable" not in text


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[1,2", "is damaged"),
        ("[1,2]", "is of schema None"),
        ('{"schema": "gait.summary/999", "metrics": [], "view": {"view": "rear"}}', "'gait.summary/999'"),
        ('{"schema": "gait.summary/1", "view": {"view": "rear"}}', "lacks its metrics or view"),
        ('{"schema": "gait.summary/1", "metrics": [1], "view": {"view": "rear"}}', "lacks its metrics"),
    ],
)
def test_a_damaged_or_foreign_summary_is_one_sentence_and_exit_2(
    text: str, says: str, tmp_path: Path
) -> None:
    """Issue 22: these gave a JSONDecodeError, an AttributeError, a KeyError, or a comparison of an
    unknown schema with exit 0."""
    from gait.report.data import build_summary
    from tests.analysed import make_analysis

    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir(), bad.mkdir()
    (good / "summary.json").write_text(json.dumps(build_summary(make_analysis("rear"), [])), encoding="utf-8")
    (bad / "summary.json").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(good), str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert says in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_cadence_compares_between_any_two_views_and_a_side_views_metrics_across_camera_sides() -> None:
    """Issue 25: a physio who films the other side next time got "not comparable" for everything."""
    cadence = ("cadence_steps_per_min", "steps/min")
    rear = summary(
        "rear", metric(cadence[0], 160.0, "both", cadence[1]), metric("femoral_adduction_peak_deg", 9.0)
    )
    side = summary(
        "side_right", metric(cadence[0], 172.0, "both", cadence[1]), metric("femoral_adduction_peak_deg", 4.0)
    )
    rear["generator"] = {"pose": {"model": "full", "backend": "mediapipe", "mirrored": True}}
    side["generator"] = {"pose": {"model": "full", "backend": "mediapipe", "mirrored": False}}
    by_key = {m.key: m for m in compare_summaries(rear, side)}
    assert by_key[cadence[0]].verdict not in ("not comparable",), by_key[cadence[0]]
    assert by_key["femoral_adduction_peak_deg"].verdict == "not comparable"
    assert "different views" in by_key["femoral_adduction_peak_deg"].reason

    over = ("overstride_leg_lengths", "leg lengths")
    left = summary(
        "side_left", metric(over[0], 0.30, "both", over[1], iqr=0.02), metric(over[0], 0.31, "left", over[1])
    )
    right = summary(
        "side_right", metric(over[0], 0.20, "both", over[1], iqr=0.02), metric(over[0], 0.21, "left", over[1])
    )
    changes = {(m.key, m.side): m for m in compare_summaries(left, right)}
    assert changes[(over[0], "both")].verdict == "improved"  # 0.30 -> 0.20 leg lengths, well past noise
    per_side = changes[(over[0], "left")]
    assert per_side.verdict == "not comparable" and "near leg in one clip is the far leg" in per_side.reason


def test_a_mirror_reading_that_differs_within_one_view_still_blocks_the_comparison() -> None:
    key = "femoral_adduction_peak_deg"
    a, b = summary("rear", metric(key, 9.0)), summary("rear", metric(key, 4.0))
    a["generator"] = {"pose": {"model": "full", "backend": "mediapipe", "mirrored": True}}
    b["generator"] = {"pose": {"model": "full", "backend": "mediapipe", "mirrored": False}}
    (change,) = compare_summaries(a, b)
    assert change.verdict == "not comparable" and "different pose settings" in change.reason
