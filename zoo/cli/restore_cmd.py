"""`python -m zoo restore IMAGE --mask MASK --restorer NAME --out OUT.png [--no-blend]`."""

import os


def add_parser(sub):
    p = sub.add_parser("restore", help="restore the occluded region of a face with a restorer (GAN-IA, autoencoder)")
    p.add_argument("image")
    p.add_argument("--mask", required=True, help="PNG of the image's size, white (255) where occluded")
    p.add_argument("--restorer", required=True, help="a preset name, a .keras file or a run folder's generator.weights.h5")
    p.add_argument("--out", required=True, help="output PNG: the image with the masked region restored")
    p.add_argument("--no-blend", action="store_true", help="skip Poisson blending")
    p.set_defaults(func=run)


def resolve_restorer(name):
    import keras

    from zoo.presets import list_presets, load_preset

    if name in list_presets():
        return load_preset(name)
    if os.path.isfile(name) and name.endswith(".keras"):
        return keras.saving.load_model(name)
    raise KeyError(f"No restorer {name!r}: not a preset ({', '.join(list_presets()) or 'none'}) nor a .keras file")


def run(args):
    from zoo.data.image_io import read_image, write_image
    from zoo.pipeline.restore import restore_images

    image = read_image(args.image)
    mask = read_image(args.mask, color="gray")
    if mask.shape != image.shape[:2]:
        raise ValueError(f"{args.mask}: mask is {mask.shape[1]}x{mask.shape[0]}, image is {image.shape[1]}x{image.shape[0]}")
    model = resolve_restorer(args.restorer)
    (out,) = restore_images(model, [image], [mask > 127], blend=not args.no_blend)
    write_image(args.out, out)
    print(f"restored {int((mask > 127).sum())} pixels -> {args.out}")
    return 0
