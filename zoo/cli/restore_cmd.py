"""`python -m zoo restore IMAGE --mask MASK --restorer NAME --out OUT.png [--no-blend]`."""

from zoo.cli.checks import box as box_type
from zoo.cli.checks import output_file

OUT_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp")


def add_parser(sub):
    p = sub.add_parser("restore", help="restore the occluded region of a face with a restorer (GAN-IA, autoencoder)")
    p.add_argument("image")
    p.add_argument("--mask", required=True, help="PNG of the image's size, white (255) where occluded")
    p.add_argument("--restorer", required=True, help="a preset name, a .keras file or a run folder's generator.weights.h5")
    p.add_argument("--out", required=True, help=f"output image ({', '.join(OUT_EXTENSIONS)}): the image with the masked region restored")
    p.add_argument("--no-blend", action="store_true", help="skip Poisson blending")
    p.add_argument("--box", type=box_type, help="face box X,Y,W,H in pixels: the restorer sees the square around it (default: the "
                   "whole image, padded to a square)")
    p.set_defaults(func=run)


def run(args):
    from zoo.data.image_io import read_image, write_image
    from zoo.pipeline.restore import resolve_restorer, restore_images

    import os

    output_file(args.out, extensions=OUT_EXTENSIONS)
    if os.path.realpath(args.out) in (os.path.realpath(args.image), os.path.realpath(args.mask)):
        raise ValueError(f"--out {args.out}: would overwrite an input")
    image = read_image(args.image)
    mask = read_image(args.mask, color="gray")
    if mask.shape != image.shape[:2]:
        raise ValueError(f"{args.mask}: mask is {mask.shape[1]}x{mask.shape[0]}, image is {image.shape[1]}x{image.shape[0]}")
    box = args.box
    if box is not None:
        x, y, w, h = box
        if x >= image.shape[1] or y >= image.shape[0] or x + w <= 0 or y + h <= 0:
            raise ValueError(f"--box {x:g},{y:g},{w:g},{h:g} lies outside the {image.shape[1]}x{image.shape[0]} image")
    model = resolve_restorer(args.restorer)
    (out,) = restore_images(model, [image], [mask > 127], blend=not args.no_blend, boxes=[box])
    write_image(args.out, out)
    print(f"restored {int((mask > 127).sum())} pixels -> {args.out}")
    return 0
