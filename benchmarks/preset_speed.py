"""Inference speed of every shipped preset on every backend (one subprocess each), as the tasks
run it: `zoo.tasks.inference.inference_function` (Keras's compiled `predict_on_batch` on TensorFlow
and JAX, a checked `torch.jit.trace` per shape on torch) on a batch of its input size, in ms per image at
batch 1 and batch 32 (median of repeats after a warm-up call), and per preset the slowest
backend's time over the fastest's (issue 23: within 2x at batch 32).

    python benchmarks/preset_speed.py [--backends tensorflow,jax,torch] [--presets a,b] [--repeats 5] [--out DIR] [--readme]

Prints a table and writes benchmarks/results/preset_speed.json (or --out DIR).
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import BACKENDS, RESULTS, machine, print_table, run_worker, timed, update_readme  # noqa: E402


def worker(args):
    import keras
    import numpy as np

    import zoo
    from zoo.presets import list_presets
    from zoo.tasks.inference import inference_function, inference_path

    names = args.presets.split(",") if args.presets else list_presets()
    rows = []
    for name in names:
        model = zoo.load_preset(name)
        row = {"backend": keras.backend.backend(), "preset": name}
        run = inference_function(model)
        for batch in (1, 32):
            rng = np.random.default_rng(0)
            feed = {}
            for t in model.inputs:
                shape = (batch, *[int(d) for d in t.shape[1:]])
                key = t.name.split(":")[0]
                feed[key] = rng.uniform(-1, 1, shape).astype("float32") if "mask" not in key else (rng.random(shape) > 0.7).astype("float32")
            x = feed if len(feed) > 1 else next(iter(feed.values()))
            repeats = args.repeats if batch == 1 else max(2, args.repeats // 2)
            # warm-up: Keras's trace / jit, or (torch) the eager calls before a shape is traced and the trace
            row[f"ms_b{batch}"] = round(timed(lambda: run(x), repeats, warmup=3) / batch, 3)
        row["path"] = inference_path(model)
        rows.append(row)
        keras.backend.clear_session()
    print(json.dumps(rows))


def markdown(rows, backends):
    presets = sorted({r["preset"] for r in rows})
    head = "| preset | " + " | ".join(f"{b} b1 / b32" for b in backends) + " | slowest / fastest (b32) |"
    lines = [head, "|" + " --- |" * (len(backends) + 2)]
    for p in presets:
        by = {r["backend"]: r for r in rows if r["preset"] == p}
        cells = [f"{by[b]['ms_b1']:.2f} / {by[b]['ms_b32']:.2f}" if b in by else "-" for b in backends]
        b32 = [by[b]["ms_b32"] for b in backends if b in by]
        lines.append(f"| `{p}` | " + " | ".join(cells) + f" | {max(b32) / min(b32):.1f}x |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--presets", default="", help="comma-separated (default: every preset)")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--out", default=RESULTS, help="folder for preset_speed.json / .md (default: benchmarks/results)")
    p.add_argument("--readme", action="store_true", help="refresh the table between the preset-speed markers of docs/results.md")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        return worker(args)
    backends = args.backends.split(",")
    rows = []
    for b in backends:
        rows += run_worker(os.path.abspath(__file__), b, ["--presets", args.presets, "--repeats", str(args.repeats)])
    print_table(rows, ["backend", "preset", "ms_b1", "ms_b32"])
    md = markdown(rows, backends)
    print(md)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "preset_speed.json"), "w") as f:
        json.dump({"benchmark": "preset_speed", "machine": machine(), "rows": rows, "markdown": md}, f, indent=1)
    with open(os.path.join(args.out, "preset_speed.md"), "w") as f:
        f.write(md + "\n")
    if args.readme:
        update_readme("preset-speed", md)


if __name__ == "__main__":
    main()
