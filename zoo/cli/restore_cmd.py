"""`python -m zoo restore IMAGE --mask MASK --restorer NAME --out OUT.png [--no-blend]`."""

import os


def add_parser(sub):
    p = sub.add_parser("restore", help="restore the occluded region of a face with a restorer (GAN-IA, autoencoder)")
    p.add_argument("image")
    p.add_argument("--mask", required=True, help="PNG of the image's size, white (255) where occluded")
    p.add_argument("--restorer", required=True, help="a preset name, a .keras file or a run folder's generator.weights.h5")
    p.add_argument("--out", required=True, help="output PNG: the image with the masked region restored")
    p.add_argument("--no-blend", action="store_true", help="skip Poisson blending")
    p.add_argument("--box", help="face box X,Y,W,H in pixels: the restorer sees the square around it (default: the "
                   "whole image, padded to a square)")
    p.set_defaults(func=run)


def resolve_restorer(name):
    """A restorer model from a preset name, a `.keras` file, or a training run (its folder or
    its `generator.weights.h5`, next to the run's `config.json`)."""
    import keras

    from zoo.presets import list_presets, load_preset

    if name in list_presets():
        model = load_preset(name)
    elif os.path.isfile(name) and name.endswith(".keras"):
        model = keras.saving.load_model(name)
    elif os.path.isdir(name) or os.path.basename(name) == "generator.weights.h5":
        model = _from_run(name if os.path.isdir(name) else os.path.dirname(name) or ".")
    else:
        raise KeyError(f"No restorer {name!r}: not a preset ({', '.join(list_presets()) or 'none'}), "
                       f"a .keras file nor a restorer run folder")
    if not isinstance(model.output, dict) or "restored" not in model.output:
        raise ValueError(f"{name!r} is a {type(model).__name__}, not a restorer (no 'restored' output); "
                         f"restorer presets: {', '.join(list_presets(task='restorer')) or 'none'}")
    return model


def _from_run(run_dir):
    import json

    from zoo import registry
    from zoo.presets import load_weights_strict

    cfg_path, weights = os.path.join(run_dir, "config.json"), os.path.join(run_dir, "generator.weights.h5")
    for path in (cfg_path, weights):
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{path}: not found (a restorer run folder holds config.json and generator.weights.h5)")
    with open(cfg_path) as f:
        config = json.load(f)
    if config.get("task") != "restorer":
        raise ValueError(f"{cfg_path}: task {config.get('task')!r} is not a restorer run")
    model = registry.create_model(config["generator"], **config.get("generator_kwargs", {}))
    return load_weights_strict(model, weights)


def run(args):
    from zoo.data.image_io import read_image, write_image
    from zoo.pipeline.restore import restore_images

    image = read_image(args.image)
    mask = read_image(args.mask, color="gray")
    if mask.shape != image.shape[:2]:
        raise ValueError(f"{args.mask}: mask is {mask.shape[1]}x{mask.shape[0]}, image is {image.shape[1]}x{image.shape[0]}")
    box = None
    if args.box:
        try:
            box = tuple(float(v) for v in args.box.split(","))
        except ValueError:
            box = ()
        if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
            raise ValueError(f"--box must be X,Y,W,H with positive W and H. Received: {args.box!r}")
    model = resolve_restorer(args.restorer)
    (out,) = restore_images(model, [image], [mask > 127], blend=not args.no_blend, boxes=[box])
    write_image(args.out, out)
    print(f"restored {int((mask > 127).sum())} pixels -> {args.out}")
    return 0
