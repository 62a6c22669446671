"""Training of the occluder segmenter (`task: "occluder"` recipes): face crops with synthetic
occluders pasted on the fly, binary cross-entropy on the stride-8 coverage map."""

import os

import keras
import numpy as np

from zoo.data.augment import Augmenter
from zoo.data.occluder_dataset import OccluderDataset
from zoo.data.occlusion import OccluderBank
from zoo.losses import occluder_loss
from zoo.runs import build_model
from zoo.training.supervised import fit_run, initialise, load_samples, make_optimizer, model_input_size, resuming


def make_datasets(config, train, val, image_size, limit=None):
    if limit:
        train, val = train[:limit], val[: max(2, limit // 4)]
    d = config["data"]
    bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in train[:300]])
    common = dict(batch_size=config["batch_size"], image_size=image_size, crop=d.get("crop", "image"),
                  margin=d.get("margin", 0.3), occluder_bank=bank, occlusion=config.get("occlusion", 0.75),
                  second=config.get("second_occluder", 0.15), kinds=config.get("occluder_families"))
    train_ds = OccluderDataset(train, augmenter=Augmenter(**config.get("augment", {})), shuffle=True, seed=config.get("seed", 0),
                               workers=config.get("workers", 1), use_multiprocessing=config.get("workers", 1) > 1, **common)
    val_ds = OccluderDataset(val, seed=10_000 + config.get("seed", 0), **common) if val else None
    return train_ds, val_ds


def train_occluder(config, out_dir, resume=False, epochs=None, limit=None, verbose=2, samples=None, max_seconds=None):
    """Train an occluder segmenter recipe into `out_dir` (same checkpoint files as the regressor
    trainer: `last/best.weights.h5`, `optimizer.npz`, `state.json`; resumable). Returns
    `{"state", "model", "config"}` with the best checkpoint (by validation loss) loaded.
    `samples`: `(train, val)` lists of `LandmarkSample` instead of the recipe's data."""
    config = dict(config)
    if epochs is not None:
        config["epochs"] = int(epochs)
    keras.utils.set_random_seed(config.get("seed", 0))
    os.makedirs(out_dir, exist_ok=True)
    train_s, val_s = samples if samples is not None else load_samples(config["data"])
    resume = resuming(out_dir, resume)
    seg = build_model(config)
    train_ds, val_ds = make_datasets(config, train_s, val_s, model_input_size(seg), limit)
    initialise(seg, config, resume)
    trainer = keras.Model(seg.inputs, seg.outputs["logits"] if isinstance(seg.outputs, dict) else seg.output["logits"])
    trainer.compile(optimizer=make_optimizer(config, len(train_ds)), loss=occluder_loss(config.get("positive_weight", 2.0)),
                    run_eagerly=bool(config.get("run_eagerly", False)))
    trainer(np.zeros((1, *seg.inputs[0].shape[1:]), "float32"))
    state = fit_run(trainer, seg, train_ds, val_ds, config, out_dir, resume, "val_loss" if val_ds is not None else "loss", verbose,
                    max_seconds=max_seconds)
    return {"state": state, "model": seg, "config": config}

