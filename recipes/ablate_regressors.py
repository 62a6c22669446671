"""Regressor ablation at one step budget: each lever of `pipnet_mnv2_300w` switched off alone,
trained for the same number of optimizer steps from the same seed, measured on the same held-out
faces (the 230 HELEN-test faces, clean and with the seed-0 synthetic occlusion; never used for
training or selection).

    python -m recipes.ablate_regressors --steps 500 [--variants full,no_youtube,...]

Trains into `runs/ablation/<variant>` (resumable: a finished variant is only re-measured) and
writes `benchmarks/results/regressor_ablation.{json,md}`.
"""

import argparse
import json
import math
import os

from zoo.training.recipe_files import get_recipe_config

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# variant -> (what changes, config overrides)
VARIANTS = {
    "full": ("all levers: ImageNet backbone, YouTube-Faces at weight 0.5, 1.28x framing, heatmap head", {}),
    "no_youtube": ("300-W faces only (no YouTube-Faces frames)", {"data": {"extra_sources": []}}),
    "random_init": ("backbone from random initialisation (no ImageNet)", {"init_backbone": None}),
    "loose_framing": ("1.6x framing at 128 px (no border cut: the face ~80 px wide)", {"input_size": 128, "regressor_kwargs": {"border": 0}}),
    "youtube_weight_1": ("YouTube-Faces at full weight", {"data": {"extra_sources": [{"root": "youtube", "patterns": ["yt_*"], "weight": 1.0}]}}),
}


def variant_config(base, overrides, steps):
    from zoo.training.supervised import load_samples

    config = json.loads(json.dumps(base))
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(config.get(k), dict):
            config[k] = {**config[k], **v}
        else:
            config[k] = v
    train, val = load_samples(config["data"])
    per_epoch = math.ceil(len(train) / config["batch_size"])
    config["epochs"] = max(1, round(steps / per_epoch))
    config["steps_budget"] = steps
    return config, (train, val)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--recipe", default="pipnet_mnv2_300w")
    p.add_argument("--steps", type=int, default=500)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--out", default=os.path.join(ROOT, "runs", "ablation"))
    args = p.parse_args()

    from recipes.measure_runs import held_out_metrics
    from zoo.training.supervised import train

    base = get_recipe_config(args.recipe)
    rows = []
    for name in args.variants.split(","):
        what, overrides = VARIANTS[name]
        config, samples = variant_config(base, overrides, args.steps)
        run = os.path.join(args.out, f"{args.recipe}_{name}_{args.steps}")
        result = train(config, run, resume=os.path.isfile(os.path.join(run, "state.json")), samples=samples)
        row = {"variant": name, "what": what, "epochs": config["epochs"],
               "steps": config["epochs"] * math.ceil(len(samples[0]) / config["batch_size"]),
               "best_val_nme_%": 100 * result["state"]["best"]}
        row.update(held_out_metrics(result["regressor"]))
        rows.append(row)
        print(json.dumps(row), flush=True)
    out = os.path.join(ROOT, "benchmarks", "results", "regressor_ablation.json")
    with open(out + ".tmp", "w") as f:
        json.dump({"recipe": args.recipe, "steps": args.steps, "rows": rows}, f, indent=2)
    os.replace(out + ".tmp", out)
    cols = ["variant", "what", "steps", "best_val_nme_%", "helen_test_clean_nme_%", "helen_test_synthetic_occlusion_nme_%"]
    lines = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    lines += ["| " + " | ".join(str(r[c]) if not isinstance(r[c], float) else f"{r[c]:.2f}" for c in cols) + " |" for r in rows]
    with open(out[:-5] + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
