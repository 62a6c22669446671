"""`python -m zoo train RECIPE --out DIR [--resume] [--epochs N] [--limit N]`."""


def add_parser(sub):
    p = sub.add_parser("train", help="train a recipe (checkpointed, resumable)")
    p.add_argument("recipe", help="a recipe name (python -m zoo list --kind recipe)")
    p.add_argument("--out", required=True, help="run folder (checkpoints, state.json, config.json)")
    p.add_argument("--resume", action="store_true", help="continue from the last checkpoint in --out")
    p.add_argument("--epochs", type=int, help="override the recipe's epochs")
    p.add_argument("--limit", type=int, help="train on this many faces only (smoke runs)")
    p.add_argument("--max-steps", type=int, help="restorers: stop after this many more steps (resume later)")
    p.set_defaults(func=run)


def run(args):
    from zoo.training.recipe_files import get_recipe_config

    config = get_recipe_config(args.recipe)
    if config.get("task") == "restorer":
        from zoo.training.restorer import train_restorer

        state = train_restorer(config, args.out, resume=args.resume, max_steps=args.max_steps, limit=args.limit)
        print(f"done: step {state['step']} ({state['phase']} phase); checkpoints in {args.out}")
        return 0
    if config.get("task") == "occluder":
        from zoo.training.occluder import train_occluder

        s = train_occluder(config, args.out, resume=args.resume, epochs=args.epochs, limit=args.limit)["state"]
        print(f"done: {s['epoch'] + 1} epochs, best val loss {s['best']} at epoch {s['best_epoch']}; weights in {args.out}")
        return 0
    if config.get("task") != "regressor":
        raise ValueError(f"recipe {args.recipe!r} has an unknown task {config.get('task')!r}")
    from zoo.training.supervised import train

    result = train(config, args.out, resume=args.resume, epochs=args.epochs, limit=args.limit)
    s = result["state"]
    print(f"done: {s['epoch'] + 1} epochs, best val NME {s['best']} at epoch {s['best_epoch']}; weights in {args.out}")
    return 0
