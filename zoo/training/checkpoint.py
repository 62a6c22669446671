"""Atomic, resumable checkpoints: model weights + optimizer state + progress, never from a
non-finite loss, and written as **one unit** (`commit_checkpoint`): the new files are written to
temp files first, the current ones are kept as `prev.<name>`, the new ones moved into place, and
the state — the manifest naming each file with its sha256 — is written last. `verified_checkpoint`
reads back the set the state names (the current files, else the kept previous ones, saying so),
so a run killed between two files never resumes from a mixed set."""

import json
import math
import os
import time

import keras
import numpy as np

from zoo.io import atomic_save_weights, atomic_write, atomic_write_json, sha256_file
from zoo.runs import BEST_WEIGHTS, LAST_WEIGHTS, OPTIMIZER, STATE


def save_optimizer(optimizer, path, atomic=True):
    """Optimizer state (iterations, moments) as an `.npz`, in variable order."""
    values = [keras.ops.convert_to_numpy(v) for v in optimizer.variables]
    if atomic:
        atomic_write(path, lambda tmp: np.savez(tmp, *values), suffix=".npz")
    else:
        with open(path, "wb") as f:  # np.savez adds `.npz` to a name without it; a file object keeps the name
            np.savez(f, *values)


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


def prev_name(name):
    return f"prev.{name}"


def _suffix(name):
    for ext in (".weights.h5", ".npz", ".json"):
        if name.endswith(ext):
            return ext
    return ""


def commit_checkpoint(directory, writers, state):
    """Write a checkpoint as one unit and return the state written.

    Args:
        directory: the run folder.
        writers: `{file name: write(path)}`, each writing that file's new content at the path given.
        state: the progress dict; written last as `state.json` with `"checkpoint": {"files": {name: sha256}}`.
    """
    tmps = {}
    try:
        for name, write in writers.items():
            tmp = os.path.join(directory, f".{name}.{os.getpid()}.new{_suffix(name)}")
            tmps[name] = tmp
            write(tmp)
        files = {name: sha256_file(tmp) for name, tmp in tmps.items()}
        for name in tmps:
            if os.path.isfile(os.path.join(directory, name)):
                os.replace(os.path.join(directory, name), os.path.join(directory, prev_name(name)))
        for name, tmp in tmps.items():
            os.replace(tmp, os.path.join(directory, name))
    except BaseException as e:
        for tmp in tmps.values():
            if os.path.exists(tmp):
                os.remove(tmp)
        if isinstance(e, OSError):  # disk full, read-only, quota: one line naming the run folder
            raise OSError(e.errno, f"checkpoint not written ({e.strerror or e}); the previous checkpoint is kept", directory) from e
        raise
    state = {**state, "checkpoint": {"files": files}}
    try:
        atomic_write_json(os.path.join(directory, STATE), state)
    except OSError as e:  # the new files are in place, the old state names the previous ones (kept as prev.*)
        raise OSError(e.errno, f"checkpoint state not written ({e.strerror or e}); a resume uses the previous checkpoint",
                      directory) from e
    return state


def verified_checkpoint(directory, state, legacy=(LAST_WEIGHTS, OPTIMIZER), log=print):
    """`{file name: path}` of the checkpoint `state` names, every file's sha256 checked: the current
    files, else the previous ones kept beside them (a run stopped between writing its files), said in
    `log`. Raises ValueError naming the folder when neither set matches. A state without a manifest
    (written before manifests) names the current files `legacy`."""
    files = (state.get("checkpoint") or {}).get("files")
    if not files:
        return {name: os.path.join(directory, name) for name in legacy}
    paths = {}
    for n, digest in files.items():  # each file where its recorded content is: in place, or kept as prev.<name>
        for p in (os.path.join(directory, n), os.path.join(directory, prev_name(n))):
            if os.path.isfile(p) and sha256_file(p) == digest:
                paths[n] = p
                break
    if len(paths) == len(files):
        if any(os.path.basename(p) != n for n, p in paths.items()):
            log(f"{directory}: the last checkpoint's files are incomplete (stopped while writing them); "
                f"resuming from the previous complete one")
        return paths
    raise ValueError(f"{directory}: no complete checkpoint matches state.json (files {', '.join(files)} missing or changed); "
                     f"start a fresh run in another folder")


class AtomicCheckpoint(keras.callbacks.Callback):
    """Every epoch: `last.weights.h5`, `optimizer.npz`, `state.json` (epoch, best, history: the
    epoch's logs and its wall `seconds`);
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

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_t0 = time.time()

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
        self.state["epoch"] = epoch
        seconds = time.time() - getattr(self, "_epoch_t0", time.time())  # the epoch's wall time, validation included
        self.state["history"].append({"epoch": epoch + 1, **logs, "seconds": round(seconds, 3)})
        optimizer = self.model.optimizer
        self.state = commit_checkpoint(d, {LAST_WEIGHTS: self.regressor.save_weights,
                                           OPTIMIZER: lambda path: save_optimizer(optimizer, path, atomic=False)}, self.state)


def load_state(directory):
    path = os.path.join(directory, STATE)
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        return json.load(f)
