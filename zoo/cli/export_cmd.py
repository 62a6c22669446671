"""`python -m zoo export PRESET_OR_RUN --format savedmodel|onnx|litert --out PATH [--check]`."""

import os

from zoo.cli.checks import output_file

FORMATS = ("savedmodel", "onnx", "litert")


def add_parser(sub):
    p = sub.add_parser("export", help="export a preset or run as a TensorFlow SavedModel, ONNX or LiteRT file, pixels in, named outputs out")
    p.add_argument("model", help="a preset, a run folder or a .keras file (regressor, occluder segmenter, restorer, detector)")
    p.add_argument("--format", required=True, choices=FORMATS, help="savedmodel (a folder), onnx or litert (a .tflite file)")
    p.add_argument("--out", required=True, help="where to write (and <out>.json: the inputs and outputs)")
    p.add_argument("--check", action="store_true", help="run the export with its runtime on the demo photo and compare with Keras")
    p.set_defaults(func=run)


def run(args):
    import sys

    if args.format == "savedmodel":
        if os.path.isfile(args.out):
            raise ValueError(f"--out {args.out}: is a file; a SavedModel is a folder")
        parent = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(parent):
            raise ValueError(f"--out {args.out}: the folder {parent} does not exist")
    else:
        output_file(args.out, extensions={"onnx": (".onnx",), "litert": (".tflite",)}[args.format])
    if "keras" not in sys.modules:
        os.environ["KERAS_BACKEND"] = "tensorflow"  # every format is written from TensorFlow graphs
    from zoo.pipeline.serving import check_export, export

    rec = export(args.model, args.format, args.out)
    print(f"{args.model} -> {args.out} ({args.format}): inputs {', '.join(f'{k} {v}' for k, v in rec['inputs'].items())}; "
          f"outputs {', '.join(rec['outputs'])}")
    if args.check:
        from zoo.data.demo import demo_image

        diffs = check_export(args.model, args.format, args.out, [demo_image()])
        print("check against Keras on the demo photo, max |difference|: " + ", ".join(f"{k} {v:.2e}" for k, v in diffs.items()))
    return 0
