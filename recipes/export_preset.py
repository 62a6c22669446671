"""Turn a finished training run into a shipped preset: copy its weights into
`zoo/presets/weights/` and write `zoo/presets/<name>.json` with the recipe, data, training
record and what was measured: NME on every staged test set for a regressor, masked PSNR /
SSIM / L1 on the held-out synthetic-occlusion HELEN test faces for a restorer.

    python -m recipes.export_preset runs/pfld_0.25x_300w --name pfld_0.25x_300w
    python -m recipes.export_preset runs/gania_128 --name gania_128
"""

import argparse
import json
import os
import platform
import shutil
import time

import keras
import numpy as np

from zoo.training.checkpoint import atomic_write_json, load_state
from zoo import registry
from zoo.data.paths import dataset_path
from zoo.pipeline import evaluate_folder, restorer_from_run
from zoo.presets import PRESET_DIR, load_weights_strict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYNTHETIC_CACHE = os.path.join(ROOT, "benchmarks", ".cache")


def synthetic_helen_test(seed=0):
    """The deterministic synthetic occlusion of the 230 HELEN-test faces (made once, cached)."""
    from zoo.data.synthetic_set import occlude_folder

    dst = os.path.join(SYNTHETIC_CACHE, f"helen_test_occluded_seed{seed}")
    if not os.path.isfile(os.path.join(dst, "occlusion.csv")):
        occlude_folder(dataset_path("300w"), dst, seed=seed, pattern="helen_testset_*")
    return dst


def test_sets():
    """name -> (folder, pattern, label) of every staged test set a regressor is measured on."""
    return {
        "helen_test_clean": (dataset_path("300w"), "helen_testset_*", "300-W HELEN test, 230 clean faces"),
        "helen_test_synthetic_occlusion": (synthetic_helen_test(0), "*", "HELEN test with synthetic occlusion (seed 0) - SYNTHETIC"),
    }


def measure(model, label):
    """Metrics on every staged test set, plain and with test-time flip averaging (`_flip` keys)."""
    out = {}
    for key, (folder, pattern, desc) in test_sets().items():
        for flip in (False, True):
            m, _ = evaluate_folder(model, folder, pattern=pattern, label=label, flip=flip)
            out[key + ("_flip" if flip else "")] = {
                "description": desc + (", test-time flip averaged" if flip else ""),
                **{k: (round(v, 5) if isinstance(v, float) else v) for k, v in m.items()},
            }
    return out


def inpainting_test_set(limit=None):
    """(clean, occluded, mask) triples of the 230 HELEN-test faces with the synthetic occlusion
    of seed 0: held out from every restorer recipe."""
    from zoo.data import load_landmark_folder, read_image

    occ_dir = synthetic_helen_test(0)
    clean = {s.name: s for s in load_landmark_folder(dataset_path("300w"), "helen_testset_*")}
    items = []
    for s in load_landmark_folder(occ_dir)[:limit]:
        mask = read_image(os.path.join(occ_dir, "masks", f"{s.name}.png"), color="gray") > 127
        items.append((clean[s.name].load_image(), s.load_image(), mask))
    return items


def measure_restorer(model, items=None):
    """Masked PSNR / SSIM / L1 of a restorer on the held-out set, without and with Poisson blending."""
    from zoo.pipeline import inpainting_metrics, restore_images

    items = items if items is not None else inpainting_test_set()
    clean, occluded, masks = (list(v) for v in zip(*items))
    out = {"occluded_input": inpainting_metrics(clean, occluded, masks)}
    for blend in (False, True):
        restored = restore_images(model, occluded, masks, blend=blend)
        out["restored_poisson_blend" if blend else "restored"] = inpainting_metrics(clean, restored, masks)
    desc = "HELEN test (230 faces, never trained on) with synthetic occlusion (seed 0) - SYNTHETIC; inside the mask"
    return {"helen_test_synthetic_occlusion": {"description": desc,
                                               **{k: {m: round(v, 4) for m, v in d.items()} for k, d in out.items()}}}


def _ship(model, weights, name, task, model_name, model_cfg, config, description):
    """Copy a run's (already strictly loaded) weights into the presets; the record's common fields."""
    os.makedirs(os.path.join(PRESET_DIR, "weights"), exist_ok=True)
    dst = os.path.join(PRESET_DIR, "weights", f"{name}.weights.h5")
    shutil.copyfile(weights, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    return {
        "name": name,
        "task": task,
        "description": description,
        "model": model_name,
        "config": model_cfg,
        "weights": os.path.basename(dst),
        "weights_bytes": os.path.getsize(dst),
        "parameters": int(model.count_params()),
        "recipe": config["name"],
        "recipe_config": config,
    }


def _where():
    return f"CPU ({platform.processor() or platform.machine()}, {os.cpu_count()} cores), this repository's runs_chain"


def export_restorer(run_dir, config, name, description=None):
    with open(os.path.join(run_dir, "state.json")) as f:
        state = json.load(f)
    sched = config["schedule"]
    planned = sched["t_g"] + (sched.get("t_d", 0) + sched.get("t_joint", 0) if config.get("adversarial", True) else 0)
    if state["step"] < planned:
        raise ValueError(f"{run_dir}: run stopped at step {state['step']} of {planned}; finish it with --resume first")
    model_name = config["generator"]
    model = restorer_from_run(run_dir)
    parent = None
    if config.get("init_preset"):  # read before the export may overwrite the parent preset
        from zoo.presets import list_presets, preset_record

        if config["init_preset"] in list_presets():
            rec = preset_record(config["init_preset"])
            t = rec.get("training", {})
            parent = {"preset": config["init_preset"], "recipe": rec.get("recipe"), "steps": t.get("steps"),
                      "total_steps": t.get("total_steps") or t.get("steps"), "exported": t.get("exported"),
                      "metrics": rec.get("metrics", {}).get("helen_test_synthetic_occlusion", {}).get("restored")}
    record = _ship(model, os.path.join(run_dir, "generator.weights.h5"), name, "restorer", model_name,
                   dict(config.get("generator_kwargs", {})), config,
                   description or f"{model_name} trained by recipe {config['name']} ({state['step']} steps, CPU)")
    seconds = state.get("seconds")
    record.update({
        "data": {
            "train": "clean faces occluded on the fly at the 7 components: "
                     + ", ".join(f"ZOO_DATA/{os.path.relpath(dataset_path(n), os.path.dirname(os.path.dirname(dataset_path('300w'))))} {p}"
                                 for n, p in config["data"].get("landmark_sets", []) + config["data"].get("face_sets", []))
                     + (f" - {config['faces']} faces" if "faces" in config else ""),
            "never_seen": "helen_testset_* (230 faces), the evaluation set",
        },
        "training": {
            "steps": state["step"],
            "batch_size": config["batch_size"],
            "phases": {"generator": sched["t_g"], "discriminator": sched.get("t_d", 0), "joint": sched.get("t_joint", 0)}
            if config.get("adversarial", True) else {"generator": sched["t_g"]},
            "parent": config.get("init_preset"),
            "initialised_from": {"preset": config["init_preset"], "note": "generator only; discriminators trained fresh"}
            if config.get("init_preset") else "random",
            "parent_record": parent,
            "total_steps": state["step"] + ((parent or {}).get("total_steps") or 0),
            "backend": config.get("backend"),
            "where": _where(),
            "seconds": round(seconds, 1) if seconds else None,
            "exported": time.strftime("%Y-%m-%d"),
            "history_tail": state["history"][-3:],
        },
        "metrics": measure_restorer(model),
    })
    atomic_write_json(os.path.join(PRESET_DIR, f"{name}.json"), record)
    return record


def _regressor_data(config):
    d = config["data"]
    train = (f"ZOO_DATA/{os.path.relpath(dataset_path(d.get('root', '300w')), os.path.dirname(os.path.dirname(dataset_path('300w'))))}: "
             f"{' + '.join(d['train_patterns'])} minus an {round(100 * d.get('val_fraction', 0.08))}% validation split")
    for src in d.get("extra_sources", ()):
        train += f"; plus ZOO_DATA/{os.path.basename(os.path.dirname(dataset_path(src['root'])))} {' + '.join(src.get('patterns', ['*']))} at loss weight {src.get('weight', 1.0)}"
    return {
        "train": train,
        "validation": f"{round(100 * d.get('val_fraction', 0.08))}% of the main training faces (crc32 of the name), used to pick the best epoch",
        "never_seen": "helen_testset_* (230 faces)",
    }


def _lineage(config, state):
    """This run's optimizer steps and, when it continued a preset, the parent's record summary and
    the total steps of the whole chain (so CPU time adds up run after run)."""
    import math

    from zoo.presets import list_presets, preset_record
    from zoo.training.supervised import load_samples

    def run_steps(cfg, epochs):
        return math.ceil(len(load_samples(cfg["data"])[0]) / cfg["batch_size"]) * epochs

    steps = run_steps(config, state["epoch"] + 1)
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
    file, sha256), or random."""
    if config.get("init_weights"):  # another run's weights file: not a shipped parent, no chain to follow
        return {"weights_file": os.path.relpath(config["init_weights"], ROOT) if os.path.isabs(config["init_weights"])
                else config["init_weights"], "note": "a run's weights, not a preset: earlier steps are not counted"}
    if config.get("init_preset"):
        return {"preset": config["init_preset"]}
    if config.get("init_backbone") == "imagenet":
        from zoo.models.mobilenet_v2 import convert

        return {"backbone": "torchvision MobileNetV2 ImageNet weights (BSD-3-Clause)", "package": convert.PACKAGE_PIP,
                "file": convert.FILE, "sha256": convert.SHA256, "converter": "zoo/models/mobilenet_v2/convert.py"}
    return "random"


def measure_occluder(model):
    """An occluder segmenter on the synthetic-occluded HELEN test and the same faces clean, with
    the true shapes: the map's IoU with the true mask, the components' ROC AUC (occluded = the
    true mask covers over half the region) and the share of clean faces with a component over
    the default decision threshold."""
    from zoo.data.folders import scan_landmark_folder
    from zoo.data.shape68 import COMPONENT_NAMES
    from zoo.metrics import mask_iou, roc_auc
    from zoo.pipeline.components import component_coverage
    from zoo.pipeline.evaluate import read_mask
    from zoo.pipeline.landmarker import DEFAULT_SEGMENTATION
    from zoo.tasks import OccluderSegmenter

    seg = OccluderSegmenter(model)
    scores, labels, ious, clean_flag = [], [], [], []
    for folder, pattern, occluded in ((synthetic_helen_test(0), "*", True), (dataset_path("300w"), "helen_testset_*", False)):
        samples = scan_landmark_folder(folder, pattern).samples
        images = [smp.load_image() for smp in samples]
        maps = seg.predict(images)
        comp = seg.component_scores(images, [smp.points for smp in samples], maps=maps)
        for smp, im, mp, c in zip(samples, images, maps, comp):
            m = read_mask(os.path.join(folder, "masks", f"{smp.name}.png"), im.shape) if occluded else np.zeros(im.shape[:2], np.uint8)
            cov = component_coverage(smp.points, m)
            scores.append(c)
            labels.append([cov[k] > 0.5 for k in COMPONENT_NAMES])
            if occluded:
                ious.append(mask_iou(mp, m))
            else:
                clean_flag.append(bool((c > DEFAULT_SEGMENTATION["threshold"]).any()))
    scores, labels = np.array(scores), np.array(labels)
    per = {k: round(roc_auc(scores[:, j], labels[:, j]), 4) for j, k in enumerate(COMPONENT_NAMES)}
    return {"helen_test_synthetic_occlusion": {
        "description": "HELEN test (230 faces, never trained on), synthetic occlusion seed 0 - SYNTHETIC, and the same faces clean; true shapes",
        "mask_iou": round(float(np.mean(ious)), 4),
        "component_auc": round(float(np.mean(list(per.values()))), 4),
        "per_component_auc": per,
        "clean_faces_flagged": round(float(np.mean(clean_flag)), 4),
    }}


def export_occluder(run_dir, config, name, description=None):
    state = load_state(run_dir)
    model_name = config["model"]
    model_cfg = {"input_size": config["input_size"], **config.get("model_kwargs", {})}
    model = registry.create_model(model_name, **model_cfg)
    weights = os.path.join(run_dir, "best.weights.h5")
    load_weights_strict(model, weights)
    steps = _lineage({**config, "init_preset": None}, state)["steps"]
    record = _ship(model, weights, name, "occluder", model_name, model_cfg, config,
                   description or f"{model_name} trained by recipe {config['name']}")
    d = _regressor_data(config)
    record.update({
        "data": {**d, "train": d["train"] + "; synthetic occluders pasted on the fly (ZOO_DATA/occluders cut-outs, "
                                            "ZOO_DATA/cofw_train_face_masks shapes filled with texture, procedural hands / bands / polygons)"},
        "training": {
            "epochs": state["epoch"] + 1,
            "best_epoch": state["best_epoch"],
            "best_val_loss": state["best"],
            "initialised_from": _initialised_from(config),
            "steps": steps,
            "total_steps": steps,
            "seconds": round(state["train_seconds"], 1) if state.get("train_seconds") else None,
            "backend": config.get("backend"),
            "where": _where(),
            "exported": time.strftime("%Y-%m-%d"),
            "history_tail": state["history"][-3:],
        },
        "metrics": measure_occluder(model),
    })
    atomic_write_json(os.path.join(PRESET_DIR, f"{name}.json"), record)
    return record


def export(run_dir, name, description=None):
    with open(os.path.join(run_dir, "config.json")) as f:
        config = json.load(f)
    if config.get("task") == "restorer":
        return export_restorer(run_dir, config, name, description)
    if config.get("task") == "occluder":
        return export_occluder(run_dir, config, name, description)
    state = load_state(run_dir)
    model_name = config["regressor"]
    model_cfg = {"input_size": config["input_size"], **config.get("regressor_kwargs", {})}
    model = registry.create_model(model_name, **model_cfg)
    lineage = _lineage(config, state)  # read before the export may overwrite the parent preset
    weights = os.path.join(run_dir, "best.weights.h5")
    load_weights_strict(model, weights)
    record = _ship(model, weights, name, "regressor", model_name, model_cfg, config,
                   description or f"{model_name} trained by recipe {config['name']}")
    record.update({
        "data": _regressor_data(config),
        "training": {
            "epochs": state["epoch"] + 1,
            "best_epoch": state["best_epoch"],
            "best_val_nme": state["best"],
            "parent": config.get("init_preset"),
            "initialised_from": _initialised_from(config),
            **lineage,
            "seconds": round(state["train_seconds"], 1) if state.get("train_seconds") else None,
            "backend": config.get("backend"),
            "where": _where(),
            "exported": time.strftime("%Y-%m-%d"),
            "history_tail": state["history"][-3:],
        },
        "metrics": measure(model, name),
    })
    atomic_write_json(os.path.join(PRESET_DIR, f"{name}.json"), record)
    return record


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run_dir")
    p.add_argument("--name", required=True)
    p.add_argument("--description")
    args = p.parse_args()
    rec = export(args.run_dir, args.name, args.description)
    print(f"{rec['name']}: backend {keras.backend.backend()}")
    if rec.get("task") == "occluder":
        print(json.dumps(rec["metrics"], indent=1))
        return
    if rec.get("task") == "restorer":
        for k, m in rec["metrics"]["helen_test_synthetic_occlusion"].items():
            if isinstance(m, dict):
                print(f"  {k:<24} PSNR {m['psnr_mask_db']:.2f} dB  SSIM {m['ssim_mask']:.3f}  L1 {m['l1_mask']:.2f}")
        return
    for k, m in rec["metrics"].items():
        print(f"  {k:<32} NME {m['nme']:.4f}  FR@0.10 {m['fr_0.10']:.3f}  AUC@0.10 {m['auc_0.10']:.3f}  (n={m['n']})")


if __name__ == "__main__":
    main()
