"""The landmark network's outputs -> landmarks: heat-map refinement and the mirror-image pairing."""

from __future__ import annotations

import numpy as np

from gait.pose.onnx.detector import sigmoid

#: Side of the landmark network's square input (pixels).
LANDMARK_SIZE = 256
#: Landmarks the network returns: 33 pose points, 2 auxiliary (hip centre, scale point), 4 unused.
N_NETWORK_LANDMARKS = 39
#: Heat-map refinement window (heat-map cells) and the confidence a cell needs to refine.
HEATMAP_KERNEL = 7
HEATMAP_MIN_CONFIDENCE = 0.5
#: Columns of one frame's detection, as in gait.pose.
N_COLS = 7


def refine_from_heatmap(xy_unit: np.ndarray, heatmap: np.ndarray) -> np.ndarray:
    """Landmarks (B, L, 2) in crop units moved to the heat-map's weighted mean around them.

    ``heatmap``: (B, H, W, L) logits. As MediaPipe's RefineLandmarksFromHeatmap: a
    :data:`HEATMAP_KERNEL` window around the landmark's cell, weights sigmoid(logit), cells indexed
    from 0 without a half-cell offset; only where the window's best weight reaches
    :data:`HEATMAP_MIN_CONFIDENCE`.
    """
    b, h, w, n = heatmap.shape
    col = np.trunc(xy_unit[..., 0] * w).astype(int)  # C++ int conversion truncates
    row = np.trunc(xy_unit[..., 1] * h).astype(int)
    inside = (col >= 0) & (col < w) & (row >= 0)  # MediaPipe checks the column twice, not the row's top
    offsets = np.arange(HEATMAP_KERNEL) - (HEATMAP_KERNEL - 1) // 2
    rows = row[..., None] + offsets  # (B, L, K)
    cols = col[..., None] + offsets
    valid = ((rows >= 0) & (rows < h))[..., :, None] & ((cols >= 0) & (cols < w))[..., None, :]
    bi = np.arange(b)[:, None, None, None]
    li = np.arange(n)[None, :, None, None]
    window = heatmap[bi, np.clip(rows, 0, h - 1)[..., :, None], np.clip(cols, 0, w - 1)[..., None, :], li]
    weight = sigmoid(window) * valid  # (B, L, K, K)
    total = weight.sum(axis=(2, 3))
    safe = np.maximum(total, 1e-12)
    mean_col = (weight.sum(axis=2) * cols).sum(axis=2) / safe
    mean_row = (weight.sum(axis=3) * rows).sum(axis=2) / safe
    refine = inside & (weight.max(axis=(2, 3)) >= HEATMAP_MIN_CONFIDENCE) & (total > 0)
    out = xy_unit.copy()
    out[..., 0] = np.where(refine, mean_col / w, xy_unit[..., 0])
    out[..., 1] = np.where(refine, mean_row / h, xy_unit[..., 1])
    return out
