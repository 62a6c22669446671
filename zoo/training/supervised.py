"""Supervised training of a landmark regressor from a recipe config, with `model.fit` (so it
runs on TensorFlow, JAX and PyTorch alike): data, augmentation, loss, optimiser, schedule, best
checkpoint by validation NME, atomic checkpoints and `resume`."""

import os
import time

import keras
import numpy as np

from zoo.data import Augmenter, LandmarkDataset, OccluderBank
from zoo.data.batching import replicas_in_sync
from zoo.data.splits import load_samples, split_train_val  # noqa: F401  (re-exported)
from zoo.io import atomic_write_json
from zoo.losses import regressor_loss
from zoo.metrics import NMEMetric
from zoo.runs import BEST_WEIGHTS, CONFIG, LAST_WEIGHTS, MODEL, OPTIMIZER, STATE, build_model, frozen_spec, load_weights_strict
from zoo.training.checkpoint import AtomicCheckpoint, load_optimizer, load_state, verified_checkpoint


class LossModel(keras.Model):
    """Wraps a regressor for `fit`: its call is the regressor's, its loss a function of the
    whole output dict and target dict (PFLD's loss needs landmarks and pose together)."""

    def __init__(self, regressor, loss_fn, **kwargs):
        super().__init__(**kwargs)
        self.regressor = regressor
        self.loss_fn = loss_fn
        self.nme_metric = NMEMetric(name="nme")
        self._replicas = replicas_in_sync()

    def call(self, x, training=False):
        return self.regressor(x, training=training)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = self.loss_fn(y, y_pred)
        for extra in self.losses:
            loss = loss + extra
        # under a tf.distribute strategy each replica's loss is a share of the global batch's (Keras's own
        # compute_loss scales the same way; the gradients are summed over replicas)
        if keras.backend.backend() == "tensorflow" and self._replicas > 1:
            loss = loss / float(self._replicas)
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        self.nme_metric.update_state(y["landmarks"], y_pred["landmarks"])
        return self.get_metrics_result()


def model_input_size(model):
    """The side of a square image model's input: a zoo model's `input_size`, else its input's shape."""
    if hasattr(model, "input_size"):
        return int(model.input_size)
    shape = tuple(model.inputs[0].shape)
    return int(shape[1] if shape[-1] in (1, 3, 4) else shape[2])


def init_from_preset(regressor, preset):
    """Copy a shipped preset's weights into `regressor`, layer by layer (by name, where every
    weight shape matches): a run continues from the preset instead of starting over. Returns
    the names of the layers left at their initialisation (e.g. a new visibility head)."""
    from zoo.presets import load_preset

    parent = load_preset(preset)
    fresh = []
    for layer in regressor.layers:
        if not layer.weights:
            continue
        try:
            src = parent.get_layer(layer.name)
        except ValueError:
            fresh.append(layer.name)
            continue
        if [tuple(w.shape) for w in src.weights] != [tuple(w.shape) for w in layer.weights]:
            fresh.append(layer.name)
            continue
        layer.set_weights(src.get_weights())
    if len(fresh) == len([l for l in regressor.layers if l.weights]):
        raise ValueError(f"preset {preset!r} shares no layer with {regressor.name}: not a parent of this recipe")
    return fresh


def resuming(out_dir, resume):
    """Whether a run continues from a checkpoint: `resume` asked and `out_dir` holds one. Asked
    where there is none, the run starts exactly as a fresh one would (and says so)."""
    if not resume:
        return False
    if load_state(out_dir) is None:
        print(f"--resume: no checkpoint in {out_dir}; starting as a fresh run (with the recipe's initialisation)", flush=True)
        return False
    return True


def initialise(model, config, resume=False):
    """A fresh run's starting weights: a weights file of the same architecture (`init_weights`, e.g.
    another run's `best.weights.h5`: loaded whole or not at all), a parent preset's
    (`init_preset`, layer by layer), torchvision's ImageNet backbone (`init_backbone:
    "imagenet"`), or the initialisers'. Nothing when the run resumes from a checkpoint."""
    if resume:
        return
    if config.get("init_weights"):
        load_weights_strict(model, config["init_weights"])
        print(f"initialised from weights {config['init_weights']}", flush=True)
    elif config.get("init_preset"):
        fresh = init_from_preset(model, config["init_preset"])
        print(f"initialised from preset {config['init_preset']!r}; new layers: {', '.join(fresh) or 'none'}", flush=True)
    elif config.get("init_backbone") == "imagenet":
        path = model.load_imagenet_backbone()
        print(f"backbone initialised from torchvision's ImageNet MobileNetV2 ({path})", flush=True)
    elif config.get("init_backbone"):
        raise ValueError(f"`init_backbone` must be 'imagenet'. Received: {config['init_backbone']!r}")


def write_run_files(out_dir, config, model, **extra):
    """A run's `config.json` (the recipe config + the backend) and `model.json` (the model's
    class and whole config: what `zoo.runs.load_run` rebuilds)."""
    atomic_write_json(os.path.join(out_dir, CONFIG), {**config, "backend": keras.backend.backend(), **extra})
    atomic_write_json(os.path.join(out_dir, MODEL), frozen_spec(model))


class TimeBudget(keras.callbacks.Callback):
    """Stops training after the epoch past which another epoch would overrun `max_seconds` (the
    checkpoint of that epoch is written first, so `--resume` continues the schedule)."""

    def __init__(self, max_seconds):
        super().__init__()
        self.max_seconds = float(max_seconds)
        self.t0 = time.time()
        self.epochs = 0
        self.stopped_at = None

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1
        elapsed = time.time() - self.t0
        if epoch + 1 < self.params.get("epochs", epoch + 2) and elapsed + elapsed / self.epochs > self.max_seconds:
            self.model.stop_training = True
            self.stopped_at = epoch + 1
            print(f"time budget: stopping after epoch {epoch + 1} ({elapsed:.0f} s of {self.max_seconds:.0f}); "
                  f"--resume continues the schedule", flush=True)


def fit_run(trainer, model, train_ds, val_ds, config, out_dir, resume, monitor, verbose=2, max_seconds=None):
    """Fit the compiled `trainer` (whose weights are `model`'s) for the config's epochs with atomic
    checkpoints of `model` in `out_dir`, resuming from its last checkpoint with `resume`; writes
    `config.json`, keeps the summed wall time in the state, loads the best checkpoint at the end.
    `max_seconds`: stop after the last epoch that fits in this wall time (resumable). Returns the state."""
    state = load_state(out_dir) if resume else None
    initial_epoch = 0
    if state is not None:
        files = verified_checkpoint(out_dir, state, log=lambda m: print(m, flush=True))
        model.load_weights(files[LAST_WEIGHTS])
        load_optimizer(trainer.optimizer, files[OPTIMIZER], trainer.trainable_variables)
        initial_epoch = state["epoch"] + 1
        train_ds.epoch = initial_epoch
        print(f"resuming {out_dir} at epoch {initial_epoch + 1}", flush=True)
    write_run_files(out_dir, config, model)
    ckpt = AtomicCheckpoint(out_dir, model, monitor=monitor, state=state)
    ckpt.state["steps_per_epoch"] = len(train_ds)  # what the run's record counts its steps by
    t0 = time.time()
    if initial_epoch < config["epochs"]:
        # shuffle=False: the dataset shuffles itself as a function of (seed, epoch); Keras would shuffle the
        # batch order with Python's global random state, which a resumed run does not share
        callbacks = [ckpt] + ([TimeBudget(max_seconds)] if max_seconds else [])
        trainer.fit(train_ds, validation_data=val_ds, epochs=config["epochs"], initial_epoch=initial_epoch, callbacks=callbacks, shuffle=False,
                    verbose=verbose)
        # the wall time adds up over resumed runs, kept with the state
        ckpt.state["train_seconds"] = ckpt.state.get("train_seconds", 0.0) + time.time() - t0
        if os.path.isfile(os.path.join(out_dir, STATE)):
            atomic_write_json(os.path.join(out_dir, STATE), ckpt.state)
    best = os.path.join(out_dir, BEST_WEIGHTS)
    if os.path.isfile(best):
        model.load_weights(best)
    return ckpt.state


def make_datasets(config, train, val, image_size, limit=None, with_flags=False):
    d = config["data"]
    if limit:
        train, val = train[:limit], val[: max(2, limit // 4)]
    bank = None
    if config.get("occlusion", 0):
        bank = OccluderBank.from_data_root(texture_paths=[s.image_path for s in train[:200]])
    common = dict(batch_size=config["batch_size"], image_size=image_size, crop=d.get("crop", "image"),
                  margin=d.get("margin", 0.2), with_pose=True, with_flags=with_flags)
    train_ds = LandmarkDataset(train, augmenter=Augmenter(**config.get("augment", {})), occlusion=config.get("occlusion", 0.0),
                               occluder_bank=bank, shuffle=True, seed=config.get("seed", 0),
                               workers=config.get("workers", 1), use_multiprocessing=config.get("workers", 1) > 1, **common)
    val_ds = LandmarkDataset(val, **common) if val else None
    return train_ds, val_ds


def make_optimizer(config, steps_per_epoch):
    o = config["optimizer"]
    total = max(1, steps_per_epoch * config["epochs"])
    lr = o["learning_rate"]
    if o.get("schedule") == "cosine":
        warmup = min(total // 2, int(o.get("warmup_epochs", 0) * steps_per_epoch))
        lr = keras.optimizers.schedules.CosineDecay(
            0.0 if warmup else lr, max(1, total - warmup), alpha=o.get("final_lr_fraction", 0.01),
            warmup_target=lr if warmup else None, warmup_steps=warmup,
        )
    if o.get("name", "adam") == "adamw":
        return keras.optimizers.AdamW(lr, weight_decay=o.get("weight_decay", 1e-4), clipnorm=o.get("clipnorm"))
    return keras.optimizers.Adam(lr, clipnorm=o.get("clipnorm"))


def train(config, out_dir, resume=False, epochs=None, limit=None, verbose=2, samples=None, max_seconds=None):
    """Train `config` into `out_dir` (checkpoints, `state.json`, `config.json`).

    Args:
        config: a recipe config dict (`zoo.training.recipes.load_recipe`; e.g. `recipes/pfld_1x_300w.toml`).
        out_dir: run folder.
        resume: continue from the last checkpoint in `out_dir` (same epoch, weights, optimizer).
        epochs: override the number of epochs.
        limit: use only this many training faces (smoke tests).
        samples: `(train, val)` lists of `LandmarkSample` instead of the recipe's data.
        max_seconds: a wall-time budget: stop after the last epoch that fits (resumable).
    A config's `"run_eagerly": true` skips graph compilation (debugging, and tiny runs where
    tracing the step costs more than running it).

    Returns:
        `{"state": ..., "regressor": the trained model (best checkpoint when a validation set exists)}`.
    """
    config = dict(config)
    if epochs is not None:
        config["epochs"] = int(epochs)
    keras.utils.set_random_seed(config.get("seed", 0))
    os.makedirs(out_dir, exist_ok=True)
    train_s, val_s = samples if samples is not None else load_samples(config["data"])
    resume = resuming(out_dir, resume)
    regressor = build_model(config)
    size = model_input_size(regressor)
    has_visibility = isinstance(regressor.output, dict) and "visibility" in regressor.output
    train_ds, val_ds = make_datasets(config, train_s, val_s, size, limit, with_flags=has_visibility)
    initialise(regressor, config, resume)
    loss_cfg = dict(config.get("loss", {}))
    loss_cfg.pop("name", None)
    loss_cfg.setdefault("scale", float(size))
    rcfg = regressor.get_config()
    if "border" in rcfg and "head_stride" in rcfg:  # a heatmap head: where its grid lies in the input
        loss_cfg.setdefault("heatmap", {})
        loss_cfg["heatmap"] = {"border": float(rcfg["border"]), "data_format": rcfg["data_format"],
                               **({"neighbours": rcfg["neighbours"]} if rcfg.get("neighbours") else {}), **loss_cfg["heatmap"]}
    model = LossModel(regressor, lambda y, p: regressor_loss(y, p, **loss_cfg))
    optimizer = make_optimizer(config, len(train_ds))
    model.compile(optimizer=optimizer, run_eagerly=bool(config.get("run_eagerly", False)))
    model(np.zeros((1, *regressor.inputs[0].shape[1:]), "float32"))

    state = fit_run(model, regressor, train_ds, val_ds, config, out_dir, resume, "val_nme" if val_ds is not None else "nme", verbose,
                    max_seconds=max_seconds)
    return {"state": state, "model": regressor, "regressor": regressor, "config": config}
