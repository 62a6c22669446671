"""Export a preset or a run for serving outside the zoo: TensorFlow SavedModel, ONNX or LiteRT,
with what the task does to pixels inside the graph, so a caller feeds uint8 RGB images.

    python -m zoo export pipnet_mnv2_300w --format onnx --out pipnet.onnx

What each exported graph takes and gives (also written beside the export as `<out>.json`):

| task | input | outputs |
| --- | --- | --- |
| regressor | `image` uint8 `(B, H, W, 3)` RGB square face crops: SavedModel any side (resized inside, bilinear with antialiasing); ONNX and LiteRT the network's side (`input_size` in `<out>.json`) | `landmarks` `(B, 68, 2)` in [0, 1] of the crop (x, y; times the crop's side = pixels); PIPNet adds `confidence` `(B, 68)`, PFLD `pose` `(B, 3)` |
| segmenter | `image` as above | `occlusion` `(B, G, G)`: per cell the probability that something covers the face |
| restorer | `image` uint8 `(B, S, S, 3)` and `mask` uint8 `(B, S, S, 1)` (nonzero = restore), S its size | `restored` `(B, S, S, 3)` float in [0, 255] |
| detector | `image` uint8 `(B, 128, 128, 3)`, the photo letterboxed to 128 px | `boxes` `(B, 896, 16)` raw anchor offsets, `scores` `(B, 896)` sigmoid; decode and NMS in Python: `zoo.models.blazeface.decode_detections` |

The batch is dynamic in every format; the crop side too in a SavedModel (ONNX and LiteRT have no
antialiased resize op: resize to the network's side first, e.g. `cv2.INTER_AREA`). The graph is
built and exported under the TensorFlow backend (`KERAS_BACKEND=tensorflow`, which
`python -m zoo export` sets itself); ONNX needs `tf2onnx` (`pip install occlusion-zoo[export]`).
"""

import json
import os

FORMATS = {"savedmodel": "tf_saved_model", "onnx": "onnx", "litert": "litert"}


def _serving_class():
    import keras

    class ServingModel(keras.Model):
        """uint8 pixels in, the task's network, named outputs out. The network is called whole
        inside `call`: nested as a layer of a functional model that kept some of its dict
        outputs, the occluder segmenter gave other numbers in eager calls than compiled (up to
        0.59 in probability); called here, every path agrees."""

        def __init__(self, net, kind, size, resize, **kwargs):
            super().__init__(**kwargs)
            self.net, self.kind, self.size, self.resize = net, kind, int(size), bool(resize)

        def call(self, image, hole=None):
            # the restorer's second input is named `mask` outside (its InputSpec); inside it is not
            # called `mask`, the argument Keras reserves for masking
            ops = keras.ops
            mask = hole
            if isinstance(image, dict):  # the whole input structure as one argument (a saved model's default signature)
                image, mask = image["image"], image.get("mask", mask)
            elif isinstance(image, (list, tuple)):
                image, mask = image[0], (image[1] if len(image) > 1 else mask)
            image = ops.cast(image, "float32")
            if self.kind == "restorer" and mask is None:
                mask = ops.zeros_like(image[..., :1])
            if self.kind in ("restorer", "detector"):
                x = image / 127.5 - 1.0
            else:
                x = image / 255.0
                if self.resize:
                    x = ops.image.resize(x, (self.size, self.size), interpolation="bilinear", antialias=True)
            if self.kind == "restorer":
                mask = ops.minimum(ops.cast(mask, "float32"), 1.0)  # nonzero = restore (no uint8 compare: LiteRT lacks it)
                restored = self.net({"image": x, "mask": mask})["restored"]
                return {"restored": ops.clip((restored + 1.0) * 127.5, 0.0, 255.0)}
            raw = self.net(x)
            if self.kind == "detector":
                return {"boxes": raw["regressors"], "scores": ops.sigmoid(ops.squeeze(raw["classificators"], -1))}
            if self.kind == "segmenter":
                return {"occlusion": ops.squeeze(raw["occlusion"], -1)}
            return {k: raw[k] for k in ("landmarks", "confidence", "visibility", "pose") if k in raw}

    return ServingModel


def serving_model(task, fixed_size=False):
    """A Keras model around `task`'s network that takes uint8 pixels (see the module's table).
    `fixed_size`: crops at the network's own side, no resize inside (ONNX and LiteRT have no
    antialiased resize op). Returns `(model, signature)`: the model (called once, so built) and
    what its inputs and outputs are, with `"input_signature"` for `model.export`."""
    import keras

    from zoo.tasks import FaceDetector, LandmarkRegressor, OccluderSegmenter, Restorer

    net = task.model
    if keras.config.image_data_format() != "channels_last":
        raise ValueError("export builds channels-last graphs: set keras.config.set_image_data_format('channels_last')")
    size = int(task.input_size)
    spec = lambda shape, name: keras.InputSpec(shape=shape, dtype="uint8", name=name)  # noqa: E731
    if isinstance(task, Restorer):
        kind, specs = "restorer", {"image": (None, size, size, 3), "mask": (None, size, size, 1)}
        sig = {"inputs": {"image": f"uint8 (B, {size}, {size}, 3) RGB", "mask": f"uint8 (B, {size}, {size}, 1), nonzero = restore"},
               "outputs": {"restored": f"float32 (B, {size}, {size}, 3) in [0, 255]"}}
    elif isinstance(task, FaceDetector):
        kind, specs = "detector", {"image": (None, size, size, 3)}
        sig = {"inputs": {"image": f"uint8 (B, {size}, {size}, 3) RGB, the photo letterboxed"},
               "outputs": {"boxes": "float32 (B, anchors, 16) raw offsets", "scores": "float32 (B, anchors) sigmoid"},
               "decode": "zoo.models.blazeface.decode_detections (anchor decode + weighted NMS)"}
    elif isinstance(task, (LandmarkRegressor, OccluderSegmenter)):
        side = size if fixed_size else None
        kind, specs = ("segmenter" if isinstance(task, OccluderSegmenter) else "regressor"), {"image": (None, side, side, 3)}
        crops = f"uint8 (B, {size}, {size}, 3) RGB square face crops at the network's side" if fixed_size else \
            "uint8 (B, H, W, 3) RGB square face crops, any side (resized inside: bilinear, antialiased)"
        if kind == "segmenter":
            outs = {"occlusion": "float32 (B, G, G) per-cell occluder probability"}
        else:
            names = set(net.output) if isinstance(net.output, dict) else {"landmarks"}
            outs = {k: v for k, v in {"landmarks": "float32 (B, 68, 2) x, y in [0, 1] of the crop", "confidence": "float32 (B, 68)",
                                      "visibility": "float32 (B, 68)", "pose": "float32 (B, 3) pitch, yaw, roll (radians)"}.items()
                    if k in names}
        sig = {"inputs": {"image": crops}, "outputs": outs}
    else:
        raise ValueError(f"no serving graph for a {type(task).__name__}")
    model = _serving_class()(net, kind, size, resize=not fixed_size, name=f"{task.name}_serving")
    model(*example_inputs(specs, size).values())  # built and called once (the ONNX path asks for it)
    return model, {"task": kind, **sig, "input_signature": [spec(v, k) for k, v in specs.items()]}


def export(name, fmt, out, verbose=False):
    """Export preset, run folder or `.keras` file `name` as `fmt` ("savedmodel", "onnx", "litert")
    to `out`; writes `<out>.json` (the signature, the source, the format). Returns the signature."""
    import keras

    from zoo.tasks import load

    if fmt not in FORMATS:
        raise ValueError(f"`format` must be one of {', '.join(FORMATS)}. Received: {fmt!r}")
    if keras.backend.backend() != "tensorflow":
        raise ValueError(f"export runs under the TensorFlow backend (KERAS_BACKEND=tensorflow); this process runs {keras.backend.backend()}")
    task = load(name)
    # ONNX and LiteRT hold no antialiased resize (TensorFlow's ScaleAndTranslate): crops at the network's side
    model, sig = serving_model(task, fixed_size=fmt != "savedmodel")
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    if fmt == "onnx":
        _check_tf2onnx()
    model.export(out, format=FORMATS[fmt], verbose=verbose, input_signature=sig.pop("input_signature"))
    record = {"source": str(name), "format": fmt, "input_size": int(task.input_size), **sig, "keras": keras.__version__}
    with open(f"{os.path.abspath(out).rstrip(os.sep)}.json", "w") as f:
        json.dump(record, f, indent=1)
    return record


def example_inputs(specs, size, n=1):
    """uint8 zeros for each `{name: shape}` of `specs` (a `None` side filled with `size`)."""
    import numpy as np

    return {k: np.zeros((n, *[size if d is None else d for d in shape[1:]]), "uint8") for k, shape in specs.items()}


def _check_tf2onnx():
    import importlib.util

    if importlib.util.find_spec("tf2onnx") is None:
        raise ValueError("ONNX export needs tf2onnx: pip install 'occlusion-zoo[export]' (tf2onnx, onnx, onnxruntime)")


def run_exported(path, fmt, inputs):
    """Run an exported model with its own runtime (TensorFlow for a SavedModel, onnxruntime for
    ONNX, TensorFlow's LiteRT interpreter for LiteRT) on `inputs` (`{name: array}`); returns
    `{output name: array}`, named as at export."""
    import numpy as np

    if fmt == "savedmodel":
        import tensorflow as tf

        fn = tf.saved_model.load(path).signatures["serving_default"]
        return {k: np.asarray(v) for k, v in fn(**{k: tf.constant(v) for k, v in inputs.items()}).items()}
    if fmt == "onnx":
        import onnxruntime as ort

        sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        names = [o.name for o in sess.get_outputs()]
        return dict(zip(names, sess.run(names, dict(inputs))))
    if fmt == "litert":
        import tensorflow as tf

        interp = tf.lite.Interpreter(model_path=path)
        runner = interp.get_signature_runner()
        return {k: np.asarray(v) for k, v in runner(**inputs).items()}
    raise ValueError(f"`format` must be one of {', '.join(FORMATS)}. Received: {fmt!r}")


def example_feed(record, images, rng=None):
    """The inputs an exported model of `record` (the `<out>.json`) takes, built from uint8 RGB
    `images` (resized to its side): a regressor / segmenter / detector gets the images, a restorer
    the images and a hole over each face's centre."""
    import cv2
    import numpy as np

    size = int(record["input_size"])
    x = np.stack([cv2.resize(np.asarray(im), (size, size), interpolation=cv2.INTER_AREA) for im in images]).astype("uint8")
    if record["task"] != "restorer":
        return {"image": x}
    m = np.zeros((len(x), size, size, 1), "uint8")
    m[:, size // 3: 2 * size // 3, size // 4: 3 * size // 4] = 255
    return {"image": x, "mask": m}


def check_export(name, fmt, out, images):
    """Compare an export in `out` (its `<out>.json` beside it) with the Keras serving graph of
    `name` on `images`. Returns `{output: max |exported - keras|}` (per output, in its units)."""
    import keras
    import numpy as np

    from zoo.tasks import load

    with open(f"{os.path.abspath(out).rstrip(os.sep)}.json") as f:
        record = json.load(f)
    feed = example_feed(record, images)
    model, _ = serving_model(load(name), fixed_size=fmt != "savedmodel")
    want = {k: keras.ops.convert_to_numpy(v) for k, v in model(*feed.values()).items()}
    got = run_exported(out, fmt, feed)
    missing = set(want) - set(got)
    if missing:
        raise ValueError(f"{out}: outputs {sorted(missing)} missing (exported outputs: {sorted(got)})")
    return {k: float(np.max(np.abs(got[k].astype(np.float64) - want[k]))) for k in want}
