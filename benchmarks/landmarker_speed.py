"""Speed of the Landmarker per backend (one subprocess each): detection (the Landmarker's default detector), the regressor
alone on detected faces, and the whole cascade (detect, regress, re-crop, residual occlusion
scoring, restoration + Poisson blend, regress again) on the demo photo, on clean HELEN-test photos
and on occluded HELEN-test crops, in ms per image (median of repeats, after a warm-up call). The
defaults are the Landmarker's (`zoo.pipeline.options`).

    python benchmarks/landmarker_speed.py [--backends tensorflow,jax,torch] [--repeats 3] [--detector D] [--out DIR]

Prints a table and writes benchmarks/results/landmarker_speed.json.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import BACKENDS, machine, print_table, run_worker, timed, write_json  # noqa: E402
from zoo.pipeline.options import DEFAULT_DETECTOR, DEFAULT_REGRESSOR, DEFAULT_RESTORER  # noqa: E402


def worker(args):
    import json

    import keras

    from zoo.data.demo import demo_image
    from zoo.pipeline import Landmarker
    from zoo.tasks import load

    from zoo.data.test_sets import synthetic_helen_test
    from zoo.data import load_landmark_folder

    from zoo.data.paths import dataset_path

    faces = [s.load_image() for s in load_landmark_folder(synthetic_helen_test(0))[:8]]
    clean = [s.load_image() for s in load_landmark_folder(dataset_path("300w"), "helen_testset_*")[:8]]
    demo = [demo_image()]
    det = load(args.detector, task="detector")
    alone = Landmarker(detector=args.detector, regressor=args.regressor, restorer=None, iterations=0)
    cascade = Landmarker(detector=args.detector, regressor=args.regressor, restorer=args.restorer)
    rows = []
    for label, images in (("demo photo 512 px", demo), ("8 clean HELEN-test photos", clean), ("8 occluded crops 256 px", faces)):
        n = len(images)
        row = {"backend": keras.backend.backend(), "input": label}
        row["detect_ms"] = timed(lambda: det.detect(images), args.repeats, warmup=3) / n
        row["detect_regress_ms"] = timed(lambda: alone(images), args.repeats, warmup=3) / n
        row["cascade_ms"] = timed(lambda: cascade(images), args.repeats, warmup=3) / n
        rows.append(row)
    print(json.dumps(rows))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--regressor", default=DEFAULT_REGRESSOR, help=f"(default: the Landmarker's, {DEFAULT_REGRESSOR})")
    p.add_argument("--restorer", default=DEFAULT_RESTORER, help=f"(default: the Landmarker's, {DEFAULT_RESTORER})")
    p.add_argument("--detector", default=DEFAULT_DETECTOR, help=f"(default: the Landmarker's, {DEFAULT_DETECTOR})")
    p.add_argument("--out", default=None, help="folder for landmarker_speed.json (default: benchmarks/results)")
    p.add_argument("--worker", action="store_true")
    args = p.parse_args(argv)
    if args.worker:
        return worker(args)
    rows = []
    for b in args.backends.split(","):
        rows += run_worker(os.path.abspath(__file__), b, ["--repeats", str(args.repeats), "--regressor", args.regressor,
                                                          "--restorer", args.restorer, "--detector", args.detector])
    print_table(rows, ["backend", "input", "detect_ms", "detect_regress_ms", "cascade_ms"])
    payload = {"benchmark": "landmarker_speed", "machine": machine(), "detector": args.detector, "regressor": args.regressor,
               "restorer": args.restorer, "rows": rows}
    if args.out:
        import json

        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "landmarker_speed.json")
        with open(path, "w") as f:
            json.dump(payload, f, indent=1)
    else:
        path = write_json("landmarker_speed.json", payload)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
