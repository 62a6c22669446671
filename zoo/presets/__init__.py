"""Presets: trained weights shipped with the package, each with a JSON record of how it was made.

A preset is `zoo/presets/<name>.json` (the model's registered class and whole config, the weights
file and its sha256, recipe, data, training and measured metrics) and
`zoo/presets/weights/<name>.weights.h5`. Nothing is downloaded: `load_preset` reads these files or
fails naming what is missing, and refuses weights whose checksum differs from the record's.
"""

import fnmatch
import json
import os

from zoo import registry
from zoo.io import sha256_file
from zoo.runs import build_model, load_weights_strict  # noqa: F401  (load_weights_strict: re-exported)

PRESET_DIR = os.path.dirname(os.path.abspath(__file__))
WEIGHTS_DIR = os.path.join(PRESET_DIR, "weights")


def _records():
    out, where = {}, {}
    for path in sorted(os.listdir(PRESET_DIR)):
        if not path.endswith(".json"):
            continue
        path = os.path.join(PRESET_DIR, path)
        try:
            with open(path) as f:
                rec = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path}: not valid JSON ({e})") from None
        name = rec.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError(f"{path}: a preset record needs a `name`")
        if name in out:
            raise ValueError(f"two presets named {name!r}: {where[name]} and {path}")
        out[name], where[name] = rec, path
    return out


def preset_task(record):
    """`"regressor"`, `"restorer"`, `"detector"` or `"occluder"`: what a preset record's model does."""
    return record.get("task") or record.get("recipe_config", {}).get("task", "regressor")


def list_presets(pattern="*", task=None):
    """Names of the shipped presets matching the glob `pattern` (and `task`, when given:
    `"regressor"`, `"restorer"`, `"detector"` or `"occluder"`)."""
    return [n for n, r in _records().items() if fnmatch.fnmatch(n, pattern) and (task is None or preset_task(r) == task)]


def preset_record(name):
    """The JSON record of a preset (model spec, weights, recipe, data, training, metrics)."""
    recs = _records()
    if name not in recs:
        raise KeyError(f"No preset named {name!r}. Presets: {', '.join(recs) or 'none shipped yet'}")
    return recs[name]


def preset_spec(record):
    """The model spec of a preset record: its registered class and whole config (a preset does not
    depend on a registry name's current defaults)."""
    return {"class": record["class"], "model_config": record["model_config"]}


def preset_weights(record):
    """The path of a preset's weights file: inside `zoo/presets/weights/`, or a ValueError."""
    path = os.path.realpath(os.path.join(WEIGHTS_DIR, record["weights"]))
    if os.path.dirname(path) != os.path.realpath(WEIGHTS_DIR):
        raise ValueError(f"preset {record['name']!r}: weights {record['weights']!r} lie outside {WEIGHTS_DIR}")
    return path


def load_preset(name):
    """Build the preset's model and load its shipped weights.

    Raises KeyError (listing the presets) for an unknown name, FileNotFoundError for missing
    weights, ValueError when the weights file's checksum differs from the record's or the file
    does not match the architecture.
    """
    rec = preset_record(name)
    path = preset_weights(rec)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: weights file of preset {name!r} not found")
    want = rec.get("weights_sha256")
    if want and sha256_file(path) != want:
        raise ValueError(f"{path}: sha256 differs from preset {name!r}'s record (a damaged or replaced weights file)")
    model = build_model(preset_spec(rec))
    load_weights_strict(model, path)
    return model


for _name, _rec in _records().items():
    registry.register("preset", _name, _rec.get("description", f"{_rec['model']} trained weights"), load_preset)
