"""Landmark prediction on face crops and evaluation against `.pts` ground truth."""

import csv
import json
import os
import time
import warnings

import keras
import numpy as np

from zoo import registry
from zoo.data.folders import scan_landmark_folder
from zoo.data.pts import write_pts
from zoo.data.transforms import CropTransform
from zoo.metrics import nme, plot_ced, summarize


def resolve_regressor(name):
    """A regressor from a preset name, a `.keras` file, or a registered model name (the last
    with random weights, and a warning). Unknown names raise KeyError listing what exists."""
    from zoo.presets import list_presets, load_preset

    if name in list_presets():
        return load_preset(name)
    if os.path.isfile(name) and name.endswith(".keras"):
        return keras.saving.load_model(name)
    if name in registry.list_models():
        warnings.warn(f"{name!r} is an untrained architecture (random weights); pass a preset for real predictions")
        return registry.create_model(name)
    raise KeyError(
        f"No regressor {name!r}: not a preset ({', '.join(list_presets()) or 'none'}), not a registered model "
        f"({', '.join(registry.list_models())}), not a .keras file"
    )


def _input_size(model):
    shape = model.inputs[0].shape
    df = keras.config.image_data_format()
    return int(shape[1] if df == "channels_last" else shape[2])


def predict_landmarks(model, images, batch_size=32, boxes=None, flip=False):
    """Landmarks `(N, K, 2)` (0-based pixels of each input image) for a list of RGB uint8 images.

    Each image (or its `boxes[i] = (x, y, w, h)`) is cropped square (padded by edge
    replication), resized to the model's input, and the predictions mapped back exactly.
    With `flip=True` the mirrored crop is predicted too and the two shapes averaged (test-time
    flip augmentation, 68-point flip permutation).
    """
    size = _input_size(model)
    channels_first = keras.config.image_data_format() == "channels_first"
    out = []
    for start in range(0, len(images), batch_size):
        chunk = images[start : start + batch_size]
        crops, transforms = [], []
        for j, img in enumerate(chunk):
            if img.ndim != 3 or img.shape[2] != 3:
                raise ValueError(f"image {start + j} must be (H, W, 3) RGB. Received: shape={img.shape}")
            h, w = img.shape[:2]
            box = (0, 0, w, h) if boxes is None else boxes[start + j]
            t = CropTransform.from_box(box, size, margin=0.0)
            crops.append(t.warp(img))
            transforms.append(t)
        x = np.stack(crops).astype(np.float32) / 255.0
        if channels_first:
            x = np.transpose(x, (0, 3, 1, 2))
        pred = _landmarks(model, x)
        if flip:
            from zoo.data.shape68 import FLIP_PERMUTATION

            mirrored = _landmarks(model, x[:, :, :, ::-1] if channels_first else x[:, :, ::-1])[:, FLIP_PERMUTATION]
            mirrored[..., 0] = (size - 1.0) / size - mirrored[..., 0]
            pred = (pred + mirrored) / 2.0
        pred = pred * size
        for t, p in zip(transforms, pred):
            out.append(t.invert_points(p))
    return np.stack(out)


def _landmarks(model, x):
    pred = model.predict_on_batch(np.ascontiguousarray(x))
    pred = pred["landmarks"] if isinstance(pred, dict) else pred
    return np.asarray(keras.ops.convert_to_numpy(pred), np.float64)


def evaluate_folder(model, folder, out_dir=None, pattern="*", batch_size=32, save_predictions=False, label=None, flip=False):
    """Evaluate a regressor on a folder of face crops + `.pts`.

    Returns the metrics dict (`n`, `nme`, `fr_0.10`, `auc_0.10`, `fr_0.08`, `auc_0.08`, ...);
    with `out_dir`, writes `metrics.json`, `per_image.csv`, `ced.png` and, with
    `save_predictions`, `predictions/<stem>.pts` (1-based iBUG, the input's pixel frame).
    """
    samples = scan_landmark_folder(folder, pattern).samples
    images = [s.load_image() for s in samples]
    t0 = time.perf_counter()
    preds = predict_landmarks(model, images, batch_size, flip=flip)
    seconds = time.perf_counter() - t0
    target = np.stack([s.points for s in samples])
    per_image = nme(preds, target)
    metrics = summarize(per_image)
    flags = [s.flags for s in samples]
    if all(f is not None for f in flags):
        occ = np.stack(flags).astype(bool)
        metrics["nme_visible_points"] = float(nme(preds, target, mask=~occ).mean())
        if occ.any():
            rows = occ.any(1)
            metrics["nme_occluded_points"] = float(nme(preds[rows], target[rows], mask=occ[rows]).mean())
    metrics["ms_per_face"] = 1000.0 * seconds / len(samples)
    if out_dir is not None:
        os.makedirs(out_dir, exist_ok=True)
        record = {**metrics, "data": os.path.abspath(folder), "pattern": pattern, "regressor": label,
                  "backend": keras.backend.backend()}
        tmp = os.path.join(out_dir, "metrics.json.tmp")
        with open(tmp, "w") as f:
            json.dump(record, f, indent=2)
        os.replace(tmp, os.path.join(out_dir, "metrics.json"))
        with open(os.path.join(out_dir, "per_image.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["name", "nme"])
            w.writerows([s.name, f"{e:.6f}"] for s, e in zip(samples, per_image))
        plot_ced({label or "regressor": per_image}, os.path.join(out_dir, "ced.png"))
        if save_predictions:
            pdir = os.path.join(out_dir, "predictions")
            os.makedirs(pdir, exist_ok=True)
            for s, p in zip(samples, preds):
                write_pts(os.path.join(pdir, f"{s.name}.pts"), p)
    return metrics, per_image
