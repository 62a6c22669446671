"""Restoring occluded regions of a face with a trained restorer (GAN-IA or the autoencoder),
with optional Poisson blending (`cv2.seamlessClone`), as the seed post-processes."""

import os

import cv2
import keras
import numpy as np


def poisson_blend(image, restored, mask, margin=3):
    """Blend the masked region of `restored` into `image` by Poisson editing (OpenCV's
    `seamlessClone`, NORMAL_CLONE), as the seed post-processes GAN-IA's output.

    Inside the mask the result keeps the gradients of `restored` and meets the pixels of `image`
    around the mask, so colour and brightness offsets of the restorer vanish at the seam. The
    pixels of `image` inside the mask (the occluder) never reach the result; pixels outside the
    mask are returned unchanged.

    Args:
        image: `(H, W, 3)` uint8 RGB, the occluded input.
        restored: `(H, W, 3)` uint8 RGB, the restorer's whole output at the image's size (its
            gradients guide the fill, so pass the full output, not a composite with a seam).
        mask: `(H, W)`, nonzero = occluded.
        margin: pixels the guidance region extends beyond the mask (OpenCV erodes the region it
            is given; with less than ~3 px the occluder's edge leaks back in).
    """
    m = np.asarray(mask) > 0
    if not m.any():
        return image.copy()
    if restored.shape != image.shape or m.shape != image.shape[:2]:
        raise ValueError(f"image {image.shape}, restored {restored.shape} and mask {m.shape} must have the same size")
    dst = image.copy()
    dst[m] = restored[m]  # the occluder's pixels must not guide the solve (its edges would leak back)
    k = 2 * int(margin) + 1
    region = cv2.dilate(m.astype(np.uint8), np.ones((k, k), np.uint8)) * 255
    region[0, :] = region[-1, :] = 0  # seamlessClone needs the region away from the border
    region[:, 0] = region[:, -1] = 0
    if not region.any():
        return dst
    ys, xs = np.nonzero(region)
    x0, x1, y0, y1 = xs.min(), xs.max(), ys.min(), ys.max()
    center = (int((x0 + x1 + 1) // 2), int((y0 + y1 + 1) // 2))
    src = cv2.cvtColor(np.ascontiguousarray(restored), cv2.COLOR_RGB2BGR)
    dst_bgr = cv2.cvtColor(np.ascontiguousarray(dst), cv2.COLOR_RGB2BGR)
    # seamlessClone writes into the mask it is given (seen with OpenCV 5.0): pass a copy.
    out = cv2.cvtColor(cv2.seamlessClone(src, dst_bgr, region.copy(), center, cv2.NORMAL_CLONE), cv2.COLOR_BGR2RGB)
    out[~m] = image[~m]
    return out


def restore_images(model, images, masks, blend=True, batch_size=8, boxes=None):
    """Restore the masked pixels of each image with a restorer model (or `Restorer` task):
    `zoo.tasks.Restorer(model).restore(...)`, kept as the functional entry point."""
    from zoo.tasks import Restorer

    task = model if isinstance(model, Restorer) else Restorer(model)
    return task.restore(images, masks, blend=blend, batch_size=batch_size, boxes=boxes)


def inpainting_metrics(clean, restored, masks):
    """Mean PSNR (dB), SSIM and L1 of `restored` against `clean`, inside each mask.

    Args:
        clean, restored: lists of `(H, W, 3)` uint8 images (pairwise the same size).
        masks: list of `(H, W)` arrays, nonzero = the region that was occluded.
    Returns: `{"n", "psnr_mask_db", "ssim_mask", "l1_mask"}`.
    """
    from zoo.metrics import l1, psnr, ssim

    if not (len(clean) == len(restored) == len(masks)) or not clean:
        raise ValueError(f"need as many clean, restored and masks (>0); got {len(clean)}, {len(restored)}, {len(masks)}")
    rows = [(psnr(c, r, mask=m > 0), ssim(c, r, mask=m > 0), l1(c, r, mask=m > 0)) for c, r, m in zip(clean, restored, masks)]
    p, s, e = (float(np.mean(v)) for v in zip(*rows))
    return {"n": len(clean), "psnr_mask_db": p, "ssim_mask": s, "l1_mask": e}


def resolve_restorer(name):
    """A restorer model from a preset name, a `.keras` file, or a training run (its folder or its
    `generator.weights.h5`, next to the run's `config.json`): `zoo.load(name, task="restorer").model`."""
    from zoo.tasks import load

    return load(name, task="restorer").model


def restorer_from_run(run_dir):
    """The generator of a restorer training run (`python -m zoo train <restorer recipe>`),
    built from the run's `config.json` and loaded strictly from its `generator.weights.h5`."""
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
