"""Data pipeline speed: one 32-image augmented batch of `LandmarkDataset` (crop + flip/rotate/
scale/shift + colour + blur), and synthetic occlusion per face, on the staged HELEN-test faces.

    python benchmarks/data_speed.py [--batch 32] [--size 112] [--repeats 5]

Prints a table and writes benchmarks/results/data_speed.json.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

from benchmarks._common import machine, print_table, timed, write_json  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--size", type=int, default=112)
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args()

    import numpy as np

    from zoo.data import Augmenter, LandmarkDataset, OccluderBank, dataset_path, load_landmark_folder, occlude

    samples = load_landmark_folder(dataset_path("300w"), "helen_testset_*")
    rows = []
    for name, aug in (("plain crop", None), ("augmented", Augmenter())):
        ds = LandmarkDataset(samples, batch_size=args.batch, image_size=args.size, augmenter=aug, shuffle=True)
        k = iter(range(10**9))
        ms = timed(lambda: ds[next(k) % len(ds)], args.repeats)
        rows.append({"what": f"{name} batch of {args.batch} at {args.size}px", "ms": ms, "images_per_s": args.batch / ms * 1000})
    bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in samples[:50]])
    _ = bank.objects, bank.holes
    images = [s.load_image() for s in samples[:32]]
    rng = np.random.default_rng(0)

    def occlude_32():
        for img, s in zip(images, samples[:32]):
            occlude(img, s.points, None, rng, bank)

    ms = timed(occlude_32, args.repeats)
    rows.append({"what": "synthetic occlusion of 32 faces (256px)", "ms": ms, "images_per_s": 32 / ms * 1000})
    print_table(rows, ["what", "ms", "images_per_s"])
    path = write_json("data_speed.json", {"benchmark": "data_speed", "machine": machine(), "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
