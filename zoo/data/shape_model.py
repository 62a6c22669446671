"""A 68-point mean face shape and how far a shape is from any face: the do-no-harm guard's test
that a reading is a face shape at all (a collapsed tangle of points is not).

`implausibility(points)`: the RMS distance of the points from the mean shape after the best
similarity alignment, in units of the mean shape's outer-eye distance. On the 300-W training
annotations it is at most 0.22 (median 0.09); readings of the shipped regressors on occluded
validation faces stay below 0.22 too.

The mean shape ships as `zoo/assets/mean_shape68.json` (a statistic of annotations, no image
data); `python -m zoo.data.shape_model` recomputes it from the staged 300-W training faces.
"""

import json
import os

import numpy as np

from zoo.data.shape68 import OUTER_EYE_CORNERS

MEAN_SHAPE_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "assets", "mean_shape68.json")
_MEAN = None


def _normalize(p):
    p = p - p.mean(0)
    return p / np.sqrt((p ** 2).sum(1).mean())


def align(points, reference):
    """`points` (centred) rotated and scaled onto the centred `reference` (least squares)."""
    p = np.asarray(points, np.float64)
    p = p - p.mean(0)
    r = np.asarray(reference, np.float64)
    r = r - r.mean(0)
    norm = max(float((p ** 2).sum()), 1e-12)
    a = float((p[:, 0] * r[:, 0] + p[:, 1] * r[:, 1]).sum()) / norm
    b = float((p[:, 0] * r[:, 1] - p[:, 1] * r[:, 0]).sum()) / norm
    return p @ np.array([[a, -b], [b, a]]).T


def fit_mean_shape(shapes, rounds=5):
    """The generalised-Procrustes mean of `(N, 68, 2)` shapes (centred, unit RMS radius)."""
    shapes = np.asarray(shapes, np.float64)
    mean = _normalize(shapes[0])
    for _ in range(rounds):
        mean = _normalize(np.mean([align(s, mean) for s in shapes], axis=0))
    return mean


def mean_shape():
    global _MEAN
    if _MEAN is None:
        with open(MEAN_SHAPE_PATH) as f:
            record = json.load(f)
        mean = np.asarray(record["mean_shape"], np.float64)
        if mean.shape != (68, 2):
            raise ValueError(f"{MEAN_SHAPE_PATH}: mean_shape must be (68, 2). Received: {mean.shape}")
        _MEAN = mean
    return _MEAN


def implausibility(points, mean=None):
    """RMS distance from the mean face shape after similarity alignment, in outer-eye distances."""
    p = np.asarray(points, np.float64)
    if p.shape != (68, 2) or not np.all(np.isfinite(p)):
        return float("inf")
    m = mean_shape() if mean is None else mean
    if float(np.ptp(p, axis=0).max()) < 1e-9:
        return float("inf")  # every point on one spot
    q = align(p, m)
    i, j = OUTER_EYE_CORNERS
    return float(np.sqrt(((q - m) ** 2).sum(1).mean()) / np.linalg.norm(m[i] - m[j]))


def main():
    from zoo.data.folders import load_landmark_folder
    from zoo.data.paths import dataset_path
    from zoo.data.splits import split_train_val
    from zoo.io import atomic_write_json

    src = dataset_path("300w")
    train, _ = split_train_val(load_landmark_folder(src, "afw_*") + load_landmark_folder(src, "helen_trainset_*"), 0.08, 0)
    shapes = np.stack([s.points for s in train])
    mean = fit_mean_shape(shapes)
    scores = [implausibility(s, mean) for s in shapes]
    record = {
        "about": "Procrustes mean of the 68-point 300-W training annotations (AFW + HELEN train minus the 8 % validation "
                 "split, seed 0): `python -m zoo.data.shape_model`. Centred, unit RMS radius, iBUG point order.",
        "faces": int(len(shapes)),
        "implausibility_of_annotations": {"median": float(np.median(scores)), "p99": float(np.percentile(scores, 99)),
                                          "max": float(np.max(scores))},
        "mean_shape": [[round(float(x), 6), round(float(y), 6)] for x, y in mean],
    }
    atomic_write_json(MEAN_SHAPE_PATH, record)
    print(f"wrote {MEAN_SHAPE_PATH} from {len(shapes)} faces; implausibility median {record['implausibility_of_annotations']['median']:.3f}, "
          f"max {record['implausibility_of_annotations']['max']:.3f}")


if __name__ == "__main__":
    main()
