"""A GPU check that runs in minutes on any machine with a GPU: for every Keras backend installed,
train each recipe family a few steps through the project's own trainers (the path `python -m zoo
train` takes) and report the accelerator each backend found, images/s once compiled, and whether
the loss fell.

    python benchmarks/gpu_check.py                      # every backend present, every family
    python benchmarks/gpu_check.py --backends jax --families pipnet,gania --epochs 4
    python benchmarks/gpu_check.py --allow-cpu --quick  # the same path on a CPU (what CI could run)

Families and their recipes (the recipe's model, loss and optimiser; its data cut to `--faces`
300-W training faces, no extra sources, no ImageNet / preset initialisation so nothing outside
`ZOO_DATA` is read):

| family | recipe | steps |
| --- | --- | --- |
| pfld | `pfld_0.25x_300w` | `--epochs` x faces / batch |
| drn | `drn_300w` | the same |
| pipnet | `pipnet_mnv2_300w` | the same |
| occluder | `occluder_seg_mnv2` | the same |
| gania | `gania_128` | `--gan-steps` over the three phases (generator, discriminators, joint) |

images/s counts training images per second of the epochs after the first (the first compiles),
data loading included (`--workers` processes). The loss check compares the first epoch's mean
training loss with the last's (GAN-IA: the generator's masked reconstruction loss, first vs last
logged steps of its MSE phase). Each backend runs in its own process; the table is printed and
written as JSON (`--out`, default `gpu_check.json` in the current folder).

Install for CUDA: the project's CPU pins (`pip install -e ".[all]"`) are CPU builds; on a GPU
machine install the backends' CUDA builds instead (README "GPU"): `pip install -e . "jax[cuda12]"`,
`pip install -e . torch --index-url https://download.pytorch.org/whl/cu126`, or
`pip install -e . tensorflow[and-cuda]`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

FAMILIES = {
    "pfld": "pfld_0.25x_300w",
    "drn": "drn_300w",
    "pipnet": "pipnet_mnv2_300w",
    "occluder": "occluder_seg_mnv2",
    "gania": "gania_128",
}
BACKENDS = ("jax", "torch", "tensorflow")


def accelerator():
    """(kind, name) of what the active backend computes on: ("gpu", "NVIDIA H200") or ("cpu", ...)."""
    import keras

    b = keras.backend.backend()
    if b == "jax":
        import jax

        d = jax.devices()[0]
        return d.platform, getattr(d, "device_kind", str(d))
    if b == "torch":
        import torch

        if torch.cuda.is_available():
            return "gpu", torch.cuda.get_device_name(0)
        return "cpu", "torch CPU"
    import tensorflow as tf

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        details = tf.config.experimental.get_device_details(gpus[0])
        return "gpu", details.get("device_name", gpus[0].name)
    return "cpu", "tensorflow CPU"


def _supervised_config(recipe, faces, epochs, workers):
    from zoo.training.recipes import load_recipe

    config = load_recipe(recipe)
    config.update(epochs=epochs, workers=workers, init_backbone="", init_preset=None)
    config["data"] = {**config["data"], "extra_sources": []}
    return config, faces


def _gan_config(steps):
    from zoo.training.recipes import load_recipe

    config = load_recipe(FAMILIES["gania"])
    t_g, t_d = max(12, steps // 2), max(2, steps // 4)  # the generator phase logs every 10 steps: >= 2 points
    config["schedule"] = {**config["schedule"], "t_g": t_g, "t_d": t_d, "t_joint": max(2, steps - t_g - t_d), "checkpoint_every": 10 ** 9}
    config["data"] = {"landmark_sets": [["300w", "helen_trainset_*"]]}  # the staged faces the other families read
    return config


def run_family(family, faces, epochs, gan_steps, workers):
    """Train one family in a temporary run folder; returns its row."""
    from zoo.training import train

    t0 = time.time()
    with tempfile.TemporaryDirectory() as out:
        if family == "gania":
            config = _gan_config(gan_steps)
            result = train(config, out, limit=faces)
            hist = result["state"]["history"]
            batch = config["batch_size"]
            gen = [h for h in hist if h["phase"] == "generator"]
            timed = [h for h in hist if h["step"] >= 10]  # after the first steps (compilation)
            ips = (timed[-1]["step"] - timed[0]["step"]) * batch / max(1e-9, timed[-1]["seconds"] - timed[0]["seconds"]) \
                if len(timed) > 1 else None
            first, last = gen[0]["l_rec"], gen[-1]["l_rec"]
            steps = result["state"]["step"]
        else:
            config, limit = _supervised_config(FAMILIES[family], faces, epochs, workers)
            result = train(config, out, limit=limit, verbose=0)
            hist = result["state"]["history"]
            batch = config["batch_size"]
            per_epoch = result["state"]["steps_per_epoch"]
            later = hist[1:]
            ips = sum(per_epoch * batch for _ in later) / max(1e-9, sum(h["seconds"] for h in later)) if later else None
            first, last = hist[0]["loss"], hist[-1]["loss"]
            steps = per_epoch * len(hist)
    return {"family": family, "recipe": FAMILIES[family], "steps": steps, "batch": batch,
            "images_per_s": round(ips, 1) if ips else None, "loss_first": round(float(first), 5), "loss_last": round(float(last), 5),
            "loss_fell": bool(last < first), "seconds": round(time.time() - t0, 1)}


def child(args):
    """One backend, in this process (KERAS_BACKEND is set by the parent)."""
    import keras

    kind, name = accelerator()
    rows = []
    if kind == "cpu" and not args.allow_cpu:
        print(json.dumps({"backend": keras.backend.backend(), "device": name, "kind": kind, "rows": [],
                          "error": "no GPU visible to this backend (--allow-cpu runs the check on the CPU)"}))
        return 0
    for family in args.families.split(","):
        try:
            row = run_family(family, args.faces, args.epochs, args.gan_steps, args.workers)
        except Exception as e:  # noqa: BLE001 - one family's failure is a row of the report, not the end of it
            row = {"family": family, "recipe": FAMILIES[family], "error": f"{type(e).__name__}: {e}"[:400]}
        print(f"[{keras.backend.backend()}] {row}", file=sys.stderr, flush=True)
        rows.append(row)
    print(json.dumps({"backend": keras.backend.backend(), "device": name, "kind": kind, "rows": rows}))
    return 0


def installed(backend):
    import importlib.util

    return importlib.util.find_spec({"jax": "jax", "torch": "torch", "tensorflow": "tensorflow"}[backend]) is not None


def table(results):
    lines = ["| backend | device | family | steps | images/s | loss first -> last | fell |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        if not r.get("rows"):
            lines.append(f"| {r['backend']} | {r.get('device', '?')} | - | - | - | {r.get('error', '')} | - |")
        for row in r.get("rows", []):
            if "error" in row:
                lines.append(f"| {r['backend']} | {r['device']} | {row['family']} | - | - | error: {row['error'][:120]} | no |")
                continue
            lines.append(f"| {r['backend']} | {r['device']} | {row['family']} | {row['steps']} | {row['images_per_s']} | "
                         f"{row['loss_first']:.4f} -> {row['loss_last']:.4f} | {'yes' if row['loss_fell'] else 'NO'} |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backends", default=",".join(BACKENDS), help="comma-separated (default: every one installed)")
    p.add_argument("--families", default=",".join(FAMILIES), help=f"comma-separated among {', '.join(FAMILIES)}")
    p.add_argument("--faces", type=int, default=256, help="training faces per family")
    p.add_argument("--epochs", type=int, default=3, help="epochs per supervised family (the first compiles)")
    p.add_argument("--gan-steps", type=int, default=60, help="GAN-IA steps over its three phases")
    p.add_argument("--workers", type=int, default=max(1, min(8, (os.cpu_count() or 2) - 1)), help="data loading processes")
    p.add_argument("--quick", action="store_true", help="64 faces, 2 epochs, 30 GAN steps")
    p.add_argument("--allow-cpu", action="store_true", help="run where no GPU is visible too")
    p.add_argument("--out", default="gpu_check.json", help="JSON report path")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.faces, args.epochs, args.gan_steps = 64, 2, 30
    for f in args.families.split(","):
        if f not in FAMILIES:
            p.error(f"unknown family {f!r}; families: {', '.join(FAMILIES)}")
    if args.child:
        return child(args)
    results = []
    for backend in args.backends.split(","):
        if backend not in BACKENDS:
            p.error(f"unknown backend {backend!r}; backends: {', '.join(BACKENDS)}")
        if not installed(backend):
            results.append({"backend": backend, "rows": [], "error": "not installed"})
            continue
        cmd = [sys.executable, os.path.abspath(__file__), "--child", "--families", args.families, "--faces", str(args.faces),
               "--epochs", str(args.epochs), "--gan-steps", str(args.gan_steps), "--workers", str(args.workers)]
        if args.allow_cpu:
            cmd.append("--allow-cpu")
        env = {**os.environ, "KERAS_BACKEND": backend}
        env.setdefault("PYTHONPATH", os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
        line = (proc.stdout.strip().splitlines() or [""])[-1]
        try:
            results.append(json.loads(line))
        except json.JSONDecodeError:
            results.append({"backend": backend, "rows": [], "error": f"the check's process ended with code {proc.returncode}"})
    print(table(results))
    with open(args.out, "w") as f:
        json.dump({"results": results, "args": vars(args)}, f, indent=1)
    print(f"wrote {args.out}")
    bad = [row for r in results for row in r.get("rows", []) if "error" in row or not row.get("loss_fell")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
