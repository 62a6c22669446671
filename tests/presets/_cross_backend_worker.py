"""Run under a given KERAS_BACKEND: load every `*.keras` in DIR, run it on DIR/inputs_<stem>.npz,
write DIR/<stem>.<backend>.npz. Used by test_cross_backend.py through subprocesses."""

import glob
import os
import sys

import keras
import numpy as np

import zoo.models  # noqa: F401  (registers the custom classes: `import zoo` alone is lazy)


def preset_outputs(folder):
    """Every shipped preset's output on DIR/faces.npz: landmarks of a regressor, the restored
    image of a restorer (on DIR/restore_<size>.npz)."""
    from zoo.presets import list_presets, preset_record, preset_task

    x = np.load(os.path.join(folder, "faces.npz"))["x"]
    out = {}

    def run(model, inputs):
        if keras.backend.backend() == "jax":  # one compiled function beats compiling op by op
            return model.predict(inputs, verbose=0)
        res = model(inputs, training=False)  # TensorFlow: 4 faces do not repay tracing predict
        return {k: keras.ops.convert_to_numpy(v) for k, v in res.items()}

    for name in list_presets():
        model = zoo.load_preset(name)
        task = preset_task(preset_record(name))
        if task == "detector":  # the faces at the detector's size, in its [-1, 1] range
            import cv2

            size = int(model.inputs[0].shape[1])
            xd = np.stack([cv2.resize(f, (size, size), interpolation=cv2.INTER_LINEAR) for f in x]) * 2.0 - 1.0
            pred = run(model, xd.astype(np.float32))
            out[name] = np.concatenate([np.asarray(pred["regressors"]), np.asarray(pred["classificators"])], -1)
        elif task == "occluder":  # the occlusion probabilities on the faces at its input size
            size = int(model.inputs[0].shape[1])
            xr = np.load(os.path.join(folder, f"faces_{size}.npz"))["x"]
            out[name] = run(model, xr)["occlusion"]
        elif task == "restorer":
            size = int(model.inputs[0].shape[1])
            inputs = dict(np.load(os.path.join(folder, f"restore_{size}.npz")))
            out[name] = run(model, inputs)["restored"]
        else:
            size = int(model.inputs[0].shape[1])
            xr = np.load(os.path.join(folder, f"faces_{size}.npz"))["x"]
            out[name] = run(model, xr)["landmarks"]
    return out


def presets(folder):
    """Predict with every shipped preset, write DIR/presets.<backend>.npz."""
    out = preset_outputs(folder)
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
