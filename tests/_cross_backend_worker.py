"""Run under a given KERAS_BACKEND: load every `*.keras` in DIR, run it on DIR/inputs_<stem>.npz,
write DIR/<stem>.<backend>.npz. Used by test_cross_backend.py through subprocesses."""

import glob
import os
import sys

import keras
import numpy as np

import zoo  # noqa: F401  (registers the custom classes)


def presets(folder):
    """Predict with every shipped preset on DIR/faces.npz, write DIR/presets.<backend>.npz."""
    from zoo.presets import list_presets

    x = np.load(os.path.join(folder, "faces.npz"))["x"]
    out = {}
    for name in list_presets():
        pred = zoo.load_preset(name).predict(x, verbose=0)
        out[name] = np.asarray(pred["landmarks"] if isinstance(pred, dict) else pred)
    np.savez(os.path.join(folder, f"presets.{keras.backend.backend()}.npz"), **out)
    print(f"ok {keras.backend.backend()}")


def main(folder):
    backend = keras.backend.backend()
    for path in sorted(glob.glob(os.path.join(folder, "*.keras"))):
        stem = os.path.basename(path)[: -len(".keras")]
        model = keras.saving.load_model(path)
        inputs = dict(np.load(os.path.join(folder, f"inputs_{stem}.npz")))
        x = inputs["x"] if set(inputs) == {"x"} else inputs
        out = model.predict(x, verbose=0)
        out = out if isinstance(out, dict) else {"out": out}
        np.savez(os.path.join(folder, f"{stem}.{backend}.npz"), **{k: np.asarray(v) for k, v in out.items()})
    print(f"ok {backend}")


if __name__ == "__main__":
    presets(sys.argv[2]) if sys.argv[1] == "--presets" else main(sys.argv[1])
