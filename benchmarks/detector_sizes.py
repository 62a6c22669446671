"""Face detectors by face size: find rate per landmark-box width, false positives on face-free
images, ms per image (issue 24).

The faces are the 230 staged HELEN-test crops (never trained on by any zoo model), pasted on drawn
face-free backgrounds (`zoo.data.composites`): `--composites` canvases of 900 x 600 px with 3-6
faces each, landmark boxes 24-360 px wide (log-uniform), half of them grey; plus `--full-frame`
photos where one face fills most of the frame (boxes 300-640 px); plus `--face-free` drawn images
with no face at all. A face is found when a detection's centre lies in its landmark box and the
detection is 0.5-2.5x as wide (`match_faces`); a detection matching no face is a false positive.

    python benchmarks/detector_sizes.py [--detectors blazeface_short,blazeface_full,blazeface_short+blazeface_full,...@tiles]
        [--composites 40] [--full-frame 20] [--face-free 40] [--min-face 0]

Prints a table and writes benchmarks/results/detector_sizes.json (and .md).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks._common import RESULTS, machine, print_table, update_readme, write_json  # noqa: E402

DETECTORS = "blazeface_short,blazeface_full,blazeface_short+blazeface_full,blazeface_short+blazeface_full@tiles"


def make_images(n_composites, n_full, n_free, seed=0):
    """`(images with faces [(image, true boxes)], face-free images)` of the benchmark, seeded."""
    from zoo.data import load_landmark_folder
    from zoo.data.composites import composite, face_free_image
    from zoo.data.paths import dataset_path

    samples = load_landmark_folder(dataset_path("300w"), "helen_testset_*")
    rng = np.random.default_rng(seed)
    with_faces = []
    for _ in range(n_composites):
        widths = np.exp(rng.uniform(np.log(24), np.log(360), int(rng.integers(3, 7))))
        with_faces.append(composite(rng, samples, widths))
    for _ in range(n_full):
        w = float(rng.uniform(300, 640))
        side = int(w * rng.uniform(1.3, 1.8))
        with_faces.append(composite(rng, samples, [w], height=side, width=side))
    free = [face_free_image(rng, int(rng.integers(300, 900)), int(rng.integers(300, 1200))) for _ in range(n_free)]
    return with_faces, free


def measure(detector, with_faces, free, min_face):
    from zoo.data.composites import match_faces, size_bin

    by_bin, fp_faces, seconds = {}, 0, 0.0
    for image, truth in with_faces:
        t0 = time.perf_counter()
        faces = detector.detect([image], min_face=min_face)[0]
        seconds += time.perf_counter() - t0
        found, unmatched = match_faces([f["box"] for f in faces], truth)
        fp_faces += unmatched
        for box, ok in zip(truth, found):
            b = size_bin(box[2] - box[0])
            hit, total = by_bin.get(b, (0, 0))
            by_bin[b] = (hit + int(ok), total + 1)
    fp_free = 0
    for image in free:
        t0 = time.perf_counter()
        fp_free += len(detector.detect([image], min_face=min_face)[0])
        seconds += time.perf_counter() - t0
    n_faces = sum(t for _, t in by_bin.values())
    return {
        "detector": detector.name,
        "found": sum(h for h, _ in by_bin.values()),
        "faces": n_faces,
        "by_width": {b: {"found": h, "faces": t, "rate": h / t} for b, (h, t) in by_bin.items()},
        "false_positives_per_image_with_faces": fp_faces / max(len(with_faces), 1),
        "false_positives_per_face_free_image": fp_free / max(len(free), 1),
        "face_free_images_with_a_detection": sum(1 for im in free if detector.detect([im], min_face=min_face)[0]),
        "ms_per_image": 1000 * seconds / (len(with_faces) + len(free)),
    }


def measure_box_adjust(reference, other, faces=120):
    """How `other`'s boxes map to `reference`'s convention, `[dx, dy, scale]` (centre shift in
    `other` box widths, side ratio): medians over 300-W *training* faces both detectors find."""
    from zoo.pipeline.calibration import training_faces
    from zoo.tasks import load

    ref, oth = load(reference, task="detector"), load(other, task="detector")
    rows = []
    for sample in training_faces(faces):
        image = sample.load_image()
        a, b = ref.detect([image])[0], oth.detect([image])[0]
        if a and b:
            A, B = np.asarray(a[0]["box"]), np.asarray(b[0]["box"])
            wb = B[2] - B[0]
            rows.append([*(((A[:2] + A[2:]) - (B[:2] + B[2:])) / 2 / wb), (A[2] - A[0]) / wb])
    med = np.median(np.asarray(rows), 0)
    return [round(float(v), 4) for v in med], len(rows)


def write_box_adjust(reference, other, faces=120):
    """Measure `other` -> `reference` and store it in `other`'s preset record (`box_adjust`)."""
    import json

    from zoo.presets import PRESET_DIR

    adjust, n = measure_box_adjust(reference, other, faces)
    path = os.path.join(PRESET_DIR, f"{other}.json")
    with open(path) as f:
        record = json.load(f)
    record.setdefault("box_adjust", {})[reference] = adjust
    record["box_adjust_about"] = (f"how this detector's boxes map to {reference}'s convention (centre moved by (dx, dy) box widths, "
                                  f"side scaled): medians over the {n} of {faces} 300-W training faces both found "
                                  f"(python benchmarks/detector_sizes.py --box-adjust {reference},{other}); "
                                  f"used by '{reference}+{other}'")
    with open(path, "w") as f:
        json.dump(record, f, indent=2)
        f.write("\n")
    print(f"{other} -> {reference}: box_adjust {adjust} ({n} faces); wrote {path}")
    return adjust


def markdown(rows, bins):
    head = "| detector | " + " | ".join(f"{b} px" for b in bins) + " | all | false pos. / image (faces, face-free) | ms / image |"
    lines = [head, "|" + " --- |" * (len(bins) + 4)]
    for r in rows:
        cells = []
        for b in bins:
            c = r["by_width"].get(b)
            cells.append(f"{c['found']}/{c['faces']} ({100 * c['rate']:.0f} %)" if c else "-")
        lines.append(f"| `{r['detector']}` | " + " | ".join(cells) + f" | {r['found']}/{r['faces']} ({100 * r['found'] / r['faces']:.0f} %) | "
                     f"{r['false_positives_per_image_with_faces']:.2f}, {r['false_positives_per_face_free_image']:.2f} | "
                     f"{r['ms_per_image']:.1f} |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--detectors", default=DETECTORS, help=f"comma-separated detector presets or '+'-combinations (default: {DETECTORS})")
    p.add_argument("--composites", type=int, default=40, help="900 x 600 canvases with 3-6 faces (default: 40)")
    p.add_argument("--full-frame", type=int, default=20, help="photos filled by one face (default: 20)")
    p.add_argument("--face-free", type=int, default=40, help="drawn images without faces (default: 40)")
    p.add_argument("--min-face", type=float, default=0, help="drop detections narrower than this (default: 0, keep all)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--readme", action="store_true", help="refresh the table between the detector-sizes markers of docs/results.md")
    p.add_argument("--box-adjust", metavar="REFERENCE,OTHER", help="measure how OTHER's boxes map to REFERENCE's on 300-W training "
                   "faces, store it in OTHER's preset record, and stop")
    p.add_argument("--out", default=RESULTS, help="folder for detector_sizes.json / .md (default: benchmarks/results)")
    args = p.parse_args(argv)
    if args.box_adjust:
        write_box_adjust(*args.box_adjust.split(","))
        return

    import keras

    from zoo.data.composites import SIZE_BINS, size_bin
    from zoo.tasks import load

    with_faces, free = make_images(args.composites, args.full_frame, args.face_free, args.seed)
    rows = []
    from zoo.tasks.face_detector import with_tiles

    for name in args.detectors.split(","):
        # NAME@tiles: the detector reading overlapping tiles too (`predict --small-faces`)
        det = load(name.split("@")[0], task="detector", trained=True)
        if name.endswith("@tiles"):
            det = with_tiles(det)
        det.detect([free[0]])  # warm-up
        rows.append(measure(det, with_faces, free, args.min_face))
    bins = [size_bin(lo) for lo, _ in SIZE_BINS]
    print_table([{"detector": r["detector"], **{b: f"{100 * r['by_width'][b]['rate']:.0f}%" if b in r["by_width"] else "-" for b in bins},
                  "all": f"{r['found']}/{r['faces']}", "fp_faces": round(r["false_positives_per_image_with_faces"], 2),
                  "fp_free": round(r["false_positives_per_face_free_image"], 2), "ms": round(r["ms_per_image"], 1)} for r in rows],
                ["detector", *bins, "all", "fp_faces", "fp_free", "ms"])
    md = markdown(rows, bins)
    payload = {"machine": machine(), "backend": keras.backend.backend(), "images_with_faces": len(with_faces),
               "face_free_images": len(free), "min_face": args.min_face, "seed": args.seed, "rows": rows, "markdown": md}
    os.makedirs(args.out, exist_ok=True)
    if os.path.abspath(args.out) == os.path.abspath(RESULTS):
        write_json("detector_sizes.json", payload)
    else:
        import json

        with open(os.path.join(args.out, "detector_sizes.json"), "w") as f:
            json.dump(payload, f, indent=1)
    with open(os.path.join(args.out, "detector_sizes.md"), "w") as f:
        f.write(md + "\n")
    if args.readme:
        update_readme("detector-sizes", md)
    print(md)


if __name__ == "__main__":
    main()
