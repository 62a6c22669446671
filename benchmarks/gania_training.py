"""Training throughput of the restorer recipes, per backend (one subprocess each).

For each backend and recipe: images/s of a warm generator-phase step (MSE only), of a warm
discriminator-phase step and of a warm joint step (discriminators + generator with
`L = Lr + l1 L_local + l2 L_global`), on real faces from the recipe's data occluded on the fly,
at the recipe's batch size. The first step of each kind (tracing / jit) is not timed; the
data loading is not timed (it is measured by benchmarks/data_speed.py).

    python benchmarks/gania_training.py                                    # gania_128 + autoencoder_128, all backends
    python benchmarks/gania_training.py --backends tensorflow --recipes gania_128 --repeats 5

Then a short logged run of the first recipe through its three phases (`--curve T_G,T_D,T_joint`,
default 30,10,20 steps) on each backend, to compare the loss curves side by side.
Prints a table and writes benchmarks/results/gania_training.json.
"""

import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import BACKENDS, machine, print_table, run_worker, timed, write_json  # noqa: E402


def worker(args):
    import keras

    from zoo.training.adversarial import AdversarialRun
    from zoo.training.recipes import load_recipe
    from zoo.training.restorer import build, generator_size, load_items
    from zoo.data import OccluderBank
    from zoo.data.inpaint_dataset import InpaintDataset

    rows = []
    for name in args.recipes.split(","):
        config = load_recipe(name)
        keras.utils.set_random_seed(0)
        items = load_items(config["data"])[:64]
        bank = OccluderBank.from_data_root(texture_paths=[p for p, _ in items[:32]])
        nets = build(config)
        size = generator_size(nets[0])
        bs = config["batch_size"]
        ds = InpaintDataset(items, batch_size=bs, image_size=size, patch=config["schedule"]["patch"],
                            occluder_bank=bank, seed=0)
        batch = ds[0]
        with tempfile.TemporaryDirectory() as tmp:
            run = AdversarialRun(*nets, config["schedule"], tmp)
            st = run.steps
            row = {"backend": keras.backend.backend(), "recipe": name, "size": size, "batch": bs,
                   "g_params": run.generator.count_params()}
            def done(logs):  # wait for the step: JAX dispatches asynchronously
                return {k: float(v) for k, v in logs.items()}

            ms = timed(lambda: done(st.generator_step(batch, adversarial=False)), args.repeats)
            row["generator_phase_img_s"] = bs * 1000.0 / ms
            if run.global_d is not None:
                ms = timed(lambda: done(st.discriminator_step(batch)), args.repeats)
                row["discriminator_phase_img_s"] = bs * 1000.0 / ms

                def joint():
                    done(st.discriminator_step(batch))
                    done(st.generator_step(batch, adversarial=True))

                ms = timed(joint, args.repeats)
                row["joint_phase_img_s"] = bs * 1000.0 / ms
            if args.curve and name == args.recipes.split(",")[0]:
                row["curve"] = curve(config, ds, args.curve)
            rows.append(row)
        keras.backend.clear_session()
    print(json.dumps(rows))


def curve(config, ds, phases):
    """A short run of the recipe through all its phases (`phases` = steps of each), logging
    every step: the loss curves to compare across backends."""
    import keras

    from zoo.training.adversarial import AdversarialRun
    from zoo.training.restorer import build

    keras.utils.set_random_seed(0)
    t_g, t_d, t_joint = (int(v) for v in phases.split(","))
    sched = dict(config["schedule"], t_g=t_g, t_d=t_d, t_joint=t_joint, checkpoint_every=10**9)
    with tempfile.TemporaryDirectory() as tmp:
        run = AdversarialRun(*build(config), sched, tmp)
        state = run.run(ds, log_every=1)
    return state["history"]


def curve_table(rows):
    """Mean losses over each phase's last 10 logged steps, one line per backend."""
    lines = ["short run: mean of the last 10 steps of each phase"]
    for r in rows:
        if "curve" not in r:
            continue
        text = []
        for phase in ("generator", "discriminator", "joint"):
            h = [e for e in r["curve"] if e["phase"] == phase][-10:]
            if h:
                keys = [k for k in h[0] if k not in ("step", "phase")]
                text.append(f"{phase}: " + ", ".join(f"{k} {sum(e[k] for e in h) / len(h):.4f}" for k in keys))
        lines.append(f"  {r['backend']:<10} " + " | ".join(text))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--recipes", default="gania_128,autoencoder_128")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--curve", default="30,10,20", help="T_G,T_D,T_joint steps of a short logged run of the first "
                   "recipe on each backend (loss curves side by side); '' to skip")
    p.add_argument("--out", default="gania_training.json")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        return worker(args)
    rows = []
    for backend in args.backends.split(","):
        rows += run_worker(__file__, backend, ["--recipes", args.recipes, "--repeats", str(args.repeats),
                                               "--curve", args.curve])
    print_table(rows, ["backend", "recipe", "size", "batch", "g_params", "generator_phase_img_s",
                       "discriminator_phase_img_s", "joint_phase_img_s"])
    if args.curve:
        print(curve_table(rows))
    path = write_json(args.out, {"benchmark": "gania_training", "machine": machine(), "repeats": args.repeats,
                                 "rows": rows})
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
