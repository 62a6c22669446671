"""Atomic, resumable checkpoints for `fit`: model weights + optimizer state + progress, written
through temp files and `os.replace`, never from a non-finite loss."""

import json
import math
import os

import keras
import numpy as np

from zoo.io import atomic_save_weights, atomic_write, atomic_write_json
from zoo.runs import BEST_WEIGHTS, LAST_WEIGHTS, OPTIMIZER, STATE


def save_optimizer(optimizer, path):
    """Optimizer state (iterations, moments) as an `.npz`, in variable order."""
    values = [keras.ops.convert_to_numpy(v) for v in optimizer.variables]
    atomic_write(path, lambda tmp: np.savez(tmp, *values), suffix=".npz")


def load_optimizer(optimizer, path, trainable_variables):
    """Restore the state saved by `save_optimizer`, except the learning rate: a resumed run
    uses the learning rate it is configured with (e.g. lowered after a divergence)."""
    data = np.load(path)
    values = [data[f"arr_{i}"] for i in range(len(data.files))]
    if not optimizer.built:
        optimizer.build(trainable_variables)
    if len(values) != len(optimizer.variables):
        raise ValueError(f"{path}: optimizer state has {len(values)} variables, the optimizer {len(optimizer.variables)}")
    for var, value in zip(optimizer.variables, values):
        if tuple(var.shape) != value.shape:
            raise ValueError(f"{path}: optimizer variable {var.path} has shape {tuple(var.shape)}, file {value.shape}")
        if "learning_rate" in var.path:
            continue
        var.assign(value)


class NonFiniteLossError(RuntimeError):
    pass


class AtomicCheckpoint(keras.callbacks.Callback):
    """Every epoch: `last.weights.h5`, `optimizer.npz`, `state.json` (epoch, best, history);
    `best.weights.h5` when `monitor` improves. A NaN/inf loss stops training with
    `NonFiniteLossError` before anything is written, so the last good checkpoint survives."""

    def __init__(self, directory, regressor, monitor="val_nme", mode="min", state=None):
        super().__init__()
        self.directory = directory
        self.regressor = regressor
        self.monitor = monitor
        self.sign = 1.0 if mode == "min" else -1.0
        self.state = state or {"epoch": -1, "best": None, "best_epoch": None, "history": []}
        os.makedirs(directory, exist_ok=True)

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise NonFiniteLossError(
                f"loss became {loss} at batch {batch} of epoch {self.state['epoch'] + 2}; stopped without "
                f"writing a checkpoint. The last good one is in {self.directory} (resume from it with a lower learning rate)"
            )

    def on_epoch_end(self, epoch, logs=None):
        logs = {k: float(v) for k, v in (logs or {}).items()}
        if not all(math.isfinite(v) for v in logs.values()):
            raise NonFiniteLossError(f"non-finite metrics at epoch {epoch + 1}: {logs}; no checkpoint written")
        d = self.directory
        value = logs.get(self.monitor)
        if value is not None and (self.state["best"] is None or self.sign * value < self.sign * self.state["best"]):
            self.state["best"], self.state["best_epoch"] = value, epoch + 1
            atomic_save_weights(self.regressor, os.path.join(d, BEST_WEIGHTS))
        atomic_save_weights(self.regressor, os.path.join(d, LAST_WEIGHTS))
        save_optimizer(self.model.optimizer, os.path.join(d, OPTIMIZER))
        self.state["epoch"] = epoch
        self.state["history"].append({"epoch": epoch + 1, **logs})
        atomic_write_json(os.path.join(d, STATE), self.state)


def load_state(directory):
    path = os.path.join(directory, STATE)
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)
