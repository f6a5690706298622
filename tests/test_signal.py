"""Signal conditioning: gap filling, zero-phase low-pass, cutoff choice, step frequency, swap repair."""

from __future__ import annotations

import numpy as np
import pytest

from gait.signal import (
    choose_cutoff_hz,
    clean_track,
    dominant_frequency_hz,
    drop_low_visibility,
    fill_short_gaps,
    lowpass_zero_phase,
    repair_leg_swaps,
)
from gait.track import LANDMARK_INDEX
from tests.synthetic import LEG_CHAIN, make_run

FPS = 60.0


def test_fill_short_gaps_interpolates_lines_exactly_and_leaves_long_gaps() -> None:
    x = np.arange(20, dtype=float) * 2.0 + 1.0  # a straight line: interpolation must be exact
    x[[3, 4]] = np.nan  # 2-frame gap: filled
    x[10:15] = np.nan  # 5-frame gap: too long
    x[0] = np.nan  # leading edge: never filled
    out = fill_short_gaps(x, max_gap_frames=3)
    assert out[3] == pytest.approx(7.0) and out[4] == pytest.approx(9.0)
    assert np.isnan(out[10:15]).all() and np.isnan(out[0])
    assert np.isnan(x[3])  # the input is not modified


def test_fill_short_gaps_works_on_landmark_arrays() -> None:
    xy = np.tile(np.arange(10, dtype=float)[:, None, None], (1, 33, 2))
    xy[5, 7, 1] = np.nan
    out = fill_short_gaps(xy, 1)
    assert out.shape == xy.shape and out[5, 7, 1] == pytest.approx(5.0)


def test_lowpass_keeps_slow_sine_without_lag_and_removes_fast_one() -> None:
    t = np.arange(600) / FPS
    slow = np.sin(2 * np.pi * 1.5 * t)
    fast = 0.5 * np.sin(2 * np.pi * 25.0 * t)
    out = lowpass_zero_phase(slow + fast, FPS, cutoff_hz=10.0)
    inner = slice(60, -60)  # away from the edge transients
    assert np.max(np.abs(out[inner] - slow[inner])) < 0.01  # unit gain, zero phase, fast part gone


def test_lowpass_filters_runs_separately_and_keeps_nan() -> None:
    t = np.arange(400) / FPS
    x = np.sin(2 * np.pi * 2.0 * t) + 5.0
    x[150:200] = np.nan
    out = lowpass_zero_phase(x, FPS, 8.0)
    assert np.isnan(out[150:200]).all()
    first = lowpass_zero_phase(x[:150], FPS, 8.0)
    np.testing.assert_allclose(out[:150], first, atol=1e-5)  # nothing leaks across the gap


def test_cutoff_follows_step_frequency_within_bounds() -> None:
    assert choose_cutoff_hz(60.0, 170 / 60) == pytest.approx(4 * 170 / 60)
    assert choose_cutoff_hz(24.0, 170 / 60) == pytest.approx(0.8 * 12.0)  # capped below Nyquist
    assert choose_cutoff_hz(60.0, 1.2) == pytest.approx(6.0)  # floor
    assert choose_cutoff_hz(60.0, float("nan")) == pytest.approx(12.0)


def test_dominant_frequency_finds_the_bounce_despite_trend_and_noise() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(int(8 * FPS)) / FPS
    y = 10 * np.sin(2 * np.pi * 2.9 * t) + 30 * t + rng.normal(0, 3, t.size)
    assert dominant_frequency_hz(y, FPS) == pytest.approx(2.9, abs=0.02)


def test_dominant_frequency_prefers_the_step_over_a_stride_subharmonic() -> None:
    t = np.arange(int(10 * FPS)) / FPS
    y = 1.0 * np.sin(2 * np.pi * 1.45 * t) + 0.8 * np.sin(2 * np.pi * 2.9 * t)  # asymmetric runner
    assert dominant_frequency_hz(y, FPS) == pytest.approx(2.9, abs=0.02)


def test_dominant_frequency_needs_two_seconds() -> None:
    assert np.isnan(dominant_frequency_hz(np.sin(np.arange(60)), FPS))


def test_drop_low_visibility() -> None:
    xy = np.ones((2, 33, 2))
    vis = np.full((2, 33), 0.9)
    vis[1, 3] = 0.1
    out = drop_low_visibility(xy, vis, 0.3)
    assert np.isnan(out[1, 3]).all() and np.isfinite(out[0]).all() and np.isfinite(xy).all()


@pytest.mark.parametrize("view", ["side_right", "rear"])
def test_swap_repair_undoes_injected_swaps_exactly(view: str) -> None:
    swaps = ((2.0, 0.05), (5.0, 0.02), (8.3, 0.07))  # 3, 1 and 4 frames, legs apart or not
    clean, _ = make_run(view=view, duration_s=10.0, noise_px=0.5)
    swapped, _ = make_run(view=view, duration_s=10.0, noise_px=0.5, swaps_s=swaps)
    repaired, flags = repair_leg_swaps(swapped.xy_px, 300.0, window_frames=15)
    chain = [LANDMARK_INDEX[f"{s}_{p}"] for s in ("left", "right") for p in LEG_CHAIN]
    injected = np.any([(clean.time_s >= a) & (clean.time_s < a + d) for a, d in swaps], axis=0)
    apart = np.abs(clean.xy_px[:, chain[2], 0] - clean.xy_px[:, chain[7], 0]) + np.abs(
        clean.xy_px[:, chain[2], 1] - clean.xy_px[:, chain[7], 1]
    )
    visible = injected & (apart > 0.2 * 300)  # a swap while the ankles overlap changes nothing
    assert visible.sum() >= 5
    assert flags[visible].all()
    assert not flags[~injected].any()  # no false repairs
    np.testing.assert_allclose(repaired[visible][:, chain], clean.xy_px[visible][:, chain])


def test_clean_track_reports_what_it_did() -> None:
    track, _ = make_run(view="rear", duration_s=6.0, gaps_s=((2.0, 0.05), (4.0, 0.5)))
    cleaned = clean_track(track)
    hip = LANDMARK_INDEX["left_hip"]
    short = (track.time_s >= 2.0) & (track.time_s < 2.05)
    long = (track.time_s >= 4.0) & (track.time_s < 4.5)
    assert np.isfinite(cleaned.track.xy_px[short, hip]).all()  # 3 frames <= 0.1 s: filled
    assert np.isnan(cleaned.track.xy_px[long, hip]).all()  # 30 frames: left empty
    assert cleaned.filled_points > 0 and not cleaned.swapped.any()
    assert cleaned.cutoff_hz == pytest.approx(4 * 170 / 60, rel=0.01)
    assert cleaned.track.n_frames == track.n_frames
