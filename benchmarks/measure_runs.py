"""Measure finished regressor runs side by side on the same held-out faces: each run's best
checkpoint (by its validation NME) on the 230 clean HELEN-test faces and on their seed-0
synthetic occlusion (never used for training or selection), with its steps and validation NME.
The rows of the issue-11 lever table that are continuations of a preset (loss, length) come from
here; `benchmarks/ablate_regressors.py` trains its own variants from scratch.

    python -m benchmarks.measure_runs runs/pfld_wing runs/pfld_l2_more [--out benchmarks/results/regressor_runs.json] [--readme]

`--readme` writes the table of every measured run (this call's and earlier ones kept in the
JSON) between the `runs` markers of docs/results.md.
"""

import argparse
import json
import math
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def held_out_metrics(model):
    """`{<set>_nme_%, <set>_fr_%}` of a regressor on the held-out HELEN-test faces, clean and with
    the seed-0 synthetic occlusion (the sets every regressor table of the project uses)."""
    from zoo.data.test_sets import test_sets
    from zoo.pipeline import evaluate_folder

    row = {}
    for key, (folder, pattern, _) in test_sets().items():
        m, _ = evaluate_folder(model, folder, pattern=pattern)
        row[f"{key}_nme_%"] = round(100 * m["nme"], 2)
        row[f"{key}_fr_%"] = round(100 * m["fr_0.10"], 1)
    return row


def measure(run_dir):
    from zoo.data.splits import load_samples
    from zoo.runs import BEST_WEIGHTS, STATE, load_run, read_json

    weights = os.path.join(run_dir, BEST_WEIGHTS)
    if not os.path.isfile(weights):
        raise FileNotFoundError(f"{run_dir}: no {BEST_WEIGHTS} (is the run finished?)")
    model, config = load_run(run_dir, weights)
    state = read_json(os.path.join(run_dir, STATE))
    train, _ = load_samples(config["data"])
    per_epoch = math.ceil(len(train) / config["batch_size"])
    row = {"run": os.path.basename(os.path.normpath(run_dir)), "recipe": config.get("name"),
           "parent": config.get("init_preset"), "loss": config.get("loss", {}).get("landmark_loss", "heatmap"),
           "epochs": len(state.get("history", [])), "steps": len(state.get("history", [])) * per_epoch,
           "best_epoch": state.get("best_epoch"), "best_val_nme_%": round(100 * state["best"], 2)}
    row.update(held_out_metrics(model))
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("runs", nargs="+", help="run folders (config.json, state.json, best.weights.h5)")
    p.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "regressor_runs.json"))
    p.add_argument("--readme", action="store_true", help="refresh the table between the runs markers of docs/results.md")
    args = p.parse_args()
    rows = []
    for run in args.runs:
        rows.append(measure(run))
        print(json.dumps(rows[-1]), flush=True)
    old = {}
    if os.path.isfile(args.out):  # keep rows of runs measured before (by run name)
        with open(args.out) as f:
            old = {r["run"]: r for r in json.load(f).get("rows", [])}
    old.update({r["run"]: r for r in rows})
    from zoo.io import atomic_write_json

    atomic_write_json(args.out, {"test_sets": "HELEN test, 230 faces: clean and synthetic occlusion seed 0", "rows": list(old.values())})
    print(f"wrote {args.out}")
    if args.readme:
        import sys

        sys.path.insert(0, ROOT)
        from benchmarks._common import update_readme

        if not update_readme("runs", markdown(list(old.values()))):
            raise SystemExit("docs/results.md has no runs markers")


def markdown(rows):
    lines = ["| run (recipe) | from | loss | steps | val NME % | clean NME % | clean FR@0.10 % | occluded NME % |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| `{r['recipe']}` | `{r['parent'] or 'scratch'}` | {r['loss']} | {r['steps']:,} | {r['best_val_nme_%']:.2f} | "
                     f"{r['helen_test_clean_nme_%']:.2f} | {r['helen_test_clean_fr_%']:.1f} | {r['helen_test_synthetic_occlusion_nme_%']:.2f} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
