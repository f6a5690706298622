"""Validate gait's PSIS-marker measures on a hold-out grid of synthetic rear-view clips.

``python scripts/validate_markers.py`` renders what is missing (clips cached by spec hash, as
:func:`bench.validate.ensure_clip` does), analyses each clip through the stages of ``gait analyse``
with the stickers required, matches gait's steps to the true ones and writes the marker tables into
``docs/validation.md`` (between the marker comment lines) and ``docs/validation-markers.json``.

Every clip wears two green stickers over the PSIS and (unless its group says otherwise) opens with a
standing trial. Bodies 3, 5, 6, 7, 8 and 9 only: bodies 1, 2 and 4 were used while the marker
finder was built, so the grid is a hold-out.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.body import build_body
from bench.camera import Camera
from bench.markers import COLOURS, MarkerSpec
from bench.motion import RunningCycle, RunSpec
from bench.synth import ClipSpec, truth_path
from bench.validate import Condition, _plain, ensure_clip, fmt, matched_steps, stats

#: gait's marker keys -> the truth's keys (the true pelvis's PSIS line, and true hip adduction).
PAIRS = {
    "pelvic_drop_markers_midstance_deg": "pelvic_drop_psis_midstance_deg",
    "pelvic_drop_markers_peak_deg": "pelvic_drop_psis_peak_deg",
    "pelvic_drop_markers_excursion_deg": "pelvic_drop_psis_excursion_deg",
    "hip_adduction_markers_peak_deg": "hip_adduction_peak_deg",
}
LABELS = {
    "pelvic_drop_markers_midstance_deg": "Pelvic drop (markers) at midstance [deg]",
    "pelvic_drop_markers_peak_deg": "Pelvic drop (markers), peak [deg]",
    "pelvic_drop_markers_excursion_deg": "Pelvic drop (markers), excursion [deg]",
    "hip_adduction_markers_peak_deg": "Hip adduction (markers), peak [deg]",
}
HOLDOUT_BODIES = (3, 5, 6, 7, 8, 9)
#: Sticker colour per body where green would not do: body 7 wears a green top and green shorts
#: (bench.body TOP_RGB / SHORTS_RGB), and a user picks stickers that stand out from the clothing.
STICKER_COLOUR = {7: "magenta"}
POOLED = "hold-out, hip height with standing trial"
#: Group names in the order the tables show them.
HIP = "hip height, standing trial"
ABOVE = "0.5 m above the hips, standing trial"
ROLL = "3 deg roll, standing trial"
FAR = "5 m away, standing trial"
FAST = "120 fps, standing trial"
OFFSET = "5 mm placement offset, standing trial"
OFFSET_NO_STAND = "5 mm placement offset, no standing trial"
LAG = "soft tissue, lag 0.15, standing trial"
COVER = "sticker partly covered 0.3 s, standing trial"


def grid(drop: tuple[str, ...] = ()) -> list[Condition]:
    """The marker grid: one clip per (group, cpd pair); fps alternate 60/30, cadence 165/175.

    Each clip: 2 s standing then 6 s running (8 s in all; 1.5 + 4 s at 120 fps), femoral adduction
    set independently of the pelvic drop as in :func:`bench.validate.grid` (hip adduction = femoral
    + cpd), bodies cycling through :data:`HOLDOUT_BODIES`. ``drop``: group names left out.
    """
    femorals = ((8, 8), (4, 13), (14, 6), (6, 15))
    pair = ((6, 2), (2, 6))
    # group: (cpd pairs, camera, marker spec, standing s, running s, fps override)
    groups: dict[str, tuple[tuple[tuple[int, int], ...], Camera, MarkerSpec, float, float, float | None]] = {
        HIP: (((0, 0), (6, 2), (2, 6), (9, 5)), Camera(view="rear"), MarkerSpec("psis"), 2.0, 6.0, None),
        ABOVE: (pair, Camera(view="rear", height_m=0.5), MarkerSpec("psis"), 2.0, 6.0, None),
        ROLL: (pair, Camera(view="rear", roll_deg=3.0), MarkerSpec("psis"), 2.0, 6.0, None),
        FAR: (pair, Camera(view="rear", distance_m=5.0), MarkerSpec("psis"), 2.0, 6.0, None),
        FAST: (pair[:1], Camera(view="rear"), MarkerSpec("psis"), 1.5, 4.0, 120.0),
        OFFSET: (pair, Camera(view="rear"), MarkerSpec("psis", offset_mm=5.0), 2.0, 6.0, None),
        OFFSET_NO_STAND: (pair, Camera(view="rear"), MarkerSpec("psis", offset_mm=5.0), 0.0, 6.0, None),
        LAG: (pair, Camera(view="rear"), MarkerSpec("psis", lag=0.15), 2.0, 6.0, None),
        COVER: (pair[:1], Camera(view="rear"), MarkerSpec("psis", cover_s=((4.0, 4.3),)), 2.0, 6.0, None),
    }
    out: list[Condition] = []
    body_k = 0
    offset_bodies: list[int] = []
    for g, (group, (cpds, cam, marker, standing_s, running_s, fps_set)) in enumerate(groups.items()):
        for i, (left, right) in enumerate(cpds):
            fps = fps_set or (60.0 if i % 2 == 0 else 30.0)
            fem_left, fem_right = femorals[(g + i) % len(femorals)]
            if group == OFFSET_NO_STAND:  # the offset group's clips, less the standing trial
                body = offset_bodies[i]
                fem_left, fem_right = femorals[(list(groups).index(OFFSET) + i) % len(femorals)]
            else:
                body = HOLDOUT_BODIES[body_k % len(HOLDOUT_BODIES)]
                body_k += 1
                if group == OFFSET:
                    offset_bodies.append(body)
            run = RunSpec(
                cpd_left_deg=left,
                cpd_right_deg=right,
                hip_adduction_left_deg=fem_left + left,
                hip_adduction_right_deg=fem_right + right,
                cadence_spm=(165.0, 175.0)[i % 2],
            )
            camera = cam
            colour = STICKER_COLOUR.get(body, "green")
            marker = replace(marker, colour_rgb=COLOURS[colour])
            if group == ABOVE:  # 0.5 m above this runner's hips, aimed at them
                hip_m = RunningCycle(build_body(body), run).hip_mean_z
                camera = replace(cam, height_m=round(hip_m + 0.5, 4))
            name = (
                f"mk_h{camera.height_m or 0:.2f}_d{camera.distance_m:g}_r{camera.roll_deg:g}"
                f"_cpd{left}-{right}_fem{fem_left}-{fem_right}_{fps:g}fps_b{body}_st{standing_s:g}"
                f"_off{marker.offset_mm:g}_lag{marker.lag:g}{'_cover' if marker.cover_s else ''}"
                f"{'' if colour == 'green' else '_' + colour}"
            )
            seconds = standing_s + running_s
            spec = ClipSpec(run, camera, seconds, fps, body, standing_s=standing_s, marker=marker)
            if group not in drop:
                out.append(Condition(name, group, spec))
    return out


def sticker_hex(marker: MarkerSpec) -> str:
    """The stickers' colour as ``#rrggbb``: what a user would name with ``--marker-colour``."""
    return "#" + "".join(f"{round(255 * c):02x}" for c in marker.colour_rgb)


def unaided_hue(clip: Path, track: Any) -> dict[str, Any]:
    """The sticker hue gait finds without being told (``find_markers``' colour search), or why not."""
    from gait.markers import COLOUR_SAMPLE_FRAMES, find_colour
    from gait.video import frames_at

    seen = np.flatnonzero(track.person_found)
    picks = seen[np.linspace(0, len(seen) - 1, min(COLOUR_SAMPLE_FRAMES, len(seen))).astype(int)]
    try:
        return {"hue_deg": find_colour(frames_at(clip, picks), track)}
    except Exception as e:  # a crash of the search is a result
        return {"hue_deg": None, "error": f"{type(e).__name__}: {e}"}


def measure(clip: Path, cache_dir: Path | None, colour: str | None) -> tuple[Any, Any, dict[str, Any]]:
    """gait's (Analysis, MarkerTrack, unaided colour search) of ``clip``: the stages of ``gait analyse
    --markers psis --marker-colour COLOUR`` (``colour`` None: found), and what the colour search
    alone finds."""
    from gait.engine import analyse_track
    from gait.options import AnalyseOptions
    from gait.pipeline import psis_markers
    from gait.pose import camera_tilt, pose_track

    result = pose_track(clip, "full", cache_dir)
    unaided = unaided_hue(clip, result.track)
    tilt = camera_tilt(clip, result.track)
    options = AnalyseOptions(markers="psis", marker_colour=colour)
    markers = psis_markers(clip, result.info, result.track, options)
    analysis = analyse_track(
        result.track,
        tilt_deg=None if tilt is None else tilt.tilt_deg,
        tilt_uncertainty_deg=None if tilt is None else tilt.uncertainty_deg,
        pitch_deg=None if tilt is None else tilt.pitch_deg,
        markers=markers,
    )
    return analysis, markers, unaided


def compare(analysis: Any, markers: Any, truth: dict[str, Any]) -> dict[str, Any]:
    """One clip's per-step pairs, per-side medians, per-frame trace and marker figures."""
    matched = matched_steps(analysis, truth)
    pairs = []
    for i, true in matched:
        for key, true_key in PAIRS.items():
            value = analysis.steps.values.get(key)
            if value is not None and np.isfinite(value[i]) and true["values"].get(true_key) is not None:
                pairs.append(
                    {
                        "key": key,
                        "side": str(analysis.steps.side[i]),
                        "measured": float(value[i]),
                        "true": true["values"][true_key],
                    }
                )
    medians = {}
    for key, true_key in PAIRS.items():
        for side in ("left", "right"):
            m = analysis.metric(key, side)
            medians[f"{key}|{side}"] = {
                "measured": None if m is None or not m.measurable else m.median,
                "n_steps": None if m is None else m.n_steps,
                "true": truth["summary"].get(f"{true_key}.{side}"),
            }
    run_from = truth["standing_frames"][1]
    trace = analysis.traces.get("pelvis_marker_angle_deg")
    true_trace = np.asarray(truth["per_frame"]["pelvis_psis_angle_deg"], float)[run_from:]
    frame: dict[str, Any] = {"measured": [], "true": []}
    if trace is not None:
        m = np.asarray(trace, float)[run_from:]
        ok = np.isfinite(m) & np.isfinite(true_trace)
        frame = {"measured": np.round(m[ok], 4).tolist(), "true": np.round(true_trace[ok], 4).tolist()}
    found = None
    if markers is not None:
        run = slice(run_from, None)
        searched = np.asarray(markers.searched[run], bool)
        found = {
            "detection_rate": markers.detection_rate,
            "running_detection_rate": float((markers.found[run] & searched).sum() / max(searched.sum(), 1)),
            "standing_frames": list(markers.standing),
            "standing_tilt_deg": markers.standing_tilt_deg(),
        }
    standing_true = truth["standing_marker_tilt_deg"]
    return {
        "pairs": pairs,
        "medians": medians,
        "per_frame": frame,
        "markers": found,
        "true_standing_frames": truth["standing_frames"],
        # gait's standing tilt is read in the image as rendered: the resting tilt plus the roll
        "true_standing_tilt_image_deg": None
        if standing_true is None
        else standing_true + truth["camera"]["roll_deg"],
        "n_true_steps": len(truth["steps"]),
        "n_steps": analysis.steps.n,
        "n_matched": len(matched),
        "view": analysis.view.view,
        "tilt_deg": analysis.tilt_deg,
        "true_roll_deg": truth["camera"]["roll_deg"],
        "notes": [str(n) for n in getattr(analysis, "notes", ())],
    }


def run(
    conditions: list[Condition], clip_dir: Path, cache: Path | None, named: bool = True
) -> list[dict[str, Any]]:
    results = []
    for cond in conditions:
        start = time.perf_counter()
        clip = ensure_clip(cond, clip_dir)
        rendered = time.perf_counter()
        truth = json.loads(truth_path(clip).read_text())
        colour = sticker_hex(cond.spec.marker) if named else None
        try:
            analysis, markers, unaided = measure(clip, cache, colour)
            r = compare(analysis, markers, truth) | {"unaided_colour": unaided, "marker_colour": colour}
        except Exception as e:  # a clip gait cannot analyse is a result too
            r = {"error": f"{type(e).__name__}: {e}", "pairs": [], "medians": {}}
        done = time.perf_counter()
        r |= {
            "name": cond.name,
            "group": cond.group,
            "clip": str(clip),
            "fps": truth["fps"],
            "render_s": rendered - start,
            "analyse_s": done - rendered,
        }
        results.append(r)
        print(
            f"{cond.name}: {r.get('n_matched')}/{r.get('n_steps')}/{r.get('n_true_steps')} "
            "matched/steps/true, "
            f"view {r.get('view')}, detection {(r.get('markers') or {}).get('running_detection_rate')}, "
            f"unaided hue {(r.get('unaided_colour') or {}).get('hue_deg')}, "
            f"render {r['render_s']:.0f} s, analyse {r['analyse_s']:.0f} s {r.get('error', '')}",
            flush=True,
        )
    return results


# --- the tables ---------------------------------------------------------------------------------
def with_pooled(results: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """(group, its clips) in grid order, the pooled hold-out row (= the hip-height group) first."""
    groups = list(dict.fromkeys(r["group"] for r in results))
    return [(POOLED, [r for r in results if r["group"] == HIP])] + [
        (g, [r for r in results if r["group"] == g]) for g in groups
    ]


def side_median_errors(rs: list[dict[str, Any]], key: str) -> np.ndarray:
    """gait's per-side median minus the truth's, over the clips' sides (NaN where not measured)."""
    errs = []
    for r in rs:
        for side in ("left", "right"):
            m = r["medians"].get(f"{key}|{side}")
            if m and m["measured"] is not None and m["true"] is not None:
                errs.append(m["measured"] - m["true"])
            elif m:
                errs.append(float("nan"))
    return np.asarray(errs, float)


def metric_rows(results: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| metric | condition | clips | steps | bias | slope | RMSE | worst "
        "| side medians: bias | RMSE | sides |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key in PAIRS:
        for group, rs in with_pooled(results):
            if group == HIP:
                continue  # the pooled row is this group
            pairs = [p for r in rs for p in r["pairs"] if p["key"] == key]
            med = side_median_errors(rs, key)
            ok = med[np.isfinite(med)]
            cells = ["n/a"] * 4
            if pairs:
                s = stats((p["measured"] for p in pairs), (p["true"] for p in pairs))
                cells = [fmt(s["bias"]), f"{s['slope']:.2f}", f"{s['rmse']:.2f}", f"{s['max_abs']:.2f}"]
            side_cells = (
                [fmt(float(ok.mean())), f"{np.sqrt(np.mean(ok**2)):.2f}"] if len(ok) else ["n/a", "n/a"]
            )
            rows.append(
                f"| {LABELS[key]} | {group} | {len(rs)} | {len(pairs)} | {' | '.join(cells)} | "
                f"{' | '.join(side_cells)} | {len(ok)}/{len(med)} |"
            )
    return rows


def marker_rows(results: list[dict[str, Any]]) -> list[str]:
    """Per group: per-frame gain and correlation, detection, standing tilt, L-R difference error."""
    rows = [
        "| condition | clips | per-frame gain | per-frame r | per-frame RMS [deg] "
        "| detection, running frames: mean | min "
        "| standing tilt true -> measured [deg] | L-R midstance error: RMS | worst |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    key = "pelvic_drop_markers_midstance_deg"
    for group, rs in with_pooled(results):
        if group == HIP:
            continue
        ok = [r for r in rs if "error" not in r]
        m = np.concatenate([np.asarray(r["per_frame"]["measured"], float) for r in ok] or [np.empty(0)])
        t = np.concatenate([np.asarray(r["per_frame"]["true"], float) for r in ok] or [np.empty(0)])
        gain = f"{np.polyfit(t, m, 1)[0]:.3f}" if len(t) > 2 else "n/a"
        corr = f"{np.corrcoef(t, m)[0, 1]:.3f}" if len(t) > 2 else "n/a"
        frame_rms = f"{np.sqrt(np.mean((m - t) ** 2)):.2f}" if len(t) else "n/a"
        det = [r["markers"]["running_detection_rate"] for r in ok if r["markers"]]
        tilts = []
        for r in ok:
            true, read = r["true_standing_tilt_image_deg"], (r["markers"] or {}).get("standing_tilt_deg")
            if true is None:
                tilts.append("none")
            else:
                tilts.append(f"{true:+.2f} -> {'none' if read is None else f'{read:+.2f}'}")
        lr = []
        for r in ok:
            left, right = r["medians"].get(f"{key}|left"), r["medians"].get(f"{key}|right")
            values = (left or {}).get("measured"), (right or {}).get("measured")
            if left and right and None not in (*values, left["true"], right["true"]):
                lr.append((left["measured"] - right["measured"]) - (left["true"] - right["true"]))
        e = np.asarray(lr, float)
        rows.append(
            f"| {group} | {len(rs)} | {gain} | {corr} | {frame_rms} "
            f"| {100 * np.mean(det):.1f}% | {100 * min(det):.1f}% | {'; '.join(tilts)} "
            f"| {np.sqrt(np.mean(e**2)):.2f} | {np.abs(e).max():.2f} |"
            if det and len(e)
            else f"| {group} | {len(rs)} | n/a | n/a | n/a | n/a | n/a | n/a | n/a | n/a |"
        )
    return rows


def clip_rows(results: list[dict[str, Any]]) -> list[str]:
    rows = [
        "| clip | group | view | steps matched / gait / true | standing frames true -> found "
        "| detection, running | colour found unaided [deg hue] | midstance L, R: measured (true) [deg] |",
        "|---|---|---|---|---|---|---|---|",
    ]
    key = "pelvic_drop_markers_midstance_deg"
    for r in results:
        if "error" in r:
            rows.append(f"| {r['name']} | {r['group']} | {r['error']} | | | | | |")
            continue
        meds = []
        for side in ("left", "right"):
            m = r["medians"][f"{key}|{side}"]
            meds.append(f"{fmt(m['measured'], 1)} ({m['true']:+.1f})" if m["measured"] is not None else "n/a")
        found = (r["markers"] or {}).get("standing_frames")
        det = (r["markers"] or {}).get("running_detection_rate")
        unaided = r.get("unaided_colour") or {}
        hue = unaided.get("error") or (
            "none" if unaided.get("hue_deg") is None else f"{unaided['hue_deg']:.0f}"
        )
        rows.append(
            f"| {r['name']} | {r['group']} | {r['view']} | {r['n_matched']} / {r['n_steps']} / "
            f"{r['n_true_steps']} | {r['true_standing_frames']} -> {found} "
            f"| {'n/a' if det is None else f'{100 * det:.1f}%'} | {hue} | {', '.join(meds)} |"
        )
    return rows


BEGIN = "<!-- BEGIN marker tables written by scripts/validate_markers.py -->"
END = "<!-- END marker tables -->"
INTRO = (
    "Hold-out bodies 3, 5, 6, 7, 8, 9 (bodies 1, 2, 4 were used while the marker finder was built); "
    "rear view, 720x1280, 22 mm stickers (green; magenta on body 7, who wears green), the `full` "
    "model. Per-step errors are gait's marker "
    "value minus the TRUE pelvis (its PSIS line; true hip adduction), so soft-tissue lag and "
    "placement show up as errors. Side medians: gait's per-side summary median minus the truth's. "
    "Per-frame gain: least-squares slope of gait's levelled sticker-line tilt on the true PSIS line "
    "over the running frames. Standing tilt: the truth's resting sticker tilt plus the camera roll "
    "(gait reads it in the rolled image; roll + turns the scene clockwise, which lowers the right "
    "side, and the tilt is right side lower +). The renderer has no motion blur, sensor noise or "
    "rolling shutter: a real phone clip will find stickers less reliably than these."
)
#: How the stickers' colour reached gait, by ``--name-colour``.
COLOUR_MODE = {
    False: " gait found the stickers' colour itself, as for a user (last column of the clip table).",
    True: " The stickers' colour was named to gait as #rrggbb (`--marker-colour`).",
}


def write_results(results: list[dict[str, Any]], docs: Path, compute_s: float, named: bool) -> None:
    """docs/validation-markers.json and the marker tables of docs/validation.md (``compute_s``: this
    run's seconds; clips rendered in it are counted, the rest were cached with their pose tracks)."""
    rendered = sum(r.get("render_s", 0.0) > 1.0 for r in results)
    (docs / "validation-markers.json").write_text(json.dumps(results, indent=1, default=_plain) + "\n")
    tables = {
        "Marker measures, per-step and per-side-median error, measured - true (deg)": metric_rows(results),
        "Marker trace, detection, standing trial and left-right difference": marker_rows(results),
        "Marker clips": clip_rows(results),
    }
    compute = (
        f" This run: {compute_s / 60:.1f} min on 2 cores, {rendered} of {len(results)} clips rendered "
        "in it (the others, and every pose track, cached)."
    )
    text = f"{INTRO}{COLOUR_MODE[named]}{compute}\n\n" + "\n\n".join(
        f"### {name}\n\n" + "\n".join(rows) for name, rows in tables.items()
    )
    page = docs / "validation.md"
    head, found, rest = page.read_text().partition(BEGIN)
    tail = rest.partition(END)[2] if found else "\n"
    page.write_text(f"{head.rstrip()}\n\n{BEGIN}\n## PSIS markers\n\n{text}\n{END}{tail}")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clips", type=Path, default=Path("build/bench-markers"), help="where clips are kept")
    p.add_argument("--docs", type=Path, default=Path("docs"))
    p.add_argument("--drop", default="", help="comma-separated group names to leave out")
    p.add_argument("--only", type=int, default=0, help="the first N clips only, for trying changes")
    p.add_argument("--no-cache", action="store_true")
    p.add_argument(
        "--name-colour", action="store_true", help="name the stickers' colour to gait (default: it finds it)"
    )
    a = p.parse_args(argv)
    conds = grid(tuple(g for g in a.drop.split(",") if g))
    if a.only:
        conds = conds[: a.only]
    a.clips.mkdir(parents=True, exist_ok=True)
    cache = None if a.no_cache else Path.home() / ".cache" / "gait"
    start = time.perf_counter()
    results = run(conds, a.clips, cache, a.name_colour)
    write_results(results, a.docs, time.perf_counter() - start, a.name_colour)
