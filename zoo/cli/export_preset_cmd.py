"""`python -m zoo export-preset RUN --name NAME [--description TEXT] [--no-measure]`."""


def add_parser(sub):
    p = sub.add_parser("export-preset", help="ship a finished training run as a preset (weights + measured record)")
    p.add_argument("run", help="a finished run folder (python -m zoo train ... --out RUN)")
    p.add_argument("--name", required=True, help="the preset's name (an existing preset of that name is replaced)")
    p.add_argument("--description", help="one line for `python -m zoo list` (default: model and recipe)")
    p.add_argument("--presets-dir", help="where to write (default: the installed package's zoo/presets)")
    p.add_argument("--where", help="where the run trained, for the record (default: this machine's CPU)")
    p.add_argument("--no-measure", action="store_true", help="skip the held-out test sets (a record without metrics)")
    p.set_defaults(func=run)


def run(args):
    import os

    import keras

    from zoo.pipeline.measure import MEASURES
    from zoo.presets import PRESET_DIR
    from zoo.runs import CONFIG, read_json, run_task
    from zoo.training.export import export_run

    task = run_task(read_json(os.path.join(args.run, CONFIG)))
    rec = export_run(args.run, args.name, args.description, measure=None if args.no_measure else MEASURES[task],
                     presets_dir=args.presets_dir or PRESET_DIR, where=args.where)
    print(f"{rec['name']}: exported from {args.run} (backend {keras.backend.backend()})")
    for key, m in rec["metrics"].items():
        if task == "regressor":
            print(f"  {key:<40} NME {m['nme']:.4f}  FR@0.10 {m['fr_0.10']:.3f}  AUC@0.10 {m['auc_0.10']:.3f}  (n={m['n']})")
        elif task == "restorer":
            for k, v in m.items():
                if isinstance(v, dict):
                    print(f"  {k:<24} PSNR {v['psnr_mask_db']:.2f} dB  SSIM {v['ssim_mask']:.3f}  L1 {v['l1_mask']:.2f}")
        else:
            print(f"  {key}: IoU {m['mask_iou']}, component AUC {m['component_auc']}, clean faces flagged {m['clean_faces_flagged']}")
    return 0
