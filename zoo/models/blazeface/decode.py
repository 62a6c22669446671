"""BlazeFace's SSD anchors, box decoding and MediaPipe's weighted non-maximum suppression, in
`keras.ops` and batched (a fixed number of suppression rounds, so it traces on every backend)."""

import keras
import numpy as np


def ssd_anchors(input_size=128, strides=(8, 16, 16, 16), offset=0.5):
    """Anchor centres `(N, 2)` (x, y in [0, 1]) of MediaPipe's SSD anchor calculator with
    `interpolated_scale_aspect_ratio = 1` and fixed anchor size (short-range: 896 anchors):
    consecutive layers of the same stride share one feature map, two anchors each."""
    anchors, i = [], 0
    while i < len(strides):
        j = i
        while j < len(strides) and strides[j] == strides[i]:
            j += 1
        per_cell = 2 * (j - i)
        cells = int(np.ceil(input_size / strides[i]))
        for y in range(cells):
            for x in range(cells):
                anchors.extend([((x + offset) / cells, (y + offset) / cells)] * per_cell)
        i = j
    return np.asarray(anchors, np.float32)


def decode_boxes(regressors, anchors, input_size=128):
    """Raw regressors `(B, N, 16)` -> boxes `(B, N, 4)` as (x0, y0, x1, y1) and keypoints
    `(B, N, 6, 2)`, both in [0, 1] of the detector's input square."""
    ops = keras.ops
    r = ops.cast(regressors, "float32") / float(input_size)
    a = ops.convert_to_tensor(np.asarray(anchors, np.float32))[None]  # (1, N, 2)
    centre = r[..., 0:2] + a
    half = r[..., 2:4] / 2.0
    boxes = ops.concatenate([centre - half, centre + half], axis=-1)
    n = ops.shape(r)[1]
    points = ops.reshape(r[..., 4:16], (-1, n, 6, 2)) + a[:, :, None, :]
    return boxes, points


def _iou(box, boxes):
    """IoU of `box` `(B, 1, 4)` with `boxes` `(B, N, 4)` -> `(B, N)`."""
    ops = keras.ops
    lo = ops.maximum(box[..., :2], boxes[..., :2])
    hi = ops.minimum(box[..., 2:], boxes[..., 2:])
    wh = ops.maximum(hi - lo, 0.0)
    inter = wh[..., 0] * wh[..., 1]
    area = lambda b: ops.maximum(b[..., 2] - b[..., 0], 0.0) * ops.maximum(b[..., 3] - b[..., 1], 0.0)  # noqa: E731
    return inter / ops.maximum(area(box) + area(boxes) - inter, 1e-9)


def weighted_nms(boxes, points, scores, iou_threshold=0.3, score_threshold=0.5, max_detections=16):
    """MediaPipe's weighted NMS, batched: repeatedly take the best remaining candidate, average
    the boxes and keypoints of every remaining candidate overlapping it by more than
    `iou_threshold` (IoU, weighted by score), keep the best score, drop them all.

    Args:
        boxes: `(B, N, 4)`; points: `(B, N, P, 2)`; scores: `(B, N)` probabilities.
    Returns: `(boxes (B, D, 4), points (B, D, P, 2), scores (B, D), valid (B, D) bool)` with
    D = `max_detections`, best first; rows past the faces found have `valid` False.
    """
    ops = keras.ops
    scores = ops.cast(scores, "float32")
    n = ops.shape(scores)[1]
    flat = ops.reshape(points, (-1, n, ops.shape(points)[2] * 2))
    alive = scores >= score_threshold
    out_boxes, out_points, out_scores, out_valid = [], [], [], []
    for _ in range(int(max_detections)):
        s = ops.where(alive, scores, -1.0)
        idx = ops.argmax(s, axis=1)
        top = ops.take_along_axis(s, idx[:, None], axis=1)  # (B, 1)
        valid = top[:, 0] >= score_threshold
        top_box = ops.take_along_axis(boxes, ops.broadcast_to(idx[:, None, None], (ops.shape(boxes)[0], 1, 4)), axis=1)
        first = ops.one_hot(idx, n) > 0.5
        members = ops.logical_and(alive, ops.logical_or(_iou(top_box, boxes) > iou_threshold, first))
        w = ops.where(members, scores, 0.0)
        total = ops.maximum(ops.sum(w, axis=1, keepdims=True), 1e-9)
        out_boxes.append(ops.sum(w[..., None] * boxes, axis=1) / total)
        out_points.append(ops.sum(w[..., None] * flat, axis=1) / total)
        out_scores.append(ops.where(valid, top[:, 0], 0.0))
        out_valid.append(valid)
        alive = ops.logical_and(alive, ops.logical_not(members))
    p = ops.stack(out_points, axis=1)
    return (ops.stack(out_boxes, axis=1), ops.reshape(p, (-1, int(max_detections), ops.shape(points)[2], 2)),
            ops.stack(out_scores, axis=1), ops.stack(out_valid, axis=1))


def decode_detections(outputs, anchors=None, input_size=128, score_threshold=0.5, iou_threshold=0.3, max_detections=16):
    """BlazeFace outputs (`{"regressors", "classificators"}`) -> weighted-NMS detections in [0, 1]
    of the input square: `(boxes, keypoints, scores, valid)` as in `weighted_nms`."""
    ops = keras.ops
    anchors = ssd_anchors(input_size) if anchors is None else anchors
    boxes, points = decode_boxes(outputs["regressors"], anchors, input_size)
    logits = ops.clip(ops.cast(outputs["classificators"][..., 0], "float32"), -100.0, 100.0)
    return weighted_nms(boxes, points, ops.sigmoid(logits), iou_threshold, score_threshold, max_detections)
