"""Before and after: is a change between two visits larger than the measurement can detect?

Reads two clips' ``summary.json`` (schema gait.summary/1) and ``steps.csv``; nothing is measured
again. For each metric and side the change (after - before) is set against a detectable
difference and given a verdict:

* ``not comparable``: different camera views or pose settings (``generator.pose``: model, backend,
  mirror pass), a side not measurable in one clip, fewer than
  :data:`~gait.thresholds.MIN_STEPS_FOR_VERDICT` steps, or a confidence below
  :data:`MIN_CONFIDENCE` in either clip;
* ``not validated``: the metric has not passed the known-answer bench
  (:data:`~gait.thresholds.UNVALIDATED`: pelvic drop and pelvis-referenced hip adduction), so no
  change in it is called real, however large;
* ``within noise``: the change is smaller than the detectable difference;
* ``improved`` / ``worse`` for metrics with an agreed better direction (:data:`HIGHER_IS_WORSE`),
  ``changed`` for the others.

The detectable difference is the larger of a floor (a published or bench figure, :data:`FLOOR`;
else the resolution of the unit, :data:`UNIT_FLOOR`, or one frame for times) and 1.96 standard
errors of the difference of the two medians. The standard error of a median over n steps is
1.2533 s / sqrt(n), with s the larger of the clip's own step-to-step spread (IQR / 1.349) and the
per-step error the bench measured for that metric in that camera set-up (:data:`BENCH_STEP_SD`),
so a clip that happens to look steady is not trusted beyond what the measurement can do.
"""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from gait.errors import InputError
from gait.report.data import SUMMARY_SCHEMA, column_name
from gait.thresholds import MARKER_PLACEMENT_KEYS, MIN_STEPS_FOR_VERDICT, SCREENING_THRESHOLDS, UNVALIDATED

COMPARE_SCHEMA = "gait.compare/1"
#: A metric with a lower confidence than this in either clip is not compared.
MIN_CONFIDENCE = 0.5
#: z of a two-sided 95% interval.
Z95 = 1.96
#: Standard error of a median over n normal samples is this times s / sqrt(n).
MEDIAN_SE_FACTOR = 1.2533

Verdict = Literal["improved", "worse", "within noise", "changed", "not comparable", "not validated"]
VERDICTS: tuple[Verdict, ...] = (
    "improved", "worse", "changed", "within noise", "not validated", "not comparable",
)  # fmt: skip

#: Direction of concern: True where a higher value is worse, False where a lower value is.
#: From the band table, plus femoral adduction (same basis as hip adduction: more adduction in
#: stance is the pattern linked to hip and knee pain); metrics not listed have no agreed direction.
HIGHER_IS_WORSE: dict[str, bool] = {
    **{key: band.higher_is_worse for key, band in SCREENING_THRESHOLDS.bands.items()},
    "femoral_adduction_peak_deg": True,
}

#: Smallest change worth calling real whatever the clips' spread, in the metric's unit.
FLOOR: dict[str, float] = {
    # Dingenen et al. 2018, 2D, one week apart: CPD 2.7-2.8, hip adduction 2.3-3.8 deg.
    **SCREENING_THRESHOLDS.detectable_difference,
    # Dingenen et al. 2018: 2D shank angle at contact 2.2-4.8 deg; ~3 deg used as for the others.
    "shank_angle_ic_deg": 3.0,
    # The bench reads cadence within 0.83% (docs/validation.md); 3 steps/min is ~1.8% at 165.
    "cadence_steps_per_min": 3.0,
}

#: Resolution floor by unit for metrics with no published or bench figure: the smallest change a
#: 2D pose measurement of a phone clip resolves (project choice: about 1 deg of segment angle, 2% of
#: a leg length, 2 points of duty factor; times: one frame of the slower clip, added in code).
UNIT_FLOOR: dict[str, float] = {"deg": 1.0, "leg lengths": 0.02, "%": 2.0, "steps/min": 3.0, "s": 0.0}

#: Per-step error SD (measured - true, over steps) the known-answer bench found with the default
#: (full) model at hip height, level camera, rear and front views read with their mirror images:
#: docs/validation-results.json, per view family.
BENCH_STEP_SD: dict[tuple[str, str], float] = {
    ("rear", "femoral_adduction_peak_deg"): 0.869,
    ("rear", "pelvic_drop_midstance_deg"): 2.479,
    ("rear", "pelvic_drop_peak_deg"): 2.626,
    ("rear", "hip_adduction_peak_deg"): 2.002,
    ("rear", "step_time_s"): 0.011,
    # The PSIS stickers, hold-out hip-height clips with a standing trial (docs/validation-markers.json).
    ("rear", "pelvic_drop_markers_midstance_deg"): 0.427,
    ("rear", "pelvic_drop_markers_peak_deg"): 0.45,
    ("rear", "pelvic_drop_markers_excursion_deg"): 0.498,
    ("front", "femoral_adduction_peak_deg"): 0.515,
    ("front", "pelvic_drop_midstance_deg"): 0.723,
    ("front", "pelvic_drop_peak_deg"): 1.15,
    ("front", "hip_adduction_peak_deg"): 0.577,
    ("front", "step_time_s"): 0.012,
    ("side", "overstride_leg_lengths"): 0.056,
    ("side", "contact_time_s"): 0.038,
    ("side", "step_time_s"): 0.039,
}
#: The bench condition each view family's figures above come from.
BENCH_GROUPS = {"rear": "rear, hip height", "front": "front, hip height", "side": "side, hip height"}


@dataclass(frozen=True)
class MetricChange:
    """One metric and side, before and after (as in compare.json)."""

    key: str
    label: str
    side: str
    unit: str
    before: float | None
    after: float | None
    change: float | None  # after - before
    detectable_difference: float | None
    verdict: Verdict
    reason: str  # why not comparable, which floor or bench figure set the detectable difference


@dataclass(frozen=True)
class Comparison:
    """Two analyses set against each other."""

    before: dict[str, Any]  # {"folder", "file", "view", "steps"}
    after: dict[str, Any]
    metrics: list[MetricChange]
    #: Sentences about the two visits as a whole (e.g. the same clip twice), shown before the table.
    warnings: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """One sentence on the whole comparison, for the CLI and the page (compare.json's ``summary``)."""
        comparable = [m for m in self.metrics if m.verdict != "not comparable"]
        if not comparable:
            reasons = sorted({m.reason for m in self.metrics})
            if self.before.get("view") != self.after.get("view"):
                why = (
                    f"the clips were filmed from different views ({self.before.get('view')} before,"
                    f" {self.after.get('view')} after); film both visits from the same place"
                )
            elif len(reasons) == 1:
                why = reasons[0]
            elif reasons:
                why = "each metric lacks steps, confidence or a measurement in one visit (see the table)"
            else:
                why = "no metric was measured in both visits"
            return f"Nothing can be compared: {why}."
        counts = {v: sum(m.verdict == v for m in self.metrics) for v in VERDICTS}
        shown = [f"{n} {v}" for v, n in counts.items() if n]
        return f"{len(comparable)} of {len(self.metrics)} metric sides compared: " + ", ".join(shown) + "."

    def to_dict(self) -> dict[str, Any]:
        """compare.json (schema gait.compare/1)."""
        keys = ("key", "side", "unit", "before", "after", "change", "detectable_difference", "verdict")
        return {
            "schema": COMPARE_SCHEMA,
            "summary": self.summary,
            "warnings": list(self.warnings),
            "before": self.before,
            "after": self.after,
            "metrics": [
                {k: asdict(m)[k] for k in keys} | {"label": m.label, "reason": m.reason} for m in self.metrics
            ],
        }


def view_family(view: str) -> str:
    """rear, front, side (either direction) or oblique."""
    return "side" if view.startswith("side") else view


#: Metrics whose value over both sides does not depend on where the camera stood: a step is a step.
ANY_VIEW_KEYS = frozenset({"cadence_steps_per_min", "step_time_s"})


def view_problem(key: str, side: str, view_before: str, view_after: str) -> str:
    """Why a metric and side cannot be compared between clips of these views ("" when it can): the
    same view always can; cadence and step time over both sides can from any two views; a side view's
    metrics over both sides can from either camera side. Per side across camera sides they cannot:
    the near leg of one clip is the far leg of the other, which the bench has not measured."""
    if view_before == view_after and view_before != "oblique":
        return ""
    both_side_views = view_family(view_before) == view_family(view_after) == "side"
    if key in ANY_VIEW_KEYS or both_side_views:
        if side == "both":
            return ""
        return (
            "per side across camera positions: the near leg in one clip is the far leg in the other, and"
            " the bench has not shown that this does not matter; compare both sides together"
        )
    return "the clips were filmed from different views"


def median_se(iqr: float | None, n_steps: int, bench_sd: float) -> float:
    """Standard error of a median over ``n_steps`` steps with spread IQR (or the bench's, if larger)."""
    sd = max((iqr or 0.0) / 1.349, bench_sd)
    return MEDIAN_SE_FACTOR * sd / math.sqrt(max(n_steps, 1))


def detectable_difference(
    key: str, family: str, before: Mapping[str, Any], after: Mapping[str, Any], frame_s: float = 0.0
) -> float:
    """The smallest change between these two summaries of ``key`` that is more than noise.

    ``frame_s``: one frame of the slower clip, the floor of a change in a time.
    """
    bench_sd = BENCH_STEP_SD.get((family, key), 0.0)
    se_before = median_se(before.get("iqr"), int(before.get("steps_used") or 0), bench_sd)
    se_after = median_se(after.get("iqr"), int(after.get("steps_used") or 0), bench_sd)
    unit = str(before.get("unit", ""))
    floor = FLOOR.get(key, frame_s if unit == "s" else UNIT_FLOOR.get(unit, 0.0))
    return max(floor, Z95 * math.hypot(se_before, se_after))


def compare_metric(
    before: Mapping[str, Any], after: Mapping[str, Any], clips_differ: str, family: str, frame_s: float = 0.0
) -> MetricChange:
    """The verdict on one metric and side (entries of summary.json's ``metrics``); ``clips_differ``:
    why the two clips cannot be compared at all ("" when they can)."""
    key, side = before["key"], before["side"]
    b, a = before.get("value"), after.get("value")
    change = a - b if a is not None and b is not None else None
    problem = clips_differ or _not_comparable(before, after)
    dd = None if problem or change is None else detectable_difference(key, family, before, after, frame_s)
    verdict: Verdict
    if problem:
        verdict, reason = "not comparable", problem
    elif key in UNVALIDATED:
        verdict = "not validated"
        reason = "not validated on the known-answer bench (docs/validation.md): no change is called real"
    else:
        assert change is not None and dd is not None
        reason = _dd_basis(key, family, before["unit"])
        if abs(change) < dd:
            verdict = "within noise"
        elif key not in HIGHER_IS_WORSE:
            verdict = "changed"
        else:
            verdict = "worse" if (change > 0) == HIGHER_IS_WORSE[key] else "improved"
    return MetricChange(
        key, before.get("label", key), side, before["unit"], b, a, change, dd, verdict, reason
    )


def _not_comparable(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    for when, m in (("before", before), ("after", after)):
        if not m.get("measurable") or m.get("value") is None:
            return f"not measured {when}" + (f" ({m['reason']})" if m.get("reason") else "")
        if int(m.get("steps_used") or 0) < MIN_STEPS_FOR_VERDICT:
            return f"too few steps {when} ({m.get('steps_used')}, {MIN_STEPS_FOR_VERDICT} needed)"
        if float(m.get("confidence") or 0.0) < MIN_CONFIDENCE:
            return f"low confidence {when} ({float(m.get('confidence') or 0.0):.0%})"
    return ""


def _dd_basis(key: str, family: str, unit: str) -> str:
    parts = []
    if key in FLOOR:
        parts.append(f"at least {FLOOR[key]:g} (published or bench floor)")
    elif unit == "s":
        parts.append("at least one frame")
    elif UNIT_FLOOR.get(unit):
        parts.append(f"at least {UNIT_FLOOR[unit]:g} (resolution of a 2D pose measurement)")
    if (family, key) in BENCH_STEP_SD:
        parts.append(f"bench per-step error {BENCH_STEP_SD[(family, key)]:g} ({BENCH_GROUPS[family]})")
    parts.append("the two clips' step-to-step spread")
    return "detectable difference from " + ", ".join(parts)


def compare_summaries(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[MetricChange]:
    """Every metric and side present in both summaries, in the order of ``before``."""
    view_b, view_a = before["view"]["view"], after["view"]["view"]
    pose_b, pose_a = (dict(s.get("generator", {}).get("pose") or {}) for s in (before, after))
    if view_b != view_a:  # the mirror reading follows the view; it only matters where the view is one
        for pose in (pose_b, pose_a):
            pose.pop("mirrored", None)
    clips_differ = (
        "the clips were read with different pose settings (model, backend, mirror pass): rerun one"
        if pose_b and pose_a and pose_b != pose_a
        else ""
    )
    fps = [float(s.get("clip", {}).get("fps") or 0.0) for s in (before, after)]
    frame_s = 1.0 / min(fps) if min(fps) > 0 else 0.0
    after_by = {(m["key"], m["side"]): m for m in after["metrics"]}
    no_trial = any(
        s.get("markers") and s["markers"].get("standing_tilt_deg") is None for s in (before, after)
    )

    def differ(m: Mapping[str, Any]) -> str:
        if problem := clips_differ or view_problem(m["key"], m["side"], view_b, view_a):
            return problem
        if no_trial and m["key"] in MARKER_PLACEMENT_KEYS and m["side"] != "both":
            return "a visit without a standing trial: each side's sticker value assumes level placement"
        return ""

    return [
        compare_metric(m, after_by[(m["key"], m["side"])], differ(m), view_family(view_b), frame_s)
        for m in before["metrics"]
        if (m["key"], m["side"]) in after_by
        and (m.get("measurable") or after_by[(m["key"], m["side"])].get("measurable"))
    ]


def read_folder(folder: Path) -> tuple[dict[str, Any], dict[str, list[tuple[int, str, float]]]]:
    """A clip folder's summary.json and its per-step values: column -> [(step, side, value)].

    InputError, in one sentence, for a summary.json that is not JSON, not of a schema this gait reads,
    or lacks what a comparison needs (a damaged or foreign file, issue 22)."""
    path = folder / "summary.json"
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path} is damaged ({exc}): analyse the clip again with `gait analyse`.") from exc
    schema = summary.get("schema") if isinstance(summary, dict) else None
    if schema != SUMMARY_SCHEMA:
        raise InputError(
            f"{path} is of schema {schema!r}; this gait reads {SUMMARY_SCHEMA!r}: analyse the clip again "
            "with this version."
        )
    metrics, view = summary.get("metrics"), summary.get("view")
    entries_ok = isinstance(metrics, list) and all(
        isinstance(m, dict) and {"key", "side"} <= m.keys() for m in metrics
    )
    if not entries_ok or not isinstance(view, dict) or "view" not in view:
        raise InputError(f"{path} lacks its metrics or view: analyse the clip again with `gait analyse`.")
    steps: dict[str, list[tuple[int, str, float]]] = {}
    path = folder / "steps.csv"
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for column, text in row.items():
                    if text and column not in ("step", "side") and column.endswith("]"):
                        steps.setdefault(column, []).append((int(row["step"]), row["side"], float(text)))
    return summary, steps


def step_column(key: str, unit: str) -> str:
    """The steps.csv column of a metric key."""
    return column_name(key, unit)


def side_info(folder: Path, summary: Mapping[str, Any]) -> dict[str, Any]:
    """What compare.json says about one of the two clips."""
    return {
        "folder": str(folder),
        "file": summary.get("clip", {}).get("file"),
        "view": summary["view"]["view"],
        "steps": (summary.get("steps") or {}).get("total"),
    }


#: Probe facts of summary.json's ``clip`` that, all equal, make two clips the same file.
CLIP_FACTS = ("width_px", "height_px", "fps", "n_frames", "duration_s", "codec", "size_bytes")


def same_clip_warning(
    before: Path, after: Path, summary_b: Mapping[str, Any], summary_a: Mapping[str, Any]
) -> str:
    """A sentence when both visits are one clip (same folder, same source hash or same probe facts), or ""."""
    try:
        same_folder = os.path.samefile(before, after)
    except OSError:
        same_folder = False
    clips = [s.get("clip") or {} for s in (summary_b, summary_a)]
    hashes = [c.get("sha256") or c.get("source_sha256") for c in clips]
    if same_folder:
        how = "the same analysed folder"
    elif all(hashes):
        how = "the same clip (same content hash)" if hashes[0] == hashes[1] else ""
    elif clips[0].get("size_bytes") and all(clips[0].get(k) == clips[1].get(k) for k in CLIP_FACTS):
        how = "the same clip (same size in bytes, frame count, frame rate and resolution)"
    else:
        how = ""
    if not how:
        return ""
    return (
        f"Before and after are {how}: every change below is zero by construction, not a sign that"
        " nothing changed. Give the two visits' clips or folders."
    )


def compare_folders(before: Path, after: Path) -> tuple[Comparison, Sequence[dict[str, Any]]]:
    """Compare two analysed folders; also return their per-step values (for the plots)."""
    summary_b, steps_b = read_folder(before)
    summary_a, steps_a = read_folder(after)
    warning = same_clip_warning(before, after, summary_b, summary_a)
    comparison = Comparison(
        side_info(before, summary_b),
        side_info(after, summary_a),
        compare_summaries(summary_b, summary_a),
        [warning] if warning else [],
    )
    return comparison, (steps_b, steps_a)


#: Each visit's annotated video, as ``gait compare`` copies (or hard-links) it into its output
#: folder when it lies outside it, so the folder holds everything compare.html links.
VIDEO_NAMES = {"before": "before.annotated.mp4", "after": "after.annotated.mp4"}
#: Files ``gait compare`` writes into its output folder.
COMPARE_FILES = ("compare.json", "compare.html", *VIDEO_NAMES.values())


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` at ``target``; copy it where a link cannot be made (another disk, FAT, ...)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def compare(before: Path | str, after: Path | str, out_dir: Path | str, options: Any = None) -> Comparison:
    """Compare two clips, or two folders ``gait analyse`` wrote; write compare.json and compare.html.

    A clip is analysed first into ``out_dir/before`` or ``out_dir/after`` (``options``: an
    :class:`gait.pipeline.AnalyseOptions`). Raises InputError for a folder without summary.json,
    and the analysis's own errors for a clip that cannot be analysed; compare.json and
    compare.html are then not written.
    """
    from gait.fsutil import check_output_dir, staged_output
    from gait.pipeline import AnalyseOptions, analyse_video
    from gait.report.compare import render_compare_html

    out_dir = Path(out_dir)
    options = options or AnalyseOptions()
    check_output_dir(out_dir, names=COMPARE_FILES)  # before analysing anything
    folders = []
    for name, given in (("before", Path(before)), ("after", Path(after))):
        if given.is_dir():
            if not (given / "summary.json").is_file():
                raise InputError(
                    f"{given} holds no summary.json: give a clip, or a folder `gait analyse` wrote."
                )
            folders.append(given)
        else:
            analyse_video(given, out_dir / name, options)
            folders.append(out_dir / name)
    comparison, steps = compare_folders(folders[0], folders[1])
    with staged_output(out_dir, names=COMPARE_FILES) as staged:
        videos: list[Path | None] = []
        for name, folder in zip(("before", "after"), folders, strict=True):
            video = folder / "annotated.mp4"
            if not video.is_file():
                videos.append(None)
            elif _inside(video, out_dir):  # analysed here (OUT/before): linked where it is
                videos.append(video)
            else:  # elsewhere: the output folder gets its own, so it can be moved or sent as a whole
                link_or_copy(video, staged.folder / VIDEO_NAMES[name])
                videos.append(out_dir / VIDEO_NAMES[name])
        text = json.dumps(comparison.to_dict(), indent=1, allow_nan=False)
        (staged.folder / "compare.json").write_text(text, encoding="utf-8")
        html = render_compare_html(comparison, steps, videos, out_dir)
        (staged.folder / "compare.html").write_text(html, encoding="utf-8")
    return comparison
