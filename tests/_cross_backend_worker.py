"""Run under a given KERAS_BACKEND: load every `*.keras` in DIR, run it on DIR/inputs_<stem>.npz,
write DIR/<stem>.<backend>.npz. Used by test_cross_backend.py through subprocesses."""

import glob
import os
import sys

import keras
import numpy as np

import zoo  # noqa: F401  (registers the custom classes)


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
    main(sys.argv[1])
