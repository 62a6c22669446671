"""What a preset record's `metrics` hold, measured on the held-out test sets
(`zoo.data.test_sets`): NME of a regressor (plain and flip-averaged), masked PSNR / SSIM / L1 of a
restorer (with and without Poisson blending), the map IoU and component ROC AUC of an occluder
segmenter. `MEASURES[task](model, name)` is what `python -m zoo export-preset` records."""

import os

import numpy as np

from zoo.data.paths import dataset_path
from zoo.data.test_sets import inpainting_test_set, synthetic_helen_test, test_sets


def measure_regressor(model, label=None):
    """Metrics on every staged test set, plain and with test-time flip averaging (`_flip` keys)."""
    from zoo.pipeline.evaluate import evaluate_folder

    out = {}
    for key, (folder, pattern, desc) in test_sets().items():
        for flip in (False, True):
            m, _ = evaluate_folder(model, folder, pattern=pattern, label=label, flip=flip)
            out[key + ("_flip" if flip else "")] = {
                "description": desc + (", test-time flip averaged" if flip else ""),
                **{k: (round(v, 5) if isinstance(v, float) else v) for k, v in m.items()},
            }
    return out


def measure_restorer(model, label=None, items=None):
    """Masked PSNR / SSIM / L1 of a restorer on the held-out set, without and with Poisson blending."""
    from zoo.pipeline.restore import inpainting_metrics, restore_images

    items = items if items is not None else inpainting_test_set()
    clean, occluded, masks = (list(v) for v in zip(*items))
    out = {"occluded_input": inpainting_metrics(clean, occluded, masks)}
    for blend in (False, True):
        restored = restore_images(model, occluded, masks, blend=blend)
        out["restored_poisson_blend" if blend else "restored"] = inpainting_metrics(clean, restored, masks)
    desc = "HELEN test (230 faces, never trained on) with synthetic occlusion (seed 0) - SYNTHETIC; inside the mask"
    return {"helen_test_synthetic_occlusion": {"description": desc,
                                               **{k: {m: round(v, 4) for m, v in d.items()} for k, d in out.items()}}}


def measure_occluder(model, label=None):
    """An occluder segmenter on the synthetic-occluded HELEN test and the same faces clean, with
    the true shapes: the map's IoU with the true mask, the components' ROC AUC (occluded = the
    true mask covers over half the region) and the share of clean faces with a component over
    the default decision threshold."""
    from zoo.data.components import component_coverage
    from zoo.data.folders import scan_landmark_folder
    from zoo.data.shape68 import COMPONENT_NAMES
    from zoo.metrics import mask_iou, roc_auc
    from zoo.pipeline.evaluate import read_mask
    from zoo.pipeline.landmarker import DEFAULT_SEGMENTATION
    from zoo.tasks import OccluderSegmenter

    seg = OccluderSegmenter(model)
    scores, labels, ious, clean_flag = [], [], [], []
    for folder, pattern, occluded in ((synthetic_helen_test(0), "*", True), (dataset_path("300w"), "helen_testset_*", False)):
        samples = scan_landmark_folder(folder, pattern).samples
        images = [smp.load_image() for smp in samples]
        maps = seg.predict(images)
        comp = seg.component_scores(images, [smp.points for smp in samples], maps=maps)
        for smp, im, mp, c in zip(samples, images, maps, comp):
            m = read_mask(os.path.join(folder, "masks", f"{smp.name}.png"), im.shape) if occluded else np.zeros(im.shape[:2], np.uint8)
            cov = component_coverage(smp.points, m)
            scores.append(c)
            labels.append([cov[k] > 0.5 for k in COMPONENT_NAMES])
            if occluded:
                ious.append(mask_iou(mp, m))
            else:
                clean_flag.append(bool((c > DEFAULT_SEGMENTATION["threshold"]).any()))
    scores, labels = np.array(scores), np.array(labels)
    per = {k: round(roc_auc(scores[:, j], labels[:, j]), 4) for j, k in enumerate(COMPONENT_NAMES)}
    return {"helen_test_synthetic_occlusion": {
        "description": "HELEN test (230 faces, never trained on), synthetic occlusion seed 0 - SYNTHETIC, and the same faces clean; true shapes",
        "mask_iou": round(float(np.mean(ious)), 4),
        "component_auc": round(float(np.mean(list(per.values()))), 4),
        "per_component_auc": per,
        "clean_faces_flagged": round(float(np.mean(clean_flag)), 4),
    }}


MEASURES = {"regressor": measure_regressor, "restorer": measure_restorer, "occluder": measure_occluder}
