"""Regressor ablation at one step budget: each lever of `pipnet_mnv2_300w` switched off alone,
trained for the same number of optimizer steps from the same seed, measured on the same held-out
faces (the 230 HELEN-test faces, clean and with the seed-0 synthetic occlusion; never used for
training or selection).

    python -m benchmarks.ablate_regressors --steps 500 [--variants full,no_youtube,...]

Trains into `runs/ablation/<recipe>_<variant>_<steps>` (resumable: a finished variant is only
re-measured) and writes `benchmarks/results/regressor_ablation.{json,md}`, keeping the rows of
earlier calls at the same recipe and budget.
"""

import argparse
import json
import math
import os

from zoo.io import atomic_write_json
from zoo.runs import BEST_WEIGHTS, STATE
from zoo.training.recipes import load_recipe, merge

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# variant -> (what changes, config overrides)
VARIANTS = {
    "full": ("all levers: ImageNet backbone, YouTube-Faces at weight 0.5, 1.28x framing, heatmap head", {}),
    "no_youtube": ("300-W faces only (no YouTube-Faces frames)", {"data": {"extra_sources": []}}),
    "random_init": ("backbone from random initialisation (no ImageNet)", {"init_backbone": ""}),
    "loose_framing": ("1.6x framing at 128 px (no border cut: the face ~80 px wide)", {"model_kwargs": {"input_size": 128, "border": 0}}),
    "youtube_weight_1": ("YouTube-Faces at full weight", {"data": {"extra_sources": [{"root": "youtube", "patterns": ["yt_*"], "weight": 1.0}]}}),
    "heatmap_awing": ("cell scores by adaptive Wing on Gaussian heatmaps instead of softmax cross-entropy",
                      {"loss": {"name": "regressor", "heatmap": {"offset_weight": 5.0, "score_loss": "awing"}}}),
    "heatmap_l2": ("cell scores by L2 on Gaussian heatmaps instead of softmax cross-entropy",
                   {"loss": {"name": "regressor", "heatmap": {"offset_weight": 5.0, "score_loss": "l2"}}}),
    "youtube_pretrain": ("half the steps on YouTube-Faces alone, then half on 300-W alone from those weights",
                         {"data": {"extra_sources": []}}),
}

# variant -> overrides of its first stage (trained for half the budget; the second stage, the
# variant's own overrides, starts from the first stage's best weights for the other half)
PRETRAIN = {
    "youtube_pretrain": {"data": {"root": "youtube", "train_patterns": ["yt_*"], "extra_sources": []}},
}


def variant_config(base, overrides, steps):
    from zoo.training.supervised import load_samples

    config = merge(base, overrides)
    train, val = load_samples(config["data"])
    per_epoch = math.ceil(len(train) / config["batch_size"])
    config["epochs"] = max(1, round(steps / per_epoch))
    config["steps_budget"] = steps
    return config, (train, val)


def _steps(config, samples):
    """Optimizer steps a variant's config takes on its training samples."""
    return config["epochs"] * math.ceil(len(samples[0]) / config["batch_size"])


def _earlier_rows(path, recipe, steps):
    """The rows an earlier call measured at the same recipe and budget (kept: a call may add one
    variant to the table without retraining the others)."""
    if not os.path.isfile(path):
        return []
    with open(path) as f:
        done = json.load(f)
    return done["rows"] if done.get("recipe") == recipe and done.get("steps") == steps else []


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipe", default="pipnet_mnv2_300w")
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--out", default=os.path.join(ROOT, "runs", "ablation"))
    args = p.parse_args()

    from benchmarks.measure_runs import held_out_metrics
    from zoo.training.supervised import train

    base = load_recipe(args.recipe)
    out = os.path.join(ROOT, "benchmarks", "results", "regressor_ablation.json")
    rows = _earlier_rows(out, args.recipe, args.steps)
    for name in args.variants.split(","):
        what, overrides = VARIANTS[name]
        steps, pre_steps = args.steps, 0
        if name in PRETRAIN:  # stage 1 on its own data; stage 2 starts from its best weights
            pre_steps = args.steps // 2
            pre_config, pre_samples = variant_config(base, PRETRAIN[name], pre_steps)
            pre_run = os.path.join(args.out, f"{args.recipe}_{name}_{args.steps}_stage1")
            train(pre_config, pre_run, resume=os.path.isfile(os.path.join(pre_run, STATE)), samples=pre_samples)
            pre_steps = _steps(pre_config, pre_samples)
            overrides = {**overrides, "init_weights": os.path.join(pre_run, BEST_WEIGHTS), "init_backbone": ""}
            steps = args.steps - pre_steps
        config, samples = variant_config(base, overrides, steps)
        run = os.path.join(args.out, f"{args.recipe}_{name}_{args.steps}")
        result = train(config, run, resume=os.path.isfile(os.path.join(run, STATE)), samples=samples)
        row = {"variant": name, "what": what, "epochs": config["epochs"],
               "steps": pre_steps + _steps(config, samples),
               "best_val_nme_%": 100 * result["state"]["best"]}
        row.update(held_out_metrics(result["regressor"]))
        rows = [r for r in rows if r["variant"] != name] + [row]
        print(json.dumps(row), flush=True)
    atomic_write_json(out, {"recipe": args.recipe, "steps": args.steps, "rows": rows})
    cols = ["variant", "what", "steps", "best_val_nme_%", "helen_test_clean_nme_%", "helen_test_synthetic_occlusion_nme_%"]
    lines = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) if not isinstance(r[c], float) else f"{r[c]:.2f}" for c in cols) + " |" for r in rows]
    with open(out[:-5] + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
