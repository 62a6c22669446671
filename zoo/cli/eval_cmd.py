"""`python -m zoo eval --data DIR --regressor NAME --out OUT [--save-predictions]`."""


from zoo.cli.checks import non_negative_int, output_folder, positive_int


def add_parser(sub):
    from zoo.pipeline.options import LANDMARKER_DEFAULTS, OCCLUSION_MODES

    d = LANDMARKER_DEFAULTS
    p = sub.add_parser("eval", help="evaluate a landmark regressor on a folder of face crops + .pts")
    p.add_argument("--data", required=True, help="folder of face crops with same-stem .pts files")
    p.add_argument("--regressor", required=True, help="a preset, a registered model, or a .keras file")
    p.add_argument("--out", required=True, help="output folder: metrics.json, per_image.csv, ced.png")
    p.add_argument("--pattern", default="*", help="glob on file names (default: all)")
    p.add_argument("--batch-size", type=positive_int, default=32, help="faces per batch (default: 32)")
    p.add_argument("--save-predictions", action="store_true", help="write OUT/predictions/<stem>.pts")
    p.add_argument("--flip", action="store_true", help="test-time flip augmentation (average with the mirrored crop)")
    p.add_argument("--restorer", default="none", help="restorer preset / .keras / run folder: evaluate the restore-and-regress "
                   "cascade (default none: the regressor alone)")
    p.add_argument("--detector", default="none", help="detector preset: find the face first (default none: the crop is the face)")
    p.add_argument("--occlusion", default=d["occlusion"], choices=list(OCCLUSION_MODES),
                   help=f"cascade: how occluded components are found (oracle: DIR/masks/<stem>.png; default: {d['occlusion']})")
    p.add_argument("--segmenter", default=d["segmenter"],
                   help=f"cascade: occluder segmenter preset for --occlusion segmentation (default: {d['segmenter']})")
    p.add_argument("--iterations", type=non_negative_int, default=d["iterations"], help=f"cascade: restore-and-regress rounds (default: {d['iterations']})")
    p.add_argument("--recrop", type=non_negative_int, default=None,
                   help="rounds of re-cropping around the predicted shape with the regressor's framing, then regressing again "
                        "(default: 0 on a given crop, 1 after a detector)")
    p.set_defaults(func=run)


def run(args):
    from zoo.pipeline import evaluate_folder, resolve_regressor

    import os

    if not os.path.isdir(args.data):
        raise FileNotFoundError(f"--data {args.data}: no such folder")
    output_folder(args.out)
    if args.restorer != "none" or args.detector != "none" or args.recrop is not None:
        from zoo.pipeline.landmarker import Landmarker

        restoring = args.restorer != "none"  # without a restorer there is nothing to decide or restore
        model = Landmarker(detector=args.detector, regressor=args.regressor, restorer=args.restorer,
                           occlusion=args.occlusion if restoring else "none", iterations=args.iterations if restoring else 0,
                           flip=args.flip, segmenter=args.segmenter, recrop=args.recrop)
    else:
        model = resolve_regressor(args.regressor)
    m, _ = evaluate_folder(model, args.data, args.out, args.pattern, args.batch_size, args.save_predictions, label=args.regressor,
                          flip=args.flip)
    keys = ["n", "nme", "nme_median", "fr_0.08", "auc_0.08", "fr_0.10", "auc_0.10", "nme_visible_points", "nme_occluded_points",
            "detector_find_rate", "faces_restored", "restored_components_per_face", "ms_per_face"]
    print(f"{'metric':<22}value")
    for k in keys:
        if k in m:
            v = m[k]
            print(f"{k:<22}{v if isinstance(v, int) else f'{v:.4f}'}")
    print(f"wrote {args.out}/metrics.json")
    return 0
