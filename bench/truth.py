"""Ground truth in gait's own definitions, computed from the projected true joint centres.

This module re-implements each definition of ``docs/metrics.md`` from first principles rather than
calling gait's code, so a mistake in gait's formulas shows up as a difference on the bench.
Frontal-plane values are measured in the *level* camera (the same camera without its roll): they
are what the runner did, which gait must recover whatever the roll. Contacts are exact: the first
frame at or after the moment the foot touches the belt.

A clip may open with a standing trial (:mod:`bench.trial`): every running event is then later by
exactly its whole number of frames. With PSIS stickers (:mod:`bench.markers`) the truth also holds
their rendered centres and the angle of the line between them, which lags the true PSIS line by the
soft-tissue fraction asked and carries any placement offset; the step values stay the TRUE pelvis.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from bench.camera import Camera
from bench.markers import MarkerRig
from bench.motion import RunningCycle
from bench.trial import Trial

SCHEMA = "gait.bench.truth/1"
#: Landmarks written per frame (the image as rendered, roll included), gait-style names.
LANDMARKS = ("hip", "knee", "ankle", "heel", "toe", "shoulder", "psis", "psis_marker")
OTHER = {"left": "right", "right": "left"}


def angle_deg(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.degrees(np.arctan2(y, x))


def frontal(px: dict[str, np.ndarray], side: str) -> dict[str, np.ndarray]:
    """Per-frame frontal-plane angles for ``side`` as the stance leg (deg)."""
    other = OTHER[side]
    hip, hip_o, knee = px[f"hip.{side}"], px[f"hip.{other}"], px[f"knee.{side}"]
    toward_other = hip_o - hip
    medial = toward_other / np.linalg.norm(toward_other, axis=1, keepdims=True)
    down = np.stack([-medial[:, 1], medial[:, 0]], -1)
    down *= np.sign(down[:, 1:2])
    femur = knee - hip
    psis, psis_o = px[f"psis.{side}"], px[f"psis.{other}"]
    return {
        "pelvic_drop_deg": angle_deg(hip_o[:, 1] - hip[:, 1], np.abs(hip_o[:, 0] - hip[:, 0])),
        "pelvic_drop_psis_deg": angle_deg(psis_o[:, 1] - psis[:, 1], np.abs(psis_o[:, 0] - psis[:, 0])),
        "hip_adduction_deg": angle_deg((femur * medial).sum(1), (femur * down).sum(1)),
        "femoral_adduction_deg": angle_deg(femur[:, 0] * np.sign(medial[:, 0]), femur[:, 1]),
    }


def leg_length_px(px: dict[str, np.ndarray], side: str) -> np.ndarray:
    hip, knee, ankle = px[f"hip.{side}"], px[f"knee.{side}"], px[f"ankle.{side}"]
    return np.linalg.norm(knee - hip, axis=1) + np.linalg.norm(ankle - knee, axis=1)


def relabel(joints: dict[str, np.ndarray], mirror: bool) -> dict[str, np.ndarray]:
    """Joint names in gait's words (``hip.left``); a mirrored picture swaps the sides."""
    names = {"L": "right", "R": "left"} if mirror else {"L": "left", "R": "right"}
    out = {}
    for name, value in joints.items():
        base, _, side = name.partition(".")
        out[f"{base}.{names[side]}" if side else base] = value
    return out


def right_lower_deg(level: dict[str, np.ndarray], base: str) -> np.ndarray:
    """Per frame, the angle of the line from ``base.left`` to ``base.right``, right side lower +."""
    right, left = level[f"{base}.right"], level[f"{base}.left"]
    return angle_deg(right[:, 1] - left[:, 1], np.abs(right[:, 0] - left[:, 0]))


def build_truth(
    cycle: RunningCycle,
    camera: Camera,
    fps: float,
    n_frames: int,
    trial: Trial | None = None,
    markers: MarkerRig | None = None,
) -> dict[str, Any]:
    """The truth document for a clip of ``n_frames`` at ``fps`` seen by ``camera`` (placed).

    ``trial``: the clip's timeline (default: running from the first frame); ``markers``: its PSIS
    stickers, if any (their rig's trial is then the clip's).
    """
    if markers is not None:
        trial = markers.trial
    if trial is None:
        trial = Trial(cycle, fps)
    start_s = trial.start_s
    t = np.arange(n_frames) / fps
    pose = trial.pose(t)
    joints = pose.joints | (markers.centres(t) if markers is not None else {})
    image = {k: camera.project(v) for k, v in relabel(joints, camera.mirror).items()}
    level = {k: camera.level().project(v) for k, v in relabel(joints, camera.mirror).items()}
    mid_hip = (level["hip.left"] + level["hip.right"]) / 2
    view = camera.view
    if camera.mirror and view.startswith("side"):
        view = "side_left" if view == "side_right" else "side_right"
    travel_sign = {"side_right": 1.0, "side_left": -1.0}.get(view, 0.0)

    per_frame: dict[str, Any] = {"time_s": t}
    right_lower = angle_deg(
        level["hip.right"][:, 1] - level["hip.left"][:, 1],
        np.abs(level["hip.right"][:, 0] - level["hip.left"][:, 0]),
    )
    per_frame["pelvis_angle_deg"] = right_lower
    per_frame["pelvis_psis_angle_deg"] = right_lower_deg(level, "psis")
    has_markers = "psis_marker.left" in level
    if has_markers:
        assert markers is not None
        per_frame["pelvis_marker_angle_deg"] = right_lower_deg(level, "psis_marker")
        covered = markers.spec.covered(t)  # over the runner's right sticker
        label = "left" if camera.mirror else "right"
        per_frame["psis_marker_covered"] = {label: covered, OTHER[label]: np.zeros_like(covered)}
    frontal_by_side = {side: frontal(level, side) for side in ("left", "right")}
    for side in ("left", "right"):
        for key in ("hip_adduction_deg", "femoral_adduction_deg"):
            per_frame[key.replace("_deg", f"_{side}_deg")] = frontal_by_side[side][key]
        per_frame[f"foot_ahead_{side}_px"] = (level[f"ankle.{side}"][:, 0] - mid_hip[:, 0]) * travel_sign
    per_frame["landmarks_px"] = {k: image[k] for k in image if k.split(".")[0] in LANDMARKS}

    # Steps: every contact whose step (to the next contralateral contact) lies inside the clip.
    leg_of = {"L": "right", "R": "left"} if camera.mirror else {"L": "left", "R": "right"}
    contacts = sorted(
        (tc + start_s, leg_of[s])
        for s in ("L", "R")
        for tc in cycle.contact_times(s, t[-1] - start_s)
        if tc >= 0
    )
    steps = []
    for (tc, side), (tn, _) in itertools.pairwise(contacts):
        contact, end = int(np.ceil(tc * fps - 1e-9)), int(np.ceil(tn * fps - 1e-9))
        toe_off_s = tc + cycle.contact_s
        toe_off = int(np.ceil(toe_off_s * fps - 1e-9))
        if end >= n_frames or toe_off >= n_frames:
            break
        midstance = round((tc + cycle.contact_s / 2) * fps)
        stance = slice(contact, toe_off)
        f = {k: v[stance] for k, v in frontal_by_side[side].items()}
        legs = leg_length_px(level, side)[stance]
        steps.append(
            {
                "side": side,
                "contact_s": tc,
                "contact_frame": contact,
                "midstance_frame": midstance,
                "toe_off_frame": toe_off,
                "end_frame": end,
                "values": {
                    "pelvic_drop_midstance_deg": float(frontal_by_side[side]["pelvic_drop_deg"][midstance]),
                    "pelvic_drop_psis_midstance_deg": float(
                        frontal_by_side[side]["pelvic_drop_psis_deg"][midstance]
                    ),
                    "pelvic_drop_peak_deg": float(f["pelvic_drop_deg"].max()),
                    "pelvic_drop_psis_peak_deg": float(f["pelvic_drop_psis_deg"].max()),
                    "pelvic_drop_psis_excursion_deg": float(
                        f["pelvic_drop_psis_deg"].max() - f["pelvic_drop_psis_deg"][0]
                    ),
                    "hip_adduction_peak_deg": float(f["hip_adduction_deg"].max()),
                    "femoral_adduction_peak_deg": float(f["femoral_adduction_deg"].max()),
                    "overstride_leg_lengths": float(
                        per_frame[f"foot_ahead_{side}_px"][contact] / np.median(legs)
                    )
                    if travel_sign
                    else None,
                    "contact_time_s": cycle.contact_s,
                    "step_time_s": tn - tc,
                },
            }
        )

    summary: dict[str, Any] = {"cadence_steps_per_min": cycle.spec.cadence_spm}
    keys = steps[0]["values"].keys() if steps else ()
    for side in ("left", "right"):
        for key in keys:
            vals = [s["values"][key] for s in steps if s["side"] == side and s["values"][key] is not None]
            summary[f"{key}.{side}"] = float(np.median(vals)) if vals else None
    standing = slice(0, trial.standing_frames)
    standing_tilt = None
    if has_markers and trial.standing_frames:
        standing_tilt = float(np.median(per_frame["pelvis_marker_angle_deg"][standing]))
    return {
        "schema": SCHEMA,
        "view": view,
        "fps": fps,
        "n_frames": n_frames,
        "width_px": camera.width_px,
        "height_px": camera.height_px,
        "camera": {
            k: getattr(camera, k)
            for k in (
                "view",
                "height_m",
                "distance_m",
                "pitch_deg",
                "roll_deg",
                "fov_long_side_deg",
                "mirror",
            )
        },
        "belt_speed_mps": cycle.belt_mps,
        "standing_frames": [0, trial.standing_frames],
        "standing_marker_tilt_deg": standing_tilt,
        "contact_time_s": cycle.contact_s,
        "summary": summary,
        "steps": steps,
        "per_frame": per_frame,
    }
