"""Every shipped preset in every export format: export it (`zoo.pipeline.serving.export`), run the
file with its own runtime on 3 real HELEN-test faces and compare with Keras (max |difference| over
the outputs, each in its own units); the file's size and the export's time.

    python benchmarks/export_check.py [--presets a,b] [--formats savedmodel,onnx,litert] [--out DIR]

Prints a table and writes `export_check.json` (to `benchmarks/results/` by default; the exported
files go to a temporary folder). TensorFlow backend (set here).
"""

import argparse
import os
import sys
import tempfile
import time

os.environ["KERAS_BACKEND"] = "tensorflow"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import RESULTS, machine, print_table  # noqa: E402

FORMATS = ("savedmodel", "onnx", "litert")
SUFFIX = {"savedmodel": "", "onnx": ".onnx", "litert": ".tflite"}


def size_of(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--presets", help="comma-separated (default: every preset)")
    p.add_argument("--formats", default=",".join(FORMATS))
    p.add_argument("--out", default=RESULTS, help="folder for export_check.json")
    args = p.parse_args(argv)
    import json

    from zoo.data import load_landmark_folder
    from zoo.data.paths import dataset_path
    from zoo.pipeline.serving import check_export, export
    from zoo.presets import list_presets

    faces = [s.load_image() for s in load_landmark_folder(dataset_path("300w"), "helen_testset_*")[:3]]
    presets = args.presets.split(",") if args.presets else list_presets()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in presets:
            for fmt in args.formats.split(","):
                out = os.path.join(tmp, f"{name}.{fmt}{SUFFIX[fmt]}")
                row = {"preset": name, "format": fmt}
                try:
                    t0 = time.perf_counter()
                    record = export(name, fmt, out)
                    row["export_s"] = round(time.perf_counter() - t0, 1)
                    diffs = check_export(name, fmt, out, faces)
                    row["max_diff"] = max(diffs.values())
                    row["worst_output"] = max(diffs, key=diffs.get)
                    row["outputs"] = ",".join(record["outputs"])
                    row["mb"] = round(size_of(out) / 2**20, 2)
                    row["ok"] = True
                except Exception as e:  # noqa: BLE001 - a failure is a row of the report
                    row.update(ok=False, error=f"{type(e).__name__}: {e}"[:300])
                print(row, flush=True)
                rows.append(row)
    print_table(rows, ["preset", "format", "ok", "outputs", "max_diff", "worst_output", "mb", "export_s"])
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "export_check.json")
    with open(path, "w") as f:
        json.dump({"benchmark": "export_check", "machine": machine(), "rows": rows}, f, indent=1)
    print(f"wrote {path}")
    return 0 if all(r["ok"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
