"""The run-folder and model-spec contract: what a training run writes, how a model is described
in a recipe, a run or a preset, and how it is built back.

A **model spec** is a dict with either

- `"model"` (a registered name, `python -m zoo list --kind model`) and `"model_kwargs"`
  (overrides of that name's defaults) — what a recipe writes; or
- `"class"` (`"zoo>PFLD"`, a registered Keras class) and `"model_config"` (its whole
  `get_config()`) — what a preset and a run's `model.json` store, so the model does not depend on a
  registry name's current defaults (keras-hub's `config.json` + weights file).

A **run folder** (`python -m zoo train RECIPE --out RUN`) holds:

| file | what |
| --- | --- |
| `config.json` | the recipe config the run was started with (+ the backend) |
| `model.json` | the trained model's spec (`class` + `model_config`) |
| `state.json` | progress: epoch or step, best value, history, wall time; the checkpoint's manifest (each file's sha256), written last |
| `prev.<file>` | the previous checkpoint's files, kept until the next one is complete |
| `best.weights.h5`, `last.weights.h5`, `optimizer.npz` | supervised runs (regressor, occluder) |
| `generator.weights.h5`, `global_d.weights.h5`, `local_d.weights.h5`, `g_opt.npz`, `d_opt.npz` | restorer runs |

`load_run(folder)` builds the run's model and loads its weights strictly (every variable, with
its shape, or an error naming the file).
"""

import json
import os

CONFIG = "config.json"
MODEL = "model.json"
STATE = "state.json"
BEST_WEIGHTS = "best.weights.h5"
LAST_WEIGHTS = "last.weights.h5"
OPTIMIZER = "optimizer.npz"
GENERATOR_WEIGHTS = "generator.weights.h5"
GLOBAL_D_WEIGHTS = "global_d.weights.h5"
LOCAL_D_WEIGHTS = "local_d.weights.h5"
G_OPTIMIZER = "g_opt.npz"
D_OPTIMIZER = "d_opt.npz"

TASKS = ("regressor", "restorer", "occluder", "detector")

# the keys older recipes and runs used for the model (one schema now: model + model_kwargs)
_LEGACY_MODEL_KEYS = ("regressor", "generator")


def model_spec(config):
    """The model spec of a recipe or run config: `{"model", "model_kwargs"}` or
    `{"class", "model_config"}`. Reads runs written before the one schema (`regressor` /
    `generator` + `_kwargs`, a top-level `input_size`) too."""
    if not isinstance(config, dict):
        raise TypeError(f"a model spec is a dict. Received: {type(config).__name__}")
    if "class" in config:
        if not isinstance(config.get("model_config"), dict):
            raise ValueError(f"a spec with `class` needs a `model_config` dict. Received: {sorted(config)}")
        return {"class": config["class"], "model_config": dict(config["model_config"])}
    for key in ("model",) + _LEGACY_MODEL_KEYS:
        if isinstance(config.get(key), str):
            kwargs = dict(config.get(f"{key}_kwargs") or {})
            if "input_size" in config:  # older configs stated the crop size beside the model
                kwargs.setdefault("input_size", config["input_size"])
            return {"model": config[key], "model_kwargs": kwargs}
    raise ValueError(f"no model in this config: expected `model` (a registered name) + `model_kwargs`, or `class` + "
                     f"`model_config`. Received keys: {sorted(config)}")


def build_model(spec):
    """Build the model of a spec (random weights)."""
    from zoo import registry

    spec = model_spec(spec)
    if "class" in spec:
        import keras

        registry.import_components()  # the zoo's classes register with Keras on import
        cls = keras.saving.get_registered_object(spec["class"])
        if cls is None:
            raise ValueError(f"no registered Keras class {spec['class']!r}")
        return cls.from_config(dict(spec["model_config"]))
    return registry.create_model(spec["model"], **spec["model_kwargs"])


def frozen_spec(model):
    """The spec that rebuilds `model` exactly: its registered class and whole `get_config()`."""
    import keras

    return {"class": keras.saving.get_registered_name(type(model)), "model_config": model.get_config()}


def load_weights_strict(model, path):
    """`model.load_weights(path)` that never loads partially: every variable of the model must be
    in the file with its shape, or a ValueError names the file and the first mismatch."""
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: weights file not found")
    try:
        with h5py.File(path, "r") as f:
            shapes = []
            f.visititems(lambda n, obj: shapes.append(tuple(obj.shape)) if isinstance(obj, h5py.Dataset) else None)
    except OSError as e:
        raise ValueError(f"{path}: not a readable weights file ({e})") from None
    expected = sorted(tuple(v.shape) for v in model.weights)
    if sorted(shapes) != expected:
        missing = [s for s in expected if s not in shapes]
        raise ValueError(
            f"{path}: weights do not match {type(model).__name__} "
            f"({len(shapes)} arrays in the file, {len(expected)} in the model; first missing shape: "
            f"{missing[0] if missing else 'none'})"
        )
    try:
        model.load_weights(path)
    except Exception as e:  # keras raises several types for mismatches
        raise ValueError(f"{path}: weights do not match {type(model).__name__}: {e}") from None
    return model


def read_json(path):
    """A JSON file, or a ValueError naming it when it does not parse."""
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from None


def run_task(config):
    task = config.get("task", "regressor")
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks: {', '.join(TASKS)}")
    return task


def run_weights(run_dir, config=None):
    """The weights file a run's model is read from: the restorer's generator, else the best
    checkpoint (the last one when the run kept no best)."""
    config = config if config is not None else read_json(os.path.join(run_dir, CONFIG))
    if run_task(config) == "restorer":
        return os.path.join(run_dir, GENERATOR_WEIGHTS)
    best = os.path.join(run_dir, BEST_WEIGHTS)
    return best if os.path.isfile(best) else os.path.join(run_dir, LAST_WEIGHTS)


def is_run(path):
    return os.path.isdir(path) and os.path.isfile(os.path.join(path, CONFIG))


def load_run(run_dir, weights=None):
    """`(model, config)` of a training run: the model built from the run's `model.json` (else its
    config's spec) with its weights (`weights`, else `run_weights`) loaded strictly."""
    run_dir = os.fspath(run_dir)
    cfg_path = os.path.join(run_dir, CONFIG)
    if not os.path.isfile(cfg_path):
        raise FileNotFoundError(f"{cfg_path}: not found ({run_dir} is not a run folder: `python -m zoo train` writes one)")
    config = read_json(cfg_path)
    spec_path = os.path.join(run_dir, MODEL)
    spec = read_json(spec_path) if os.path.isfile(spec_path) else model_spec(config)
    model = build_model(spec)
    path = weights or run_weights(run_dir, config)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: not found (the run has no checkpoint yet)")
    load_weights_strict(model, path)
    return model, config
