"""Trainers: the gradient code behind `python -m zoo train`.

`TRAINERS` maps a recipe's `task` to its trainer; every trainer takes
`(config, out_dir, resume=False, epochs=None, limit=None, max_steps=None)` and returns
`{"state", "model", "config"}`. Supervised tasks (regressor, occluder) train with `model.fit`
(every backend); the adversarial GAN-IA step has one small file per backend behind
`zoo.training.steps.AdversarialSteps`.
"""


def _regressor(config, out_dir, resume=False, epochs=None, limit=None, max_steps=None, **kwargs):
    from zoo.training.supervised import train

    _no_steps(max_steps)
    return train(config, out_dir, resume=resume, epochs=epochs, limit=limit, **kwargs)


def _occluder(config, out_dir, resume=False, epochs=None, limit=None, max_steps=None, **kwargs):
    from zoo.training.occluder import train_occluder

    _no_steps(max_steps)
    return train_occluder(config, out_dir, resume=resume, epochs=epochs, limit=limit, **kwargs)


def _restorer(config, out_dir, resume=False, epochs=None, limit=None, max_steps=None, **kwargs):
    from zoo.training.restorer import train_restorer

    return train_restorer(config, out_dir, resume=resume, epochs=epochs, limit=limit, max_steps=max_steps, **kwargs)


def _no_steps(max_steps):
    if max_steps is not None:
        raise ValueError("--max-steps is for restorer recipes (they count steps); this recipe counts epochs: use --epochs")


TRAINERS = {"regressor": _regressor, "occluder": _occluder, "restorer": _restorer}


def train(config, out_dir, distribution="none", devices=None, **kwargs):
    """Train a recipe config (`zoo.training.recipes.load_recipe`) with its task's trainer.

    `distribution="data-parallel"` spreads each batch over `devices` (a count; default all the
    backend sees) with the backend's own engine (`zoo.training.distribution`); the run's
    `config.json` records the engine and the devices."""
    from zoo.training.distribution import MODES, data_parallel

    task = config.get("task")
    if task not in TRAINERS:
        raise ValueError(f"recipe {config.get('name')!r} has an unknown task {task!r}; tasks: {', '.join(TRAINERS)}")
    if distribution not in MODES:
        raise ValueError(f"`distribution` must be one of {MODES}. Received: {distribution!r}")
    if distribution == "none":
        if devices not in (None, 1):
            raise ValueError("--devices needs --distribution data-parallel")
        return TRAINERS[task](config, out_dir, **kwargs)
    with data_parallel(devices, config.get("batch_size"), "restorer" if task == "restorer" else "supervised") as info:
        return TRAINERS[task]({**config, "distribution": info}, out_dir, **kwargs)


def summary(result):
    """One line on a finished run."""
    s, cfg = result["state"], result["config"]
    if cfg["task"] == "restorer":
        return f"step {s['step']} ({s['phase']} phase)"
    what = "val NME" if cfg["task"] == "regressor" else "val loss"
    return f"{s['epoch'] + 1} epochs, best {what} {s['best']} at epoch {s['best_epoch']}"


__all__ = ["TRAINERS", "summary", "train"]
