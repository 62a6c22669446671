"""A recipe's training and validation faces: the main folder split by a hash of each face's name
(stable as folders grow), plus extra sources at their own loss weight."""

import zlib

from zoo.data.folders import load_landmark_folder
from zoo.data.paths import dataset_path


def split_train_val(samples, val_fraction, seed=0):
    """Deterministic split by a hash of the sample name (stable as folders grow)."""
    if not val_fraction:
        return samples, []
    cut = int(val_fraction * 10000)
    val = [s for s in samples if (zlib.crc32(f"{seed}:{s.name}".encode()) % 10000) < cut]
    names = {s.name for s in val}
    return [s for s in samples if s.name not in names], val


def load_samples(data_cfg):
    """`(train, val)` samples of a recipe's `data`: one folder (`root` or `path` +
    `train_patterns`), plus any `extra_sources` `[{"root"|"path", "patterns", "weight",
    "validate"}]` (e.g. a larger, noisier set at a lower loss weight). Validation faces come from
    the main folder only, unless a source sets `"validate": true`."""
    folder = data_cfg.get("path") or dataset_path(data_cfg.get("root", "300w"))
    samples = []
    for pattern in data_cfg["train_patterns"]:
        samples += load_landmark_folder(folder, pattern)
    split = lambda ss: split_train_val(ss, data_cfg.get("val_fraction", 0.08), data_cfg.get("split_seed", 0))  # noqa: E731
    train, val = split(samples)
    for src in data_cfg.get("extra_sources", ()):
        f = src.get("path") or dataset_path(src["root"])
        extra = []
        for pattern in src.get("patterns", ["*"]):
            extra += load_landmark_folder(f, pattern)
        weight = float(src.get("weight", 1.0))
        if not weight > 0:
            raise ValueError(f"an extra source's `weight` must be > 0. Received: {src!r}")
        for smp in extra:
            smp.weight = weight
        if src.get("validate"):
            t, v = split(extra)
            train, val = train + t, val + v
        else:
            train = train + extra
    return train, val
