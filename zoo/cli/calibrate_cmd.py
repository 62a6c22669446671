"""`python -m zoo calibrate [--faces N] [--restorers A,B] [--segmenters S] ...`: re-measure the
Landmarker's calibration on training faces (`zoo.pipeline.calibration`)."""


def _names(text):
    return tuple(n for n in text.split(",") if n)


def add_parser(sub):
    p = sub.add_parser("calibrate", help="re-measure the Landmarker's calibration on 300-W training faces (never HELEN test)")
    p.add_argument("--faces", type=int, default=160, help="training faces to use (default: 160)")
    p.add_argument("--detector", default="blazeface_short", help="detector preset (default: blazeface_short)")
    p.add_argument("--regressor", default="drn_300w", help="the shapes the residual is measured on (default: drn_300w)")
    p.add_argument("--restorers", default="gania_128,autoencoder_128",
                   help="restorer presets (or run folders) to calibrate (default: gania_128,autoencoder_128)")
    p.add_argument("--hole", type=float, default=None,
                   help="margin of the restored hole around each component, x face size (default: zoo.data.components.COMPONENT_DILATE)")
    p.add_argument("--confidence-regressors", default="", help="heatmap regressor presets to calibrate for occlusion='confidence'")
    p.add_argument("--segmenters", default="", help="occluder segmenter presets to calibrate for occlusion='segmentation' "
                   "(on the faces their recipe held out)")
    p.add_argument("--restoration", default="", help="regressor presets to measure, per component, what restoring gains "
                   "(on the 300-W validation faces; decides which components the Landmarker restores for each)")
    p.add_argument("--restoration-restorer", default="gania_128", help="restorer for --restoration (default: gania_128)")
    p.add_argument("--segmenter", default="occluder_seg_mnv2", help="segmenter the cascade decides with in --restoration "
                   "(default: occluder_seg_mnv2)")
    p.add_argument("--skip-detector", action="store_true", help="keep the recorded detector calibration")
    p.add_argument("--clean-fpr", type=float, default=0.03, help="share of clean components allowed above the threshold (default: 0.03)")
    p.add_argument("--out", help="calibration file to write (default: the package's zoo/pipeline/landmarker_calibration.json)")
    p.add_argument("--dry-run", action="store_true", help="print, write nothing")
    p.set_defaults(func=run)


def run(args):
    from zoo.data.components import COMPONENT_DILATE
    from zoo.pipeline.calibration import CALIBRATION_PATH, calibrate

    if args.hole is None:
        args.hole = COMPONENT_DILATE

    calibrate(faces=args.faces, detector=args.detector, regressor=args.regressor, restorers=_names(args.restorers), hole=args.hole,
              confidence_regressors=_names(args.confidence_regressors), segmenters=_names(args.segmenters),
              skip_detector=args.skip_detector, clean_fpr=args.clean_fpr, path=args.out or CALIBRATION_PATH, dry_run=args.dry_run,
              log=lambda *a: print(*a, flush=True), restoration=_names(args.restoration),
              restoration_restorer=args.restoration_restorer, segmenter=args.segmenter)
    return 0
