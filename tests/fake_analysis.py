"""A synthetic runner for render and report tests: a PoseTrack, matching frames and an Analysis.

The runner runs on the spot facing away from (rear view) or across (side view) the camera at a
known cadence, with a known pelvic drop on each stance side, so drawings and plots have
realistic shapes without any pose model. Values are plausible, not physiological ground truth.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from gait.analysis import Analysis, Finding, MetricSummary, Side, Steps, ViewEstimate
from gait.track import LANDMARK_INDEX, PoseTrack

SIDES: tuple[Side, Side] = ("left", "right")


def _stance_phase(time_s: np.ndarray, first_s: float, period_s: float, stance_s: float) -> np.ndarray:
    """Progress 0-1 through the stance of a leg landing every ``period_s`` from ``first_s``; NaN in swing."""
    since = np.mod(time_s - first_s, period_s)
    return np.where((time_s >= first_s) & (since < stance_s), since / stance_s, np.nan)


def make_track(
    view: str = "rear",
    n_frames: int = 120,
    fps: float = 30.0,
    size_px: tuple[int, int] = (720, 1280),
    cadence_spm: float = 168.0,
    drop_deg: tuple[float, float] = (6.5, 3.0),
) -> PoseTrack:
    """A runner on the spot; ``drop_deg`` is the peak pelvic drop on left / right stance."""
    width, height = size_px
    t = np.arange(n_frames) / fps
    step_s, stance_s = 60.0 / cadence_spm, 0.25
    body = 0.7 * height
    cx, hip_y0 = width / 2, 0.5 * height
    phases = [_stance_phase(t, 0.1 + k * step_s, 2 * step_s, stance_s) for k in range(2)]
    bob = sum(np.nan_to_num(np.sin(np.pi * p)) for p in phases)
    hip_y = hip_y0 + 0.02 * body * bob
    tilt = np.radians(drop_deg[0] * np.nan_to_num(np.sin(np.pi * phases[0])))
    tilt -= np.radians(drop_deg[1] * np.nan_to_num(np.sin(np.pi * phases[1])))
    xy = np.full((n_frames, 33, 2), np.nan)
    half_hip = 0.06 * body if view in ("rear", "front") else 0.012 * body
    sign = 1 if view == "front" else -1  # rear: the person's left hip is on the image left (x = cx - half)
    for col, side in enumerate(SIDES):
        side_sign = -sign if side == "left" else sign
        drop_sign = 1 if side == "right" else -1  # tilt > 0: the right hip is lower
        hip = np.stack(
            [cx + side_sign * half_hip * np.cos(tilt), hip_y + drop_sign * half_hip * np.sin(tilt)], 1
        )
        swing = np.isnan(phases[col])
        lift = np.where(swing, np.abs(np.sin(np.pi * np.mod(t / (2 * step_s) + col / 2, 1.0))), 0.0)
        stride_x = (
            0.12 * body * np.sin(2 * np.pi * t / (2 * step_s) + np.pi * col) if view.startswith("side") else 0
        )
        adduct = np.where(swing, 0.0, 0.03 * body * np.sin(np.pi * np.nan_to_num(phases[col])))
        knee = hip + np.stack(
            [np.full(n_frames, -side_sign * adduct) + stride_x, 0.24 * body - 0.1 * body * lift], 1
        )
        ankle = knee + np.stack([np.zeros(n_frames) + stride_x * 0.5, 0.25 * body - 0.06 * body * lift], 1)
        xy[:, LANDMARK_INDEX[f"{side}_hip"]] = hip
        xy[:, LANDMARK_INDEX[f"{side}_knee"]] = knee
        xy[:, LANDMARK_INDEX[f"{side}_ankle"]] = ankle
        xy[:, LANDMARK_INDEX[f"{side}_heel"]] = ankle + np.array([0.0, 0.035 * body])
        toe_x = (0.06 if view.startswith("side") else 0.01) * body
        xy[:, LANDMARK_INDEX[f"{side}_foot_index"]] = ankle + np.array([toe_x, 0.045 * body])
        shoulder = np.stack(
            [np.full(n_frames, cx + side_sign * 1.6 * max(half_hip, 0.04 * body)), hip_y - 0.3 * body], 1
        )
        xy[:, LANDMARK_INDEX[f"{side}_shoulder"]] = shoulder
        xy[:, LANDMARK_INDEX[f"{side}_elbow"]] = shoulder + np.array([side_sign * 0.03 * body, 0.14 * body])
        xy[:, LANDMARK_INDEX[f"{side}_wrist"]] = shoulder + np.array([side_sign * 0.01 * body, 0.25 * body])
    head = np.stack([np.full(n_frames, cx), hip_y - 0.4 * body], 1)
    offsets = (
        0.02
        * body
        * np.array(
            [
                [0, 0],
                [-1, -1],
                [-1.3, -1],
                [-1.6, -1],
                [1, -1],
                [1.3, -1],
                [1.6, -1],
                [-2.4, -0.5],
                [2.4, -0.5],
                [-0.7, 1],
                [0.7, 1],
            ]
        )
    )
    xy[:, :11] = head[:, None] + offsets[None]
    ones = np.ones((n_frames, 33))
    return PoseTrack(xy, ones, ones, np.zeros((n_frames, 33, 3)), t, fps, size_px)


def make_steps(
    track: PoseTrack, cadence_spm: float = 168.0, drop_deg: tuple[float, float] = (6.5, 3.0)
) -> Steps:
    """The steps of :func:`make_track`'s runner, with per-step values that scatter around ``drop_deg``."""
    step_s, fps = 60.0 / cadence_spm, track.fps
    contact_s = np.arange(0.1, track.time_s[-1] - step_s, step_s)
    n = len(contact_s)
    side = np.array([SIDES[k % 2] for k in range(n)])
    contact = np.rint(contact_s * fps).astype(int)
    rng = np.random.default_rng(7)
    base = np.where(side == "left", drop_deg[0], drop_deg[1])
    values = {
        "pelvic_drop_midstance_deg": base + rng.normal(0, 0.8, n),
        "pelvic_drop_peak_deg": base + 0.8 + rng.normal(0, 0.8, n),
        "hip_adduction_peak_deg": np.where(side == "left", 11.0, 8.5) + rng.normal(0, 1.2, n),
        "overstride_leg_lengths": np.where(side == "left", 0.22, 0.19) + rng.normal(0, 0.02, n),
        "shank_angle_ic_deg": 7.0 + rng.normal(0, 1.5, n),
    }
    values["pelvic_drop_midstance_deg"][3 if n > 4 else []] = np.nan  # one step that could not be measured
    step_time_s = step_s + rng.normal(0, 0.008, n)
    values["step_time_s"] = step_time_s  # the engine repeats it as a per-step value
    return Steps(
        side=side,
        contact_frame=contact,
        midstance_frame=contact + round(0.125 * fps),
        toe_off_frame=contact + round(0.25 * fps),
        end_frame=np.append(contact[1:], contact[-1] + round(step_s * fps)),
        contact_time_s=np.full(n, 0.25),
        step_time_s=step_time_s,
        values=values,
    )


_META = {
    "step_time_s": ("Step time", "s"),
    "pelvic_drop_midstance_deg": ("Contralateral pelvic drop at midstance", "deg"),
    "pelvic_drop_peak_deg": ("Contralateral pelvic drop, peak in stance", "deg"),
    "hip_adduction_peak_deg": ("Hip adduction, peak in stance", "deg"),
    "overstride_leg_lengths": ("Foot ahead of the hip at contact", "leg lengths"),
    "shank_angle_ic_deg": ("Shank angle at contact", "deg"),
}


def _summaries(steps: Steps, view: str) -> list[MetricSummary]:
    out = []
    frontal = view in ("rear", "front")
    for key, values in steps.values.items():
        label, unit = _META[key]
        measurable = key == "step_time_s" or frontal == key.startswith(("pelvic", "hip"))
        for side in SIDES:
            v = values[steps.side == side]
            v = v[np.isfinite(v)]
            q1, med, q3 = np.percentile(v, [25, 50, 75]) if measurable else (math.nan,) * 3
            band = (
                ("moderate" if side == "left" else "mild") if key.startswith("pelvic_drop_mid") else "normal"
            )
            reason = (
                ""
                if measurable
                else "it needs a view from the front or behind."
                if not frontal
                else "it needs a side view."
            )
            out.append(
                MetricSummary(
                    key,
                    label,
                    unit,
                    side,
                    float(med),
                    float(q1),
                    float(q3),
                    len(v) if measurable else 0,
                    0.8 if measurable else 0.0,
                    ("2D estimate from a pose model",),
                    measurable,
                    reason,
                    band if measurable else None,
                )
            )
    cadence = 60.0 / np.median(steps.step_time_s)
    out.append(
        MetricSummary(
            "cadence_steps_per_min",
            "Cadence",
            "steps/min",
            "both",
            float(cadence),
            float(cadence - 2),
            float(cadence + 2),
            steps.n,
            0.9,
        )
    )
    return out


def make_analysis(view: str = "rear", track: PoseTrack | None = None, findings: bool = True) -> Analysis:
    """A realistic Analysis of :func:`make_track`'s runner; ``findings`` adds a left pelvic-drop finding."""
    track = track if track is not None else make_track(view)
    steps = make_steps(track)
    metrics = _summaries(steps, view)
    found: tuple[Finding, ...] = ()
    if findings and view in ("rear", "front"):
        left = next(m for m in metrics if m.key == "pelvic_drop_midstance_deg" and m.side == "left")
        found = (
            Finding(
                "pelvic_drop_high",
                left.key,
                "left",
                "moderate",
                left.median,
                "deg",
                f"Pelvic drop {left.median:.1f} deg on left stance (median of {left.n_steps} steps).",
            ),
        )
    hips = track.xy_px[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]]
    angle = np.degrees(np.arctan2(hips[:, 1, 1] - hips[:, 0, 1], np.abs(hips[:, 1, 0] - hips[:, 0, 0])))
    traces = {
        "pelvis_angle_deg": angle,
        "hip_adduction_left_deg": 8 + 4 * np.sin(np.arange(track.n_frames) / 3),
        "hip_adduction_right_deg": 7 + 3 * np.sin(np.arange(track.n_frames) / 3 + 1),
    }
    return Analysis(
        view=ViewEstimate(view, 0.86, "hip width is large against torso length"),  # type: ignore[arg-type]
        fps=track.fps,
        duration_s=float(track.n_frames / track.fps),
        n_frames=track.n_frames,
        frame_size_px=track.frame_size_px,
        steps=steps,
        metrics=tuple(metrics),
        findings=found,
        tilt_deg=0.8,
        quality_notes=("Fewer than 7 steps on one side would give values but no verdict.",),
        traces=traces,
        track=track,
    )


def draw_frames(track: PoseTrack, seed: int = 0) -> list[np.ndarray]:
    """Plain frames for the track: a textured background and a filled silhouette of the runner."""
    width, height = track.frame_size_px
    rng = np.random.default_rng(seed)
    background = cv2.GaussianBlur(rng.integers(60, 200, (height, width, 3), np.uint8), (0, 0), 6)
    frames = []
    for pts in track.xy_px:
        frame = background.copy()
        for a, b in (
            ("left_hip", "left_knee"),
            ("left_knee", "left_ankle"),
            ("right_hip", "right_knee"),
            ("right_knee", "right_ankle"),
            ("left_shoulder", "right_hip"),
            ("right_shoulder", "left_hip"),
        ):
            pa, pb = pts[LANDMARK_INDEX[a]], pts[LANDMARK_INDEX[b]]
            if np.isfinite(pa).all() and np.isfinite(pb).all():
                cv2.line(
                    frame,
                    (int(pa[0]), int(pa[1])),
                    (int(pb[0]), int(pb[1])),
                    (70, 60, 50),
                    max(4, height // 40),
                )
        frames.append(frame)
    return frames
