"""Speed of every GAN-IA model at its default config, per backend (one subprocess each).

For each backend, model and input size (128 and 256 px; the local discriminator sees half):
parameters, forward ms at batch 1 and 8 (compiled predict), and one train-step ms at batch 8
(restorers with MSE on the restored image, discriminators with a logistic loss).

    python benchmarks/model_speed.py                      # all backends, 128 and 256 px
    python benchmarks/model_speed.py --backends jax --sizes 128 --repeats 3

Prints a table and writes benchmarks/results/model_speed.json.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import BACKENDS, machine, print_table, run_worker, timed, write_json  # noqa: E402

MODELS = ("gania_generator", "decorrupt_autoencoder", "global_discriminator", "local_discriminator")


def worker(args):
    import keras
    import numpy as np

    import zoo

    rows = []
    rng = np.random.default_rng(0)
    for size in args.sizes:
        for name in MODELS:
            if name == "local_discriminator":  # the local patch is half the face
                s = size // 2
                model = zoo.create_model(name, patch_size=s)
            else:
                s = size
                model = zoo.create_model(name, image_size=s)
            restorer = name in ("gania_generator", "decorrupt_autoencoder")

            def batch(n):
                img = rng.uniform(-1, 1, (n, s, s, 3)).astype("float32")
                if not restorer:
                    return img, np.ones((n, 1), "float32")
                mask = np.zeros((n, s, s, 1), "float32")
                mask[:, s // 4 : s // 2, s // 4 : 3 * s // 4] = 1
                return {"image": img, "mask": mask}, {"restored": img}

            row = {"backend": keras.backend.backend(), "model": name, "size": s, "params": model.count_params()}
            for n in (1, 8):
                x, _ = batch(n)
                row[f"fwd_ms_b{n}"] = timed(lambda: model.predict_on_batch(x), args.repeats)
            x, y = batch(8)
            if restorer:
                model.compile(optimizer="adam", loss={"restored": "mse"})
            else:
                model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
            row["train_ms_b8"] = timed(lambda: model.train_on_batch(x, y), args.repeats)
            rows.append(row)
            keras.backend.clear_session()
    print(json.dumps(rows))


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--sizes", default="128,256")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--out", default="model_speed.json")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.sizes = [int(s) for s in str(args.sizes).split(",")]
    if args.worker:
        return worker(args)
    rows = []
    for backend in args.backends.split(","):
        rows += run_worker(__file__, backend, ["--sizes", ",".join(map(str, args.sizes)), "--repeats", str(args.repeats)])
    print_table(rows, ["backend", "model", "size", "params", "fwd_ms_b1", "fwd_ms_b8", "train_ms_b8"])
    path = write_json(args.out, {"benchmark": "model_speed", "machine": machine(), "repeats": args.repeats, "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
