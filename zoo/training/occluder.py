"""Training of the occluder segmenter (`task: "occluder"` recipes): face crops with synthetic
occluders pasted on the fly, binary cross-entropy on the stride-8 coverage map."""

import json
import os
import time

import keras
import numpy as np

from zoo import registry
from zoo.data.augment import Augmenter
from zoo.data.occluder_dataset import OccluderDataset
from zoo.data.occlusion import OccluderBank
from zoo.training.checkpoint import AtomicCheckpoint, atomic_write_json, load_optimizer, load_state
from zoo.training.supervised import load_samples, make_optimizer


def occluder_loss(positive_weight=2.0):
    """Binary cross-entropy on logits against the cells' coverage (soft targets); covered cells
    weigh `1 + (positive_weight - 1) * coverage` (occluders cover a minority of cells)."""

    def loss(y_true, logits):
        y_true = keras.ops.cast(y_true, logits.dtype)
        bce = keras.ops.binary_crossentropy(y_true, logits, from_logits=True)
        w = 1.0 + (positive_weight - 1.0) * y_true
        return keras.ops.mean(w * bce)

    return loss


def make_datasets(config, train, val, limit=None):
    if limit:
        train, val = train[:limit], val[: max(2, limit // 4)]
    d = config["data"]
    bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in train[:300]])
    common = dict(batch_size=config["batch_size"], image_size=config["input_size"], crop=d.get("crop", "image"),
                  margin=d.get("margin", 0.3), occluder_bank=bank, occlusion=config.get("occlusion", 0.75),
                  second=config.get("second_occluder", 0.15))
    train_ds = OccluderDataset(train, augmenter=Augmenter(**config.get("augment", {})), shuffle=True, seed=config.get("seed", 0),
                               workers=config.get("workers", 1), use_multiprocessing=config.get("workers", 1) > 1, **common)
    val_ds = OccluderDataset(val, seed=10_000 + config.get("seed", 0), **common) if val else None
    return train_ds, val_ds


def train_occluder(config, out_dir, resume=False, epochs=None, limit=None, verbose=2, samples=None):
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
    train_ds, val_ds = make_datasets(config, train_s, val_s, limit)
    seg = registry.create_model(config["model"], input_size=config["input_size"], **config.get("model_kwargs", {}))
    if config.get("init_preset") and not resume:
        from zoo.training.supervised import init_from_preset

        fresh = init_from_preset(seg, config["init_preset"])
        print(f"initialised from preset {config['init_preset']!r}; new layers: {', '.join(fresh) or 'none'}", flush=True)
    elif config.get("init_backbone") == "imagenet" and not resume:
        path = seg.load_imagenet_backbone()
        print(f"backbone initialised from torchvision's ImageNet MobileNetV2 ({path})", flush=True)
    trainer = keras.Model(seg.inputs, seg.outputs["logits"] if isinstance(seg.outputs, dict) else seg.output["logits"])
    optimizer = make_optimizer(config, len(train_ds))
    trainer.compile(optimizer=optimizer, loss=occluder_loss(config.get("positive_weight", 2.0)))
    trainer(np.zeros((1, *seg.inputs[0].shape[1:]), "float32"))
    state = load_state(out_dir) if resume else None
    initial_epoch = 0
    if state is not None:
        seg.load_weights(os.path.join(out_dir, "last.weights.h5"))
        load_optimizer(optimizer, os.path.join(out_dir, "optimizer.npz"), trainer.trainable_variables)
        initial_epoch = state["epoch"] + 1
        train_ds.epoch = initial_epoch
        print(f"resuming {out_dir} at epoch {initial_epoch + 1}", flush=True)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump({**config, "backend": keras.backend.backend()}, f, indent=2, default=str)
    ckpt = AtomicCheckpoint(out_dir, seg, monitor="val_loss" if val_ds is not None else "loss", state=state)
    t0 = time.time()
    if initial_epoch < config["epochs"]:
        trainer.fit(train_ds, validation_data=val_ds, epochs=config["epochs"], initial_epoch=initial_epoch, callbacks=[ckpt],
                    verbose=verbose)
        ckpt.state["train_seconds"] = ckpt.state.get("train_seconds", 0.0) + time.time() - t0
        atomic_write_json(os.path.join(out_dir, "state.json"), ckpt.state)
    best = os.path.join(out_dir, "best.weights.h5")
    if os.path.isfile(best):
        seg.load_weights(best)
    return {"state": ckpt.state, "model": seg, "config": config}
