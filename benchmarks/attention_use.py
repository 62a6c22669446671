"""Does a trained restorer use its self-attention? Each attention layer's gamma swept on held-out faces.

`y = gamma * o + x`: the attention reaches the output only through gamma, and the gradient that
trains its query, key and value convolutions is proportional to gamma. So the question "does the
attention earn its place" is measured directly: set one layer's gamma to each of a few values
(the others kept as trained) and measure the masked PSNR / L2 of the fills on the 230 HELEN-test
faces with the synthetic occlusion of seed 0 (never trained on). If the trained gamma sits at the
top of a flat curve, the attention adds nothing the convolutions do not already give; if another
gamma does better, the attention could help but training did not get there.

    python benchmarks/attention_use.py --restorers gania_128 [--gammas -0.2,-0.05,0,0.05,0.2] [--limit N]

Prints a table and writes benchmarks/results/attention_use.json.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from benchmarks._common import attention_layers, kept_gammas, machine, print_table, write_json  # noqa: E402


def masked_scores(clean, outputs, masks):
    """Mean masked PSNR (dB) and mean masked squared error (per pixel, 0-255 scale)."""
    import numpy as np

    from zoo.metrics import psnr

    p = [psnr(c, o, mask=m) for c, o, m in zip(clean, outputs, masks)]
    e = [float(np.mean((c.astype(np.float64) - o.astype(np.float64))[m > 0] ** 2)) for c, o, m in zip(clean, outputs, masks)]
    return float(np.mean(p)), float(np.mean(e))


def sweep(model, clean, inputs, masks, gammas):
    """Rows `{layer, gamma, trained_gamma, psnr_mask_db, mse_mask, delta_db}`: each layer's gamma
    set to each value in turn (the others as trained), and all of them at 0."""
    import keras

    from zoo.pipeline import restore_images

    layers = attention_layers(model)
    trained = [float(keras.ops.convert_to_numpy(layer.gamma)) for layer in layers]

    def measure():
        return masked_scores(clean, restore_images(model, inputs, masks, blend=False), masks)

    base_psnr, base_mse = measure()
    rows = [{"layer": "(as trained)", "gamma": None, "psnr_mask_db": base_psnr, "mse_mask": base_mse, "delta_db": 0.0}]
    with kept_gammas(layers):
        for layer, g0 in zip(layers, trained):
            for g in sorted(set(gammas) | {0.0}):
                layer.gamma.assign(g)
                p, e = measure()
                rows.append({"layer": layer.name, "trained_gamma": f"{g0:+.4f}", "gamma": g, "psnr_mask_db": p, "mse_mask": e,
                             "delta_db": p - base_psnr})
            layer.gamma.assign(g0)
        for layer in layers:
            layer.gamma.assign(0.0)
        p, e = measure()
        rows.append({"layer": "all", "gamma": 0.0, "psnr_mask_db": p, "mse_mask": e, "delta_db": p - base_psnr})
    return rows, dict(zip([layer.name for layer in layers], trained))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--restorers", required=True, help="comma-separated preset names, .keras files or restorer run folders")
    p.add_argument("--gammas", default="-0.2,-0.05,0,0.05,0.2", help="the values each layer's gamma is set to")
    p.add_argument("--limit", type=int, help="the first N faces only")
    p.add_argument("--out", default="attention_use.json", help="results file name under benchmarks/results/")
    args = p.parse_args()

    from zoo.data.test_sets import inpainting_test_set
    from zoo.pipeline import resolve_restorer

    gammas = [float(v) for v in args.gammas.split(",") if v.strip()]
    clean, inputs, masks = (list(v) for v in zip(*inpainting_test_set(args.limit)))
    results = {}
    for name in args.restorers.split(","):
        model = resolve_restorer(name)
        if not attention_layers(model):
            raise SystemExit(f"{name}: this restorer has no self-attention layer")
        rows, trained = sweep(model, clean, inputs, masks, gammas)
        label = os.path.basename(os.path.normpath(name))
        print(f"\n{label}: trained gammas " + ", ".join(f"{k} {v:+.4f}" for k, v in trained.items()))
        print_table(rows, ["layer", "trained_gamma", "gamma", "psnr_mask_db", "delta_db", "mse_mask"])
        results[label] = {"trained_gammas": trained, "rows": rows}
    path = write_json(args.out, {"benchmark": "attention_use", "machine": machine(), "backend": os.environ["KERAS_BACKEND"],
                                 "test_set": f"HELEN test, {len(clean)} faces, synthetic occlusion seed 0 (SYNTHETIC)",
                                 "restorers": results})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
