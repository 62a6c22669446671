"""One benchmark report (issue 23): `python -m benchmarks.run [--backends ...] [--quick] [--out DIR]`.

Runs the suite, each part by its own script in its own processes, into one folder outside the
source tree (default `$ZOO_CACHE/reports/<date>-<time>`, `ZOO_CACHE` defaulting to
`~/.cache/occlusion-zoo`), and writes `report.json` and a generated `report.md`:

1. **accuracy** of the regressor presets on the 230 HELEN-test faces (clean, and the synthetic
   occlusion; `--quick`: the presets in `QUICK_PRESETS` only);
2. **backend agreement**: every preset's raw outputs on the same inputs under each backend,
   max |difference| from TensorFlow's (each output in its own units) - checked against a
   tolerance, the report says which pairs pass;
3. **inference speed** per backend, batch 1 and 32 (`benchmarks/preset_speed.py`);
4. **cascade speed** per photo and per occluded face (`benchmarks/landmarker_speed.py`; `--quick`:
   the first backend only);
5. **training throughput** per backend: a few epochs of a small regressor through the project's
   trainer (`benchmarks/gpu_check.py --allow-cpu`), images/s and whether the loss fell;
6. **export agreement**: presets exported and run by their own runtimes against Keras
   (`benchmarks/export_check.py`).

`--quick` cuts each part to what fits in about 10 minutes on 2 CPU cores. Exit status 1 when a
check fails (backend agreement or export agreement), 0 otherwise.
"""

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks._common import BACKENDS, machine  # noqa: E402
from zoo.pipeline.options import DEFAULT_REGRESSOR  # noqa: E402  (plain values, no backend)

# the agreement tolerance: max |difference| from TensorFlow, relative to the output's scale
AGREEMENT_TOL = 2e-3
QUICK_PRESETS = ("pfld_0.25x_300w", "pipnet_mnv2_s8_300w", "blazeface_short")


def default_out():
    from zoo.data.test_sets import cache_dir

    return os.path.join(cache_dir(), "reports", time.strftime("%Y%m%d-%H%M%S"))


def _run(args, log, timeout=3600):
    """Run a benchmark script (`python ARGS...` from the repository root), its output to `log`."""
    t0 = time.time()
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    with open(log, "w") as f:
        proc = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT, timeout=timeout)
    return {"command": "python " + " ".join(args), "returncode": proc.returncode, "seconds": round(time.time() - t0, 1), "log": log}


# --- backend agreement ------------------------------------------------------------------------
def agreement_worker(out_dir, presets):
    """Under the current backend: every preset's outputs on fixed inputs -> OUT/agree.<backend>.npz,
    run as the tasks run them (`inference_function`; on torch the traced path, from its second call)."""
    import keras
    import numpy as np

    import zoo
    from zoo.tasks.inference import inference_function

    rng = np.random.default_rng(0)
    arrays = {}
    for name in presets:
        model = zoo.load_preset(name)
        feed = {}
        for t in model.inputs:
            shape = (2, *[int(d) for d in t.shape[1:]])
            key = t.name.split(":")[0]
            feed[key] = (rng.random(shape) > 0.7).astype("float32") if "mask" in key else rng.uniform(-1, 1, shape).astype("float32")
        x = feed if len(feed) > 1 else next(iter(feed.values()))
        run = inference_function(model)
        for _ in range(2):  # the second call is the one a traced backend replays
            out = run(x)
        for k, v in out.items():
            arrays[f"{name}/{k}"] = np.asarray(v, np.float32)
        keras.backend.clear_session()
    np.savez(os.path.join(out_dir, f"agree.{keras.backend.backend()}.npz"), **arrays)


def agreement(out_dir, backends, presets):
    import numpy as np

    for b in backends:
        env = dict(os.environ, KERAS_BACKEND=b, TF_CPP_MIN_LOG_LEVEL="3")
        code = f"import sys; sys.path.insert(0, {ROOT!r}); from benchmarks.run import agreement_worker; agreement_worker({out_dir!r}, {list(presets)!r})"
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
        if proc.returncode != 0:
            raise RuntimeError(f"agreement worker under {b} failed:\n{proc.stderr[-3000:]}")
    ref_backend = backends[0]
    ref = np.load(os.path.join(out_dir, f"agree.{ref_backend}.npz"))
    rows = []
    for b in backends[1:]:
        other = np.load(os.path.join(out_dir, f"agree.{b}.npz"))
        for key in ref.files:
            want, got = ref[key], other[key]
            scale = max(1.0, float(np.abs(want).max()))
            diff = float(np.abs(want - got).max()) if want.shape == got.shape else float("inf")
            rows.append({"output": key, "backends": f"{b} vs {ref_backend}", "max_abs_diff": diff, "scale": scale,
                         "ok": diff <= AGREEMENT_TOL * scale})
    return rows


# --- the report ------------------------------------------------------------------------------
def accuracy(out_dir, presets):
    import zoo
    from zoo.data.paths import dataset_path
    from zoo.data.test_sets import synthetic_helen_test
    from zoo.pipeline.evaluate import evaluate_folder

    rows = []
    for name in presets:
        for label, folder, pattern in (("clean", dataset_path("300w"), "helen_testset_*"), ("occluded", synthetic_helen_test(0), "*")):
            r, _ = evaluate_folder(zoo.load_preset(name), folder, pattern=pattern)
            rows.append({"preset": name, "set": label, "n": r["n"], "nme_%": round(100 * r["nme"], 2), "fr_0.10_%": round(100 * r["fr_0.10"], 1)})
    return rows


def _table(rows, columns):
    if not rows:
        return "(none)"
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    for r in rows:
        lines.append("| " + " | ".join(str(r.get(c, "-")) for c in columns) + " |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--backends", default=",".join(BACKENDS), help=f"comma-separated; the first is the agreement reference (default: {','.join(BACKENDS)})")
    p.add_argument("--quick", action="store_true", help="a cut of each part that fits in about 10 minutes on 2 CPU cores")
    p.add_argument("--out", default=None, help="report folder (default: $ZOO_CACHE/reports/<date>-<time>, outside the source tree)")
    p.add_argument("--skip", default="", help="comma-separated parts to leave out: accuracy,agreement,speed,cascade,training,export")
    args = p.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    out = os.path.abspath(args.out or default_out())
    os.makedirs(out, exist_ok=True)
    backends = [b for b in args.backends.split(",") if b]
    skip = set(filter(None, args.skip.split(",")))
    from zoo.presets import list_presets, preset_record, preset_task

    all_presets = list_presets()
    presets = [p for p in QUICK_PRESETS if p in all_presets] if args.quick else all_presets
    regressors = [p for p in presets if preset_task(preset_record(p)) == "regressor"]
    report = {"benchmark": "report", "machine": machine(), "backends": backends, "quick": args.quick, "parts": {}}
    t0 = time.time()

    def part(name, fn):
        if name in skip:
            return
        t = time.time()
        try:
            report["parts"][name] = {"result": fn(), "seconds": round(time.time() - t, 1)}
        except Exception as e:  # noqa: BLE001  (one part failing leaves the others' results)
            report["parts"][name] = {"error": f"{type(e).__name__}: {str(e)[:2000]}", "seconds": round(time.time() - t, 1)}
        print(f"[{time.time() - t0:6.0f} s] {name}: {'error' if 'error' in report['parts'][name] else 'done'}", flush=True)
        with open(os.path.join(out, "report.json"), "w") as f:
            json.dump(report, f, indent=1, default=str)

    part("accuracy", lambda: accuracy(out, regressors))
    part("agreement", lambda: agreement(out, backends, presets))
    part("speed", lambda: [_run(["benchmarks/preset_speed.py", "--backends", ",".join(backends), "--presets", ",".join(presets),
                                 "--repeats", "3" if args.quick else "5", "--out", out], os.path.join(out, "preset_speed.log")),
                           json.load(open(os.path.join(out, "preset_speed.json")))["rows"]])
    cascade_backends = backends[:1] if args.quick else backends  # --quick: the first backend only (each one compiles three cascades)
    part("cascade", lambda: [_run(["benchmarks/landmarker_speed.py", "--backends", ",".join(cascade_backends), "--repeats", "1" if args.quick else "3",
                                   "--regressor", DEFAULT_REGRESSOR, "--out", out], os.path.join(out, "landmarker_speed.log")),
                             json.load(open(os.path.join(out, "landmarker_speed.json")))["rows"]])
    part("training", lambda: [_run(["benchmarks/gpu_check.py", "--allow-cpu", "--backends", ",".join(backends), "--families", "pfld",
                                    "--faces", "32" if args.quick else "128", "--epochs", "2" if args.quick else "3", "--workers", "1",
                                    "--out", os.path.join(out, "training.json")], os.path.join(out, "training.log")),
                              json.load(open(os.path.join(out, "training.json")))])
    export_presets = ["pfld_0.25x_300w"] if args.quick else presets
    part("export", lambda: [_run(["benchmarks/export_check.py", "--presets", ",".join(export_presets), "--formats",
                                  "onnx" if args.quick else "savedmodel,onnx,litert", "--out", out], os.path.join(out, "export.log")),
                            json.load(open(os.path.join(out, "export_check.json")))["rows"]])
    report["seconds"] = round(time.time() - t0, 1)

    failed = []
    md = [f"# Benchmark report ({time.strftime('%Y-%m-%d %H:%M')}, {'quick' if args.quick else 'full'})", "",
          f"Backends {', '.join(backends)}; machine {report['machine']}; {report['seconds']:.0f} s.", ""]
    parts = report["parts"]
    for name, res in parts.items():
        if "error" in res:
            failed.append(name)
            md += [f"## {name}: failed", "", "```", res["error"], "```", ""]
    if "accuracy" in parts and "result" in parts["accuracy"]:
        md += ["## Accuracy (HELEN test, NME % outer-eye)", "", _table(parts["accuracy"]["result"], ["preset", "set", "n", "nme_%", "fr_0.10_%"]), ""]
    if "agreement" in parts and "result" in parts["agreement"]:
        rows = parts["agreement"]["result"]
        bad = [r for r in rows if not r["ok"]]
        if bad:
            failed.append("agreement")
        md += [f"## Backend agreement (max |difference| from {backends[0]}, tolerance {AGREEMENT_TOL} x scale)", "",
               f"{len(rows) - len(bad)} of {len(rows)} outputs agree.", "",
               _table([{**r, "max_abs_diff": f"{r['max_abs_diff']:.2e}"} for r in rows], ["output", "backends", "max_abs_diff", "ok"]), ""]
    if "speed" in parts and "result" in parts["speed"]:
        md += ["## Inference speed (ms per image, batch 1 / 32)", "", open(os.path.join(out, "preset_speed.md")).read(), ""]
    if "cascade" in parts and "result" in parts["cascade"]:
        rows = [{k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()} for r in parts["cascade"]["result"][1]]
        md += ["## The cascade (ms per image; detector: the Landmarker's default)", "",
               _table(rows, ["backend", "input", "detect_ms", "detect_regress_ms", "cascade_ms"]), ""]
    if "training" in parts and "result" in parts["training"]:
        res = parts["training"]["result"][1]
        rows = res.get("rows", res) if isinstance(res, dict) else res
        md += ["## Training throughput", "", "```", json.dumps(rows, indent=1, default=str)[:4000], "```", ""]
    if "export" in parts and "result" in parts["export"]:
        rows = parts["export"]["result"][1]
        if any(not r["ok"] for r in rows):
            failed.append("export")
        md += ["## Export agreement", "", _table(rows, ["preset", "format", "ok", "max_diff", "mb"]), ""]
    md += [f"Checks failed: {', '.join(failed)}" if failed else "Every check passed.", ""]
    report["failed"] = failed
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=1, default=str)
    with open(os.path.join(out, "report.md"), "w") as f:
        f.write("\n".join(md))
    print(f"wrote {os.path.join(out, 'report.md')} and report.json ({report['seconds']:.0f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
