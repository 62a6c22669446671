"""Turn a finished training run into a shipped preset: copy its weights into the presets folder
and write `<name>.json` with the model's class and whole config, the weights' sha256, the recipe,
data, the training record (parent preset, steps of the whole chain, where it ran) and what was
measured (`measure(model, name)`, e.g. `zoo.pipeline.measure.MEASURES[task]`).

    python -m zoo export-preset runs/pfld_0.25x_300w --name pfld_0.25x_300w
"""

import math
import os
import platform
import time

from zoo.data.paths import dataset_path
from zoo.io import atomic_copy, atomic_write_json, sha256_file
from zoo.presets import PRESET_DIR, list_presets, preset_record
from zoo.runs import CONFIG, frozen_spec, load_run, model_spec, read_json, run_task, run_weights
from zoo.training.checkpoint import load_state


def _where():
    return f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)"


def _data_name(name):
    return os.path.relpath(dataset_path(name), os.path.dirname(os.path.dirname(dataset_path("300w"))))


def _regressor_data(config):
    d = config["data"]
    train = f"ZOO_DATA/{_data_name(d.get('root', '300w'))}: {' + '.join(d['train_patterns'])} minus an " \
            f"{round(100 * d.get('val_fraction', 0.08))}% validation split"
    for src in d.get("extra_sources", ()):
        train += f"; plus ZOO_DATA/{os.path.basename(os.path.dirname(dataset_path(src['root'])))} " \
                 f"{' + '.join(src.get('patterns', ['*']))} at loss weight {src.get('weight', 1.0)}"
    return {
        "train": train,
        "validation": f"{round(100 * d.get('val_fraction', 0.08))}% of the main training faces (crc32 of the name), used to pick the best epoch",
        "never_seen": "helen_testset_* (230 faces)",
    }


def _lineage(config, state):
    """This run's optimizer steps and, when it continued a preset, the parent's record summary and
    the total steps of the whole chain (so CPU time adds up run after run)."""
    from zoo.training.supervised import load_samples

    def run_steps(cfg, epochs):
        return math.ceil(len(load_samples(cfg["data"])[0]) / cfg["batch_size"]) * epochs

    per_epoch = state.get("steps_per_epoch")
    steps = per_epoch * (state["epoch"] + 1) if per_epoch else run_steps(config, state["epoch"] + 1)
    out = {"steps": steps, "total_steps": steps}
    parent = config.get("init_preset")
    if parent and parent in list_presets():
        rec = preset_record(parent)
        t = rec.get("training", {})
        parent_total = t.get("total_steps") or t.get("steps")
        if parent_total is None and rec.get("recipe_config") and t.get("epochs"):
            parent_total = run_steps(rec["recipe_config"], t["epochs"])
        grand = t.get("parent_record") or {}
        chain = grand.get("epochs_chain") or ([grand["epochs"]] if grand.get("epochs") else [])
        out["parent_record"] = {"recipe": rec.get("recipe"), "epochs": t.get("epochs"), "total_steps": parent_total,
                                "epochs_chain": chain + [t.get("epochs")],  # every run's epochs, first run first
                                "initialised_from": t.get("initialised_from"), "exported": t.get("exported"),
                                "helen_test_clean_nme": rec.get("metrics", {}).get("helen_test_clean", {}).get("nme")}
        out["total_steps"] = steps + (parent_total or 0)
    return out


def _initialised_from(config):
    """Where a run's weights started: a parent preset, torchvision's ImageNet backbone (package,
    file, sha256), another run's weights, or random."""
    if config.get("init_weights"):  # another run's weights file: not a shipped parent, no chain to follow
        return {"weights_file": os.path.basename(os.path.dirname(os.path.abspath(config["init_weights"]))) + "/"
                + os.path.basename(config["init_weights"]), "note": "a run's weights, not a preset: earlier steps are not counted"}
    if config.get("init_preset"):
        return {"preset": config["init_preset"]}
    if config.get("init_backbone") == "imagenet":
        from zoo.models.mobilenet_v2 import convert

        return {"backbone": "torchvision MobileNetV2 ImageNet weights (BSD-3-Clause)", "package": convert.PACKAGE_PIP,
                "file": convert.FILE, "sha256": convert.SHA256, "converter": "zoo/models/mobilenet_v2/convert.py"}
    return "random"


def _restorer_parent(config):
    if not (config.get("init_preset") and config["init_preset"] in list_presets()):
        return None
    rec = preset_record(config["init_preset"])
    t = rec.get("training", {})
    return {"preset": config["init_preset"], "recipe": rec.get("recipe"), "steps": t.get("steps"),
            "total_steps": t.get("total_steps") or t.get("steps"), "exported": t.get("exported"),
            "metrics": rec.get("metrics", {}).get("helen_test_synthetic_occlusion", {}).get("restored")}


def _restorer_training(config, state, parent):
    sched = config["schedule"]
    seconds = state.get("seconds")
    data = config["data"]
    return (
        {"train": "clean faces occluded on the fly at the 7 components: "
                  + ", ".join(f"ZOO_DATA/{_data_name(n)} {p}" for n, p in data.get("landmark_sets", []) + data.get("face_sets", []))
                  + (f" - {config['faces']} faces" if "faces" in config else ""),
         "never_seen": "helen_testset_* (230 faces), the evaluation set"},
        {"steps": state["step"],
         "batch_size": config["batch_size"],
         "phases": {"generator": sched["t_g"], "discriminator": sched.get("t_d", 0), "joint": sched.get("t_joint", 0)}
         if config.get("adversarial", True) else {"generator": sched["t_g"]},
         "parent": config.get("init_preset"),
         "initialised_from": {"preset": config["init_preset"], "note": "generator only; discriminators trained fresh"}
         if config.get("init_preset") else _initialised_from(config),
         "parent_record": parent,
         "total_steps": state["step"] + ((parent or {}).get("total_steps") or 0),
         "seconds": round(seconds, 1) if seconds else None},
    )


def export_run(run_dir, name, description=None, measure=None, presets_dir=PRESET_DIR, where=None):
    """Ship the run in `run_dir` as preset `name` in `presets_dir`; returns the record.

    Args:
        run_dir: a finished run folder (`python -m zoo train`).
        name: the preset's name (an existing preset of that name is replaced).
        description: one line for `python -m zoo list`.
        measure: `measure(model, name) -> metrics dict` (nothing measured when None).
        where: where the run trained (default: this machine's CPU).
    """
    config = read_json(os.path.join(run_dir, CONFIG))
    task = run_task(config)
    state = load_state(run_dir)
    if state is None:
        raise ValueError(f"{run_dir}: no state.json: the run has no checkpoint to export")
    if task == "restorer":
        sched = config["schedule"]
        planned = sched["t_g"] + (sched.get("t_d", 0) + sched.get("t_joint", 0) if config.get("adversarial", True) else 0)
        if state["step"] < planned:
            raise ValueError(f"{run_dir}: run stopped at step {state['step']} of {planned}; finish it with --resume first")
        parent = _restorer_parent(config)  # read before the export may overwrite the parent preset
    else:
        lineage = _lineage({**config, "init_preset": None} if task == "occluder" else config, state)
    model, _ = load_run(run_dir)
    weights = run_weights(run_dir, config)
    spec = frozen_spec(model)
    spec["model_config"].pop("data_format", None)  # a preset follows the user's image_data_format
    os.makedirs(os.path.join(presets_dir, "weights"), exist_ok=True)
    dst = os.path.join(presets_dir, "weights", f"{name}.weights.h5")
    atomic_copy(weights, dst)
    registered = model_spec(config).get("model", spec["class"])
    record = {
        "name": name,
        "task": task,
        "description": description or f"{registered} trained by recipe {config['name']}",
        "model": registered,
        **spec,
        "weights": os.path.basename(dst),
        "weights_bytes": os.path.getsize(dst),
        "weights_sha256": sha256_file(dst),
        "parameters": int(model.count_params()),
        "recipe": config["name"],
        "recipe_config": {k: v for k, v in config.items() if k != "recipe_file"},
    }
    common = {"backend": config.get("backend"), "where": where or _where(), "exported": time.strftime("%Y-%m-%d"),
              "history_tail": state["history"][-3:]}
    if task == "restorer":
        data, training = _restorer_training(config, state, parent)
    else:
        data = _regressor_data(config)
        training = {"epochs": state["epoch"] + 1, "best_epoch": state["best_epoch"],
                    ("best_val_nme" if task == "regressor" else "best_val_loss"): state["best"],
                    "parent": config.get("init_preset"), "initialised_from": _initialised_from(config), **lineage,
                    "seconds": round(state["train_seconds"], 1) if state.get("train_seconds") else None}
        if task == "occluder":
            data["train"] += ("; synthetic occluders pasted on the fly (ZOO_DATA/occluders cut-outs, ZOO_DATA/cofw_train_face_masks "
                              "shapes filled with texture, procedural hands / bands / polygons)")
    record.update(data=data, training={**training, **common}, metrics=measure(model, name) if measure else {})
    atomic_write_json(os.path.join(presets_dir, f"{name}.json"), record)
    return record
