"""GAN-IA against DRDA's autoencoder and its ablations, on held-out faces (fixed seeds).

The 230 HELEN-test faces (never used to train a restorer) with the deterministic synthetic
occlusion of seed 0 (`python -m zoo data occlude`); every restorer fills the masked pixels at its
own resolution and the result is resized back (`zoo.pipeline.restore_images`). PSNR, SSIM and
L1 are measured inside the mask, against the clean face. Rows: the occluded input, each
restorer, and each restorer + Poisson blending.

    python benchmarks/inpainting.py --restorers autoencoder_128,gania_128 [--grid out.png]

A restorer is a preset name or a `.keras` file. Prints a table, writes
benchmarks/results/inpainting.json and, with --grid, a PNG grid (original / occluded / each
restorer) for a person to look at.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from benchmarks._common import machine, print_table, write_json  # noqa: E402


def load_set(limit=None):
    from recipes.export_preset import synthetic_helen_test
    from zoo.data import dataset_path, load_landmark_folder, read_image

    occ_dir = synthetic_helen_test(0)
    clean = {s.name: s for s in load_landmark_folder(dataset_path("300w"), "helen_testset_*")}
    items = []
    for s in load_landmark_folder(occ_dir)[:limit]:
        mask = read_image(os.path.join(occ_dir, "masks", f"{s.name}.png"), color="gray") > 127
        items.append((clean[s.name].load_image(), s.load_image(), mask))
    return items


def measure(name, outputs, items):
    import numpy as np

    from zoo.metrics import l1, psnr, ssim

    p = [psnr(c, o, mask=m) for (c, _, m), o in zip(items, outputs)]
    s = [ssim(c, o, mask=m) for (c, _, m), o in zip(items, outputs)]
    e = [l1(c, o, mask=m) for (c, _, m), o in zip(items, outputs)]
    return {"method": name, "n": len(items), "psnr_mask_db": float(np.mean(p)), "ssim_mask": float(np.mean(s)),
            "l1_mask": float(np.mean(e))}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--restorers", required=True, help="comma-separated preset names or .keras files")
    p.add_argument("--limit", type=int)
    p.add_argument("--grid", help="write a PNG grid of the first 6 faces here")
    args = p.parse_args()
    import numpy as np

    from zoo.cli.restore_cmd import resolve_restorer
    from zoo.data.draw import contact_sheet
    from zoo.data.image_io import write_image
    from zoo.pipeline import restore_images

    items = load_set(args.limit)
    rows = [measure("occluded input", [o for _, o, _ in items], items)]
    columns = [[c for c, _, _ in items[:6]], [o for _, o, _ in items[:6]]]
    for name in args.restorers.split(","):
        model = resolve_restorer(name)
        inputs = [o for _, o, _ in items]
        masks = [m for _, _, m in items]
        plain = restore_images(model, inputs, masks, blend=False)
        blended = restore_images(model, inputs, masks, blend=True)
        rows += [measure(name, plain, items), measure(f"{name} + Poisson blend", blended, items)]
        columns += [plain[:6], blended[:6]]
    print_table(rows, ["method", "n", "psnr_mask_db", "ssim_mask", "l1_mask"])
    path = write_json("inpainting.json", {"benchmark": "inpainting", "machine": machine(), "rows": rows})
    print(f"wrote {path}")
    if args.grid:
        tiles = [col[i] for i in range(len(columns[0])) for col in columns]
        write_image(args.grid, contact_sheet(tiles, columns=len(columns), tile_size=128))
        print(f"wrote {args.grid}")


if __name__ == "__main__":
    main()
