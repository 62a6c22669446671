"""`python -m zoo train RECIPE --out DIR [--resume] [--epochs N] [--limit N] [--max-minutes M] [--max-steps N]
[--distribution data-parallel [--devices N]]`."""

from zoo.cli.checks import non_negative_int, output_folder, positive_float, positive_int


def add_parser(sub):
    p = sub.add_parser("train", help="train a recipe (a name or a .toml path; checkpointed, resumable)")
    p.add_argument("recipe", help="a recipe name (python -m zoo list --kind recipe) or the path of a recipe file (.toml)")
    p.add_argument("--out", required=True, help="run folder (checkpoints, state.json, config.json, model.json)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    p.add_argument("--epochs", type=positive_int, help="regressor / occluder recipes: override the recipe's epochs")
    p.add_argument("--limit", type=positive_int, help="train on this many faces only (smoke runs)")
    p.add_argument("--max-minutes", type=positive_float,
                   help="regressor / occluder recipes: stop after the last epoch that fits in this wall time (resume later)")
    p.add_argument("--max-steps", type=non_negative_int, help="restorer recipes: stop after this many more steps (resume later)")
    p.add_argument("--distribution", choices=("none", "data-parallel"), default="none",
                   help="data-parallel: split each batch over several devices (JAX: keras.distribution.DataParallel; "
                        "TensorFlow: tf.distribute.MirroredStrategy, regressor and occluder recipes; not on torch) (default: none)")
    p.add_argument("--devices", type=positive_int,
                   help="with --distribution data-parallel: how many devices (default: every GPU, else every CPU device the backend sees)")
    p.set_defaults(func=run)


def run(args):
    from zoo.training import summary, train
    from zoo.training.recipes import load_recipe

    if args.devices is not None and args.distribution == "none":
        raise ValueError("--devices needs --distribution data-parallel")
    config = load_recipe(args.recipe)
    output_folder(args.out)
    extra = {"max_seconds": 60.0 * args.max_minutes} if args.max_minutes else {}
    if extra and config.get("task") == "restorer":
        raise ValueError("--max-minutes is for regressor / occluder recipes; a restorer recipe stops with --max-steps")
    if args.distribution != "none":
        extra.update(distribution=args.distribution, devices=args.devices)
    result = train(config, args.out, resume=args.resume, epochs=args.epochs, limit=args.limit, max_steps=args.max_steps, **extra)
    print(f"done: {summary(result)}; run folder {args.out}")
    return 0
