"""Does PFLD's per-landmark visibility head help? Two PFLD 0.25x runs with the same recipe and
schedule, one with the head (trained on synthetic-occlusion flags) and one without, compared
on clean HELEN test and on its synthetic occlusion; plus how well the head finds occluded
points (ROC AUC, accuracy at 0.5) on the synthetic set.

    python benchmarks/visibility_ablation.py runs/pfld_0.25x_e60 runs/pfld_0.25x_vis_e60

Prints a table and writes benchmarks/results/visibility_ablation.json.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from benchmarks._common import machine, print_table, write_json  # noqa: E402


def load_run(run_dir):
    from zoo.runs import BEST_WEIGHTS, load_run as load

    return load(run_dir, os.path.join(run_dir, BEST_WEIGHTS))


def visibility_scores(model, samples):
    import numpy as np

    from zoo.data.transforms import CropTransform

    size = model.inputs[0].shape[1]
    vis = []
    for s in samples:
        img = s.load_image()
        t = CropTransform.from_box((0, 0, img.shape[1], img.shape[0]), size, margin=0.0)
        out = model.predict_on_batch(t.warp(img)[None].astype("float32") / 255.0)
        vis.append(np.asarray(out["visibility"])[0])
    return np.stack(vis)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("baseline")
    p.add_argument("with_visibility")
    args = p.parse_args()
    import numpy as np

    from zoo.data.test_sets import test_sets
    from zoo.data import load_landmark_folder
    from zoo.metrics import roc_auc
    from zoo.pipeline import evaluate_folder

    rows = []
    vis_row = {}
    for run in (args.baseline, args.with_visibility):
        model, cfg = load_run(run)
        for key, (folder, pattern, _) in test_sets().items():
            m, _ = evaluate_folder(model, folder, pattern=pattern)
            has_head = isinstance(model.output, dict) and "visibility" in model.output
            rows.append({"run": os.path.basename(run), "visibility_head": has_head,
                         "test_set": key, "nme_%": 100 * m["nme"], "fr_0.10_%": 100 * m["fr_0.10"], "auc_0.10": m["auc_0.10"]})
        if isinstance(model.output, dict) and "visibility" in model.output:
            folder = test_sets()["helen_test_synthetic_occlusion"][0]
            samples = load_landmark_folder(folder)
            v = visibility_scores(model, samples)
            flags = np.stack([s.flags for s in samples]).astype(bool)
            vis_row = {"occluded_point_roc_auc": roc_auc(1 - v.ravel(), flags.ravel()),
                       "accuracy_at_0.5": float(((v < 0.5) == flags).mean()),
                       "occluded_fraction": float(flags.mean())}
    print_table(rows, ["run", "visibility_head", "test_set", "nme_%", "fr_0.10_%", "auc_0.10"])
    print(f"visibility head on synthetic occlusion: {vis_row}")
    path = write_json("visibility_ablation.json", {"benchmark": "visibility_ablation", "machine": machine(), "rows": rows, "visibility": vis_row})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
