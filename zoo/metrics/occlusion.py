"""How well occlusion is detected: ROC AUC of scores against binary labels, and overlap of a
predicted occluder map with the true mask."""

import numpy as np


def roc_auc(scores, labels):
    """P(score of a positive > score of a negative), ties counted half (Mann-Whitney U / n+ n-).
    NaN when a class is empty."""
    scores = np.asarray(scores, np.float64).ravel()
    labels = np.asarray(labels).ravel().astype(bool)
    if scores.shape != labels.shape:
        raise ValueError(f"scores and labels must have the same size. Received: {scores.shape} and {labels.shape}")
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if not n_pos or not n_neg:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores), np.float64)
    s = scores[order]
    # average ranks over ties
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def mask_iou(predicted, true, threshold=0.5):
    """Intersection over union of `predicted > threshold` and `true > 0` (1.0 when both are empty)."""
    p = np.asarray(predicted) > threshold
    t = np.asarray(true) > 0
    if p.shape != t.shape:
        raise ValueError(f"maps must have the same shape. Received: {p.shape} and {t.shape}")
    union = (p | t).sum()
    return float((p & t).sum() / union) if union else 1.0
