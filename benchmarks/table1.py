"""The seed's Table 1 on this project's data: landmark NME of regressors alone and of the
restore-and-regress cascade, on the synthetic occlusion of the 230 HELEN-test faces and on the
same faces clean (same images for every row), with predicted occlusion and with oracle masks,
the detector's find rate, and dlib's 68-point predictor as the peer (optional `bench` extra).

    python benchmarks/table1.py                       # every row; cached per row in $ZOO_CACHE/table1
    python benchmarks/table1.py --rows drn,gania_drn  # some rows
    python benchmarks/table1.py --readme              # also refresh the table inside docs/results.md

Writes benchmarks/results/table1.json, table1.md and table1_ced.png. NME is normalised by the
outer eye corners (points 36 / 45); FR and AUC at 0.10. Occluded faces are SYNTHETIC.
"""

import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from zoo.data.test_sets import cache_dir  # noqa: E402
from zoo.io import atomic_write_json  # noqa: E402
from benchmarks._common import RESULTS, machine, print_table, update_readme, write_json  # noqa: E402

CACHE = os.path.join(cache_dir(), "table1")  # per-row results, outside the source tree

# row key -> (label, regressor, restorer, occlusion, detector)
ROWS = {
    "pfld": ("PFLD 0.25x alone", "pfld_0.25x_300w", None, "none", None),
    "drn": ("DRN alone", "drn_300w", None, "none", None),
    "pipnet": ("PIPNet-MNv2 alone", "pipnet_mnv2_300w", None, "none", None),
    "ae_drn": ("AE + DRN (restoration residual)", "drn_300w", "autoencoder_128", "residual", None),
    "ae_drn_seg": ("AE + DRN (occluder segmenter)", "drn_300w", "autoencoder_128", "segmentation", None),
    "ae_drn_oracle": ("AE + DRN (oracle masks)", "drn_300w", "autoencoder_128", "oracle", None),
    "gania_drn": ("GAN-IA + DRN (restoration residual)", "drn_300w", "gania_128", "residual", None),
    "gania_drn_seg": ("GAN-IA + DRN (occluder segmenter)", "drn_300w", "gania_128", "segmentation", None),
    "gania_drn_oracle": ("GAN-IA + DRN (oracle masks)", "drn_300w", "gania_128", "oracle", None),
    "gania_pfld": ("GAN-IA + PFLD 0.25x (restoration residual)", "pfld_0.25x_300w", "gania_128", "residual", None),
    "gania_pfld_seg": ("GAN-IA + PFLD 0.25x (occluder segmenter)", "pfld_0.25x_300w", "gania_128", "segmentation", None),
    "gania_pfld_oracle": ("GAN-IA + PFLD 0.25x (oracle masks)", "pfld_0.25x_300w", "gania_128", "oracle", None),
    "pfldvis": ("PFLD 0.25x-vis alone", "pfld_0.25x_vis_300w", None, "none", None),
    "gania_pfldvis_vis": ("GAN-IA + PFLD 0.25x-vis (visibility head)", "pfld_0.25x_vis_300w", "gania_128", "visibility", None),
    "gania_pipnet_conf": ("GAN-IA + PIPNet-MNv2 (heatmap confidence)", "pipnet_mnv2_300w", "gania_128", "confidence", None),
    "ae_pipnet_conf": ("AE + PIPNet-MNv2 (heatmap confidence)", "pipnet_mnv2_300w", "autoencoder_128", "confidence", None),
    "gania_pipnet": ("GAN-IA + PIPNet-MNv2 (restoration residual)", "pipnet_mnv2_300w", "gania_128", "residual", None),
    "gania_pipnet_seg": ("GAN-IA + PIPNet-MNv2 (occluder segmenter)", "pipnet_mnv2_300w", "gania_128", "segmentation", None),
    "gania_pipnet_oracle": ("GAN-IA + PIPNet-MNv2 (oracle masks)", "pipnet_mnv2_300w", "gania_128", "oracle", None),
    "pipnet_s8": ("PIPNet-MNv2 s8 alone", "pipnet_mnv2_s8_300w", None, "none", None),
    "gania_pipnet_s8_seg": ("GAN-IA + PIPNet-MNv2 s8 (occluder segmenter)", "pipnet_mnv2_s8_300w", "gania_128", "segmentation", None),
    "gania_pipnet_s8_oracle": ("GAN-IA + PIPNet-MNv2 s8 (oracle masks)", "pipnet_mnv2_s8_300w", "gania_128", "oracle", None),
    "drn_det": ("BlazeFace + DRN alone", "drn_300w", None, "none", "blazeface_short"),
    "gania_drn_seg_det": ("BlazeFace + GAN-IA + DRN (occluder segmenter)", "drn_300w", "gania_128", "segmentation", "blazeface_short"),
    # the Landmarker's defaults: the short- and full-range BlazeFace as one detector, the stride-8 PIPNet
    "pipnet_det": ("BlazeFace short+full + PIPNet-MNv2 s8 alone", "pipnet_mnv2_s8_300w", None, "none", "blazeface_short+blazeface_full"),
    "gania_pipnet_seg_det": ("BlazeFace short+full + GAN-IA + PIPNet-MNv2 s8 (occluder segmenter; the Landmarker)", "pipnet_mnv2_s8_300w",
                             "gania_128", "segmentation", "blazeface_short+blazeface_full"),
    "dlib_own": ("dlib 68-pt, own HOG detector (peer)", "dlib", None, None, "dlib"),
    "dlib_box": ("dlib 68-pt, same boxes as BlazeFace (peer)", "dlib", None, None, "blazeface_short"),
}
SETS = ("occluded", "clean")


def data_sets():
    from zoo.data.test_sets import synthetic_helen_test
    from zoo.data import dataset_path

    return {"occluded": (synthetic_helen_test(0), "*"), "clean": (dataset_path("300w"), "helen_testset_*")}


def dlib_models():
    """dlib's HOG detector and 68-point predictor from the optional `bench` extra (`dlib-bin`,
    `face-recognition-models`); None when not installed."""
    try:
        import dlib
        import importlib.util

        spec = importlib.util.find_spec("face_recognition_models")
    except ImportError:
        return None
    if spec is None:
        return None
    path = os.path.join(os.path.dirname(spec.origin), "models", "shape_predictor_68_face_landmarks.dat")
    return dlib.get_frontal_face_detector(), dlib.shape_predictor(path)


def run_dlib(images, detector_kind):
    import dlib

    models = dlib_models()
    if models is None:
        return None
    hog, predictor = models
    det = None
    if detector_kind == "blazeface_short":
        from zoo.tasks import load

        det = load("blazeface_short", task="detector")
    preds, found = [], 0
    for img in images:
        h, w = img.shape[:2]
        rect = None
        if det is not None:
            faces = det.detect([img])[0]
            if faces:
                # dlib's predictor was trained on its detector's boxes: map BlazeFace's box to a
                # square of the same centre and size (its boxes are about the same scale)
                x0, y0, x1, y1 = faces[0]["box"]
                rect = dlib.rectangle(int(x0), int(y0), int(x1), int(y1))
        else:
            rects = hog(img, 1)
            if len(rects):
                rect = max(rects, key=lambda r: r.area())
        if rect is not None:
            found += 1
        else:
            rect = dlib.rectangle(int(w * 0.2), int(h * 0.2), int(w * 0.8), int(h * 0.8))  # fallback: the crop's centre
        shape = predictor(img, rect)
        preds.append([[p.x, p.y] for p in shape.parts()])
    return np.asarray(preds, np.float32), found / len(images)


def run_row(key, set_name, folder, pattern):
    from zoo.data.folders import scan_landmark_folder
    from zoo.metrics import nme
    from zoo.pipeline.evaluate import landmarker_predictions, read_mask
    from zoo.pipeline.landmarker import Landmarker
    from zoo.tasks import load

    label, regressor, restorer, occlusion, detector = ROWS[key]
    samples = scan_landmark_folder(folder, pattern).samples
    images = [s.load_image() for s in samples]
    target = np.stack([s.points for s in samples])
    t0 = time.perf_counter()
    stats = {}
    if regressor == "dlib":
        res = run_dlib(images, detector)
        if res is None:
            return None
        preds, stats["detector_find_rate"] = res
    elif restorer is None and detector is None:
        preds = load(regressor, task="regressor").predict_images(images)
    else:
        lm = Landmarker(detector=detector, regressor=regressor, restorer=restorer, occlusion=occlusion,
                        iterations=0 if restorer is None else 1)
        masks = None
        if occlusion == "oracle":
            masks = [read_mask(os.path.join(folder, "masks", f"{s.name}.png"), im.shape) for s, im in zip(samples, images)]
        preds, stats = landmarker_predictions(lm, images, masks)
    seconds = time.perf_counter() - t0
    per_image = nme(preds, target)
    return {"row": key, "label": label, "set": set_name, "per_image": per_image.tolist(),
            "ms_per_face": 1000 * seconds / len(images), **stats}


def summarize_row(r):
    from zoo.metrics import summarize

    s = summarize(np.asarray(r["per_image"]))
    return {"row": r["row"], "label": r["label"], "set": r["set"], "nme_%": 100 * s["nme"], "fr_0.10_%": 100 * s["fr_0.10"],
            "auc_0.10": s["auc_0.10"], **{k: r[k] for k in ("detector_find_rate", "faces_restored", "restored_components_per_face",
                                                             "ms_per_face") if k in r}}


def markdown(summary):
    by = {(r["row"], r["set"]): r for r in summary}
    lines = ["| method | occluded NME % | FR@0.10 % | AUC@0.10 | restored faces | clean NME % | FR@0.10 % | AUC@0.10 | restored faces | find rate (occl. / clean) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for key in ROWS:
        o, c = by.get((key, "occluded")), by.get((key, "clean"))
        if o is None and c is None:
            continue
        cell = lambda r, k, f: "-" if r is None or r.get(k) is None else f.format(r[k])  # noqa: E731
        find = "-"
        if (o or c or {}).get("detector_find_rate") is not None:
            find = f"{cell(o, 'detector_find_rate', '{:.1%}')} / {cell(c, 'detector_find_rate', '{:.1%}')}"
        stale = " (earlier measurement)" if any((r or {}).get("measured") for r in (o, c)) else ""
        lines.append(f"| {ROWS[key][0]}{stale} | {cell(o, 'nme_%', '{:.2f}')} | {cell(o, 'fr_0.10_%', '{:.1f}')} | {cell(o, 'auc_0.10', '{:.3f}')} | "
                     f"{cell(o, 'faces_restored', '{:.0%}')} | {cell(c, 'nme_%', '{:.2f}')} | {cell(c, 'fr_0.10_%', '{:.1f}')} | "
                     f"{cell(c, 'auc_0.10', '{:.3f}')} | {cell(c, 'faces_restored', '{:.0%}')} | {find} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", default=",".join(ROWS), help="comma-separated row keys")
    p.add_argument("--sets", default=",".join(SETS))
    p.add_argument("--fresh", action="store_true", help="ignore cached rows")
    p.add_argument("--update", action="store_true", help="re-measure only --rows (never from the cache); every other row as the last results "
                   "(benchmarks/results/table1.json) recorded it (e.g. dlib's, where the bench extra is not installed here)")
    p.add_argument("--readme", action="store_true", help="refresh the table between the table1 markers of docs/results.md")
    args = p.parse_args(argv)
    import keras

    from zoo.metrics import plot_ced
    from zoo.presets import list_presets

    os.makedirs(CACHE, exist_ok=True)
    sets = data_sets()
    results = []
    for key in args.rows.split(","):
        if key not in ROWS:
            raise SystemExit(f"unknown row {key!r}; rows: {', '.join(ROWS)}")
        _, regressor, restorer, occlusion, _ = ROWS[key]
        needed = (regressor, restorer, "occluder_seg_mnv2" if occlusion == "segmentation" else None)
        missing = [n for n in needed if n not in (None, "dlib") and n not in list_presets()]
        if missing:
            print(f"skip {key}: no preset {', '.join(missing)} here", flush=True)
            continue
        # the cache is keyed by the shipped weights too: a replaced preset is measured again
        from zoo.presets import preset_record

        stamp = "_".join(preset_record(n)["weights_sha256"][:8] for n in needed if n not in (None, "dlib"))
        for set_name in args.sets.split(","):
            path = os.path.join(CACHE, f"{key}__{set_name}__{stamp}.json")
            if os.path.isfile(path) and not (args.fresh or args.update):  # --update re-measures the rows it names
                with open(path) as f:
                    results.append(dict(json.load(f), label=ROWS[key][0]))
                continue
            r = run_row(key, set_name, *sets[set_name])
            if r is None:
                print(f"skip {key}: dlib-bin / face-recognition-models not installed (pip install -e '.[bench]')", flush=True)
                break
            r["backend"] = keras.backend.backend()
            atomic_write_json(path, r, indent=None)
            results.append(r)
            print(f"{key:<20} {set_name:<9} NME {100 * np.mean(r['per_image']):.2f}%", flush=True)
    summary = [summarize_row(r) for r in results]
    if args.update:
        with open(os.path.join(RESULTS, "table1.json")) as f:
            last = json.load(f)["rows"]
        fresh = {(r["row"], r["set"]) for r in summary}
        # rows kept from before; a kept row with a restorer is marked: the cascade may have changed since
        kept = [dict(r, measured=r.get("measured", "before this update")) if ROWS.get(r["row"], (None,) * 3)[2] else r
                for r in last if (r["row"], r["set"]) not in fresh]
        summary = kept + summary
    print_table(summary, ["label", "set", "nme_%", "fr_0.10_%", "auc_0.10", "faces_restored", "detector_find_rate", "ms_per_face"])
    os.makedirs(RESULTS, exist_ok=True)
    curves = {f"{r['label']} [{r['set']}]": np.asarray(r["per_image"]) for r in results if r["set"] == "occluded"}
    if curves:
        plot_ced(curves, os.path.join(RESULTS, "table1_ced.png"), title="CED, HELEN test with synthetic occlusion (SYNTHETIC)")
    md = markdown(summary)
    with open(os.path.join(RESULTS, "table1.md"), "w") as f:
        f.write(md)
    write_json("table1.json", {"benchmark": "table1", "machine": machine(), "backend": keras.backend.backend(),
                               "data": {"occluded": "HELEN test (230) with synthetic occlusion, seed 0 - SYNTHETIC",
                                        "clean": "the same 230 HELEN-test faces, clean"},
                               "rows": summary})
    if args.readme and not update_readme("table1", md):
        raise SystemExit("no table1 markers in docs/results.md or README.md")
    print(md)


if __name__ == "__main__":
    main()
