"""Landmark regressors: accuracy of the shipped presets on every staged test set, and speed per
backend (one subprocess each).

Accuracy (inter-ocular NME, failure rate and AUC at 0.10) on the 230 clean HELEN-test faces and
on their deterministic synthetic occlusion (seed 0; SYNTHETIC, not COFW). Speed: parameters,
weights file size, ms/face at batch 1 and faces/s at batch 32 (compiled predict).

    python benchmarks/regressors.py [--backends tensorflow,jax,torch] [--repeats 10] [--readme]

Prints two tables and writes benchmarks/results/regressors.json (and .md); `--readme` also
refreshes the presets table of docs/results.md (between its `regressors` markers).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import BACKENDS, RESULTS, machine, print_table, run_worker, timed, update_readme, write_json  # noqa: E402

PRESETS = ("pfld_0.25x_300w", "pfld_1x_300w", "drn_300w", "pfld_0.25x_vis_300w", "pipnet_mnv2_300w", "pipnet_mnv2_s8_300w")


def worker(args):
    import json

    import keras
    import numpy as np

    import zoo
    from zoo.presets import PRESET_DIR, preset_record

    rows = []
    rng = np.random.default_rng(0)
    for name in args.presets:
        model = zoo.load_preset(name)
        size = model.inputs[0].shape[1]
        rec = preset_record(name)
        row = {"backend": keras.backend.backend(), "preset": name, "params": model.count_params(),
               "file_mb": os.path.getsize(os.path.join(PRESET_DIR, "weights", rec["weights"])) / 2**20}
        x1 = rng.uniform(0, 1, (1, size, size, 3)).astype("float32")
        x32 = rng.uniform(0, 1, (32, size, size, 3)).astype("float32")
        row["ms_per_face_b1"] = timed(lambda: model.predict_on_batch(x1), args.repeats, warmup=2)
        row["faces_per_s_b32"] = 32000.0 / timed(lambda: model.predict_on_batch(x32), args.repeats, warmup=2)
        rows.append(row)
    print(json.dumps(rows))


def point_split(name, folder):
    """NME over the visible and over the occluded points of the synthetic-occluded set (the
    per-point flags of its `occlusion.csv`); faces without occluded points count for visible only."""
    import csv

    import numpy as np

    from zoo.data.folders import scan_landmark_folder
    from zoo.metrics import nme
    from zoo.tasks import load

    with open(os.path.join(folder, "occlusion.csv")) as f:
        flags = {r["name"]: np.array([int(r[f"occ_{k}"]) for k in range(68)]) for r in csv.DictReader(f)}
    samples = scan_landmark_folder(folder, "*").samples
    preds = load(name, task="regressor").predict_images([s.load_image() for s in samples])
    target = np.stack([s.points for s in samples])
    occ = np.stack([flags[s.name] for s in samples]).astype(np.float64)
    has = occ.any(1)
    return {"visible_points_nme_%": 100 * float(nme(preds, target, mask=1.0 - occ).mean()),
            "occluded_points_nme_%": 100 * float(nme(preds[has], target[has], mask=occ[has]).mean()),
            "faces_with_occluded_points": int(has.sum())}


def accuracy(presets):
    from zoo.data.test_sets import test_sets
    from zoo import load_preset
    from zoo.pipeline import evaluate_folder

    rows = []
    for name in presets:
        model = load_preset(name)
        for key, (folder, pattern, _) in test_sets().items():
            for flip in (False, True):
                m, _ = evaluate_folder(model, folder, pattern=pattern, flip=flip)
                rows.append({"preset": name, "test_set": key, "flip": flip, "n": m["n"], "nme_%": 100 * m["nme"],
                             "fr_0.10_%": 100 * m["fr_0.10"], "auc_0.10": m["auc_0.10"]})
                if "nme_large_yaw" in m:  # the 20 % of faces with the largest |yaw| (from their true points)
                    rows[-1].update({"large_yaw_nme_%": 100 * m["nme_large_yaw"], "large_yaw_min_deg": m["large_yaw_min_deg"]})
                if key == "helen_test_synthetic_occlusion" and not flip:
                    rows[-1].update(point_split(name, folder))
    return rows


def markdown(acc, speed):
    """The README's presets table: one row a preset."""
    from zoo.presets import preset_record

    get = lambda p, t, f: next(r for r in acc if r["preset"] == p and r["test_set"] == t and r["flip"] == f)  # noqa: E731
    ms = {r["preset"]: r for r in speed if r["backend"] == "tensorflow"}
    lines = ["| preset | trained | params | file | clean NME % | clean FR@0.10 % | occluded NME % | occluded FR@0.10 % | "
             "occluded set: visible / occluded points NME % | with flip: clean / occluded NME % | clean, largest-yaw 20 %: NME % | "
             "ms/face (TF, batch 1 / 32) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for p in dict.fromkeys(r["preset"] for r in acc):
        rec = preset_record(p)
        t = rec.get("training", {})
        parent = t.get("parent_record") or {}
        if parent.get("epochs"):  # a run continued from a preset: the whole chain
            chain = parent.get("epochs_chain") or [parent["epochs"]]
            trained = f"{' + '.join(str(e) for e in chain)} + {t.get('epochs', '?')} epochs ({t.get('total_steps', '?'):,} steps)"
        else:
            trained = f"{t.get('epochs', '?')} epochs" + (f" from `{t['parent']}`" if t.get("parent") else "")
        init = parent.get("initialised_from") or t.get("initialised_from")
        if isinstance(init, dict) and "backbone" in init:
            trained += ", ImageNet backbone"
        c, o = get(p, "helen_test_clean", False), get(p, "helen_test_synthetic_occlusion", False)
        cf, of = get(p, "helen_test_clean", True), get(p, "helen_test_synthetic_occlusion", True)
        s = ms.get(p)
        lines.append(f"| `{p}` | {trained} | {rec['parameters'] / 1e6:.2f} M | {rec['weights_bytes'] / 2**20:.1f} MB | "
                     f"{c['nme_%']:.2f} | {c['fr_0.10_%']:.1f} | {o['nme_%']:.2f} | {o['fr_0.10_%']:.1f} | "
                     f"{o.get('visible_points_nme_%', float('nan')):.2f} / {o.get('occluded_points_nme_%', float('nan')):.2f} | "
                     f"{cf['nme_%']:.2f} / {of['nme_%']:.2f} | {c.get('large_yaw_nme_%', float('nan')):.2f} | "
                     f"{'-' if s is None else format(s['ms_per_face_b1'], '.1f') + ' / ' + format(1000 / s['faces_per_s_b32'], '.2f')} |")
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--presets", default=",".join(PRESETS))
    p.add_argument("--repeats", type=int, default=10)
    p.add_argument("--readme", action="store_true", help="refresh the presets table of docs/results.md")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.presets = args.presets.split(",")
    if args.worker:
        return worker(args)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    acc = accuracy(args.presets)
    print_table(acc, ["preset", "test_set", "flip", "n", "nme_%", "fr_0.10_%", "auc_0.10", "large_yaw_nme_%", "visible_points_nme_%",
                      "occluded_points_nme_%"])
    print()
    speed = []
    for backend in args.backends.split(","):
        speed += run_worker(__file__, backend, ["--presets", ",".join(args.presets), "--repeats", str(args.repeats)])
    print_table(speed, ["backend", "preset", "params", "file_mb", "ms_per_face_b1", "faces_per_s_b32"])
    path = write_json("regressors.json", {"benchmark": "regressors", "machine": machine(), "accuracy": acc, "speed": speed})
    md = markdown(acc, speed)
    with open(os.path.join(RESULTS, "regressors.md"), "w") as f:
        f.write(md)
    if args.readme:
        update_readme("regressors", md)
    print(md)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
