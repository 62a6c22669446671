"""Landmark prediction on face crops and evaluation against `.pts` ground truth."""

import csv
import io
import os
import time

import keras
import numpy as np

from zoo.data.folders import scan_landmark_folder
from zoo.data.pts import write_pts
from zoo.io import atomic_write_json, atomic_write_text
from zoo.metrics import nme, plot_ced, summarize


def resolve_regressor(name):
    """A regressor model from a preset name, a `.keras` file, or a registered model name (the last
    with random weights, and a warning): `zoo.load(name, task="regressor").model`."""
    from zoo.tasks import load

    return load(name, task="regressor").model


def predict_landmarks(model, images, batch_size=32, boxes=None, flip=False):
    """Landmarks `(N, K, 2)` (0-based pixels of each input image) for a list of RGB uint8 images:
    `zoo.tasks.LandmarkRegressor(model).predict_images(...)`, kept as the functional entry point.

    Each image (or its `boxes[i] = (x, y, w, h)`) is cropped square (padded by edge
    replication), resized to the model's input, and the predictions mapped back exactly.
    With `flip=True` the mirrored crop is predicted too and the two shapes averaged.
    """
    from zoo.tasks import LandmarkRegressor

    task = model if isinstance(model, LandmarkRegressor) else LandmarkRegressor(model)
    return task.predict_images(images, boxes=boxes, flip=flip, batch_size=batch_size)


def read_mask(path, shape):
    """An occlusion mask (nonzero = occluded) of an image's size; a missing file is no occlusion."""
    import cv2

    if not os.path.isfile(path):
        return np.zeros(shape[:2], bool)
    m = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if m is None or m.shape != tuple(shape[:2]):
        raise ValueError(f"{path}: not a mask of the image's size {shape[:2]}")
    return m > 127


def landmarker_predictions(landmarker, images, masks=None, batch_size=16):
    """One shape per image through the `Landmarker` (each image holds one annotated face: the
    best-scoring detection; where the detector finds none, the whole image is taken as the face).
    Returns `(preds (N, 68, 2), stats)`: detector find rate, restored components per face."""
    preds, found, restored, faces_seen = [], 0, [], 0
    for start in range(0, len(images), batch_size):
        mchunk = None if masks is None else masks[start : start + batch_size]
        for faces in landmarker(images[start : start + batch_size], masks=mchunk, no_face="image"):
            best = faces[0]
            detected = best["score"] is not None
            found += detected
            faces_seen += len(faces) if detected else 0
            preds.append(best["landmarks"])
            restored.append(sum(best["occluded"].values()))
    stats = {"restored_components_per_face": float(np.mean(restored)), "faces_restored": float(np.mean(np.asarray(restored) > 0))}
    if landmarker.detector is not None:
        stats["detector_find_rate"] = found / len(images)
        stats["detections_per_image"] = faces_seen / len(images)
    return np.stack(preds), stats


LARGE_YAW_FRACTION = 0.2


def large_yaw_nme(per_image, target, shapes, fraction=LARGE_YAW_FRACTION):
    """Mean NME over the `fraction` of faces with the largest |yaw| (estimated from their
    ground-truth points, `zoo.data.pose.euler_angles`) and that yaw's threshold in degrees:
    `{"nme_large_yaw", "large_yaw_min_deg", "n_large_yaw"}` (none for fewer than 5 faces)."""
    from zoo.data.pose import euler_angles

    n = max(1, int(round(fraction * len(per_image))))
    if len(per_image) < 5:
        return {}
    yaw = np.array([abs(float(euler_angles(t, max(sh[:2]))[1])) for t, sh in zip(target, shapes)])
    yaw = np.nan_to_num(yaw, nan=-1.0)
    pick = np.argsort(-yaw)[:n]
    return {"nme_large_yaw": float(np.mean(np.asarray(per_image)[pick])), "large_yaw_min_deg": float(np.degrees(yaw[pick].min())),
            "n_large_yaw": int(n)}


def evaluate_folder(model, folder, out_dir=None, pattern="*", batch_size=32, save_predictions=False, label=None, flip=False):
    """Evaluate a regressor on a folder of face crops + `.pts`.

    Returns the metrics dict (`n`, `nme`, `fr_0.10`, `auc_0.10`, `fr_0.08`, `auc_0.08`, ...);
    with `out_dir`, writes `metrics.json`, `per_image.csv`, `ced.png` and, with
    `save_predictions`, `predictions/<stem>.pts` (1-based iBUG, the input's pixel frame).
    """
    from zoo.pipeline.landmarker import Landmarker

    samples = scan_landmark_folder(folder, pattern).samples
    images = [s.load_image() for s in samples]
    t0 = time.perf_counter()
    extra = {}
    if isinstance(model, Landmarker):
        masks = None
        if model.occlusion == "oracle":
            masks = [read_mask(os.path.join(folder, "masks", f"{s.name}.png"), img.shape) for s, img in zip(samples, images)]
        preds, extra = landmarker_predictions(model, images, masks, batch_size)
    else:
        preds = predict_landmarks(model, images, batch_size, flip=flip)
    seconds = time.perf_counter() - t0
    target = np.stack([s.points for s in samples])
    per_image = nme(preds, target)
    metrics = summarize(per_image)
    metrics.update(extra)
    flags = [s.flags for s in samples]
    if all(f is not None for f in flags):
        occ = np.stack(flags).astype(bool)
        metrics["nme_visible_points"] = float(nme(preds, target, mask=~occ).mean())
        if occ.any():
            rows = occ.any(1)
            metrics["nme_occluded_points"] = float(nme(preds[rows], target[rows], mask=occ[rows]).mean())
    metrics.update(large_yaw_nme(per_image, target, [img.shape for img in images]))
    metrics["ms_per_face"] = 1000.0 * seconds / len(samples)
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
        record = {**metrics, "data": os.path.abspath(folder), "pattern": pattern, "regressor": label,
                  "backend": keras.backend.backend()}
        atomic_write_json(os.path.join(out_dir, "metrics.json"), record)
        rows = io.StringIO()
        w = csv.writer(rows)
        w.writerow(["name", "nme"])
        w.writerows([s.name, f"{e:.6f}"] for s, e in zip(samples, per_image))
        atomic_write_text(os.path.join(out_dir, "per_image.csv"), rows.getvalue())
        plot_ced({label or "regressor": per_image}, os.path.join(out_dir, "ced.png"))
        if save_predictions:
            pdir = os.path.join(out_dir, "predictions")
            os.makedirs(pdir, exist_ok=True)
            for s, p in zip(samples, preds):
                write_pts(os.path.join(pdir, f"{s.name}.pts"), p)
    return metrics, per_image
