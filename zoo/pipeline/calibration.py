"""Calibrate the Landmarker on *training* faces (300-W AFW + HELEN train; never HELEN test):

1. detector box -> regressor framing: where the regressor's training crop (1.6x the landmark
   box, centred) lies relative to the detector's box, as medians over the training crops;
2. per restorer, per component: the restoration residual (mean |restored - input| inside the
   component, the cascade's own predicted shape) on clean faces and on synthetically occluded
   ones; the threshold keeps clean components below `--clean-fpr` false alarms, the scale is the
   spread of clean residuals. Separability (ROC AUC) is recorded beside each;
3. per heatmap regressor (`--confidence-regressors`), per component: the same for one minus
   the mean heatmap confidence of the component's points (`occlusion="confidence"`);
4. per occluder segmenter (`--segmenters`), per component: the same for the mean occluder
   probability over the component's region (`occlusion="segmentation"`), on the faces the
   segmenter's recipe held out (it trained on the others, occluded); the threshold sits midway
   between the clean quantile and the occluded components' 10th percentile.

5. per restorer and regressor (`--restoration`), per component: what restoring that component
   gains, on the 300-W validation faces (the 8 % hash split no recipe trains on), each occluded
   at each of the 7 components in turn by a training family's occluder: the mean NME change of the
   default cascade (segmenter decisions, guard on) against the regressor alone. The Landmarker
   restores a component only where it gained at least `RESTORE_MIN_GAIN` (the eyes, and the brows,
   judged as pairs); elsewhere it reports the component as judged occluded but keeps the
   regressor's reading.

Writes `zoo/pipeline/landmarker_calibration.json` (read by `Landmarker`).

    python -m zoo calibrate --faces 160
"""
import os
import time

import numpy as np

from zoo.data import dataset_path, load_landmark_folder
from zoo.data.components import COMPONENT_DILATE, component_coverage
from zoo.data.occlusion import OccluderBank, occlude
from zoo.data.shape68 import COMPONENT_NAMES
from zoo.io import atomic_write_json
from zoo.metrics import roc_auc
from zoo.pipeline.landmarker import CALIBRATION_PATH, Landmarker, load_calibration


def _auc(neg, pos):
    neg, pos = np.asarray(neg, np.float64), np.asarray(pos, np.float64)
    return roc_auc(np.concatenate([neg, pos]), np.r_[np.zeros(len(neg), bool), np.ones(len(pos), bool)])


def training_faces(n, seed=0):
    folder = dataset_path("300w")
    samples = load_landmark_folder(folder, "afw_*") + load_landmark_folder(folder, "helen_trainset_*")
    rng = np.random.default_rng(seed)
    return [samples[i] for i in sorted(rng.choice(len(samples), size=min(n, len(samples)), replace=False))]


def calibrate_detector(detector_name, samples):
    from zoo.tasks import load

    det = load(detector_name, task="detector")
    rows = []
    for s in samples:
        img = s.load_image()
        faces = det.detect([img])[0]
        if not faces:
            continue
        x0, y0, x1, y1 = faces[0]["box"]
        w = x1 - x0
        # the regressor's training crop of this image: the whole 256 crop (1.6x landmark box)
        h_img, w_img = img.shape[:2]
        rows.append(((w_img / 2 - (x0 + x1) / 2) / w, (h_img / 2 - (y0 + y1) / 2) / w, max(w_img, h_img) / w))
    r = np.asarray(rows)
    med = np.median(r, 0)
    return {"dx": float(med[0]), "dy": float(med[1]), "side": float(med[2]), "faces": len(samples), "found": len(rows),
            "spread": {"dx_std": float(r[:, 0].std()), "dy_std": float(r[:, 1].std()), "side_rel_std": float(r[:, 2].std() / med[2])}}


def _clean_and_occluded_crops(lm, samples, seed=0):
    """Work crops of each training face, clean and with a synthetic occluder on one component,
    with the components' true coverage (None for the clean crop)."""
    bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in samples])
    crops, labels = [], []
    for i, s in enumerate(samples):
        img = s.load_image()
        rng = np.random.default_rng([seed, i])
        occ_img, mask, _ = occlude(img, s.points, COMPONENT_NAMES[i % 7], rng, bank)
        for image, m in ((img, None), (occ_img, mask)):
            t = lm.regressor.crop_transform(image.shape, None, lm.work_size)
            crops.append(t.warp(image))
            labels.append(None if m is None else component_coverage(t.apply_points(s.points), t.warp(m.astype(np.uint8)) > 0))
    return crops, labels


def _thresholds(values, labels, clean_fpr):
    """Per component: the clean faces' (1 - clean_fpr) quantile of a raw occlusion value, its
    spread, and how it separates occluded components (coverage >= 0.35)."""
    clean, occl = {c: [] for c in COMPONENT_NAMES}, {c: [] for c in COMPONENT_NAMES}
    for k, lab in enumerate(labels):
        for j, c in enumerate(COMPONENT_NAMES):
            if lab is None:
                clean[c].append(values[k, j])
            elif lab[c] >= 0.35:
                occl[c].append(values[k, j])
    out = {}
    for c in COMPONENT_NAMES:
        neg, pos = np.asarray(clean[c]), np.asarray(occl[c])
        thr = float(np.quantile(neg, 1.0 - clean_fpr))
        out[c] = {"threshold": thr, "scale": float(max(neg.std() * 0.25, 1e-3)), "clean_n": len(neg), "occluded_n": len(pos),
                  "clean_mean": float(neg.mean()), "occluded_mean": float(pos.mean()) if len(pos) else None,
                  "auc": _auc(neg, pos), "recall_at_threshold": float((pos > thr).mean()) if len(pos) else None}
    return out


def _margin_thresholds(values, labels, clean_fpr):
    """Like `_thresholds`, for a score that separates well (the occluder segmenter's coverage):
    the threshold sits midway between the clean faces' (1 - clean_fpr) quantile and the occluded
    components' 10th percentile, so unseen faces have room on both sides; the scale spreads the
    sigmoid over that gap."""
    out = _thresholds(values, labels, clean_fpr)
    for j, c in enumerate(COMPONENT_NAMES):
        pos = np.asarray([values[k, j] for k, lab in enumerate(labels) if lab is not None and lab[c] >= 0.35])
        if not len(pos):
            continue
        lo, hi = out[c]["threshold"], float(np.quantile(pos, 0.10))
        if hi > lo:
            out[c].update(threshold=(lo + hi) / 2.0, scale=max((hi - lo) / 8.0, 1e-3), clean_quantile=lo, occluded_p10=hi,
                          recall_at_threshold=float((pos > (lo + hi) / 2.0).mean()))
    return out


def calibrate_confidence(regressor, samples, clean_fpr, seed=0):
    """Per-component thresholds of a heatmap regressor's confidence (`occlusion="confidence"`)."""
    lm = Landmarker(detector=None, regressor=regressor, restorer=None, occlusion="confidence", iterations=0)
    crops, labels = _clean_and_occluded_crops(lm, samples, seed)
    extras = []
    for start in range(0, len(crops), 32):
        extras.extend(lm.regressor.predict(crops[start : start + 32], return_outputs=True)[1])
    _, raw = lm.confidence_scores(extras)
    return _thresholds(raw, labels, clean_fpr)


def held_out_faces(preset):
    """The validation faces of the recipe a preset was trained by (the crc32 split it never
    trained on), from the data section its record keeps."""
    from zoo.data.splits import load_samples
    from zoo.presets import preset_record

    return load_samples(preset_record(preset)["recipe_config"]["data"])[1]


def calibrate_segmenter(segmenter, regressor, samples, clean_fpr, seed=0):
    """Per-component thresholds of an occluder segmenter's component scores
    (`occlusion="segmentation"`), on the regressor's shapes."""
    lm = Landmarker(detector=None, regressor=regressor, restorer=None, occlusion="segmentation", segmenter=segmenter, iterations=0)
    crops, labels = _clean_and_occluded_crops(lm, samples, seed)
    _, raw = lm.segmentation_scores(crops, lm.regressor.predict(crops).astype(np.float64))
    return _margin_thresholds(raw, labels, clean_fpr)


def calibrate_restorer(restorer, regressor, samples, clean_fpr, hole=COMPONENT_DILATE, seed=0):
    """Per-component thresholds of a restorer's residual (`occlusion="residual"`), on the regressor's shapes."""
    lm = Landmarker(detector=None, regressor=regressor, restorer=restorer, occlusion="residual", iterations=0,
                    residual_hole=hole)
    crops, labels = _clean_and_occluded_crops(lm, samples, seed)
    _, residual = lm.residual_scores(crops, lm.regressor.predict(crops).astype(np.float64))
    return _thresholds(residual, labels, clean_fpr)


# a component is restored only where restoring it gained at least this much NME (points) on average
RESTORE_MIN_GAIN = 0.05


# the face's mirrored pairs: one decision for both sides (a face is as often seen mirrored)
MIRRORED = (("right_brow", "left_brow"), ("right_eye", "left_eye"))


def restorable(components, min_gain=RESTORE_MIN_GAIN):
    """The components worth restoring: mean NME change (points) at most `-min_gain`, the two sides
    of the eyes and of the brows judged together (their mean)."""
    change = {c: v["nme_change"] for c, v in components.items()}
    for a, b in MIRRORED:
        change[a] = change[b] = (change[a] + change[b]) / 2.0
    return [c for c in COMPONENT_NAMES if change[c] <= -min_gain]


def validation_faces():
    """The 300-W faces every recipe validates on and none trains on (AFW + HELEN train, the 8 %
    crc32 split of seed 0)."""
    from zoo.data.splits import split_train_val

    folder = dataset_path("300w")
    train, val = split_train_val(load_landmark_folder(folder, "afw_*") + load_landmark_folder(folder, "helen_trainset_*"), 0.08, 0)
    return train, val


def calibrate_restoration(restorer, regressors, segmenter, seed=0, log=print):
    """Per regressor, per component: the mean NME change (points) from restoring that component
    (see the module's text), and the components worth restoring."""
    from zoo.data.occlusion import FAMILY_COMPONENTS
    from zoo.data.occluder_families import TRAINING_FAMILIES
    from zoo.metrics import nme
    from zoo.tasks import load

    train, val = validation_faces()
    bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in train[:300]])
    images, targets, components = [], [], []
    for i, s in enumerate(val):
        img = s.load_image()
        for j, c in enumerate(COMPONENT_NAMES):
            rng = np.random.default_rng([seed, i, j])
            kinds = [k for k in TRAINING_FAMILIES if c in FAMILY_COMPONENTS.get(k, COMPONENT_NAMES)]
            occ, _, _ = occlude(img, s.points, c, rng, bank, kinds[rng.integers(len(kinds))])
            images.append(occ)
            targets.append(s.points)
            components.append(c)
    targets, components = np.stack(targets), np.asarray(components)
    rest, seg = load(restorer, task="restorer", trained=True), load(segmenter, task="occluder", trained=True)
    out = {}
    for name in regressors:
        reg = load(name, task="regressor", trained=True)
        alone = Landmarker(detector=None, regressor=reg, restorer=None, occlusion="none", iterations=0, segmenter=None)
        full = Landmarker(detector=None, regressor=reg, restorer=rest, segmenter=seg, restore_components="all")
        err = {}
        for key, lm in (("alone", alone), ("restored", full)):
            shapes = []
            for start in range(0, len(images), 16):
                shapes.extend(f[0]["landmarks"] for f in lm(images[start : start + 16]))
            err[key] = nme(np.stack(shapes), targets)
        gain = 100.0 * (err["restored"] - err["alone"])
        comps = {c: {"nme_change": float(gain[components == c].mean()), "faces": int((components == c).sum())} for c in COMPONENT_NAMES}
        keep = restorable(comps)
        out[name] = {"segmenter": segmenter, "faces": len(val), "min_gain": RESTORE_MIN_GAIN, "components": comps, "restore": keep}
        log(name, {c: round(v["nme_change"], 2) for c, v in comps.items()}, "-> restore", keep)
    return out


def calibrate(faces=160, detector="blazeface_short", regressor="drn_300w", restorers=("gania_128", "autoencoder_128"),
              hole=COMPONENT_DILATE, confidence_regressors=(), segmenters=(), skip_detector=False, clean_fpr=0.03, path=CALIBRATION_PATH,
              dry_run=False, log=print, restoration=(), restoration_restorer="gania_128", segmenter="occluder_seg_mnv2"):
    """Re-measure the Landmarker's calibration (see the module's text) and write it to `path`
    (what `Landmarker` reads); returns the calibration dict."""
    from zoo.presets import list_presets, preset_record

    t0 = time.time()
    samples = training_faces(faces)
    cal = load_calibration(path) if os.path.isfile(path) else {}
    cal["about"] = ("Landmarker calibration on 300-W training faces (AFW + HELEN train, never HELEN test): "
                    "`python -m zoo calibrate`")

    def show(name, comps):
        log(name, {c: (round(v["auc"], 3), round(v["threshold"], 3), round(v["recall_at_threshold"] or 0, 2)) for c, v in comps.items()})

    if not skip_detector:
        cal.setdefault("detectors", {})[detector] = calibrate_detector(detector, samples)
        log("detector", cal["detectors"][detector])
    for name in confidence_regressors:
        comps = calibrate_confidence(name, samples, clean_fpr)
        cal.setdefault("regressors", {})[name] = {"faces": len(samples), "clean_fpr": clean_fpr, "components": comps}
        show(name, comps)
    for name in segmenters:
        held = held_out_faces(name)
        comps = calibrate_segmenter(name, regressor, held, clean_fpr)
        cal.setdefault("segmenters", {})[name] = {"regressor": regressor, "faces": len(held), "clean_fpr": clean_fpr,
                                                  "faces_from": f"the validation split of recipe {preset_record(name)['recipe']!r}",
                                                  "components": comps}
        show(name, comps)
    for name in restorers:
        if name not in list_presets() and not os.path.isdir(name):
            log(f"skip {name}: not a preset here")
            continue
        comps = calibrate_restorer(name, regressor, samples, clean_fpr, hole)
        cal.setdefault("restorers", {})[name] = {"regressor": regressor, "faces": len(samples), "clean_fpr": clean_fpr,
                                                 "hole": hole, "components": comps}
        show(name, comps)
    if restoration:
        # the segmenter's thresholds just measured (if any) must be the ones the cascade decides with
        if not dry_run and segmenters:
            atomic_write_json(path, cal)
        got = calibrate_restoration(restoration_restorer, restoration, segmenter, log=log)
        cal.setdefault("restoration", {}).setdefault(restoration_restorer, {}).update(got)
    if not dry_run:
        atomic_write_json(path, cal)
        log(f"wrote {path} in {time.time() - t0:.0f} s")
    return cal
