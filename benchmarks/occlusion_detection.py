"""How well each of the Landmarker's occlusion modes finds the occluded components, on the
synthetic occlusion of the 230 HELEN-test faces and the same faces clean (same images for
every mode): per-component ROC AUC, recall of the occluded components at the Landmarker's
threshold, and the share of clean faces with any component flagged (a flagged clean component
gets restored: the cascade can only lose there). For the occluder segmenter also the map's IoU
with the true occluder mask.

    python benchmarks/occlusion_detection.py [--modes segmentation,residual,confidence] [--readme]

A component counts as occluded where the true mask covers more than half of its region (what
the oracle mode restores). Writes benchmarks/results/occlusion_detection.{json,md}.
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import RESULTS, machine, print_table, update_readme, write_json  # noqa: E402

# mode key -> (label, Landmarker kwargs)
MODES = {
    "segmentation": ("occluder segmenter (occluder_seg_mnv2), PIPNet shape",
                     dict(regressor="pipnet_mnv2_300w", restorer=None, occlusion="segmentation")),
    "segmentation_drn": ("occluder segmenter (occluder_seg_mnv2), DRN shape",
                         dict(regressor="drn_300w", restorer=None, occlusion="segmentation")),
    "residual": ("GAN-IA restoration residual, DRN shape", dict(regressor="drn_300w", restorer="gania_128", occlusion="residual")),
    "confidence": ("PIPNet heatmap confidence", dict(regressor="pipnet_mnv2_300w", restorer=None, occlusion="confidence")),
}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--modes", default=",".join(MODES))
    p.add_argument("--limit", type=int, help="only this many faces (smoke runs)")
    p.add_argument("--readme", action="store_true", help="refresh the table between the occlusion markers of docs/results.md")
    args = p.parse_args(argv)
    import keras

    from benchmarks.table1 import data_sets
    from zoo.data.folders import scan_landmark_folder
    from zoo.data.shape68 import COMPONENT_NAMES
    from zoo.metrics import mask_iou, roc_auc
    from zoo.data.components import component_coverage
    from zoo.pipeline.evaluate import read_mask
    from zoo.pipeline.landmarker import Landmarker

    sets = data_sets()
    data = {}
    for name in ("occluded", "clean"):
        folder, pattern = sets[name]
        samples = scan_landmark_folder(folder, pattern).samples[: args.limit]
        images = [s.load_image() for s in samples]
        if name == "occluded":
            masks = [read_mask(os.path.join(folder, "masks", f"{s.name}.png"), im.shape) for s, im in zip(samples, images)]
        else:
            masks = [np.zeros(im.shape[:2], np.uint8) for im in images]
        cover = np.array([[component_coverage(s.points, m)[c] for c in COMPONENT_NAMES] for s, m in zip(samples, masks)])
        data[name] = (images, masks, cover)
    rows = []
    for key in args.modes.split(","):
        label, kwargs = MODES[key]
        lm = Landmarker(detector=None, iterations=1, threshold=2.0, **kwargs)  # score only, restore nothing
        scores = {}
        for name, (images, _, _) in data.items():
            out = []
            for start in range(0, len(images), 16):
                out += [faces[0]["occlusion"] for faces in lm(images[start : start + 16])]
            scores[name] = np.array([[o[c] for c in COMPONENT_NAMES] for o in out])
        s_all = np.concatenate([scores["occluded"], scores["clean"]])
        y_all = np.concatenate([data["occluded"][2], data["clean"][2]]) > 0.5
        per = {c: roc_auc(s_all[:, j], y_all[:, j]) for j, c in enumerate(COMPONENT_NAMES)}
        decided_occ = scores["occluded"] > 0.5
        truth_occ = data["occluded"][2] > 0.5
        row = {
            "mode": key, "label": label,
            "component_auc": float(np.nanmean(list(per.values()))),
            "pooled_auc": roc_auc(s_all, y_all),
            "recall_%": 100 * float(decided_occ[truth_occ].mean()),
            "false_flags_occluded_set_%": 100 * float(decided_occ[~truth_occ].mean()),
            "clean_faces_flagged_%": 100 * float((scores["clean"] > 0.5).any(1).mean()),
            "per_component_auc": per,
        }
        if lm.segmenter is not None:
            ious, clean_area = [], []
            for name, (images, masks, _) in data.items():
                for start in range(0, len(images), 32):
                    maps = lm.segmenter.predict(images[start : start + 32])
                    for mp, m in zip(maps, masks[start : start + 32]):
                        if name == "occluded":
                            ious.append(mask_iou(mp, m))
                        else:
                            clean_area.append(float((mp > 0.5).mean()))
            row["mask_iou_occluded"] = float(np.mean(ious))
            row["clean_area_flagged_%"] = 100 * float(np.mean(clean_area))
        rows.append(row)
        print(f"{key:<18} AUC {row['component_auc']:.3f}  recall {row['recall_%']:.1f}%  clean flagged {row['clean_faces_flagged_%']:.1f}%",
              flush=True)
    cols = ["label", "component_auc", "pooled_auc", "recall_%", "false_flags_occluded_set_%", "clean_faces_flagged_%", "mask_iou_occluded"]
    print_table(rows, cols)
    lines = ["| occlusion mode | component AUC | recall of occluded components % | other components flagged % | clean faces with a flag % | map IoU |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        iou = f"{r['mask_iou_occluded']:.2f}" if "mask_iou_occluded" in r else "-"
        lines.append(f"| {r['label']} | {r['component_auc']:.3f} | {r['recall_%']:.1f} | {r['false_flags_occluded_set_%']:.1f} | "
                     f"{r['clean_faces_flagged_%']:.1f} | {iou} |")
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "occlusion_detection.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    write_json("occlusion_detection.json", {"benchmark": "occlusion_detection", "machine": machine(), "backend": keras.backend.backend(),
                                            "data": "HELEN test (230) with synthetic occlusion seed 0 - SYNTHETIC, and the same faces clean",
                                            "positive": "true mask covers > 50% of the component's region", "rows": rows})
    if args.readme and not args.limit:
        update_readme("occlusion", "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
