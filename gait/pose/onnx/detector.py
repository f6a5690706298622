"""The pose detector's output -> the best person: SSD anchors, scores and weighted non-maximum
suppression, as MediaPipe's PoseDetectorGraph decodes them."""

from __future__ import annotations

import math

import numpy as np

#: Side of the detector's square input (pixels).
DETECTOR_SIZE = 224
#: Detector score, pose presence and tracking confidence needed (MediaPipe's and gait's 0.5).
MIN_CONFIDENCE = 0.5
#: Detector boxes overlapping the best by more than this IoU are merged into it (weighted NMS; the
#: PoseDetectorGraphOptions default).
NMS_IOU = 0.5


def ssd_anchors() -> np.ndarray:
    """(2254, 2) anchor centres of the pose detector, in 0-1 input units (MediaPipe's
    SsdAnchorsCalculator: strides 8, 16, 32, 32, 32; two anchors per layer; fixed anchor size)."""
    centres = []
    for stride, per_cell in ((8, 2), (16, 2), (32, 6)):
        n = math.ceil(DETECTOR_SIZE / stride)
        grid = (np.stack(np.meshgrid(np.arange(n), np.arange(n)), -1).reshape(-1, 2) + 0.5) / n
        centres.append(np.repeat(grid, per_cell, axis=0))
    return np.concatenate(centres).astype(np.float32)


_ANCHORS = ssd_anchors()


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic function, float32."""
    return (1 / (1 + np.exp(-np.clip(x, -80, 80)))).astype(np.float32)


def decode_detection(raw_boxes: np.ndarray, raw_scores: np.ndarray) -> tuple[float, np.ndarray] | None:
    """The best person in one detector output, as (score, (2, 2) keypoints 0-1): hip centre and
    scale point after weighted non-maximum suppression; None below :data:`MIN_CONFIDENCE`.

    ``raw_boxes``: (2254, 12) box centre, size and 4 keypoints relative to the anchors, in input
    pixels; ``raw_scores``: (2254,) logits.
    """
    scores = sigmoid(raw_scores.reshape(-1))
    keep = scores >= MIN_CONFIDENCE
    if not keep.any():
        return None
    raw, scores, anchors = raw_boxes[keep] / DETECTOR_SIZE, scores[keep], _ANCHORS[keep]
    centre = raw[:, :2] + anchors
    half = np.abs(raw[:, 2:4]) / 2
    boxes = np.concatenate([centre - half, centre + half], axis=1)
    keypoints = raw[:, 4:8].reshape(-1, 2, 2) + anchors[:, None, :]
    best = int(np.argmax(scores))
    lo = np.maximum(boxes[:, :2], boxes[best, :2])
    hi = np.minimum(boxes[:, 2:], boxes[best, 2:])
    inter = np.prod(np.clip(hi - lo, 0, None), axis=1)
    area = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    iou = inter / np.maximum(area + area[best] - inter, 1e-12)
    group = iou > NMS_IOU
    group[best] = True
    weights = scores[group] / scores[group].sum()
    return float(scores[best]), np.einsum("n,nkc->kc", weights, keypoints[group])
