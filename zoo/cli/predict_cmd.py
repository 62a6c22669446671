"""`python -m zoo predict IMAGE_OR_DIR... --out DIR` and `python -m zoo predict --demo --out DIR`:
occlusion-robust landmarks for every face of every image, a JSON and a picture per image."""

import os
import sys

from zoo.cli.checks import non_negative_int, output_folder, positive_int, unit_float
from zoo.io import atomic_write_json

PREDICT_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff")


def add_parser(sub):
    from zoo.pipeline.options import LANDMARKER_DEFAULTS, OCCLUSION_MODES

    d = LANDMARKER_DEFAULTS  # the Landmarker's defaults (its signature takes them from zoo.pipeline.options)
    p = sub.add_parser("predict", help="68-point landmarks of every face in images (detect, restore occlusions, regress)")
    p.add_argument("inputs", nargs="*", metavar="IMAGE_OR_DIR", help="image files and/or folders of images")
    p.add_argument("--out", required=True, help="output folder: <stem>.json and <stem>.png per image")
    p.add_argument("--demo", action="store_true", help="run on the shipped demo photo (a public-domain face with a drawn mask)")
    p.add_argument("--regressor", default=d["regressor"], help=f"regressor preset, .keras file or run folder (default: {d['regressor']})")
    p.add_argument("--restorer", default=d["restorer"], help=f"restorer preset, .keras, run folder, or 'none' (default: {d['restorer']})")
    p.add_argument("--detector", default=d["detector"], help=f"detector preset, presets joined by '+' (one NMS over both: "
                   f"blazeface_short+blazeface_full finds near and far faces), or 'none': the whole image is the face (default: {d['detector']})")
    p.add_argument("--occlusion", default=d["occlusion"], choices=[m for m in OCCLUSION_MODES if m != "oracle"],
                   help=f"how occluded components are found (default {d['occlusion']}: the occluder segmenter; without one the "
                        "regressor's heatmap confidence where it has one, else the restoration residual)")
    p.add_argument("--segmenter", default=d["segmenter"], help=f"occluder segmenter preset for --occlusion segmentation "
                   f"(default: {d['segmenter']})")
    p.add_argument("--iterations", type=non_negative_int, default=d["iterations"],
                   help=f"restore-and-regress rounds, 0: the regressor alone (default: {d['iterations']})")
    p.add_argument("--threshold", type=unit_float, default=d["threshold"],
                   help=f"occlusion score above which a component is restored (default: {d['threshold']})")
    p.add_argument("--small-faces", action="store_true",
                   help="also read each image in overlapping tiles (2x2 and 3x3 grids) with the full-range detector: faces down to "
                        "about 3 %% of the image's side, at several times the detection cost (default: off; whole image only)")
    p.add_argument("--flip", action="store_true", help="test-time flip averaging (default: off)")
    p.add_argument("--batch-size", type=positive_int, default=8, help="images per Landmarker call (default: 8)")
    p.set_defaults(func=run)


def _expand(inputs):
    """(path, None) for every image to process, (path, reason) for what cannot be."""
    out = []
    for item in inputs:
        if os.path.isdir(item):
            names = sorted(n for n in os.listdir(item) if n.lower().endswith(PREDICT_EXTENSIONS) and not n.startswith("."))
            if not names:
                out.append((item, "no image files in this folder"))
            out.extend((os.path.join(item, n), None) for n in names)
        elif os.path.exists(item):
            out.append((item, None))
        else:
            out.append((item, "no such file or folder"))
    return out


def output_stems(paths):
    """One output name per input: its file stem where that is unique among the inputs, else its
    path relative to the inputs' common folder, extension kept, folders joined by `__`
    (`dirA/face.jpg` -> `dirA__face.jpg`), so two inputs never share an output."""
    stems = [os.path.splitext(os.path.basename(p))[0] for p in paths]
    if len(set(stems)) == len(stems):
        return stems
    parent = os.path.commonpath([os.path.dirname(os.path.abspath(p)) for p in paths])
    rel = [os.path.relpath(os.path.abspath(p), parent).replace(os.sep, "__") for p in paths]
    counts = {s: stems.count(s) for s in stems}
    return [r if counts[s] > 1 else s for s, r in zip(stems, rel)]


def no_face_note(detector, image):
    """Why an image has no face: none found, or only ones narrower than the detector's minimum."""
    small = detector.detect([image], min_face=0)[0]
    if small:
        widths = ", ".join(f"{f['box'][2] - f['box'][0]:.0f}" for f in small)
        return f"no face large enough: found {len(small)} narrower than {detector.min_face:.0f} px ({widths} px)"
    return "no face found"


def face_record(face):
    return {
        "box": [round(float(v), 2) for v in face["box"]],
        "score": None if face["score"] is None else round(float(face["score"]), 4),
        "landmarks": [[round(float(x), 2), round(float(y), 2)] for x, y in face["landmarks"]],
        "occlusion": {k: round(float(v), 4) for k, v in face["occlusion"].items()},
        "occluded": dict(face["occluded"]),
        "restoration": dict(face.get("restoration", {"restored": [], "reason": "not recorded"})),
    }


def run(args):
    import numpy as np

    from zoo.data.image_io import read_image, write_image
    from zoo.pipeline.landmarker import Landmarker
    from zoo.pipeline.render import render_prediction

    if not args.demo and not args.inputs:
        raise ValueError("give images or folders to predict on, or --demo")
    output_folder(args.out)
    items = [] if args.demo else [(path, None, reason) for path, reason in _expand(args.inputs)]
    names = dict(zip([p for p, _, r in items if r is None], output_stems([p for p, _, r in items if r is None])))
    inputs = {os.path.realpath(p) for p in names}
    for path, stem in names.items():  # before any model loads
        for ext in (".json", ".png"):
            if os.path.realpath(os.path.join(args.out, stem + ext)) in inputs:
                raise ValueError(f"--out {args.out}: writing {stem + ext} would overwrite an input image; choose another folder")
    detector = args.detector
    if args.small_faces and detector not in (None, "none"):
        from zoo.tasks import load
        from zoo.tasks.face_detector import with_tiles

        detector = with_tiles(load(detector, task="detector", trained=True))
    lm = Landmarker(detector=detector, regressor=args.regressor, restorer=args.restorer, occlusion=args.occlusion,
                    iterations=args.iterations, threshold=args.threshold, flip=args.flip, segmenter=args.segmenter)
    meta = {"regressor": args.regressor, "restorer": args.restorer, "detector": args.detector, "occlusion": args.occlusion,
            "iterations": args.iterations}
    if args.demo:
        from zoo.data.demo import DEMO_IMAGE, demo_image

        items = [("demo", demo_image(occluded=True), None)]
        names = {"demo": "demo"}
        write_image(os.path.join(args.out, "demo_input.png"), items[0][1])
        meta["source"] = f"{DEMO_IMAGE} (public domain, see zoo/assets/NOTICE.md) + a procedurally drawn face mask"
    import time

    failed, done, n_faces, seconds = [], 0, 0, 0.0
    from zoo.cli.progress import Progress

    progbar = Progress(len(items)) if len(items) > 1 else None
    batch = []

    def run_batch(items):
        """The Landmarker on a batch; where the batch fails, image by image (one image's failure
        never abandons the others)."""
        try:
            return list(zip(items, lm([b[1] for b in items], return_restored=True)))
        except Exception:  # noqa: BLE001
            if len(items) == 1:
                raise
        out = []
        for item in items:
            try:
                out.append((item, lm([item[1]], return_restored=True)[0]))
            except Exception as e:  # noqa: BLE001
                failed.append((item[0], f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"))
        return out

    def flush():
        nonlocal done, n_faces, seconds
        if not batch:
            return
        t0 = time.perf_counter()
        n_failed = len(failed)
        try:
            results = run_batch(list(batch))
        except Exception as e:  # noqa: BLE001  (a single image that fails)
            failed.append((batch[0][0], f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"))
            results = []
        spent = time.perf_counter() - t0
        seconds += spent
        if progbar is not None and len(failed) > n_failed:
            progbar.update(images=len(failed) - n_failed, failed=len(failed) - n_failed)
        n_faces += sum(len(faces) for _, faces in results)
        for (path, image, stem), faces in results:
            record = {"image": path, "size": [int(image.shape[1]), int(image.shape[0])], **meta,
                      "faces": [face_record(f) for f in faces]}
            if not faces and lm.detector is not None:
                record["note"] = no_face_note(lm.detector, image)
            atomic_write_json(os.path.join(args.out, f"{stem}.json"), record, indent=None)
            write_image(os.path.join(args.out, f"{stem}.png"), render_prediction(image, faces))
            done += 1
            if progbar is not None:
                progbar.update(images=1, faces=len(faces), seconds=spent / max(len(results), 1))
        batch.clear()

    for path, image, reason in items:
        if reason is None and image is None:
            try:
                image = read_image(path)
            except Exception as e:  # noqa: BLE001  (a decoder's own errors too: the other images go on)
                reason = (str(e).splitlines() or [type(e).__name__])[0].replace(f"{path}: ", "")
        if reason is not None:
            failed.append((path, reason))
            if progbar is not None:
                progbar.update(images=1, failed=1)
            continue
        batch.append((path, np.ascontiguousarray(image), names[path]))
        if len(batch) >= args.batch_size:
            flush()
    flush()
    if progbar is not None:
        progbar.close()
    for path, reason in failed:
        print(f"failed: {path}: {reason}", file=sys.stderr)
    if args.demo:
        print(f"demo: {os.path.join(args.out, 'demo.png')} and {os.path.join(args.out, 'demo.json')} "
              f"(input: {os.path.join(args.out, 'demo_input.png')})")
    else:
        per_face = f"{1000.0 * seconds / n_faces:.0f} ms/face (the first batch includes the warm-up)" if n_faces else "no faces"
        print(f"{done + len(failed)} images, {n_faces} faces, {len(failed)} failed, {per_face}; written to {args.out}")
    return 1 if failed else 0
