"""Presets: trained weights shipped with the package, each with a JSON record of how it was made.

A preset is `zoo/presets/<name>.json` (model name and config, weights file, recipe, data,
training and measured metrics) and `zoo/presets/weights/<name>.weights.h5`. Nothing is
downloaded: `load_preset` reads these files or fails naming what is missing.
"""

import glob
import json
import os

from zoo import registry

PRESET_DIR = os.path.dirname(os.path.abspath(__file__))


def _records():
    out = {}
    for path in sorted(glob.glob(os.path.join(PRESET_DIR, "*.json"))):
        with open(path) as f:
            rec = json.load(f)
        out[rec["name"]] = rec
    return out


def preset_task(record):
    """`"regressor"`, `"restorer"`, `"detector"` or `"occluder"`: what a preset record's model does."""
    return record.get("task") or record.get("recipe_config", {}).get("task", "regressor")


def list_presets(pattern="*", task=None):
    """Names of the shipped presets matching the glob `pattern` (and `task`, when given:
    `"regressor"` or `"restorer"`)."""
    import fnmatch

    return [n for n, r in _records().items() if fnmatch.fnmatch(n, pattern) and (task is None or preset_task(r) == task)]


def preset_record(name):
    """The JSON record of a preset (recipe, data, training, metrics)."""
    recs = _records()
    if name not in recs:
        raise KeyError(f"No preset named {name!r}. Presets: {', '.join(recs) or 'none shipped yet'}")
    return recs[name]


def load_preset(name):
    """Build the preset's model and load its shipped weights.

    Raises KeyError (listing the presets) for an unknown name, FileNotFoundError for missing
    weights, ValueError when the weights file does not match the architecture.
    """
    rec = preset_record(name)
    model = registry.create_model(rec["model"], **rec.get("config", {}))
    path = os.path.join(PRESET_DIR, "weights", rec["weights"])
    load_weights_strict(model, path)
    return model


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


for _name, _rec in _records().items():
    registry.register("preset", _name, _rec.get("description", f"{_rec['model']} trained weights"), load_preset)
