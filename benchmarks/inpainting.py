"""GAN-IA against DRDA's autoencoder and its ablations, on held-out faces (fixed seeds).

The 230 HELEN-test faces (never used to train a restorer) with the deterministic synthetic
occlusion of seed 0 (`python -m zoo data occlude`); every restorer fills the masked pixels at its
own resolution and the result is resized back (`zoo.pipeline.restore_images`). PSNR, SSIM and
L1 are measured inside the mask, against the clean face (and PSNR over the thirds of the set by
mask area). Rows: the occluded input, each restorer, and each restorer + Poisson blending.
Beside them, what matters downstream and what the eye sees:
- `nme_%`: the landmark NME of one fixed regressor (`--regressor`, default `drn_300w`) on the
  row's faces (the occluded input row is the regressor on unrestored faces);
- `banding`: the energy of row-to-row differences inside the hole relative to the clean face's
  there (1 = as much vertical change as the real face; horizontal stripes raise it, a flat fill
  lowers it);
- `stripes`: the ratio of row-to-row to column-to-column change inside the hole over the clean
  face's (1 = the real face's balance of directions, whatever the amount of texture; horizontal
  bands raise it; a blurry fill is not rewarded, unlike `banding`).

- with `--attention-off`, each restorer with self-attention is measured again with every gamma set
  to 0 (the same trained network without what its attention adds: what the attention is worth
  in the trained model, beside the retrained no-attention ablation).

    python benchmarks/inpainting.py --restorers autoencoder_128,gania_128 [--grid out.png] [--regressor drn_300w] [--attention-off]

A restorer is a preset name, a `.keras` file or a restorer run folder. Prints a table, writes
benchmarks/results/inpainting.json and, with --grid, a PNG grid (original / occluded / each
restorer / the last restorer + Poisson blending) for a person to look at.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from benchmarks._common import attention_layers, kept_gammas, machine, print_table, write_json  # noqa: E402


def row(method, clean, outputs, masks, regressor=None, points=None):
    """Masked PSNR / SSIM / L1 over the set, PSNR over the thirds of the set by mask area, the
    banding ratio and (with a regressor) the landmark NME on the outputs."""
    import numpy as np

    from zoo.metrics import banding, nme, psnr, stripes
    from zoo.pipeline import inpainting_metrics

    out = {"method": method, **inpainting_metrics(clean, outputs, masks)}
    out["banding"] = float(np.nanmean([banding(c, o, m) for c, o, m in zip(clean, outputs, masks)]))
    out["stripes"] = float(np.nanmean([stripes(c, o, m) for c, o, m in zip(clean, outputs, masks)]))
    if regressor is not None:
        pred = regressor.predict_images([np.asarray(o) for o in outputs])
        out["nme_%"] = 100.0 * float(nme(pred, np.stack(points)).mean())
    area = np.array([m.mean() for m in masks])
    p = np.array([psnr(c, o, mask=m) for c, o, m in zip(clean, outputs, masks)])
    for name, idx in zip(("small", "medium", "large"), np.array_split(np.argsort(area, kind="stable"), 3)):
        out[f"psnr_{name}_masks"] = float(p[idx].mean())
    return out


def attention_gammas(model):
    """`{layer: gamma}` of every self-attention layer of a restorer (0 at initialisation: how much
    the training made it use the attention)."""
    import keras

    return {layer.name: float(keras.ops.convert_to_numpy(layer.gamma).reshape(-1)[0]) for layer in attention_layers(model)}


def restore_without_attention(model, inputs, masks):
    """The restorer's fills with every self-attention gamma set to 0 (put back after)."""
    from zoo.pipeline import restore_images

    layers = attention_layers(model)
    with kept_gammas(layers):
        for layer in layers:
            layer.gamma.assign(0.0)
        return restore_images(model, inputs, masks, blend=False)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--restorers", required=True, help="comma-separated preset names or .keras files")
    p.add_argument("--limit", type=int)
    p.add_argument("--grid", help="write a PNG grid of 6 faces: original / occluded / each restorer / the last + blend")
    p.add_argument("--out", default="inpainting.json", help="results file name under benchmarks/results/")
    p.add_argument("--attention-off", action="store_true",
                   help="also measure each restorer with self-attention with its gammas set to 0")
    p.add_argument("--regressor", default="drn_300w", help="the fixed regressor whose NME is measured on every row ('none': skip)")
    args = p.parse_args()

    from zoo.data.test_sets import inpainting_test_set
    from zoo.pipeline import resolve_restorer
    from zoo.data.draw import contact_sheet
    from zoo.data.image_io import write_image
    from zoo.pipeline import restore_images

    clean, inputs, masks = (list(v) for v in zip(*inpainting_test_set(args.limit)))
    reg, points = None, None
    if args.regressor != "none":
        from zoo.data.test_sets import synthetic_helen_test
        from zoo.data import load_landmark_folder
        from zoo.tasks import load

        reg = load(args.regressor, task="regressor")
        points = [s.points for s in load_landmark_folder(synthetic_helen_test(0))[: args.limit]]
    rows = [row("occluded input", clean, inputs, masks, reg, points)]
    shown = list(range(0, len(clean), max(1, len(clean) // 6)))[:6]
    columns = [[clean[i] for i in shown], [inputs[i] for i in shown]]
    grid_names = ["original", "occluded"]
    for name in args.restorers.split(","):
        model = resolve_restorer(name)
        label = os.path.basename(os.path.normpath(name))
        plain = restore_images(model, inputs, masks, blend=False)
        blended = restore_images(model, inputs, masks, blend=True)
        rows += [row(label, clean, plain, masks, reg, points), row(f"{label} + Poisson blend", clean, blended, masks, reg, points)]
        gammas = attention_gammas(model)
        if gammas:
            rows[-2]["attention_gamma"] = gammas
            print(f"{label}: attention gamma " + ", ".join(f"{k} {v:+.4f}" for k, v in gammas.items()), flush=True)
            if args.attention_off:
                rows.append(row(f"{label}, attention off (gamma = 0)", clean,
                                restore_without_attention(model, inputs, masks), masks, reg, points))
        columns.append([plain[i] for i in shown])
        grid_names.append(label)
    columns.append([blended[i] for i in shown])  # the last restorer + Poisson blending
    grid_names.append(f"{label} + Poisson blend")
    print_table(rows, ["method", "n", "psnr_mask_db", "ssim_mask", "l1_mask", "banding", "stripes", "nme_%", "psnr_small_masks",
                       "psnr_medium_masks", "psnr_large_masks"])
    path = write_json(args.out, {"benchmark": "inpainting", "machine": machine(), "backend": os.environ["KERAS_BACKEND"],
                                 "test_set": "HELEN test, 230 faces, synthetic occlusion seed 0 (SYNTHETIC)",
                                 "regressor": args.regressor,
                                 "grid_columns": grid_names if args.grid else None,
                                 "rows": rows})
    print(f"wrote {path}")
    if args.grid:
        tiles = [col[i] for i in range(len(columns[0])) for col in columns]
        write_image(args.grid, contact_sheet(tiles, columns=len(columns), tile_size=128))
        print(f"wrote {args.grid}")


if __name__ == "__main__":
    main()
