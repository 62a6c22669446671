"""BlazeFace's SSD anchors, box decoding and MediaPipe's weighted non-maximum suppression, in
`keras.ops` and batched (a fixed number of suppression rounds, so it traces on every backend)."""

import keras
import numpy as np


def ssd_anchors(input_size=128, strides=(8, 16, 16, 16), offset=0.5, per_layer=2):
    """Anchor centres `(N, 2)` (x, y in [0, 1]) of MediaPipe's SSD anchor calculator with fixed
    anchor size: consecutive layers of the same stride share one feature map, `per_layer`
    anchors each (2 with `interpolated_scale_aspect_ratio = 1`, the short-range model: 896
    anchors; 1 with it 0, the full-range model: `strides=(4,)`, 2,304 anchors at 192 px)."""
    anchors, i = [], 0
    while i < len(strides):
        j = i
        while j < len(strides) and strides[j] == strides[i]:
            j += 1
        per_cell = int(per_layer) * (j - i)
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


def decode_detections_numpy(outputs, anchors, input_size, score_threshold=0.5):
    """The candidates of one batch of raw outputs, in NumPy: a list (per image) of
    `(boxes (K, 4), keypoints (K, 6, 2), scores (K,))` in [0, 1] of the input square, for the
    anchors scoring at least `score_threshold` (no suppression yet: see `weighted_nms_numpy`).
    The same arithmetic as `decode_boxes`; the task layer uses it because a detector sees one
    photo at a time and eager `keras.ops` on a handful of candidates cost more than the network."""
    reg = np.asarray(outputs["regressors"], np.float32)
    logits = np.clip(np.asarray(outputs["classificators"], np.float32)[..., 0], -80.0, 80.0)
    scores = 1.0 / (1.0 + np.exp(-logits))
    anchors = np.asarray(anchors, np.float32)
    out = []
    for b in range(reg.shape[0]):
        keep = np.nonzero(scores[b] >= score_threshold)[0]
        r = reg[b, keep] / float(input_size)
        a = anchors[keep]
        centre, half = r[:, 0:2] + a, r[:, 2:4] / 2.0
        boxes = np.concatenate([centre - half, centre + half], axis=1)
        points = r[:, 4:16].reshape(-1, 6, 2) + a[:, None, :]
        out.append((boxes, points, scores[b, keep]))
    return out


def weighted_nms_numpy(boxes, points, scores, iou_threshold=0.3, max_detections=16, priority=None):
    """MediaPipe's weighted NMS on one image's candidates (NumPy; the same rule as
    `weighted_nms`): take the best remaining candidate, average the boxes and keypoints of every
    remaining candidate overlapping it by more than `iou_threshold` (weights: scores), keep the
    best score, drop them all. Boxes in any one unit (input square or image pixels).

    `priority` (optional, one int per candidate, lower first) is for candidates of several
    detectors: a face's cluster is formed over all of them, but its box, keypoints and score come
    from the members of the most preferred detector present in it only.
    Returns `(boxes (D, 4), points (D, P, 2), scores (D,))`, best first, D <= max_detections."""
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    points = np.asarray(points, np.float32)
    scores = np.asarray(scores, np.float32).reshape(-1)
    priority = np.zeros(len(scores), np.int64) if priority is None else np.asarray(priority, np.int64).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    boxes, points, scores, priority = boxes[order], points[order], scores[order], priority[order]
    area = np.maximum(boxes[:, 2] - boxes[:, 0], 0) * np.maximum(boxes[:, 3] - boxes[:, 1], 0)
    alive = np.ones(len(scores), bool)
    kept_b, kept_p, kept_s = [], [], []
    while alive.any() and len(kept_s) < max_detections:
        i = int(np.argmax(alive))  # the best remaining: candidates are sorted
        lo = np.maximum(boxes[i, :2], boxes[:, :2])
        hi = np.minimum(boxes[i, 2:], boxes[:, 2:])
        inter = np.prod(np.maximum(hi - lo, 0), axis=1)
        iou = inter / np.maximum(area[i] + area - inter, 1e-9)
        cluster = alive & (iou > iou_threshold)
        cluster[i] = True
        members = cluster & (priority == priority[cluster].min())
        w = scores[members] / max(float(scores[members].sum()), 1e-9)
        kept_b.append((w[:, None] * boxes[members]).sum(0))
        kept_p.append((w[:, None, None] * points[members]).sum(0))
        kept_s.append(scores[members].max())
        alive &= ~cluster
    n_points = points.shape[1] if points.ndim == 3 else 6
    return (np.asarray(kept_b, np.float32).reshape(-1, 4), np.asarray(kept_p, np.float32).reshape(-1, n_points, 2),
            np.asarray(kept_s, np.float32))
